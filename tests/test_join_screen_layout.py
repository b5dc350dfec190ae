"""The running join at the sizes a coach's laptop has: every tally and its
count on screen, and a timer that grows with the terminal."""

from __future__ import annotations

import pytest

from coachtui.lessons import joins
from coachtui.roster import staff

SIZES = [(60, 20), (80, 24), (120, 40)]
TALLIES = ["questions asked", "cold calls", "pupils off task", "wait time over 3 s", "hands up",
           "praise given", "names used"]


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


@pytest.fixture
def seed(ctx):
    t = staff.save(name="Tia Teacher")
    jid = joins.start(t, focus_item_id=None, focus_text="Routines", tallies=TALLIES)
    j = joins.get(jid)
    for n, label in enumerate(TALLIES):
        for _ in range(n + 10):  # counts 10..16: two digits, each its own
            joins.tally(j, label)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_every_tally_and_its_count_is_on_screen(app, until, size):
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: getattr(app.screen, "_shown", False), what="the join")
        await pilot.pause()
        text = screen_text(app)
        flat = " ".join(text.split())
        for n, label in enumerate(TALLIES, 1):
            count = n + 9
            # the key, the label (shortened is fine: its first word at least) and the count
            head = label.split()[0]
            assert f"{n} {head}" in flat, f"tally {n} ({label}) is not on screen at {size}:\n{text}"
            assert f": {count}" in flat.split(f"{n} {head}", 1)[1][:40], f"tally {n}'s count is hidden at {size}:\n{text}"


@pytest.mark.parametrize(("size", "low", "high"), [((60, 20), 3, 3), ((80, 24), 5, 6), ((120, 40), 8, 12)],
                         ids=["60x20", "80x24", "120x40"])
async def test_the_timer_grows_with_the_terminal(app, until, size, low, high):
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: getattr(app.screen, "_shown", False), what="the join")
        await pilot.pause()
        height = app.screen.query_one("#join-clock").size.height
        assert low <= height <= high, f"the timer is {height} lines at {size}"
        assert app.screen.query_one("#join-notes").size.height >= 5, f"the notes keep room at {size}"
