"""Erasing a leaver: the person and every record about them, in every file of
the data folder, on every laptop that syncs; others' records show "(erased)"."""

import datetime as dt
import os
from pathlib import Path

import pytest

from coachtui.cli.main import main
from coachtui.coaching import cadence, cycles
from coachtui.launch import open_database
from coachtui.lessons import feedback, joins
from coachtui.plcs import meetings, plans, plc
from coachtui.roster import erase, focus_areas, staff
from coachtui.store import write
from coachtui.store.db import close_store
from coachtui.store.models import ERASED, REPLICATED_MODELS, Join, Note, Plc, Staff, database
from coachtui.sync import bundle, merge
from coachtui.teaching.framework import item_id

SECRET = "trust passphrase for tests"
NAME, EMAIL, MIS = "Lena Leaverton", "lena.leaverton@north.example", "MIS-80417"


def make_trust() -> dict[str, str]:
    """A leaver with a record of every kind, who also coaches someone, leads a
    PLC, owns an action on a team's plan and partners a peer session."""
    north = staff.site_named("North")
    cara = staff.save(name="Cara Coach", roles="teacher,coach", site_id=north)
    lena = staff.save(name=NAME, email=EMAIL, external_id=MIS, roles="teacher,coach", site_id=north, coach_id=cara)
    otto = staff.save(name="Otto Other", site_id=north, coach_id=lena)
    focus_areas.set_focus(lena, item_id("QU.1.1"), "development")
    j = joins.get(joins.start(lena, focus_item_id=None, focus_text="Routines", tallies=["hands up"]))
    joins.add_note(j, "Lena's lesson opened briskly", "strength")
    joins.add_note(j, "a private thought", "observation", private=True)
    joins.tally(j, "hands up")
    joins.pause(j)
    joins.resume(j)
    joins.end(j)
    feedback.save(j, {"strengths": ("Brisk start", False), "action_step": ("Cold call", False),
                      "reflection": ("mine", True)})
    cycles.start(lena, coach_id=cara, focus_text="Questioning")
    cycles.set_support(lena, "structured", "agreed at review", by_name="Head")
    cadence.plan_join(lena, (dt.date.today() + dt.timedelta(days=3)).isoformat())
    team = plc.save(name="Questioning PLC")
    plc.add_member(team, lena)
    plc.add_member(team, otto)
    plc.set_leader(team, lena)
    meeting = meetings.save(kind="plc meeting", held_on=dt.date.today().isoformat(), plc_id=team)
    meetings.set_came(meeting, lena, True)
    own_plan = plans.save(title="Lena's own priority", staff_id=lena)
    plans.save_action(plan_id=own_plan, text="Read the chapter")
    team_plan = plans.save(title="Full answers", team="Year 4")
    plans.save_action(plan_id=team_plan, text=f"Model it ({NAME} leads)", owner_id=lena)
    plans.save_peer_session(plan_id=team_plan, mode="pair", partner_id=lena, due_on=dt.date.today().isoformat())
    # Otto's own join, coached by Lena, with her name in a note.
    oj = joins.get(joins.start(otto, focus_item_id=None, focus_text="Routines", coach_id=lena))
    joins.add_note(oj, f"Visited {NAME}'s room to see cold calling")
    joins.end(oj)
    write.clear_history()
    return {"lena": lena, "otto": otto, "cara": cara, "plc": team, "otto_join": oj.id}


def files_holding(folder: Path, *needles: str) -> list[str]:
    out = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for needle in needles:
                for form in {needle, needle.lower()}:
                    if form.encode() in data or form.encode("utf-16-le") in data:
                        out.append(f"{path.relative_to(folder)}: {needle}")
    return sorted(set(out))


def test_erasing_takes_every_record_about_them_and_leaves_others_pointing_at_erased(store):
    ids = make_trust()
    lena = ids["lena"]
    before = {m._meta.table_name: m.select().count() for m in REPLICATED_MODELS}
    what = erase.plan(lena)
    assert what.rows["join"] == 1 and what.rows["note"] == 2 and what.rows["feedback_item"] >= 3
    assert what.pointers >= 5  # Otto's coach, the PLC's leader, an action, a peer session, Otto's join
    assert {m._meta.table_name: m.select().count() for m in REPLICATED_MODELS} == before  # a plan changes nothing

    erase.erase(lena)

    for model in REPLICATED_MODELS:
        for column in ("staff_id", "coach_id", "leader_id", "owner_id", "partner_id", "by_staff_id"):
            if column in model._meta.fields:
                assert not model.select().where(getattr(model, column) == lena).exists(), (model, column)
    assert Staff.get_or_none(Staff.id == lena) is None
    otto = staff.get(ids["otto"])
    assert otto.coach_id == ERASED
    assert next(r for r in staff.roster_rows() if r.id == ids["otto"]).coach == "(erased)"
    assert Plc.get_by_id(ids["plc"]).leader_id == ERASED
    assert next(c for c in plc.board() if c.plc_id == ids["plc"]).leader_missing.startswith("leader erased")
    assert Join.get_by_id(ids["otto_join"]).coach_id == ERASED  # Otto's join stays
    assert [n.text for n in joins.notes(ids["otto_join"])] == ["Visited (erased)'s room to see cold calling"]
    write.write(Staff, lena, name=NAME)  # a late write for an erased id is ignored
    assert Staff.get_or_none(Staff.id == lena) is None


