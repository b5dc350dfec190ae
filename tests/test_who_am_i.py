"""Pilot tests: the laptop knows whose it is. Asked at first start (skippable),
kept in config.toml, changed in F9; a coach's roster opens on their own
teachers; and the roster re-reads after changes made on other screens."""

import datetime as dt
from dataclasses import replace

import pytest

from coachtui.base.config import load_config, update_config
from coachtui.coaching import cadence
from coachtui.lessons import joins
from coachtui.roster import staff
from coachtui.screens.roster import RosterScreen
from coachtui.widgets.form import PickModal


@pytest.fixture
def seed(ctx):
    cara = staff.save(name="Cara Coach", roles="teacher,coach")
    cal = staff.save(name="Cal Coach", roles="coach")
    staff.save(name="Tia Teacher", coach_id=cara, support="support")
    staff.save(name="Tom Teacher", coach_id=cal)
    staff.save(name="Uma Teacher")


def ids():
    return {r.name: r.id for r in staff.roster_rows()}


def roster(app) -> RosterScreen:
    return next(s for s in app.screen_stack if isinstance(s, RosterScreen))


def names(app) -> list[str]:
    return sorted(r.name for r in roster(app).table.rows)


def filter_line(app) -> str:
    return str(roster(app).query_one("#roster-filters").render())


def make_app(ctx, ask_who=True):
    from coachtui.app import CoachApp

    ctx.config = load_config(ctx.paths)
    return CoachApp(ctx, ask_who=ask_who)


async def test_first_start_asks_who_and_the_roster_opens_on_my_teachers(ctx, seed, until):
    app = make_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, PickModal), what="the who-am-I question")
        await pilot.press(*"cara", "enter")
        await until(pilot, lambda: not isinstance(app.screen, PickModal), what="the question answered")
        await pilot.pause()
        assert load_config(ctx.paths).me == ids()["Cara Coach"]
        assert joins.this_coach() == ids()["Cara Coach"]
        assert names(app) == ["Tia Teacher"]
        assert "my teachers" in filter_line(app)


async def test_esc_skips_the_question_for_now(ctx, seed, until):
    app = make_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, PickModal), what="the who-am-I question")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, RosterScreen), what="the roster")
        assert load_config(ctx.paths).me == ""
        assert len(names(app)) == 5


async def test_not_a_coach_is_kept_and_not_asked_again(ctx, seed, until):
    app = make_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, PickModal), what="the who-am-I question")
        await pilot.press(*"not a coach", "enter")
        await until(pilot, lambda: isinstance(app.screen, RosterScreen), what="the roster")
        assert load_config(ctx.paths).me == "none"
        assert len(names(app)) == 5
    app = make_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, RosterScreen)


async def test_not_asked_when_the_config_says_and_the_filter_clears_with_the_filter_ui(ctx, seed, until):
    update_config(ctx.paths, {"me": ids()["Cal Coach"]})
    app = make_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RosterScreen)
        assert names(app) == ["Tom Teacher"]
        assert "my teachers" in filter_line(app) and "Cal Coach" in filter_line(app)
        await pilot.press("down", "f")
        await until(pilot, lambda: type(app.screen).__name__ == "FilterForm", what="the filters")
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, RosterScreen), what="the roster")
        assert len(names(app)) == 5
        assert not roster(app).query_one("#roster-filters").display


async def test_the_app_fixture_never_asks(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not any(isinstance(s, PickModal) for s in app.screen_stack)


async def test_f9_changes_who_this_laptop_is(ctx, seed, until):
    update_config(ctx.paths, {"me": ids()["Cal Coach"]})
    app = make_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        base = app.config
        app._after_settings(base, replace(base, me=ids()["Cara Coach"]))
        await pilot.pause()
        assert joins.this_coach() == ids()["Cara Coach"]
        assert names(app) == ["Tia Teacher"]
        await pilot.press("f9")
        await until(pilot, lambda: type(app.screen).__name__ == "SettingsForm", what="the settings")
        assert app.screen.query_one("#me").value == ids()["Cara Coach"]


async def test_the_roster_shows_a_support_change_made_on_the_cycle_screen(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"tia", "enter", "y")
        await until(pilot, lambda: type(app.screen).__name__ == "CycleScreen", what="the cycle")
        await pilot.press("l")
        await until(pilot, lambda: type(app.screen).__name__ == "FormModal", what="the support form")
        await pilot.press("tab", *"fine", "ctrl+s")
        await until(pilot, lambda: type(app.screen).__name__ == "CycleScreen", what="back on the cycle")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, RosterScreen), what="the roster")
        await pilot.pause()
        row = next(r for r in roster(app).all_rows if r.name == "Tia Teacher")
        assert row.support == "none"


async def test_the_roster_shows_a_cadence_change(app, until, monkeypatch):
    real_now = joins.now_ms()
    monkeypatch.setattr(joins, "now_ms", lambda: real_now - 10 * 86_400_000)
    from coachtui.store.models import Join

    jid = joins.start(ids()["Tia Teacher"], focus_item_id=None, focus_text="Routines")
    joins.end(Join.get_by_id(jid))
    monkeypatch.setattr(joins, "now_ms", lambda: real_now)
    ten_days_ago = dt.date.today() - dt.timedelta(days=10)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        tia = next(r for r in roster(app).all_rows if r.name == "Tia Teacher")
        assert tia.next_due == (ten_days_ago + dt.timedelta(days=14)).isoformat()
        roster(app).action_cadence()
        await until(pilot, lambda: isinstance(app.screen, PickModal), what="the cadence pick")
        cadence.set_days(None, "support", 7)  # as the cadence form saves it, over the roster
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, RosterScreen), what="the roster")
        await pilot.pause()
        tia = next(r for r in roster(app).all_rows if r.name == "Tia Teacher")
        assert tia.next_due == (ten_days_ago + dt.timedelta(days=7)).isoformat()


def test_the_command_line_asks_at_first_start(monkeypatch, tmp_path):
    from coachtui.app import CoachApp
    from coachtui.cli.main import main

    seen = {}

    def run(self, *a, **k):
        seen["ask"] = self.ask_who

    monkeypatch.setattr(CoachApp, "run", run)
    main(["--data-dir", str(tmp_path / "d")])
    assert seen["ask"] is True


async def test_not_a_coach_is_visible_without_typing(ctx, seed, until):
    """Issue 13: with many coaches, "Not a coach" only showed once you typed."""
    for n in range(20):
        staff.save(name=f"Coach Number{n:02d}", roles="coach")
    app = make_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, PickModal), what="the who-am-I question")
        await pilot.pause()
        shown = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "Not a coach" in shown
        assert "Cara Coach" in shown
