"""config.toml is the user's file (issue 11, part B): saving settings keeps
what it does not manage, the file and its folder are private from the
start, and the passphrase may live in the OS keyring instead."""

from __future__ import annotations

import os
import stat

import pytest
from portable import posix_modes

from coachtui.base import config as cfgmod
from coachtui.base.config import load_config

HAND_WRITTEN = """\
# My notes about this laptop: keep them.
device_name = "Maths office"   # named in bundles
future_option = "kept"         # a key this version does not know

[printer]
name = "staff room"
"""


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- B4: saving keeps what it does not manage ---------------------------------------


def test_update_config_changes_only_the_given_keys(ctx):
    path = ctx.paths.config
    path.write_text(HAND_WRITTEN + "", encoding="utf-8")
    fresh = cfgmod.update_config(ctx.paths, {"home_site": "North", "join_minutes": 25})
    text = path.read_text(encoding="utf-8")
    for kept in ("# My notes about this laptop: keep them.", 'device_name = "Maths office"   # named in bundles',
                 'future_option = "kept"         # a key this version does not know', "[printer]",
                 'name = "staff room"'):
        assert kept in text
    assert (fresh.home_site, fresh.join_minutes, fresh.device_name) == ("North", 25, "Maths office")
    # New keys go with the others, before the first table (else TOML would put them in it).
    assert text.index('home_site = "North"') < text.index("[printer]")
    assert "passphrase" not in text and "theme" not in text  # not given: not written
    assert load_config(ctx.paths) == fresh


def test_update_config_refuses_a_file_that_is_not_toml_and_changes_nothing(ctx):
    path = ctx.paths.config
    path.write_text('passphrase = "half typed\n', encoding="utf-8")
    with pytest.raises(cfgmod.ConfigError, match="not valid TOML") as err:
        cfgmod.update_config(ctx.paths, {"theme": "textual-light"})
    assert "\n" not in str(err.value)
    assert path.read_text(encoding="utf-8") == 'passphrase = "half typed\n'


@pytest.fixture
def seed(ctx):
    ctx.paths.config.write_text(HAND_WRITTEN, encoding="utf-8")


async def test_settings_save_keeps_a_passphrase_written_by_hand_meanwhile(app, ctx):
    path = ctx.paths.config
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # While the app runs, the user puts the passphrase (and a longer join) into the file.
        path.write_text(HAND_WRITTEN.replace("future_option", 'passphrase = "by hand"\njoin_minutes = 30\nfuture_option'),
                        encoding="utf-8")
        await pilot.press("f9")
        await pilot.pause()
        app.screen.query_one("#home_site").value = "North"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "RosterScreen"
        # The app now holds what the file holds, and the form's change.
        assert (app.config.passphrase, app.config.join_minutes, app.config.home_site) == ("by hand", 30, "North")
        assert app.ctx.config is app.config
    text = path.read_text(encoding="utf-8")
    assert 'passphrase = "by hand"' in text and "join_minutes = 30" in text and 'home_site = "North"' in text
    assert "# My notes about this laptop: keep them." in text and 'future_option = "kept"' in text
    assert "[printer]" in text and "coach_load_limit" not in text


async def test_theme_toggle_keeps_the_rest_of_the_file(app, ctx):
    path = ctx.paths.config
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        path.write_text(HAND_WRITTEN.replace("future_option", 'passphrase = "by hand"\nfuture_option'),
                        encoding="utf-8")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.config.passphrase == "by hand"
    text = path.read_text(encoding="utf-8")
    assert 'theme = "textual-light"' in text and 'passphrase = "by hand"' in text
    assert "# My notes about this laptop: keep them." in text and 'future_option = "kept"' in text


async def test_a_broken_file_at_save_time_is_one_line_and_left_alone(app, ctx):
    path = ctx.paths.config
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        path.write_text("device_name = [oops\n", encoding="utf-8")
        await pilot.press("f9")
        await pilot.pause()
        app.screen.query_one("#home_site").value = "North"
        await pilot.press("ctrl+s")
        await pilot.pause()
        notes = [n.message for n in app._notifications]
        assert any("not saved" in m and "not valid TOML" in m and "\n" not in m for m in notes), notes
        assert app.config.home_site == ""
        await pilot.press("ctrl+t")
        await pilot.pause()
    assert path.read_text(encoding="utf-8") == "device_name = [oops\n"