def test_two_laptops_keep_no_byte_of_them_in_any_file(tmp_path):
    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    open_database(a_dir / "coachtui.db")
    ids = make_trust()
    lena = ids["lena"]
    bundle.export(tmp_path / "a1.ctb", SECRET)
    close_store()
    # Laptop B has everything, and a join of its own with her that A never saw.
    open_database(b_dir / "coachtui.db")
    merge.merge(tmp_path / "a1.ctb", SECRET, commit=True, backups=b_dir / "backups")
    extra = joins.get(joins.start(lena, focus_item_id=None, focus_text="Only on B"))
    joins.add_note(extra, f"{NAME} tried think-pair-share")
    joins.end(extra)
    bundle.export(tmp_path / "b1.ctb", SECRET)  # made before the erasure reached B
    close_store()

    open_database(a_dir / "coachtui.db")
    merge.merge(tmp_path / "b1.ctb", SECRET, commit=True, backups=a_dir / "backups")
    assert list((a_dir / "backups").glob("*.db"))
    erase.erase(lena, data_dir=a_dir)
    bundle.export(tmp_path / "a2.ctb", SECRET)
    # An older bundle brings nothing back.
    merge.merge(tmp_path / "b1.ctb", SECRET, commit=True, backups=a_dir / "backups")
    merge.merge(tmp_path / "a1.ctb", SECRET, commit=True, backups=a_dir / "backups")
    assert not Join.select().where(Join.staff_id == lena).exists()
    close_store()

    open_database(b_dir / "coachtui.db")
    staff.save(name="Added on B just before the erasure arrived")
    assert write.undo_label() is not None
    merge.merge(tmp_path / "a2.ctb", SECRET, commit=True, backups=b_dir / "backups")
    assert write.undo_label() is None  # undo labels and old values may name her
    assert Staff.get_or_none(Staff.id == lena) is None
    assert not Join.select().where(Join.staff_id == lena).exists()  # B's own join with her went too
    assert not Note.select().where(Note.text.contains("think-pair")).exists()
    assert staff.get(ids["otto"]).coach_id == ERASED
    merge.merge(tmp_path / "b1.ctb", SECRET, commit=True, backups=b_dir / "backups")  # B's own old bundle
    assert not Join.select().where(Join.staff_id == lena).exists()
    bundle.export(tmp_path / "b2.ctb", SECRET)
    close_store()
    open_database(a_dir / "coachtui.db")
    merge.merge(tmp_path / "b2.ctb", SECRET, commit=True, backups=a_dir / "backups")
    assert not Join.select().where(Join.staff_id == lena).exists()
    close_store()

    for folder in (a_dir, b_dir):
        assert files_holding(folder, NAME, EMAIL, MIS, lena) == [], folder.name
    for name in ("a2.ctb", "b2.ctb"):
        text = "".join(str(obj) for obj in bundle.read(tmp_path / name, SECRET))
        assert NAME not in text and lena not in text and EMAIL not in text


def test_command_line_asks_lists_and_erases(tmp_path, capsys):
    data = tmp_path / "data"
    open_database(data / "coachtui.db")
    ids = make_trust()
    staff.save(name="Sam Same")
    staff.save(name="Sam Same", email="other.sam@north.example")
    close_store()
    d = ["--data-dir", str(data)]
    assert main(["staff", "erase", "Sam Same", *d]) == 1  # two match: both listed, nothing erased
    err = capsys.readouterr().err
    assert "2 people match" in err and "other.sam@north.example" in err and "nothing was erased" in err
    assert main(["staff", "erase", "Nobody Atall", *d]) == 1
    assert main(["staff", "erase", EMAIL, *d]) == 1  # no --yes and no terminal: says what would go, erases nothing
    out, err = capsys.readouterr()
    assert f"Erasing {NAME}" in out and "join: 1" in out and "--yes" in err
    open_database(data / "coachtui.db")
    assert staff.get(ids["lena"]) is not None
    close_store()
    assert main(["staff", "erase", MIS.lower(), "--yes", *d]) == 0
    assert "erased Lena Leaverton" in capsys.readouterr().out
    open_database(data / "coachtui.db")
    assert staff.get(ids["lena"]) is None and staff.get(ids["otto"]).coach_id == ERASED
    close_store()
    assert files_holding(data, NAME, EMAIL, MIS, ids["lena"]) == []


