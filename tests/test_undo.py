"""Undo and redo that mean what they say: no record left half-alive, at most
one running join per laptop, no writes under an undone join, and the screens
follow what an undo or a redo did."""

import pytest
from textual.widgets import Input, Static

from coachtui.base.errors import UserError
from coachtui.lessons import feedback, joins
from coachtui.roster import focus_areas, staff
from coachtui.store import write
from coachtui.store.db import get_meta
from coachtui.store.models import Join, Note, Staff, Tally
from coachtui.teaching.framework import item_id


@pytest.fixture
def seed(ctx):
    coach = staff.save(name="Cara Coach", roles="teacher,coach")
    t = staff.save(name="Jane Smith", team="Maths", coach_id=coach, support="structured")
    staff.save(name="Tom Jones", team="Science", coach_id=coach)
    focus_areas.set_focus(t, item_id("QU.1.1"), "development")
    write.clear_history()


def person(name):
    return Staff.get(Staff.name == name).id


# --- the store and the services --------------------------------------------------


def test_undoing_a_start_leaves_no_running_join_and_redo_brings_it_back(seed):
    jid = joins.start(person("Jane Smith"), focus_item_id=None, focus_text="Routines")
    assert write.undo() == "start join with Jane Smith"
    assert joins.running_join() is None
    assert get_meta("running_join") in ("", None)
    assert write.redo() == "start join with Jane Smith"
    assert joins.running_join().id == jid
    assert not Join.get_by_id(jid).deleted
    assert write.undo() == "start join with Jane Smith"  # and round again
    assert joins.running_join() is None


def test_undoing_an_end_makes_the_join_the_running_one_again(seed):
    jid = joins.start(person("Jane Smith"), focus_item_id=None, focus_text="Routines")
    joins.end(Join.get_by_id(jid))
    assert write.undo() == "end join"
    assert Join.get_by_id(jid).ended_at is None
    assert joins.running_join() is not None and joins.running_join().id == jid
    with pytest.raises(UserError, match="already running"):
        joins.start(person("Tom Jones"), focus_item_id=None, focus_text="Transitions")
    assert Join.select().where(Join.ended_at.is_null() & Join.live()).count() == 1
    assert write.redo() == "end join"
    assert joins.running_join() is None
    assert Join.get_by_id(jid).ended_at


def test_a_new_change_forgets_what_could_be_redone(seed):
    tom = person("Tom Jones")
    staff.assign_coach(tom, None)
    write.undo()
    assert write.redo_label() is not None
    staff.save(tom, name="Tom Jones-Ng")
    assert write.redo_label() is None
    assert write.redo() is None


def test_redo_writes_back_field_by_field_and_is_undoable(seed):
    tom = person("Tom Jones")
    staff.save(tom, name="Tom Jones-Ng", team="Physics")
    write.undo()
    assert (Staff.get_by_id(tom).name, Staff.get_by_id(tom).team) == ("Tom Jones", "Science")
    write.redo()
    assert (Staff.get_by_id(tom).name, Staff.get_by_id(tom).team) == ("Tom Jones-Ng", "Physics")
    write.undo()
    assert Staff.get_by_id(tom).name == "Tom Jones"


def test_nothing_is_written_under_an_undone_or_ended_join(seed):
    jid = joins.start(person("Jane Smith"), focus_item_id=None, focus_text="Routines")
    stale = Join.get_by_id(jid)  # what a screen holds
    write.undo()
    with pytest.raises(UserError, match="undone"):
        joins.add_note(stale, "a note")
    with pytest.raises(UserError, match="undone"):
        joins.tally(stale, "questions asked")
    with pytest.raises(UserError, match="undone"):
        joins.pause(stale)
    with pytest.raises(UserError, match="undone"):
        joins.end(stale)
    with pytest.raises(UserError, match="undone"):
        feedback.save(stale, {"practice": ("Rehearse", False)})
    assert Note.select().count() == Tally.select().count() == 0
    assert feedback.get(jid) is None
    write.redo()
    joins.end(Join.get_by_id(jid))
    with pytest.raises(UserError, match="ended"):
        joins.add_note(stale, "late")
    with pytest.raises(UserError, match="ended"):
        joins.tally(stale, "questions asked")
    assert Note.select().count() == Tally.select().count() == 0


def test_feedback_waits_for_the_join_to_end(seed):
    jid = joins.start(person("Jane Smith"), focus_item_id=None, focus_text="Routines")
    joins.end(Join.get_by_id(jid))
    write.undo()  # running again
    with pytest.raises(UserError, match="running"):
        feedback.save(Join.get_by_id(jid), {"practice": ("Rehearse", False)})
    write.redo()
    assert feedback.save(Join.get_by_id(jid), {"practice": ("Rehearse", False)})


# --- the app -------------------------------------------------------------------------


def in_note_box(app):
    return app.screen.__class__.__name__ == "JoinScreen" and getattr(app.focused, "id", None) == "join-note"


def notes_shown(app):
    return [n.message for n in app._notifications]


async def start_join_in_app(app, pilot):
    await pilot.press(*"jane", "enter", "j")
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert app.screen.__class__.__name__ == "JoinScreen"
    return joins.running_join().id


