"""config.toml is the user's file (issue 11, part B): saving settings keeps
what it does not manage, the file and its folder are private from the
start, and the passphrase may live in the OS keyring instead."""

from __future__ import annotations

import stat

import pytest

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