def test_an_older_database_remembers_erasures_by_hash(tmp_path):
    """Schema 8: ids in Purged become their hash on opening."""
    from coachtui.store import schema
    from coachtui.store.models import Purged, purge_key

    path = tmp_path / "old.db"
    open_database(path)
    sid = staff.save(name="Gone Before")
    database.execute_sql("DELETE FROM staff WHERE id = ?", (sid,))
    database.execute_sql('INSERT INTO purged (id, "table", stamp) VALUES (?, ?, ?)', (sid, "staff", "x"))
    database.execute_sql("PRAGMA user_version = 7")
    close_store()
    open_database(path)
    assert database.execute_sql("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert Purged.get_or_none(Purged.id == sid) is None and Purged.get_by_id(purge_key(sid)).table == "staff"
    assert write.is_purged(sid)


async def test_erasing_from_the_roster_needs_the_name_typed(app, until):
    from textual.widgets import Input

    ids = make_trust()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"lena", "enter")
        await until(pilot, lambda: app.screen.table.current_row is not None
                    and app.screen.table.current_row.id == ids["lena"], what="Lena selected")
        await pilot.press("E")
        await until(pilot, lambda: type(app.screen).__name__ == "EraseForm", what="the erase form")
        shown = str(app.screen.query_one("#erase-what").render())
        assert "join: 1" in shown and "note: 2" in shown  # what goes is listed, not cut to one line
        assert app.screen.query_one("#erase-what").size.height > 5
        await pilot.press(*"Lena", "enter")  # not her whole name: refused, nothing erased
        await pilot.pause()
        assert type(app.screen).__name__ == "EraseForm" and staff.get(ids["lena"]) is not None
        app.screen.query_one("#erase-name", Input).value = NAME
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "RosterScreen", what="back on the roster")
    assert staff.get(ids["lena"]) is None
    assert files_holding(Path(os.environ["COACHTUI_DATA_DIR"]), NAME, EMAIL, ids["lena"]) == []


@pytest.fixture
def seed(ctx):
    """The UI test builds its own trust."""


def test_an_older_bundle_brings_back_nothing_under_rows_dropped_on_arrival(tmp_path):
    """B's feedback on her (never seen by A) arrives after the erasure: the
    feedback is dropped for its staff_id, and its items with it."""
    a, b = tmp_path / "a" / "coachtui.db", tmp_path / "b" / "coachtui.db"
    open_database(a)
    lena = staff.save(name=NAME, email=EMAIL)
    bundle.export(tmp_path / "a1.ctb", SECRET)
    close_store()
    open_database(b)
    merge.merge(tmp_path / "a1.ctb", SECRET, commit=True)
    j = joins.get(joins.start(lena, focus_item_id=None, focus_text="B only"))
    joins.end(j)
    feedback.save(j, {"action_step": ("YASNEXT magpie", False), "practice": ("rehearse", False)})
    bundle.export(tmp_path / "b-stale.ctb", SECRET)
    close_store()
    open_database(a)
    erase.erase(lena)
    done = merge.merge(tmp_path / "b-stale.ctb", SECRET, commit=True)
    assert done.total("new") == 0, done.lines()
    from coachtui.store.models import FeedbackItem
    assert not FeedbackItem.select().where(FeedbackItem.text.contains("magpie")).exists()
    bundle.export(tmp_path / "a2.ctb", SECRET)
    close_store()
    assert "magpie" not in "".join(str(o) for o in bundle.read(tmp_path / "a2.ctb", SECRET))


def test_other_forms_of_the_name_are_wiped(store):
    lena = staff.save(name="Yasmin Clarke", email="yasmin.clarke2@st.example")
    otto = staff.save(name="Otto Other")
    j = joins.get(joins.start(otto, focus_item_id=None, focus_text="Routines"))
    joins.add_note(j, "Spoke with Yasmin Clarke, yasmin clarke, Clarke Yasmin, Clarke, Yasmin and Ms Clarke; "
                      "Tom Clarkson stays")
    erase.erase(lena)
    (note,) = joins.notes(j.id)
    assert "Yasmin" not in note.text and "Ms Clarke" not in note.text and "Clarke Yasmin" not in note.text
    assert "Tom Clarkson stays" in note.text
