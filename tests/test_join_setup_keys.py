"""Join set-up from the keyboard: Enter on a highlighted suggestion chooses it,
Tab keeps what was typed, the length is a plain number in range."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from coachtui.lessons import joins
from coachtui.roster import staff
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
        box = setup.query_one("#join-focus", Input)
        box.value = ""
        await pilot.press(*"TS7", "down", "down", "enter")
        await pilot.pause()
        print(setup.item_id, box.value, app.focused)
        assert setup.item_id == item_id("TS7.1")
        assert app.focused.id == "join-group"


async def test_tab_from_the_focus_box_keeps_the_class(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        setup = await open_setup(app, pilot, until)
        await pilot.press("enter")  # the pre-filled focus: on to Class
        await pilot.press(*"9X2", "shift+tab")
        await pilot.pause()
        print(app.focused)
        await pilot.press(*" more", "tab")
        await pilot.pause()
        print(app.focused, setup.query_one("#join-group", Input).value)
        assert setup.query_one("#join-group", Input).value == "9X2"
