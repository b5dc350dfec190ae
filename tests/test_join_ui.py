"""The coach's classroom workflow through the app, against a file database."""

import pytest
from textual.widgets import Input, TextArea

from coachtui.lessons import feedback, joins
from coachtui.roster import focus_areas, staff
from coachtui.store.models import ActionStep, Join
from coachtui.teaching.framework import item_id


@pytest.fixture
def seed(ctx):
    """What the database holds when the app starts (conftest's `app` opens it)."""
    coach = staff.save(name="Cara Coach", roles="teacher,coach")
    t = staff.save(name="Jane [Smith]", team="Maths", coach_id=coach, support="structured")
    focus_areas.set_focus(t, item_id("QU.1.1"), "development")


async def test_join_from_roster_to_feedback(app, tmp_path):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"jane", "enter", "j")
        await pilot.pause()
        setup = app.screen
        assert setup.__class__.__name__ == "JoinSetup"
        assert setup.query_one("#join-focus", Input).value.startswith("Cold call")  # pre-filled
        setup.query_one("#join-group", Input).value = "9X2"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "JoinScreen"
        join = joins.running_join()
        assert join.group == "9X2" and join.focus_item_id == item_id("QU.1.1")
        await pilot.press(*"waited for hands", "enter")
        await pilot.press(*"+named Sam first", "enter")
        await pilot.press("f7", *"cold call the back row", "enter")
        await pilot.pause()
        kinds = [(n.kind, n.text) for n in joins.notes(join.id)]
        assert kinds == [("observation", "waited for hands"), ("strength", "named Sam first"),
                         ("next", "cold call the back row")]
        await pilot.press("escape", "1", "1", "2", "u", "p")
        await pilot.pause()
        counts = {k: len(v) for k, v in joins.tallies(join).items()}
        assert counts["questions asked"] == 2 and counts["cold calls"] == 0
        assert joins.timing(join).paused
        await pilot.press("p", "e")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "FeedbackScreen"
        form = app.screen
        assert "named Sam first" in form.query_one("#fb-strengths", TextArea).text
        assert form.query_one("#fb-action_step", Input).value == "cold call the back row"
        form.query_one("#fb-reflection", TextArea).text = "I rushed the start"
        form.query_one("#fb-private-reflection").value = True
        form.query_one("#fb-target_deadline", Input).value = "soon"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert feedback.get(join.id) is None  # a bad date saves nothing
        form.query_one("#fb-target_deadline", Input).value = "2027-01-15"
        form.query_one("#fb-target_what", Input).value = "Cold call five pupils each lesson"
        await pilot.press("ctrl+s")
        await pilot.pause()
        fb = feedback.get(join.id)
        assert fb is not None and fb.next_join
        assert "I rushed the start" not in feedback.teacher_summary(join.id)
        await pilot.press("ctrl+e")
        await pilot.pause()
        exported = list((tmp_path / "Documents" / "coachtui").glob("*.md"))  # Documents (conftest: tmp_path)
        assert len(exported) == 1 and "cold call the back row" in exported[0].read_text()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "RosterScreen"
        row = next(r for r in app.screen.table.rows if r.name == "Jane [Smith]")
        assert row.last_joined and row.next_due == fb.next_join
        await pilot.press("down", "h")  # back on the roster the find box has the keys
        await pilot.pause()
        whats = [e.what for e in app.screen.table.rows]
        assert "join" in whats and "action step" in whats and "target" in whats
        step = next(i for i, e in enumerate(app.screen.table.rows) if e.what == "action step")
        app.screen.table.move_to(step)
        await pilot.press("m")
        await pilot.pause()
        assert ActionStep.get().status == "mastered"


async def test_a_running_join_comes_back_after_restart(app, tmp_path):
    jane = next(r for r in staff.roster_rows() if r.name == "Jane [Smith]")
    jid = joins.start(jane.id, focus_item_id=None, focus_text="Routines")
    joins.add_note(Join.get_by_id(jid), "first note")
    joins.save_draft(jid, "half-typed", "question")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert app.screen.__class__.__name__ == "JoinScreen"
        assert app.screen.query_one("#join-note", Input).value == "half-typed"
        assert [n.text for n in app.screen.notes_table.rows] == ["first note"]


async def test_correct_and_delete_notes_during_the_join(app):
    jane = next(r for r in staff.roster_rows() if r.name == "Jane [Smith]")
    jid = joins.start(jane.id, focus_item_id=None, focus_text="Routines")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press(*"teh pupils", "enter", *"second", "enter", "escape", "up", "enter")
        await pilot.pause()
        box = app.screen.query_one("#join-note", Input)
        assert box.value == "teh pupils"
        box.value = "the pupils"
        await pilot.press("enter")
        await pilot.pause()
        assert [n.text for n in joins.notes(jid)] == ["the pupils", "second"]
        await pilot.press("escape", "d")
        await pilot.pause()
        assert len(joins.notes(jid)) == 1
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(joins.notes(jid)) == 2


async def test_what_is_typed_is_on_disk_within_a_second(app, until):
    jane = next(r for r in staff.roster_rows() if r.name == "Jane [Smith]")
    jid = joins.start(jane.id, focus_item_id=None, focus_text="Routines")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press(*"half a thou")
        # Saved by the draft timer (every 0.5 s), with nothing else pressed.
        await until(pilot, lambda: joins.draft(jid) == ("half a thou", "observation"), timeout=3,
                    what="the draft on disk")
        await pilot.press("enter")
        await pilot.pause()
        assert joins.draft(jid) == ("", "observation")
