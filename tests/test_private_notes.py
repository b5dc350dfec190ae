"""A note marked private with `v` stays the coach's: it never flows into a
shared feedback field, the teacher's summary or a bundle, and it reads as
private at a glance."""

import json

import pytest
from textual.widgets import Checkbox, Input, TextArea

from coachtui.lessons import feedback, joins
from coachtui.roster import staff
from coachtui.screens.join import note_cells
from coachtui.sync import bundle

SECRET = "trust passphrase for tests"


@pytest.fixture
def seed(ctx):
    coach = staff.save(name="Cara Coach", roles="teacher,coach")
    staff.save(name="Jane Smith", team="Maths", coach_id=coach)


def _jane() -> str:
    return next(r.id for r in staff.roster_rows() if r.name == "Jane Smith")


async def test_private_notes_stay_out_of_shared_fields_summaries_and_bundles(app, tmp_path, until):
    jid = joins.start(_jane(), focus_item_id=None, focus_text="Routines")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "JoinScreen", what="the running join")
        await pilot.press(*"+PRIV-STRENGTH only for me", "enter")
        await pilot.press(*">PRIV-NEXT only for me", "enter")
        await pilot.press(*"+shared strength", "enter")
        await until(pilot, lambda: len(joins.notes(jid)) == 3, what="three notes")
        await pilot.press("escape", "up", "up", "v")  # the first note
        await pilot.press("down", "v")  # v kept the selection: this is the second note
        await pilot.pause()
        assert [n.private for n in joins.notes(jid)] == [True, True, False]
        await pilot.press("e")
        await until(pilot, lambda: type(app.screen).__name__ == "FeedbackScreen", what="the feedback")
        screen = app.screen
        for part in ("strengths", "action_step"):
            box = screen.query_one(f"#fb-{part}")
            text = box.text if isinstance(box, TextArea) else box.value
            shared = not screen.query_one(f"#fb-private-{part}", Checkbox).value
            assert not (shared and "PRIV" in text), f"private note pre-filled into the shared {part}"
        assert "shared strength" in screen.query_one("#fb-strengths", TextArea).text
        assert isinstance(screen.query_one("#fb-action_step"), Input)
        await pilot.press("ctrl+s")
        await pilot.pause()
    fb = feedback.get(jid)
    assert fb is not None
    for item in feedback.items(fb.id).values():
        assert item.private or "PRIV" not in item.text, item.part
    assert "PRIV" not in feedback.teacher_summary(jid)
    assert all("PRIV" not in s.text for s in feedback.action_steps(_jane()))
    out = tmp_path / "all.ctb"
    bundle.export(out, SECRET)
    assert b"PRIV" not in out.read_bytes()
    body = [json.dumps(obj) for obj in bundle.read(out, SECRET)]
    assert body and not any("PRIV" in line for line in body)


def test_a_private_note_says_so_in_words_in_the_text_column(store):
    """The text column is the one that is never cut (it takes the spare width),
    and words survive NO_COLOR and both themes."""
    jane = staff.save(name="Jane Smith")
    j = joins.get(joins.start(jane, focus_item_id=None, focus_text="Routines"))
    joins.add_note(j, "a long observation", "observation", private=True)
    joins.add_note(j, "a next step", "next")
    private, shared = joins.notes(j.id)
    assert "private" in note_cells(private)[2].lower() and "a long observation" in note_cells(private)[2]
    assert "private" not in " ".join(note_cells(shared)).lower()


def test_prefill_takes_private_notes_only_into_private_fields(store):
    jane = staff.save(name="Jane Smith")
    j = joins.get(joins.start(jane, focus_item_id=None, focus_text="Routines"))
    joins.add_note(j, "PRIV strength", "strength", private=True)
    joins.add_note(j, "PRIV next", "next", private=True)
    pre = feedback.prefill(j)
    # Only private notes of a kind: the field is filled, and marked private.
    assert pre["strengths"] == ("- PRIV strength", True)
    assert pre["action_step"] == ("PRIV next", True)
    joins.add_note(j, "shared strength", "strength")
    joins.add_note(j, "shared next", "next")
    pre = feedback.prefill(j)
    # Shared notes there too: the shared field holds only those.
    assert pre["strengths"] == ("- shared strength", False)
    assert pre["action_step"] == ("shared next", False)


