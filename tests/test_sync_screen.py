"""The sync screen (F5) as a person uses it (issue 14): conflicts in words with
who wrote each version, a settle dialog that shows its keys and says it is
done, a preview listed by kind of record, Ctrl+S applying only what was
previewed, .ctb added on export, a missing stick said so, Path and Site
remembered, and when this laptop last synced."""

import pytest
from textual.widgets import Input, Select

from coachtui.base.config import load_config
from coachtui.launch import open_database
from coachtui.lessons import joins
from coachtui.roster import staff
from coachtui.store.db import close_store
from coachtui.store.models import Join, Staff
from coachtui.sync import bundle, merge

PASS = "trust passphrase"
SIZES = [(60, 20), (80, 24), (120, 40)]


@pytest.fixture
def seed(ctx):
    staff.save(name="Here Already")


def _text(screen, selector) -> str:
    return str(screen.query_one(selector).render())


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def _f5(app, pilot):
    if app.screen.__class__.__name__ == "JoinScreen":
        app.pop_screen()
    await pilot.press("f5")
    await pilot.pause()
    assert app.screen.__class__.__name__ == "SyncScreen"
    return app.screen


async def _go(app, pilot, key, path, secret=PASS):
    screen = app.screen
    screen.query_one("#sync-path", Input).value = str(path)
    screen.query_one("#sync-pass", Input).value = secret
    await pilot.press(key)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return _text(screen, "#sync-status")


def _other_laptop(tmp_path, here, make, name="other.db"):
    close_store()
    open_database(tmp_path / name)
    made = make()
    close_store()
    open_database(here)
    return made


def _note_conflict(tmp_path, here):
    """A note reworded on both laptops while apart; the other laptop is 'Maths laptop'."""
    t = staff.save(name="Tia Jones")
    nid = joins.add_note(Join.get_by_id(joins.start(t, focus_item_id=None, focus_text="x")), "original")
    base = tmp_path / "base.ctb"
    bundle.export(base, PASS)

    def theirs():
        merge.merge(base, PASS, commit=True)
        joins.edit_note(nid, "their wording " + "long " * 30 + "END")
        bundle.export(tmp_path / "theirs.ctb", PASS, device_name="Maths laptop")

    _other_laptop(tmp_path, here, theirs)
    joins.edit_note(nid, "our wording")
    return nid


@pytest.mark.parametrize("size", SIZES)
async def test_conflicts_say_which_record_and_which_laptop(app, tmp_path, size):
    _note_conflict(tmp_path, app.ctx.paths.db)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = await _f5(app, pilot)
        status = await _go(app, pilot, "ctrl+o", tmp_path / "theirs.ctb")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "1 conflict" in _text(screen, "#sync-status"), status
        shown = screen_text(app)
        assert "Tia Jones" in shown and "note_" not in shown and " note " not in shown.replace("note in", "")
        detail = _text(screen, "#conflict-detail")
        assert "Maths laptop" in detail and "this laptop" in detail
        # The settle dialog shows both versions whole, and its own keys.
        screen.table.focus()
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert dialog.__class__.__name__ == "ResolveConflict"
        assert "END" in _text(dialog, "#resolve-other")
        assert "Keep current" in screen_text(app) or "Ctrl+K" in screen_text(app)
        assert "Apply import" not in screen_text(app)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app.screen is screen
        assert any("settled" in n.message for n in app._notifications)
        assert screen.table.rows == []


async def test_the_preview_lists_every_kind_of_record_in_words(app, tmp_path):
    def theirs():
        t = staff.save(name="Tia Jones")
        j = joins.start(t, focus_item_id=None, focus_text="questioning")
        joins.add_note(Join.get_by_id(j), "a note")
        bundle.export(tmp_path / "theirs.ctb", PASS)

    _other_laptop(tmp_path, app.ctx.paths.db, theirs)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _f5(app, pilot)
        await _go(app, pilot, "ctrl+o", tmp_path / "theirs.ctb")
        rows = [what for what, _ in screen.changes.rows]
        assert {"staff", "lesson joins", "notes"} <= set(rows), rows
        assert all("_" not in what for what in rows)
        assert screen.changes.display and screen.changes.region.height >= 3


async def test_ctrl_s_applies_only_the_bundle_previewed(app, tmp_path):
    def theirs():
        staff.save(name="From Elsewhere")
        bundle.export(tmp_path / "one.ctb", PASS)
        staff.save(name="Not Previewed")
        bundle.export(tmp_path / "two.ctb", PASS)

    _other_laptop(tmp_path, app.ctx.paths.db, theirs)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _f5(app, pilot)
        await _go(app, pilot, "ctrl+o", tmp_path / "one.ctb")
        screen.query_one("#sync-path", Input).value = str(tmp_path / "two.ctb")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not Staff.select().where(Staff.name == "Not Previewed").exists()
        assert not Staff.select().where(Staff.name == "From Elsewhere").exists()
        assert app.is_running


