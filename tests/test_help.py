"""F1: the current screen's own keys and the places, each entry whole at
60x20, 80x24 and 120x40, scrolling where it is long."""

import re

import pytest

from coachtui.roster import focus_areas, staff
from coachtui.teaching.framework import item_id

SIZES = [(60, 20), (80, 24), (120, 40)]


@pytest.fixture
def seed(ctx):
    coach = staff.save(name="Cara Coach", roles="teacher,coach")
    t = staff.save(name="Jane Smith", team="Maths", coach_id=coach)
    focus_areas.set_focus(t, item_id("QU.1.1"), "development")


def help_lines(app) -> list[str]:
    return str(app.screen.query_one("#help-text").render()).splitlines()


async def open_help(pilot, app, *keys):
    await pilot.press(*keys)
    await pilot.pause()
    await pilot.press("f1")
    await pilot.pause()
    assert app.screen.__class__.__name__ == "HelpScreen"
    return help_lines(app)


def entry(lines: list[str], key: str) -> str | None:
    """The help entry for `key` (its line and the lines that continue it), or None."""
    for n, line in enumerate(lines):
        m = re.match(r"^\s+(\S.*?)\s{2,}(\S.*)$", line)
        if m and key in [k.strip() for k in m.group(1).split("/")]:
            text = m.group(2)
            indent = len(line) - len(text)
            for more in lines[n + 1:]:
                if more.startswith(" " * indent) and more.strip() and not more[:indent].strip():
                    text += " " + more.strip()
                else:
                    break
            return text
    return None


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_help_fits_and_lists_no_generic_text_keys(app, size):
    async with app.run_test(size=size) as pilot:
        lines = await open_help(pilot, app)  # on the roster, focus in the find box (an Input)
        width = app.screen.query_one("#help").scrollable_content_region.width
        assert all(len(line) <= width for line in lines), [line for line in lines if len(line) > width]
        text = "\n".join(lines)
        for generic in ("Cut selected text", "shift+", "^x", "Paste", "Delete character"):
            assert generic not in text, generic
        assert entry(lines, "F2") and "roster" in entry(lines, "F2").lower()
        assert entry(lines, "Ctrl+Z") and entry(lines, "Ctrl+Q")
        # Each entry reads whole: the place names are not cut mid-phrase.
        assert "Priority plans" in entry(lines, "F4") and "Leader review" in entry(lines, "F6")


async def test_help_in_the_join_shows_the_screens_meaning_of_f_keys(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"jane", "enter", "j")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "JoinScreen"
        lines = await open_help(pilot, app)
        text = "\n".join(lines)
        assert "Framework" not in (entry(lines, "F7") or "")
        assert "Next step" in entry(lines, "F7")
        assert entry(lines, "F2")  # the places the join does not take over are still listed
        assert "Cut selected text" not in text and "^x" not in text
        keys_here = lines[lines.index("Keys here:"):lines.index("Everywhere:")]
        assert "Tally" in entry(keys_here, "1-9") and "Next step" in entry(keys_here, "F7")
        assert entry(lines[lines.index("Everywhere:"):], "F7") is None


async def test_long_help_scrolls_at_60x20(app):
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        lines = await open_help(pilot, app)
        scroll = app.screen.query_one("#help")
        assert len(lines) > scroll.size.height
        await pilot.press("end")
        await pilot.pause()
        assert scroll.scroll_y > 0


def test_layout_splits_two_column_key_tables_and_wraps_under_the_text():
    from coachtui.screens.help import layout

    text = "Title\n\n  Enter / e   edit the selected person       a   add a member of staff\n" \
           "  j           join a lesson with the selected teacher, the agreed focus\n" \
           "              filled in from their action step\n"
    lines = layout(text, 40)
    assert "  Enter / e   edit the selected person" in lines and "  a           add a member of staff" in lines
    j = lines.index("  j           join a lesson with the")
    assert all(line.startswith(" " * 14) for line in lines[j + 1:])
    assert " ".join(" ".join(line.split()) for line in lines[j:]) == ("j join a lesson with the selected teacher, the agreed "
                                                            "focus filled in from their action step")
    assert all(len(line) <= 40 for line in lines)
