"""Sync from the app: export, preview, apply, folder, and settling a conflict."""

import pytest
from textual.widgets import Input

from coachtui.launch import open_database
from coachtui.lessons import joins
from coachtui.roster import staff
from coachtui.store.db import close_store
from coachtui.store.models import Join, Note, Staff
from coachtui.sync import bundle, conflicts, merge

PASS = "trust passphrase"


@pytest.fixture
def seed(ctx):
    """What the database holds when the app starts (conftest's `app` opens it)."""
    staff.save(name="Here Already")


async def test_export_preview_apply_in_the_app(app, tmp_path):
    # Another laptop's bundle, made in a separate database.
    other = tmp_path / "other.db"
    here = app.ctx.paths.db
    close_store()
    open_database(other)
    staff.save(name="From Elsewhere")
    theirs = tmp_path / "theirs.ctb"
    bundle.export(theirs, PASS)
    close_store()
    open_database(here)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        screen = app.screen
        assert screen.__class__.__name__ == "SyncScreen"
        screen.query_one("#sync-path", Input).value = str(theirs)
        screen.query_one("#sync-pass", Input).value = "wrong"
        await pilot.press("ctrl+o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "wrong passphrase" in str(screen.query_one("#sync-status").render())
        screen.query_one("#sync-pass", Input).value = PASS
        await pilot.press("ctrl+o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "would apply 1 new" in str(screen.query_one("#sync-status").render())
        assert not Staff.select().where(Staff.name == "From Elsewhere").exists()
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert Staff.select().where(Staff.name == "From Elsewhere").exists()
        mine = tmp_path / "mine.ctb"
        screen.query_one("#sync-path", Input).value = str(mine)
        await pilot.press("ctrl+e")
        await app.workers.wait_for_complete()
        assert mine.exists() and mine.read_bytes().startswith(b"CTBNDL01")


async def test_settle_a_conflict_in_the_app(app, tmp_path):
    here = app.ctx.paths.db
    t = staff.save(name="Tia")
    nid = joins.add_note(Join.get_by_id(joins.start(t, focus_item_id=None, focus_text="x")), "original")
    base = tmp_path / "base.ctb"
    bundle.export(base, None)
    close_store()
    other = tmp_path / "other.db"
    open_database(other)
    merge.merge(base, None, commit=True, allow_plain=True)
    joins.edit_note(nid, "their wording")
    theirs = tmp_path / "theirs.ctb"
    bundle.export(theirs, None)
    close_store()
    open_database(here)
    joins.edit_note(nid, "our wording")
    merge.merge(theirs, None, commit=True, allow_plain=True)
    assert len(conflicts.open_conflicts()) == 1
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        if app.screen.__class__.__name__ == "JoinScreen":
            app.pop_screen()  # the join from this test's setup is still running
        await pilot.press("f5")
        await pilot.pause()
        app.screen.table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ResolveConflict"
        app.screen.query_one("#resolve-text").text = "our wording and their wording"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert conflicts.open_conflicts() == []
        assert Note.get_by_id(nid).text == "our wording and their wording"


async def test_a_missing_passphrase_moves_to_its_box_so_it_is_never_typed_in_clear(app, tmp_path):
    """The IT walkthrough: Ctrl+F said a passphrase was needed and left the
    cursor in Path, so the passphrase typed next showed in clear there."""
    from textual.widgets import Input

    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        app.screen.query_one("#sync-path", Input).value = str(tmp_path)
        for key in ("ctrl+f", "ctrl+e"):
            app.screen.query_one("#sync-path", Input).focus()
            await pilot.press(key)
            await pilot.pause()
            assert app.focused is app.screen.query_one("#sync-pass", Input), key
            await pilot.press(*"secret")
            await pilot.pause()
            assert "secret" not in app.screen.query_one("#sync-path", Input).value
            app.screen.query_one("#sync-pass", Input).value = ""