# --- B5: private from creation; the passphrase in the OS keyring ---------------------------


@posix_modes
def test_config_file_and_folder_are_private_from_creation(tmp_path, monkeypatch):
    """The platform's folders (no --data-dir): the app makes config.toml, readable by you only,
    before anyone can type a passphrase into a file that others can read."""
    from coachtui.launch import open_data

    monkeypatch.delenv("COACHTUI_DATA_DIR")
    old = os.umask(0o022)  # the usual umask: files others can read, unless made private
    try:
        ctx = open_data()
    finally:
        os.umask(old)
    assert ctx.paths.config_dir == tmp_path / "xdg-config" / "coachtui"
    assert ctx.paths.config.is_file() and mode(ctx.paths.config) == 0o600
    assert mode(ctx.paths.config_dir) == 0o700
    assert load_config(ctx.paths) == cfgmod.Config()  # the new file only explains the settings
    assert "passphrase" in ctx.paths.config.read_text(encoding="utf-8")


@posix_modes
def test_a_config_file_others_can_read_is_made_private(tmp_path):
    from coachtui.launch import open_data

    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    (data / "config.toml").write_text('passphrase = "typed in an editor"\n', encoding="utf-8")
    (data / "config.toml").chmod(0o644)
    ctx = open_data(str(data))
    assert mode(ctx.paths.config) == 0o600 and mode(data) == 0o700
    assert ctx.config.passphrase == "typed in an editor"


class FakeKeyring:
    """A keyring backend in memory (keyring.set_keyring takes any backend object)."""

    def __new__(cls):
        from keyring.backend import KeyringBackend
        from keyring.errors import PasswordDeleteError

        class Fake(KeyringBackend):
            priority = 1

            def __init__(self):
                super().__init__()
                self.kept = {}

            def get_password(self, service, username):
                return self.kept.get((service, username))

            def set_password(self, service, username, password):
                self.kept[(service, username)] = password

            def delete_password(self, service, username):
                if self.kept.pop((service, username), None) is None:
                    raise PasswordDeleteError("not there")

        return Fake()


@pytest.fixture
def fake_keyring():
    import keyring

    before = keyring.get_keyring()
    fake = FakeKeyring()
    keyring.set_keyring(fake)
    yield fake
    keyring.set_keyring(before)


@pytest.fixture
def no_keyring():
    import keyring
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


def run_cli(capsys, *argv, stdin: str | None = None, monkeypatch=None):
    from coachtui.cli.main import main

    if stdin is not None:
        import io

        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_passphrase_set_keeps_it_in_the_keyring(ctx, fake_keyring, capsys, monkeypatch):
    ctx.paths.config.write_text('# mine\npassphrase = "old plain text"\n', encoding="utf-8")
    code, out, err = run_cli(capsys, "passphrase", "set", stdin="correct horse\n", monkeypatch=monkeypatch)
    assert (code, err) == (0, "")
    assert "keyring" in out and "correct horse" not in out and out.count("\n") == 1
    assert list(fake_keyring.kept.values()) == ["correct horse"]
    text = ctx.paths.config.read_text(encoding="utf-8")
    assert "old plain text" not in text and "# mine" in text
    cfg = load_config(ctx.paths)
    assert cfg.passphrase_in_keyring and cfg.passphrase == ""
    code, out, err = run_cli(capsys, "passphrase", "where")
    assert code == 0 and "keyring" in out and "correct horse" not in out


def test_the_sync_commands_find_the_passphrase_in_the_keyring(ctx, fake_keyring, tmp_path, capsys, monkeypatch):
    import argparse

    from coachtui.cli.sync import passphrase

    ctx.paths.config.write_text('passphrase = "from the file"\n', encoding="utf-8")
    args = argparse.Namespace(passphrase_file=None)
    monkeypatch.delenv("COACHTUI_PASSPHRASE", raising=False)
    assert passphrase(args, load_config(ctx.paths), needed=True) == "from the file"
    fake_keyring.set_password("coachtui", "trust passphrase", "from the keyring")
    cfgmod.update_config(ctx.paths, {"passphrase_in_keyring": True})
    assert passphrase(args, load_config(ctx.paths), needed=True) == "from the keyring"
    monkeypatch.setenv("COACHTUI_PASSPHRASE", "from the environment")
    assert passphrase(args, load_config(ctx.paths), needed=True) == "from the environment"


