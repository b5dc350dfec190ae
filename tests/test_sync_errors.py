"""A stick pulled out, a share dropped, a full disk, an unwritable backups
folder: one clear line from the app's sync screen and from the CLI, never a
closed app or a traceback, and nothing changed."""

import errno
from pathlib import Path

import pytest
from textual.widgets import Input

from coachtui.base.errors import UserError
from coachtui.launch import open_database
from coachtui.roster import staff
from coachtui.store import backups
from coachtui.store.db import close_store
from coachtui.store.models import Staff
from coachtui.sync import bundle

PASS = "trust passphrase"


def _raise(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, {errno.EIO: "Input/output error", errno.ENOSPC: "No space left on device",
                             errno.EACCES: "Permission denied"}[code])
    return fail


def _theirs(tmp_path, here: Path) -> Path:
    """A bundle from another laptop, in a folder of its own (the stick)."""
    close_store()
    open_database(tmp_path / "other.db")
    staff.save(name="From Elsewhere")
    stick = tmp_path / "stick"
    stick.mkdir()
    bundle.export(stick / "coachtui-other.ctb", PASS)
    close_store()
    open_database(here)
    return stick


def test_an_unwritable_backups_folder_is_one_line(store, tmp_path, monkeypatch):
    monkeypatch.setattr(Path, "mkdir", _raise(errno.EACCES))
    with pytest.raises(UserError, match="backup"):
        backups.take(tmp_path / "backups")


def test_a_full_disk_while_cleaning_old_backups_is_one_line(store, tmp_path, monkeypatch):
    monkeypatch.setattr(Path, "chmod", _raise(errno.ENOSPC))
    with pytest.raises(UserError, match="No space left"):
        backups.take(tmp_path / "backups")


@pytest.mark.parametrize("code", [errno.EIO, errno.EACCES])
def test_cli_sync_with_the_stick_pulled_is_one_line(ctx, tmp_path, monkeypatch, capsys, code):
    from coachtui.cli.main import main

    stick = _theirs(tmp_path, ctx.paths.db)
    monkeypatch.setenv("COACHTUI_PASSPHRASE", PASS)
    monkeypatch.setattr(Path, "iterdir", _raise(code))
    assert main(["sync", str(stick)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert str(stick) in err and "nothing was changed" in err
    if code == errno.EIO:
        assert "USB stick" in err
    assert not Staff.select().where(Staff.name == "From Elsewhere").exists()


def test_cli_import_with_no_room_for_the_backup_is_one_line(ctx, tmp_path, monkeypatch, capsys):
    from coachtui.cli.main import main

    stick = _theirs(tmp_path, ctx.paths.db)
    monkeypatch.setenv("COACHTUI_PASSPHRASE", PASS)
    monkeypatch.setattr(Path, "mkdir", _raise(errno.ENOSPC))
    assert main(["import", str(stick / "coachtui-other.ctb")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1 and "No space left" in err, err
    assert not Staff.select().where(Staff.name == "From Elsewhere").exists()


async def _sync_in_app(app, pilot, stick, key="ctrl+f"):
    await pilot.press("f5")
    await pilot.pause()
    screen = app.screen
    screen.query_one("#sync-path", Input).value = str(stick)
    screen.query_one("#sync-pass", Input).value = PASS
    await pilot.press(key)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


@pytest.mark.parametrize("code", [errno.EIO, errno.EACCES, errno.ENOSPC])
async def test_the_app_stays_open_when_the_stick_is_pulled(app, tmp_path, monkeypatch, code):
    stick = _theirs(tmp_path, app.ctx.paths.db)
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(Path, "iterdir", _raise(code))
        screen = await _sync_in_app(app, pilot, stick)
        assert app.is_running and app.screen is screen
        status = str(screen.query_one("#sync-status").render())
        assert str(stick) in status and screen.query_one("#sync-status").has_class("error"), status
    assert not Staff.select().where(Staff.name == "From Elsewhere").exists()


async def test_the_app_stays_open_when_the_backups_folder_is_unwritable(app, tmp_path, monkeypatch):
    stick = _theirs(tmp_path, app.ctx.paths.db)
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(backups, "take", _raise(errno.EACCES))
        screen = await _sync_in_app(app, pilot, stick)
        assert app.is_running and app.screen is screen
        assert "Permission denied" in str(screen.query_one("#sync-status").render())
    assert not Staff.select().where(Staff.name == "From Elsewhere").exists()
