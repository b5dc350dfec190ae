"""Pilot tests: a teacher's coaching cycle from the roster, the support level and the cadence form."""

import pytest

from coachtui.coaching import cadence, cycles
from coachtui.roster import staff
from coachtui.screens.cycle import CycleScreen
from coachtui.teaching import framework
from coachtui.widgets.form import FormModal, PickModal


@pytest.fixture
def seed(ctx):
    """What the database holds when the app starts (conftest's `app` opens it)."""
    north = staff.site_named("North")
    coach = staff.save(name="Cara Coach", roles="teacher,coach", site_id=north)
    staff.save(name="Tia Teacher", site_id=north, coach_id=coach, support="support")


def tia():
    return next(r for r in staff.roster_rows() if r.name == "Tia Teacher").id


async def type_text(pilot, text):
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


async def open_cycle(pilot, app):
    await pilot.press("t", "i", "a", "enter")  # find Tia on the roster
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause()
    assert isinstance(app.screen, CycleScreen)


async def test_start_a_cycle_move_it_on_and_change_support(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_cycle(pilot, app)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        await pilot.press("tab")  # the focus is pre-filled with the suggested next step
        await type_text(pilot, "Warm")
        await pilot.press("ctrl+s")
        await pilot.pause()
        c = cycles.current(tia())
        assert c.strengths == "Warm" and c.focus_item_id == framework.steps()[0].id
        await pilot.press("space")
        await pilot.pause()
        assert cycles.current(tia()).stage == "join"
        assert "JOIN" in str(app.screen.query_one("#cycle-stages").render())
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert cycles.current(tia()).stage == "initial"
        # l: a new support level needs a reason; without one nothing changes.
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormModal) and staff.get(tia()).support == "support"
        await pilot.press("tab")
        await type_text(pilot, "Doing well")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert staff.get(tia()).support == "none"
        assert [r[1] for r in app.screen.table.rows][0] == "support down"


async def test_cadence_form_sets_a_schools_interval(app):
    north = staff.site_named("North")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape")
        await pilot.pause()
        app.screen.action_cadence()
        await pilot.pause()
        assert isinstance(app.screen, PickModal)
        await type_text(pilot, "north")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        await type_text(pilot, "21")  # the first field: support
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert cadence.settings() == {(north, "support"): 21}


async def test_plan_a_join_and_cancel_it_from_the_cycle_screen(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_cycle(pilot, app)
        await pilot.press("p")
        await pilot.pause()
        app.screen.query_one("#f-on").value = "2099-02-03"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [p.on for p in cadence.planned_joins(tia())] == ["2099-02-03"]
        assert app.screen.table.rows[0][:2] == ("2099-02-03", "planned join")
        app.screen.table.move_to(0)
        await pilot.press("delete")
        await pilot.pause()
        assert cadence.planned_joins(tia()) == []
        assert all(r[1] != "planned join" for r in app.screen.table.rows)


async def test_the_key_of_the_place_you_are_in_goes_back_to_its_first_screen(app, until):
    """Issue 13: from a cycle, F6 then F2 showed the cycle again and F2 there did nothing."""
    from coachtui.screens.roster import RosterScreen

    async with app.run_test(size=(80, 24)) as pilot:
        await open_cycle(pilot, app)
        await pilot.press("f6")
        await until(pilot, lambda: app.current_mode == "review", what="the review")
        await pilot.press("f2")
        await until(pilot, lambda: app.current_mode == "roster", what="the roster's place")
        assert isinstance(app.screen, CycleScreen)  # each place keeps where you were
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, RosterScreen), what="the roster")
        assert len(app.screen_stack) == 1


async def test_every_place_key_goes_back_to_that_places_first_screen(app, until):
    from textual.screen import Screen

    from coachtui.screens.places import PLACES

    async with app.run_test(size=(80, 24)) as pilot:
        for mode, key, _, _ in PLACES:
            await pilot.press(key)
            await until(pilot, lambda mode=mode: app.current_mode == mode, what=mode)
            first = type(app.screen)
            app.push_screen(Screen())
            await pilot.pause()
            await pilot.press(key)
            await until(pilot, lambda: len(app.screen_stack) == 1, what=f"{key} back to {mode}'s first screen")
            assert type(app.screen) is first


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_the_cycle_names_the_support_level_and_keeps_the_initial_meeting_prompt(app, until):
    """Issue 13: "support: support"; "Initial meeting not written yet" went once a visit was added."""
    from coachtui.roster import focus_areas

    steps = framework.steps()
    staff_id = tia()
    cycles.start(staff_id, focus_item_id=steps[0].id)
    focus_areas.set_focus(staff.save(name="Vic Visit"), steps[0].id, "strength")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_cycle(pilot, app)
        text = screen_text(app)
        assert "support level: support" in text and "support: support" not in text
        assert "Initial meeting not written yet" in text
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, PickModal), what="the visits")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CycleScreen), what="the cycle")
        await pilot.pause()
        text = screen_text(app)
        assert "Visit Vic Visit" in text
        assert "Initial meeting not written yet" in text


async def test_plan_a_join_typing_replaces_the_suggested_date(app, until):
    """Issue 13: the prefilled date was not selected: typing gave 2026-11-302026-12-08."""
    async with app.run_test(size=(80, 24)) as pilot:
        await open_cycle(pilot, app)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, FormModal), what="the plan form")
        await pilot.pause()
        await type_text(pilot, "2099-02-03")
        assert app.screen.query_one("#f-on").value == "2099-02-03"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, CycleScreen), what="the cycle")
        assert [p.on for p in cadence.planned_joins(tia())] == ["2099-02-03"]
