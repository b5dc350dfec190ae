"""Warning text and the table cursor read at WCAG AA (4.5:1) in both themes,
computed from the colours the app resolves, not from the stylesheet's words."""

import pytest
from rich.color import Color
from rich.style import Style

from coachtui.roster import staff
from coachtui.widgets.table import RowTable

THEMES = ["textual-dark", "textual-light"]


def luminance(color: Color) -> float:
    r, g, b = color.get_truecolor()

    def lin(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def ratio(style) -> float:
    a, b = luminance(style.color), luminance(style.bgcolor)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


@pytest.fixture
def seed(ctx):
    coach = staff.save(name="Cara Coach", roles="coach")
    for i in range(12):  # over the load limit (10): the coverage line warns
        staff.save(name=f"Teacher {i}", coach_id=coach)
    staff.save(name="No Coach")


@pytest.mark.parametrize("theme", THEMES)
async def test_warning_and_cursor_colours_reach_aa(app, theme):
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        await pilot.pause()
        line = app.screen.query_one("#coverage")
        assert line.has_class("warn") and "over 10" in str(line.render())
        assert ratio(line.rich_style) >= 4.5, (theme, line.rich_style)
        table = app.screen.query_one(RowTable)
        await pilot.press("down")  # into the list: the cursor as it is seen while working
        await pilot.pause()
        assert app.focused is table
        cursor = table.rich_style + table.get_component_rich_style("rowtable--cursor")
        assert ratio(cursor) >= 4.5, (theme, cursor)
        board_warn = None
        await pilot.press("f3")
        await pilot.pause()
        board = app.screen.query_one("Board")
        board_warn = board.rich_style + board.get_component_rich_style("board--warn")
        assert ratio(board_warn) >= 4.5, (theme, board_warn)


@pytest.mark.parametrize("theme", THEMES)
async def test_coloured_text_reads_on_every_background(app, theme):
    """Titles, labels and filter lines are drawn in the theme's accent and
    warning colours, and the footer's keys in its own: each must read at AA on
    the background, surface and panel in both themes (the light theme's orange
    measured 1.3:1 in a bright-room walkthrough)."""
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        await pilot.pause()
        css = app.get_css_variables()
        for text in ("accent", "warning", "footer-key-foreground"):
            for ground in ("background", "surface", "panel"):
                pair = Style(color=Color.parse(css[text]), bgcolor=Color.parse(css[ground]))
                assert ratio(pair) >= 4.5, (theme, text, css[text], ground, css[ground], round(ratio(pair), 2))
