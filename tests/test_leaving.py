"""Every way out of a screen with unsaved text asks first, or keeps it as a
draft that comes back: Esc, Ctrl+Q (from any place) and the F-key places."""

import pytest
from textual.widgets import Input, TextArea

from coachtui.lessons import feedback, joins
from coachtui.roster import staff
from coachtui.store import write
from coachtui.store.models import Join, Staff


@pytest.fixture
def seed(ctx):
    coach = staff.save(name="Cara Coach", roles="teacher,coach")
    staff.save(name="Jane Smith", team="Maths", coach_id=coach)
    write.clear_history()


def screen_name(app):
    return app.screen.__class__.__name__


def jane():
    return Staff.get(Staff.name == "Jane Smith").id


async def open_feedback(app, pilot, until):
    jid = joins.start(jane(), focus_item_id=None, focus_text="Routines")
    joins.end(Join.get_by_id(jid))
    from coachtui.screens.feedback import FeedbackScreen

    app.push_screen(FeedbackScreen(jid))
    await until(pilot, lambda: getattr(app.focused, "id", None) == "fb-step", what="the feedback")
    return jid


async def test_ctrl_q_on_the_feedback_asks_before_dropping_typed_text(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        jid = await open_feedback(app, pilot, until)
        app.screen.query_one("#fb-practice", TextArea).text = "Rehearse the entry routine"
        await pilot.press("ctrl+q")
        await until(pilot, lambda: screen_name(app) == "QuitModal", what="the question")
        assert app.is_running
        await pilot.press("escape")  # go back to it
        await until(pilot, lambda: screen_name(app) == "FeedbackScreen", what="the feedback again")
        assert app.screen.query_one("#fb-practice", TextArea).text == "Rehearse the entry routine"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert feedback.items(feedback.get(jid).id)["practice"].text == "Rehearse the entry routine"
        await pilot.press("ctrl+q")  # saved now: quits without asking
        await until(pilot, lambda: not app.is_running, what="the app quitting")


async def test_ctrl_q_asks_about_text_left_in_another_place_and_q_quits(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_feedback(app, pilot, until)
        app.screen.query_one("#fb-target_what", Input).value = "Cold call five pupils"
        await pilot.press("f3")
        await until(pilot, lambda: app.current_mode == "plcs", what="the PLC board")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: screen_name(app) == "QuitModal", what="the question")
        await pilot.press("escape")  # back to where the text is
        await until(pilot, lambda: screen_name(app) == "FeedbackScreen", what="the feedback")
        assert app.current_mode == "roster"
        assert app.screen.query_one("#fb-target_what", Input).value == "Cold call five pupils"
        await pilot.press("ctrl+q")
        await until(pilot, lambda: screen_name(app) == "QuitModal", what="the question")
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running, what="the app quitting")


async def test_esc_on_a_form_with_typed_text_asks(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "a")
        await until(pilot, lambda: screen_name(app) == "StaffForm", what="the add form")
        await pilot.press(*"Nia New")
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) == "UnsavedModal", what="the question")
        await pilot.press("escape")  # keep editing
        await until(pilot, lambda: screen_name(app) == "StaffForm", what="the form again")
        assert app.screen.query_one("#name", Input).value == "Nia New"
        await pilot.press("escape", "s")  # save it
        await until(pilot, lambda: screen_name(app) == "RosterScreen", what="the roster")
        assert Staff.select().where(Staff.name == "Nia New").exists()
        await pilot.press("down", "a")
        await until(pilot, lambda: screen_name(app) == "StaffForm", what="the add form")
        await pilot.press(*"Olu Other", "escape")
        await until(pilot, lambda: screen_name(app) == "UnsavedModal", what="the question")
        await pilot.press("d")  # discard
        await until(pilot, lambda: screen_name(app) == "RosterScreen", what="the roster")
        assert not Staff.select().where(Staff.name == "Olu Other").exists()


async def test_an_untouched_form_closes_and_quits_without_asking(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "e")
        await until(pilot, lambda: screen_name(app) == "StaffForm", what="the edit form")
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) == "RosterScreen", what="the roster")
        await pilot.press("down", "e")
        await until(pilot, lambda: screen_name(app) == "StaffForm", what="the edit form")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running, what="the app quitting")


async def test_ctrl_q_on_a_form_modal_asks(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await until(pilot, lambda: screen_name(app) == "PrioritiesScreen", what="the plans")
        await pilot.press("n")
        await until(pilot, lambda: screen_name(app) == "FormModal", what="the plan form")
        await pilot.press(*"Reading fluency in Year 3")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: screen_name(app) == "QuitModal", what="the question")
        assert "New priority plan" in str(app.screen.query_one("#quit-what").render())


async def test_settings_and_the_framework_form_ask_too(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f9")
        await until(pilot, lambda: screen_name(app) == "SettingsForm", what="the settings")
        app.screen.query_one("#device_name", Input).value = "Maths office laptop"
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) == "UnsavedModal", what="the question")
        await pilot.press("d")
        await until(pilot, lambda: screen_name(app) == "RosterScreen", what="the roster")
        await pilot.press("f7")
        await until(pilot, lambda: screen_name(app) == "FrameworkScreen", what="the framework")
        await pilot.press("r")
        await until(pilot, lambda: screen_name(app) == "ItemForm", what="the item form")
        app.screen.query_one("#fw-criteria", TextArea).text += "\nPupils wait three seconds"
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) == "UnsavedModal", what="the question")


async def test_a_place_switch_keeps_a_form_and_its_text(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "a")
        await until(pilot, lambda: screen_name(app) == "StaffForm", what="the add form")
        await pilot.press(*"Nia New")
        await pilot.press("f3")
        await until(pilot, lambda: app.current_mode == "plcs", what="the PLC board")
        await pilot.press("f2")
        await until(pilot, lambda: screen_name(app) == "StaffForm", what="the form again")
        assert app.screen.query_one("#name", Input).value == "Nia New"


async def test_join_setup_asks_before_dropping_what_was_typed(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"jane", "enter", "j")
        await until(pilot, lambda: screen_name(app) == "JoinSetup", what="the join setup")
        app.screen.query_one("#join-focus", Input).value = "Entry routine"
        app.screen.query_one("#join-group", Input).value = "9X2"
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) == "UnsavedModal", what="the question")
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) == "JoinSetup", what="the setup again")
        assert app.screen.query_one("#join-group", Input).value == "9X2"


async def test_quitting_from_a_join_keeps_the_note_being_typed_at_once(app, until):
    jid = joins.start(jane(), focus_item_id=None, focus_text="Routines")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: getattr(app.focused, "id", None) == "join-note", what="the join")
        app.screen.query_one("#join-note", Input).value = "pupils settle in under a minute"
        # As if the half-second draft timer had not come round yet.
        app.screen._saved_draft = ("pupils settle in under a minute", "observation")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running, what="the app quitting")
    assert joins.draft(jid)[0] == "pupils settle in under a minute"


async def test_quitting_during_a_note_correction_asks(app, until):
    jid = joins.start(jane(), focus_item_id=None, focus_text="Routines")
    joins.add_note(Join.get_by_id(jid), "teh pupils")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: getattr(app.focused, "id", None) == "join-note", what="the join")
        await pilot.press("escape", "enter")  # correct the note: not a draft
        await pilot.pause()
        app.screen.query_one("#join-note", Input).value = "the pupils"
        await pilot.press("ctrl+q")
        await until(pilot, lambda: screen_name(app) == "QuitModal", what="the question")
        assert "correction" in str(app.screen.query_one("#quit-what").render())