async def test_export_adds_the_suffix_and_limits_to_the_site(app, tmp_path):
    north = staff.site_named("North")
    staff.save(name="North Teacher", site_id=north)
    staff.save(name="South Teacher", site_id=staff.site_named("South"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _f5(app, pilot)
        screen.query_one("#sync-site", Select).value = "North"
        status = await _go(app, pilot, "ctrl+e", tmp_path / "for-north")
        assert (tmp_path / "for-north.ctb").exists() and not (tmp_path / "for-north").exists()
        assert ".ctb" in status and "North" in status
    names = [o["values"]["name"] for o in bundle.read(tmp_path / "for-north.ctb", PASS) if o.get("table") == "staff"]
    assert names == ["North Teacher"]
    cfg = load_config(app.ctx.paths)
    assert cfg.sync_site == "North"


async def test_a_missing_stick_is_said_so(app, tmp_path):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _f5(app, pilot)
        status = await _go(app, pilot, "ctrl+f", tmp_path / "NO NAME")
        assert "USB stick plugged in" in status


async def test_path_is_remembered_and_the_last_sync_shown(app, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()

    def theirs():
        staff.save(name="From Elsewhere")
        bundle.export(stick / "coachtui-other.ctb", PASS, device_name="Maths laptop")

    _other_laptop(tmp_path, app.ctx.paths.db, theirs)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _f5(app, pilot)
        assert "Not synced yet" in _text(screen, "#sync-last")
        await _go(app, pilot, "ctrl+f", f'"{stick}"')  # as Explorer's "Copy as path" gives it
        last = _text(screen, "#sync-last")
        assert "today" in last and "Maths laptop" in last, last
    assert load_config(app.ctx.paths).sync_path == str(stick)
    from coachtui.app import CoachApp
    from coachtui.launch import open_data

    close_store()
    again = CoachApp(open_data(str(app.ctx.paths.data_dir)))
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _f5(again, pilot)
        assert screen.query_one("#sync-path", Input).value == str(stick)


async def test_the_app_shows_progress_while_it_reads(app, tmp_path, monkeypatch):
    def theirs():
        for i in range(20):
            staff.save(name=f"Person {i}")
        bundle.export(tmp_path / "theirs.ctb", PASS)

    _other_laptop(tmp_path, app.ctx.paths.db, theirs)
    seen = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _f5(app, pilot)
        monkeypatch.setattr(screen, "_show_progress", lambda *a: seen.append(a))
        await _go(app, pilot, "ctrl+o", tmp_path / "theirs.ctb")
    assert seen and seen[-1][1] == seen[-1][2] == (tmp_path / "theirs.ctb").stat().st_size


def test_cli_takes_a_quoted_path(ctx, tmp_path, capsys, monkeypatch):
    from coachtui.cli.main import main

    monkeypatch.setenv("COACHTUI_PASSPHRASE", PASS)
    assert main(["export", "--out", f'"{tmp_path / "out"}"']) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "out.ctb").exists() and ".ctb added" in out
    assert main(["import", "--dry-run", f'"{tmp_path / "out.ctb"}"']) == 0


@pytest.mark.parametrize("kept", ["keyring", "config"])
async def test_saving_f9_never_touches_the_passphrase(ctx, tmp_path, kept, monkeypatch):
    """Issue 14: "saving F9 writes passphrase = ''". F9 has no passphrase field
    (it says where the passphrase is kept: `coachtui passphrase set` keeps it);
    saving F9 must leave it where it is, in the keyring or in config.toml."""
    from coachtui.app import CoachApp
    from coachtui.base import passphrase as kept_passphrase

    if kept == "keyring":
        monkeypatch.setattr(kept_passphrase, "get", lambda: "from the keyring")
        ctx.paths.config.write_text("passphrase_in_keyring = true\n", encoding="utf-8")
    else:
        ctx.paths.config.write_text('passphrase = "in the file"\n', encoding="utf-8")
    ctx.config = load_config(ctx.paths)
    app = CoachApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("f9")
        await pilot.pause()
        app.screen.query_one("#home_site").value = "North"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.config.passphrase == ("from the keyring" if kept == "keyring" else "in the file")
    text = ctx.paths.config.read_text(encoding="utf-8")
    assert 'home_site = "North"' in text
    if kept == "keyring":
        assert "passphrase =" not in text and "from the keyring" not in text
    else:
        assert 'passphrase = "in the file"' in text
