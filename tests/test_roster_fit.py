"""The roster at 60x20, 80x24 and 120x40 (issue 13): names before dates, cut
cells ending in …, the filter line keeping its counts, keys all reachable; and
its order: by surname, by name again once "my teachers" is cleared."""

from __future__ import annotations

from dataclasses import replace

import pytest

from coachtui.roster import staff

SIZES = [(60, 20), (80, 24), (120, 40)]


@pytest.fixture
def seed(ctx):
    north = staff.site_named("St Brigid's High School")
    me = staff.save(name="Yasmin Clarke", roles="teacher,coach", site_id=north)
    for name in ("Amy Zed", "Zoe Abbot", "Hannah Ní Bhriain", "Bo Nolan", "Ciarán Fitzgerald",
                 "[bold]Sam[/bold] Reyes"):
        staff.save(name=name, site_id=north, team="Maths", coach_id=me, support="support")
    staff.save(name="Other Person", site_id=north)
    ctx.config = replace(ctx.config, me=me)


def names(app):
    return [r.name for r in app.screen.table.rows]


async def test_clearing_my_teachers_sorts_by_name_again(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.table.sort_key == "next_due"  # my teachers: soonest due first
        await pilot.press("down", "f")
        await until(pilot, lambda: app.screen.__class__.__name__ == "FilterForm", what="the filters")
        await pilot.press("ctrl+l")
        await until(pilot, lambda: app.screen.__class__.__name__ == "RosterScreen", what="the roster")
        await pilot.pause()
        assert app.screen.table.sort_key == "name"
        assert "Other Person" in names(app)


def test_names_sort_by_surname_then_first_name():
    from coachtui.screens.roster import SORT_KEYS

    rows = [staff.RosterRow("", n, "", [], None, "", "", "none", None, "", False)
            for n in ("Amy Zed", "Zoe Abbot", "Hannah Ní Bhriain", "Bo Nolan", "Al Nolan", "Madonna")]
    assert [r.name for r in sorted(rows, key=SORT_KEYS["name"])] == [
        "Zoe Abbot", "Madonna", "Hannah Ní Bhriain", "Al Nolan", "Bo Nolan", "Amy Zed"]


async def test_no_match_says_how_to_reach_the_filters(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"qqqq")
        await pilot.pause()
        assert "Down, then f" in app.screen.table.empty_text
        await pilot.press("down", "f")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "FilterForm"


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


@pytest.mark.parametrize("size", SIZES)
async def test_the_filter_line_keeps_its_counts(app, size):
    """Issue 13: at 80x24 the line ended "5 due this", at 60x20 "· 0"."""
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.pause()
        text = screen_text(app)
        assert "Yasmin Clarke)" in text
        assert "overdue" in text and "due this week" in text


def test_filter_line_shortens_words_then_wraps():
    from coachtui.screens.roster import filter_lines

    f = staff.Filters(coach_id="x", labels={"coach": "my teachers (Yasmin Clarke)"})
    assert filter_lines(f, (2, 5), 120) == ["Filters (f): coach: my teachers (Yasmin Clarke) · 2 overdue (!) · "
                                            "5 due this week"]
    assert filter_lines(f, (2, 5), 78) == ["Filters (f): my teachers (Yasmin Clarke) · 2 overdue (!) · 5 due this week"]
    assert filter_lines(f, (2, 5), 58) == ["f: mine (Yasmin Clarke) · 2 overdue · 5 due this week"]
    assert filter_lines(f, (2, 5), 40) == ["f: mine (Yasmin Clarke)", "2 overdue (!) · 5 due this week"]
    assert filter_lines(staff.Filters(), None, 80) == []


@pytest.mark.parametrize("size", SIZES)
async def test_whole_names_before_last_joined(app, until, size):
    """Issue 13: at 80x24 Name cut "[bold]Sam[/bold] Reyes" to the tag alone,
    "Ciarán Fitzgeral", "Hannah Ní Bhriai"; Coach showed "Yasmin Clark"."""
    async with app.run_test(size=size) as pilot:
        await pilot.press("down", "f")
        await until(pilot, lambda: app.screen.__class__.__name__ == "FilterForm", what="the filters")
        await pilot.press("ctrl+l")
        await until(pilot, lambda: app.screen.__class__.__name__ == "RosterScreen", what="the roster")
        await pilot.pause()
        text = screen_text(app)
        for name in ("[bold]Sam[/bold] Reyes", "Ciarán Fitzgerald", "Hannah Ní Bhriain"):
            assert name in text
        if size[0] >= 80:
            assert "Yasmin Clarke" in text.split("\n", 4)[4]  # in the Coach column, whole


async def test_the_footer_shows_its_keys_whole_and_f1_names_every_key(app, until):
    """Issue 13: the footer was cut ("x Archiv"), the cycle's l/p/c not shown."""
    from textual.binding import Binding

    from coachtui.screens.cycle import CycleScreen
    from coachtui.screens.help import screen_keys
    from coachtui.screens.roster import RosterScreen

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down")
        await pilot.pause()
        for screen_class in (RosterScreen, CycleScreen):
            if screen_class is CycleScreen:
                await pilot.press("y")
                await until(pilot, lambda: isinstance(app.screen, CycleScreen), what="the cycle")
                await pilot.pause()
            footer = screen_text(app).splitlines()[-1]
            bindings = [b for b in screen_class.BINDINGS if isinstance(b, Binding)]
            for b in bindings:
                if b.show:
                    assert b.description in footer, (screen_class.__name__, b.description, footer)
            named = " ".join(what for _, what in screen_keys(app.screen))
            assert all(b.description in named for b in bindings)