async def test_undoing_a_start_closes_the_join_screen_and_redo_reopens_it(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        jid = await start_join_in_app(app, pilot)
        await pilot.press(*"half a tho")
        await pilot.press("escape", "ctrl+z")  # in the note box, Ctrl+Z undoes the typing; outside it, the start
        await until(pilot, lambda: app.screen.__class__.__name__ == "RosterScreen", what="the join screen closing")
        assert any("undone" in m.lower() and "Jane Smith" in m for m in notes_shown(app))
        # Nothing can now be written under the undone join: no screen offers it.
        await pilot.press("ctrl+z")  # a second undo: nothing more to take back, no crash
        await pilot.pause()
        assert Join.get_by_id(jid).deleted and joins.running_join() is None
        assert Note.select().count() == 0
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.screen.__class__.__name__ == "JoinScreen", what="the join coming back")
        assert app.screen.join_id == jid
        assert app.screen.query_one("#join-note", Input).value == "half a tho"  # the half-typed note too
        await pilot.press("t", "enter")
        await pilot.pause()
        assert [n.text for n in joins.notes(jid)] == ["half a thot"]


async def test_the_join_screen_closes_under_help_too(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await start_join_in_app(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        await pilot.press("ctrl+z")
        await pilot.pause()
        await pilot.press("escape")
        await until(pilot, lambda: app.screen.__class__.__name__ == "RosterScreen", what="the roster")
        assert app.is_running


async def test_undoing_an_end_goes_back_into_the_join(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        jid = await start_join_in_app(app, pilot)
        await pilot.press(*"first", "enter", "escape", "e")
        await until(pilot, lambda: app.screen.__class__.__name__ == "FeedbackScreen", what="the feedback")
        await pilot.press("ctrl+z")
        await until(pilot, lambda: app.screen.__class__.__name__ == "JoinScreen", what="the join again")
        assert joins.running_join().id == jid
        await pilot.press("ctrl+r")  # redo: ended again, and on to its feedback
        await until(pilot, lambda: app.screen.__class__.__name__ == "FeedbackScreen", what="the feedback again")
        assert joins.running_join() is None
        await pilot.press("ctrl+z")
        await until(pilot, lambda: in_note_box(app), what="the join once more")
        await pilot.press(*"second", "enter")
        await pilot.pause()
        assert [n.text for n in joins.notes(jid)] == ["first", "second"]
        await pilot.press("escape", "e")
        await until(pilot, lambda: app.screen.__class__.__name__ == "FeedbackScreen", what="the feedback at last")
        assert [s.__class__.__name__ for s in app.screen_stack] == ["RosterScreen", "FeedbackScreen"]


async def test_undoing_an_end_with_feedback_typed_keeps_it_under_the_join(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        jid = await start_join_in_app(app, pilot)
        await pilot.press("escape", "e")
        await until(pilot, lambda: app.screen.__class__.__name__ == "FeedbackScreen", what="the feedback")
        app.screen.query_one("#fb-practice").text = "Rehearse the entry routine"
        await pilot.press("ctrl+z")
        await until(pilot, lambda: in_note_box(app), what="the join again")
        names = [s.__class__.__name__ for s in app.screen_stack]
        assert names == ["RosterScreen", "FeedbackScreen", "JoinScreen"]
        await pilot.press("escape", "e")  # ended again: back to what was typed
        await until(pilot, lambda: app.screen.__class__.__name__ == "FeedbackScreen", what="the feedback again")
        assert app.screen.query_one("#fb-practice").text == "Rehearse the entry routine"
        assert [s.__class__.__name__ for s in app.screen_stack] == ["RosterScreen", "FeedbackScreen"]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert feedback.items(feedback.get(jid).id)["practice"].text == "Rehearse the entry routine"


async def test_after_undoing_an_end_a_restart_goes_back_into_the_join(app, ctx, until):
    jid = joins.start(person("Jane Smith"), focus_item_id=None, focus_text="Routines")
    joins.end(Join.get_by_id(jid))
    write.undo()
    write.clear_history()  # a restart forgets the undo history
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: in_note_box(app), what="the join resumed")
        assert app.screen.join_id == jid
        await pilot.press(*"after the restart", "enter")
        await pilot.pause()
        assert [n.text for n in joins.notes(jid)] == ["after the restart"]


async def test_history_enter_on_the_running_join_goes_back_into_it(app, until):
    jid = joins.start(person("Jane Smith"), focus_item_id=None, focus_text="Routines")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: in_note_box(app), what="the join resumed")
        app.pop_screen()  # left some other way (another place, say)
        await pilot.pause()
        from coachtui.screens.history import HistoryScreen

        app.push_screen(HistoryScreen(person("Jane Smith")))
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.__class__.__name__ == "JoinScreen", what="the join from history")
        assert app.screen.join_id == jid
        assert not any("still running" in m for m in notes_shown(app))


async def test_redo_key_is_in_help_and_the_palette(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Redo" in titles
        await pilot.press("f1")
        await pilot.pause()
        help_text = " ".join(str(app.screen.query_one("#help-text", Static).render()).split())
        assert "Ctrl+R redo" in help_text  # F1 lists it as an entry: "  Ctrl+R  redo what was undone"
        await pilot.press("escape")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "Nothing to redo." in notes_shown(app)


async def test_ctrl_z_in_a_form_with_unsaved_text_undoes_nothing_beneath_it(app, until):
    """The re-check walkthrough: Ctrl+Z in a one-line feedback box undid the
    saved feedback (and the join's end) beneath the text being typed."""
    from textual.widgets import Input

    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "a")
        await until(pilot, lambda: app.screen.__class__.__name__ == "StaffForm", what="the staff form")
        app.screen.query_one("#name", Input).value = "Una Undo"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen.__class__.__name__ == "RosterScreen", what="the roster")
        assert Staff.get_or_none(Staff.name == "Una Undo") is not None
        await pilot.press("down", "a")
        await until(pilot, lambda: app.screen.__class__.__name__ == "StaffForm", what="a second form")
        app.screen.query_one("#name", Input).focus()
        await pilot.press(*"Half typed")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "StaffForm"
        assert Staff.get_or_none((Staff.name == "Una Undo") & (Staff.deleted == False)) is not None  # noqa: E712
