"""Readable in a bright room: the colours actually painted for the join's timer,
its warnings and its selections reach WCAG AA (4.5:1) in both themes, and
time-up says so in words, not by colour alone."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from coachtui.lessons import joins
from coachtui.roster import staff
from coachtui.store.models import Join

THEMES = ["textual-dark", "textual-light"]


def luminance(rgb) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(fg, bg) -> float:
    hi, lo = sorted([luminance(fg), luminance(bg)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula():
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert round(contrast((0x4E, 0xBF, 0x71), (0xE0, 0xE0, 0xE0)), 2) == 1.76  # the old running timer, light theme


def painted(app, region) -> set[tuple[tuple, tuple]]:
    """(foreground, background) of every visible character painted in region."""
    pairs = set()
    strips = app.screen._compositor.render_strips()
    for y in range(region.y, region.bottom):
        x = 0
        for seg in strips[y]:
            text, style = seg.text, seg.style
            for ch in text:
                if region.x <= x < region.right and not ch.isspace() and style is not None:
                    fg = style.color.get_truecolor() if style.color else None
                    bg = style.bgcolor.get_truecolor() if style.bgcolor else None
                    if style.reverse:
                        fg, bg = bg, fg
                    pairs.add((tuple(fg), tuple(bg)))
                x += 1
    return pairs


def worst(app, region) -> float:
    pairs = painted(app, region)
    assert pairs, "nothing painted there"
    return min(contrast(fg, bg) for fg, bg in pairs)


@pytest.fixture
def seed(ctx):
    t = staff.save(name="Tia Teacher")
    jid = joins.start(t, focus_item_id=None, focus_text="Routines", minutes=20)
    joins.add_note(joins.get(jid), "first note")
    joins.add_note(joins.get(jid), "second note")


def move_start(seconds_ago: int) -> None:
    j = joins.running_join()
    Join.update(started_at=joins.now_ms() - seconds_ago * 1000).where(Join.id == j.id).execute()


@pytest.mark.parametrize("theme", THEMES)
async def test_the_timer_and_its_warnings_reach_aa(app, until, theme):
    app.config.theme = theme
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: getattr(app.screen, "_shown", False), what="the join")
        screen = app.screen
        clock, state = screen.query_one("#join-clock"), screen.query_one("#join-state")
        seen = {}
        for name, ago in (("running", 60), ("nearly up", 20 * 60 - 60), ("time up", 20 * 60 + 30)):
            move_start(ago)
            screen.refresh_data()
            screen.tick()
            await pilot.pause()
            seen[name] = (round(worst(app, clock.region), 2), round(worst(app, state.region), 2), str(state.render()))
        screen.action_pause()
        await pilot.pause()
        seen["paused"] = (round(worst(app, clock.region), 2), round(worst(app, state.region), 2), str(state.render()))
        for name, (c, s, _) in seen.items():
            assert c >= 4.5 and s >= 4.5, f"{theme}: {name}: {seen}"
        assert "TIME UP" in seen["time up"][2]  # in words, not only in colour
        assert "TIME UP" not in seen["nearly up"][2] and "LEFT" in seen["nearly up"][2].upper()
        # the states differ in words as well as colour
        assert len({v[2] for v in seen.values()}) == 4


@pytest.mark.parametrize("theme", THEMES)
async def test_the_selected_note_reaches_aa(app, until, theme):
    app.config.theme = theme
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: getattr(app.screen, "_shown", False), what="the join")
        table = app.screen.notes_table
        await pilot.press("escape")  # into the notes list: the cursor row, focused
        await pilot.pause()
        row = table.region.y + 1 + table.cursor  # under the header
        line = table.region.intersection(table.region._replace(y=row, height=1))
        focused = worst(app, line)
        await pilot.press("i")  # back to typing: the selection blurred
        await pilot.pause()
        blurred = worst(app, line)
        assert focused >= 4.5 and blurred >= 4.5, (theme, focused, blurred)


@pytest.mark.parametrize("theme", THEMES)
async def test_the_highlighted_suggestion_in_the_join_setup_reaches_aa(app, until, theme):
    joins.end(joins.running_join())
    app.config.theme = theme
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"tia", "enter", "j")
        await until(pilot, lambda: app.screen.__class__.__name__ == "JoinSetup", what="the set-up")
        box = app.screen.query_one("#join-focus", Input)
        box.value = ""
        await pilot.press(*"QU.1", "down")
        await pilot.pause()
        steps = app.screen.query_one("#join-steps")
        inside = steps.content_region
        row = inside.y + steps.highlighted - steps.scroll_offset.y
        line = inside.intersection(inside._replace(y=row, height=1))
        assert worst(app, line) >= 4.5, theme
