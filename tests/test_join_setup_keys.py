"""Join set-up from the keyboard: Enter on a highlighted suggestion chooses it,
Tab keeps what was typed, the length is a plain number in range."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from coachtui.lessons import joins
from coachtui.roster import staff
from coachtui.teaching import framework
from coachtui.teaching.framework import item_id


@pytest.fixture
def seed(ctx):
    staff.save(name="Tia Teacher")


async def open_setup(app, pilot, until):
    await pilot.press(*"tia", "enter", "j")
    await until(pilot, lambda: app.screen.__class__.__name__ == "JoinSetup", what="the set-up")
    return app.screen


async def test_enter_on_a_highlighted_suggestion_chooses_it(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        setup = await open_setup(app, pilot, until)
        setup.query_one("#join-focus", Input).value = ""
        await pilot.press(*"QU.1", "down", "down", "enter")  # down to the second suggestion, QU.1.2
        await pilot.pause()
        assert setup.item_id == item_id("QU.1.2")
        assert setup.query_one("#join-focus", Input).value == framework.get(item_id("QU.1.2")).title
        assert app.focused.id == "join-group"


async def test_tab_from_the_focus_box_goes_to_the_class_with_what_is_typed(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        setup = await open_setup(app, pilot, until)
        setup.query_one("#join-focus", Input).value = ""
        await pilot.press(*"Routines at the door", "tab", *"9X2")
        await pilot.pause()
        assert setup.query_one("#join-group", Input).value == "9X2"
        assert setup.query_one("#join-focus", Input).value == "Routines at the door" and setup.item_id is None


async def test_tab_on_a_highlighted_suggestion_chooses_it_and_keeps_the_class(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        setup = await open_setup(app, pilot, until)
        await pilot.press("enter", *"9X2", "shift+tab")  # back to the focus box
        await pilot.pause()
        assert app.focused.id == "join-focus"
        setup.query_one("#join-focus", Input).value = ""
        await pilot.press(*"QU.1", "down", "down", "tab")
        await pilot.pause()
        assert setup.item_id == item_id("QU.1.2") and app.focused.id == "join-group"
        assert setup.query_one("#join-group", Input).value == "9X2"


async def test_enter_after_typing_keeps_your_own_focus(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        setup = await open_setup(app, pilot, until)
        setup.query_one("#join-focus", Input).value = ""
        await pilot.press(*"Routines at the door", "enter")
        await pilot.pause()
        assert setup.item_id is None and app.focused.id == "join-group"


@pytest.mark.parametrize("typed", ["Scroll note number 4", "4 5", "0", "241", "-3", "²", "4.5"])
async def test_minutes_take_only_a_plain_number_in_range(app, until, typed):
    async with app.run_test(size=(80, 24)) as pilot:
        setup = await open_setup(app, pilot, until)
        setup.query_one("#join-focus", Input).value = "Routines"
        minutes = setup.query_one("#join-minutes", Input)
        minutes.value = ""
        minutes.focus()
        await pilot.press(*typed, "ctrl+s")
        await pilot.pause()
        assert joins.running_join() is None, f"{typed!r} started a join"
        error = str(setup.query_one("#form-error", Static).render())
        assert "minutes" in error and "\n" not in error.strip()


async def test_minutes_in_range_start_the_join(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        setup = await open_setup(app, pilot, until)
        setup.query_one("#join-focus", Input).value = "Routines"
        minutes = setup.query_one("#join-minutes", Input)
        minutes.value = ""
        minutes.focus()
        await pilot.press(*" 35 ", "ctrl+s")
        await until(pilot, lambda: joins.running_join() is not None, what="the join")
        assert joins.running_join().planned_minutes == 35


@pytest.mark.parametrize("field", ["join_minutes", "coach_load_limit", "suppress_below"])
async def test_the_settings_number_boxes_take_only_a_plain_number(app, field):
    """The same kind of box on F9: letters are not silently dropped into a number."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        box = app.screen.query_one(f"#{field}", Input)
        box.value = ""
        box.focus()
        await pilot.press(*"Scroll note number 4", "ctrl+s")
        await pilot.pause()
        assert getattr(app.config, field) != 4
        assert app.screen.__class__.__name__ == "SettingsForm"  # still open, with its one-line error


async def test_keys_typed_fast_after_enter_and_tab_land_in_the_next_field(app, until):
    """A terminal delivers a quick typist's keys together: each lands in the
    field the focus had moved to when it was typed."""
    from textual import events

    async with app.run_test(size=(80, 24)) as pilot:
        setup = await open_setup(app, pilot, until)
        setup.query_one("#join-focus", Input).value = ""
        await pilot.press(*"QU.2", "down")
        await pilot.pause()
        for k in ["enter", *"9X2", "tab", *"R12", "tab", *"35"]:
            app.post_message(events.Key(k, k if len(k) == 1 else None))
        await pilot.pause(0.3)
        values = {w.id: w.value for w in setup.query(Input)}
        assert (values["join-group"], values["join-room"]) == ("9X2", "R12"), values
        assert setup.item_id == item_id("QU.2.1")
