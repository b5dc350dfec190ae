"""Pilot tests of the PLC board, a PLC's meetings and a priority plan, driven by keys."""

import pytest

from coachtui.plcs import meetings, plans, plc
from coachtui.roster import focus_areas, staff
from coachtui.screens.plc_board import PlcBoardScreen
from coachtui.screens.plc_page import PlcPage, SessionScreen
from coachtui.screens.priorities import PlanScreen, PrioritiesScreen
from coachtui.store.models import PlanAction, Plc
from coachtui.teaching import framework
from coachtui.widgets.form import FormModal, PickModal

ODD = "[bold]Dr [Ann] O'Neil[/]"


@pytest.fixture
def seed(ctx):
    """What the database holds when the app starts (conftest's `app` opens it)."""
    north = staff.site_named("North")
    for n in ("Ada Ames", "Ben Bell", "Cat Cole", ODD):
        staff.save(name=n, site_id=north, team="Year 4")


def by_name(name):
    return next(s for s in staff.roster_rows() if s.name == name).id


def board_text(app) -> str:
    b = app.screen.board
    return "\n".join(b.render_line(y).text for y in range(b.size.height))


async def type_text(pilot, text):
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


async def test_board_create_add_lead_move_and_undo(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, PlcBoardScreen)
        assert "In no PLC" in board_text(app) and "[bold]Dr [Ann]" in board_text(app)  # literal, not markup
        # n: a new PLC with a framework focus typed by its code.
        await pilot.press("n")
        await type_text(pilot, "Questioning")
        await pilot.press("tab")
        await type_text(pilot, "QU.1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        [q] = plc.plcs()
        assert q.name == "Questioning" and q.focus_item_id == framework.item_id("QU.1")
        assert app.screen.board.column.plc_id == q.id  # the cursor went to the new column
        # a: add Ada by typing part of her name.
        await pilot.press("a")
        await type_text(pilot, "ada")
        await pilot.press("enter")
        await pilot.pause()
        assert [m.name for m in plc.members(q.id)] == ["Ada Ames"]
        await pilot.press("l")
        await pilot.pause()
        assert plc.get(q.id).leader_id == by_name("Ada Ames")
        assert "led by Ada Ames" in board_text(app)
        # Shift+Left on the first column's card moves Ben into the PLC beside it.
        await pilot.press("left")
        app.screen.board.focus_on(None, by_name("Ben Bell"))
        await pilot.press("shift+right")
        await pilot.pause()
        assert {m.name for m in plc.members(q.id)} == {"Ada Ames", "Ben Bell"}
        assert app.screen.board.card.name == "Ben Bell"  # the cursor followed the card
        # Delete takes him out again; Ctrl+Z undoes that.
        await pilot.press("delete")
        await pilot.pause()
        assert {m.name for m in plc.members(q.id)} == {"Ada Ames"}
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert {m.name for m in plc.members(q.id)} == {"Ada Ames", "Ben Bell"}
        # x archives the PLC: its column goes, its members are back in "no PLC".
        await pilot.press("x")
        await pilot.pause()
        assert Plc.get_by_id(q.id).archived
        assert [c.plc_id for c in app.screen.board.columns] == [None]


async def test_a_bad_name_keeps_the_form_open_and_changes_nothing(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.press("n")
        await pilot.press("ctrl+s")  # empty name
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        assert "needs a name" in str(app.screen.query_one("#form-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert plc.plcs() == []


async def test_suggestions_start_a_plc_and_fill_it(app):
    step = framework.item_id("QU.1.1")
    for n in ("Ada Ames", "Ben Bell", "Cat Cole"):
        focus_areas.set_focus(by_name(n), step, "development")
    focus_areas.set_focus(by_name(ODD), step, "strength")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.press("s")  # on "no PLC": PLCs worth starting
        await pilot.pause()
        assert isinstance(app.screen, PickModal)
        await pilot.press("enter")
        await pilot.pause()
        [p] = plc.plcs()
        assert p.focus_item_id == step
        await pilot.press("s")  # on the new PLC: the leader first, then members
        await pilot.pause()
        assert app.screen._values[0] == ("leader", by_name(ODD))
        await pilot.press("enter")
        await pilot.pause()
        assert plc.get(p.id).leader_id == by_name(ODD)
        await pilot.press("s")
        await pilot.pause()
        assert [v[0] for v in app.screen._values] == ["member"] * 3


async def test_a_meeting_records_who_came_and_what_each_will_try(app):
    q = plc.save(name="Questioning")
    plc.add_member(q, by_name("Ada Ames"))
    plc.add_member(q, by_name("Ben Bell"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.press("right", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PlcPage)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("tab", "tab")
        await type_text(pilot, "Cold call")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        [s] = meetings.sessions(q)
        assert s.topic == "Cold call" and s.held_on
        await pilot.press("space")  # Ada came
        await pilot.press("enter")
        await pilot.pause()
        await type_text(pilot, "Wait three seconds")
        await pilot.press("ctrl+s")
        await pilot.pause()
        ada = next(a for a in meetings.attendees(s.id) if a.name == "Ada Ames")
        assert ada.came and ada.try_next == "Wait three seconds"
        assert meetings.count_came(s.id) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PlcPage) and len(app.screen.table.rows) == 1


async def test_priority_plan_from_template_to_evidence(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, PrioritiesScreen)
        await pilot.press("n")
        await type_text(pilot, "Fluency")
        await pilot.press("tab")
        await type_text(pilot, "Year 4")
        await pilot.press("tab", "tab", "tab")
        await type_text(pilot, "Slow reading")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        [p] = plans.plan_rows()
        assert (p.plan.title, p.plan.team, p.plan.problem) == ("Fluency", "Year 4", "Slow reading")
        await pilot.press("2", "a")
        await pilot.pause()
        await type_text(pilot, "Echo reading")
        await pilot.press("tab")
        await type_text(pilot, "Cat Cole")
        await pilot.press("tab")
        await type_text(pilot, "2020-01-01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        [a] = PlanAction.select()
        assert a.owner_id == by_name("Cat Cole") and a.due == "2020-01-01"
        assert "LATE" in app.screen.actions.cells_for(0)[1]
        await pilot.press("space")
        await pilot.pause()
        assert PlanAction.get_by_id(a.id).status == "doing"
        await pilot.press("3", "a")
        await pilot.pause()
        await pilot.press("tab", "tab")
        await type_text(pilot, "Running records 62 wpm")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [e.text for e in plans.evidence(p.id)] == ["Running records 62 wpm"]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.table.rows[0].overdue == 1