def test_without_a_keyring_set_falls_back_to_the_file_in_one_line(ctx, no_keyring, capsys, monkeypatch):
    code, out, err = run_cli(capsys, "passphrase", "set", stdin="correct horse\n", monkeypatch=monkeypatch)
    assert (code, err) == (0, "")
    assert "no OS keyring" in out and str(ctx.paths.config) in out and out.count("\n") == 1
    cfg = load_config(ctx.paths)
    assert (cfg.passphrase, cfg.passphrase_in_keyring) == ("correct horse", False)
    if os.name != "nt":
        assert mode(ctx.paths.config) == 0o600


def test_asking_for_the_keyring_where_there_is_none_is_one_line_and_changes_nothing(ctx, no_keyring, capsys,
                                                                                     monkeypatch):
    before = ctx.paths.config.read_bytes()
    code, out, err = run_cli(capsys, "passphrase", "set", "--keyring", stdin="correct horse\n",
                             monkeypatch=monkeypatch)
    assert code == 1 and err.startswith("coachtui: ") and err.count("\n") == 1 and "keyring" in err
    assert "Traceback" not in err and ctx.paths.config.read_bytes() == before


def test_an_empty_passphrase_is_refused(ctx, fake_keyring, capsys, monkeypatch):
    before = ctx.paths.config.read_bytes()
    code, out, err = run_cli(capsys, "passphrase", "set", stdin="\n", monkeypatch=monkeypatch)
    assert code == 1 and err.count("\n") == 1 and "empty" in err
    assert ctx.paths.config.read_bytes() == before and fake_keyring.kept == {}


def test_a_keyring_gone_missing_is_one_line_then_the_usual_lookup(ctx, no_keyring, capsys, monkeypatch):
    """The config says the keyring, but this session has none (a USB stick on another laptop)."""
    from coachtui.cli.main import main

    monkeypatch.delenv("COACHTUI_PASSPHRASE", raising=False)
    cfgmod.update_config(ctx.paths, {"passphrase_in_keyring": True, "passphrase": "also in the file"})
    code = main(["export", "--out", str(ctx.paths.data_dir / "x.ctb"), "--data-dir", str(ctx.paths.data_dir)])
    err = capsys.readouterr().err
    assert code == 0 and "Traceback" not in err
    assert err.count("\n") == 1 and "keyring" in err


def test_passphrase_clear_removes_it_everywhere(ctx, fake_keyring, capsys, monkeypatch):
    run_cli(capsys, "passphrase", "set", stdin="correct horse\n", monkeypatch=monkeypatch)
    code, out, err = run_cli(capsys, "passphrase", "clear")
    assert code == 0 and fake_keyring.kept == {}
    cfg = load_config(ctx.paths)
    assert (cfg.passphrase, cfg.passphrase_in_keyring) == ("", False)
    code, out, err = run_cli(capsys, "passphrase", "where")
    assert "not set" in out


async def test_the_app_takes_the_passphrase_from_the_keyring(ctx, fake_keyring):
    from coachtui.app import CoachApp

    fake_keyring.set_password("coachtui", "trust passphrase", "from the keyring")
    cfgmod.update_config(ctx.paths, {"passphrase_in_keyring": True})
    ctx.config = load_config(ctx.paths)
    app = CoachApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.config.passphrase == "from the keyring"
        await pilot.press("ctrl+t")  # saving settings neither writes it to the file nor forgets it
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.config.passphrase == "from the keyring"
        await pilot.press("f9")
        await pilot.pause()
        assert "keyring" in str(app.screen.query_one("#passphrase-where").render())
    assert "from the keyring" not in ctx.paths.config.read_text(encoding="utf-8")


async def test_the_app_without_a_keyring_says_so_in_one_line(ctx, no_keyring):
    from coachtui.app import CoachApp

    cfgmod.update_config(ctx.paths, {"passphrase_in_keyring": True})
    ctx.config = load_config(ctx.paths)
    app = CoachApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        notes = [n.message for n in app._notifications]
        assert any("keyring" in m and "\n" not in m for m in notes), notes
        assert app.config.passphrase == ""
        assert app.screen.__class__.__name__ == "RosterScreen"
