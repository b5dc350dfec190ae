"""Snapshot tests: the layout of the key screens at 80x24, in the dark and the light theme.

Each test drives the app with the pilot, takes Textual's SVG screenshot
(`app.export_screenshot()`) and compares it, with syrupy, to the file stored in
tests/__snapshots__/test_snapshots/. After a deliberate change to a screen,
regenerate with

    uv run pytest tests/test_snapshots.py --snapshot-update

open the changed .svg files in a browser to check them, and commit them.

Deterministic by construction: the seeded demo school without its history,
plans and meetings (all dated from today), only screens that show no date,
clock or id, a fixed config path, and no blinking cursor.
"""

import re
from pathlib import Path

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from coachtui.app import CoachApp
from coachtui.base.config import Paths
from coachtui.demo import school
from coachtui.launch import open_data

SIZE = (80, 24)
THEMES = [pytest.param("textual-dark", id="dark"), pytest.param("textual-light", id="light")]
# The settings form shows where config.toml lives: a fixed path, not tmp_path's.
CONFIG_DIR = Path("/home/coach/.config/coachtui")


class SVGText(SingleFileSnapshotExtension):
    """One .svg file per snapshot, compared as text (a failure shows a line diff)."""

    file_extension = "svg"
    _write_mode = WriteMode.TEXT


@pytest.fixture
def svg_snapshot(snapshot):
    return snapshot.use_extension(SVGText)


@pytest.fixture
def screenshot(tmp_path):
    """screenshot(theme, *keys): the SVG of the demo school's app after pressing keys."""

    async def take(theme: str, *keys: str) -> str:
        ctx = open_data(str(tmp_path / "data"))
        school.fill(n_staff=12, seed=1, plcs=1)  # plcs given: no demo plans or meetings, which are dated from today
        ctx.config.theme = theme
        ctx.paths = Paths(ctx.paths.data_dir, CONFIG_DIR)
        app = CoachApp(ctx)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press(*keys)
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
            # Stop every cursor blinking (it stays shown), so the picture does
            # not depend on when in the blink it is taken.
            for widget in app.screen.query("*"):
                if hasattr(widget, "cursor_blink"):
                    widget.cursor_blink = False
            await pilot.pause()
            svg = app.export_screenshot(simplify=True)
        # Rich names the SVG's styles after a hash of the whole picture, so one
        # changed cell would rename every line: a fixed name keeps diffs to what changed.
        return re.sub(r"\bterminal-\d+", "terminal", svg)

    return take


@pytest.mark.parametrize("theme", THEMES)
async def test_roster(screenshot, svg_snapshot, theme):
    """F2, the first screen: the demo staff, the filter box focused."""
    assert await screenshot(theme) == svg_snapshot


@pytest.mark.parametrize("theme", THEMES)
async def test_help_over_roster(screenshot, svg_snapshot, theme):
    """F1 on the roster: its help and keys."""
    assert await screenshot(theme, "f1") == svg_snapshot


@pytest.mark.parametrize("theme", THEMES)
async def test_staff_form(screenshot, svg_snapshot, theme):
    """e on the first row of the roster: the staff form, filled."""
    assert await screenshot(theme, "down", "e") == svg_snapshot


@pytest.mark.parametrize("theme", THEMES)
async def test_settings_form(screenshot, svg_snapshot, theme):
    """F9: the settings form."""
    assert await screenshot(theme, "f9") == svg_snapshot


@pytest.mark.parametrize("theme", THEMES)
async def test_plc_board(screenshot, svg_snapshot, theme):
    """F3: the PLC board with the demo PLCs."""
    assert await screenshot(theme, "f3") == svg_snapshot


@pytest.mark.parametrize("theme", THEMES)
async def test_framework(screenshot, svg_snapshot, theme):
    """F7: the teaching framework's strands and steps."""
    assert await screenshot(theme, "f7") == svg_snapshot