def test_a_note_made_private_after_it_was_sent_is_wiped_from_the_other_laptop(tmp_path):
    """Private rows never travel, so a plain `private = True` would leave the copy
    already sent behind. Making a note private retires the shared row (deleted,
    text wiped: that travels) and keeps the text in a new private row here."""
    from coachtui.launch import open_database
    from coachtui.store.db import close_store
    from coachtui.store.models import Note
    from coachtui.sync import merge

    a, b = tmp_path / "a" / "c.db", tmp_path / "b" / "c.db"
    open_database(a)
    jane = staff.save(name="Jane Smith")
    j = joins.get(joins.start(jane, focus_item_id=None, focus_text="Routines"))
    nid = joins.add_note(j, "SECRET about the TA", "observation")
    bundle.export(tmp_path / "1.ctb", SECRET)
    close_store()
    open_database(b)
    merge.merge(tmp_path / "1.ctb", SECRET, commit=True)
    assert [n.text for n in Note.select()] == ["SECRET about the TA"]
    close_store()
    open_database(a)
    new_id = joins.set_private(nid, True)
    assert [(n.id, n.text, n.private) for n in joins.notes(j.id)] == [(new_id, "SECRET about the TA", True)]
    bundle.export(tmp_path / "2.ctb", SECRET)
    close_store()
    assert not any("SECRET" in json.dumps(obj) for obj in bundle.read(tmp_path / "2.ctb", SECRET))
    open_database(b)
    merge.merge(tmp_path / "2.ctb", SECRET, commit=True)
    assert [n.text for n in Note.select() if "SECRET" in n.text] == []
    assert joins.notes(j.id) == []
    close_store()
    open_database(a)
    shared_again = joins.set_private(new_id, False)
    assert [(n.id, n.private) for n in joins.notes(j.id)] == [(shared_again, False)]


def test_a_feedback_field_made_private_after_it_was_sent_is_wiped_from_the_other_laptop(tmp_path):
    from coachtui.launch import open_database
    from coachtui.store.db import close_store
    from coachtui.store.models import FeedbackItem
    from coachtui.sync import merge

    a, b = tmp_path / "a" / "c.db", tmp_path / "b" / "c.db"
    open_database(a)
    jane = staff.save(name="Jane Smith")
    j = joins.get(joins.start(jane, focus_item_id=None, focus_text="Routines"))
    joins.end(j)
    feedback.save(j, {"reflection": ("SECRET reflection", False), "practice": ("Rehearse the routine", False)})
    bundle.export(tmp_path / "1.ctb", SECRET)
    close_store()
    open_database(b)
    merge.merge(tmp_path / "1.ctb", SECRET, commit=True)
    assert "SECRET reflection" in [i.text for i in FeedbackItem.select()]
    close_store()
    open_database(a)
    fid = feedback.save(j, {"reflection": ("SECRET reflection", True), "practice": ("Rehearse the routine", False)})
    got = feedback.items(fid)
    assert (got["reflection"].text, got["reflection"].private) == ("SECRET reflection", True)
    assert "SECRET" not in feedback.teacher_summary(j.id)
    bundle.export(tmp_path / "2.ctb", SECRET)
    close_store()
    open_database(b)
    merge.merge(tmp_path / "2.ctb", SECRET, commit=True)
    assert [i.text for i in FeedbackItem.select() if "SECRET" in i.text] == []
    close_store()
    open_database(a)
    fid = feedback.save(j, {"reflection": ("shared now", False)})
    got = feedback.items(fid)
    assert (got["reflection"].text, got["reflection"].private) == ("shared now", False)


def test_conflicts_about_a_note_made_private_are_wiped_too(store):
    """A conflict keeps the losing text of a shared note, and conflicts travel:
    once the note is private, they must not carry its words on."""
    from coachtui.store import write
    from coachtui.store.models import Conflict

    jane = staff.save(name="Jane Smith")
    j = joins.get(joins.start(jane, focus_item_id=None, focus_text="Routines"))
    nid = joins.add_note(j, "SECRET first wording", "observation")
    write.write(Conflict, table_name="note", record_id=nid, field_name="text", value="SECRET other wording",
                stamp="x", winner_stamp="", resolved=False)
    joins.set_private(nid, True)
    assert [c.value for c in Conflict.select().where(Conflict.live())] == []
    assert not Conflict.select().where(Conflict.value.contains("SECRET")).exists()


def test_a_concurrent_edit_of_a_field_made_private_leaves_no_conflict_behind(tmp_path):
    """B edits a shared field while A makes it private: A's retirement of the
    shared row wins, and B must not keep (and send on) a conflict holding the words."""
    from coachtui.launch import open_database
    from coachtui.store.db import close_store
    from coachtui.store.models import Conflict
    from coachtui.sync import merge

    a, b = tmp_path / "a" / "c.db", tmp_path / "b" / "c.db"
    open_database(a)
    jane = staff.save(name="Jane Smith")
    j = joins.get(joins.start(jane, focus_item_id=None, focus_text="Routines"))
    joins.end(j)
    feedback.save(j, {"reflection": ("REFL-SECRET okapi", False)})
    bundle.export(tmp_path / "1.ctb", SECRET)
    close_store()
    open_database(b)
    merge.merge(tmp_path / "1.ctb", SECRET, commit=True)
    feedback.save(joins.get(j.id), {"reflection": ("REFL-SECRET okapi plus B edit", False)})
    close_store()
    open_database(a)
    feedback.save(j, {"reflection": ("REFL-SECRET okapi", True)})
    bundle.export(tmp_path / "2.ctb", SECRET)
    close_store()
    open_database(b)
    merge.merge(tmp_path / "2.ctb", SECRET, commit=True)
    assert not Conflict.select().where(Conflict.value.contains("okapi") & Conflict.live()).exists()
    bundle.export(tmp_path / "b2.ctb", SECRET)
    close_store()
    assert "okapi" not in "".join(str(o) for o in bundle.read(tmp_path / "b2.ctb", SECRET))
