"""Pilot tests: a past join's own page (from History and from the cycle), a
note made private after the join ended, and History's detail at 80 columns."""

import pytest

from coachtui.coaching import cycles
from coachtui.lessons import feedback, joins
from coachtui.roster import staff
from coachtui.store.models import Join, Note

LONG = "Pupils at the back table waited a long time for the worksheet and then chatted about the football"


class Clock:
    def __init__(self, t=1_800_000_000_000):
        self.t = t

    def __call__(self):
        return self.t

    def advance(self, seconds):
        self.t += int(seconds * 1000)


@pytest.fixture
def seed(ctx, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(joins, "now_ms", clock)
    coach = staff.save(name="Cara Coach", roles="teacher,coach")
    tia = staff.save(name="Tia Teacher", coach_id=coach, support="support")
    cycles.start(tia, focus_text="Routines", on="2020-01-01")
    j = Join.get_by_id(joins.start(tia, focus_item_id=None, focus_text="Calm starts to the lesson and a long "
                                   "focus title that does not fit in eighty columns at all", minutes=20,
                                   tallies=["questions asked", "cold calls", "pupils off task", "never pressed"]))
    clock.advance(65)
    joins.add_note(j, "Good wait time", kind="strength")
    joins.tally(j, "questions asked")
    clock.advance(600)
    joins.add_note(j, "Why do pupils call out?", kind="question", private=True)
    joins.add_note(j, LONG)
    for _ in range(3):
        joins.tally(j, "cold calls")
    clock.advance(535)
    joins.tally(j, "pupils off task")
    joins.end(j)
    feedback.save(j, {"strengths": ("- wait time", False), "action_step": ("Cold call more", False),
                      "practice": ("Rehearse the door routine", True)})


def lines(app) -> list[str]:
    """What the terminal shows now, line by line."""
    return ["".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips()]


def text(app) -> str:
    return "\n".join(lines(app))


async def open_history(pilot, app, until):
    await pilot.press(*"tia", "enter", "h")
    await until(pilot, lambda: type(app.screen).__name__ == "HistoryScreen", what="the history")


async def open_page_from_history(pilot, app, until):
    await open_history(pilot, app, until)
    await pilot.press("enter")
    await until(pilot, lambda: type(app.screen).__name__ == "JoinPage", what="the join page")
    await pilot.pause()


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)])
async def test_a_past_joins_page_shows_notes_tallies_and_feedback(app, until, size):
    async with app.run_test(size=size) as pilot:
        await open_page_from_history(pilot, app, until)
        seen = set()
        for _ in range(30):  # read it all, scrolling down a page at a time
            seen.update(lines(app))
            await pilot.press("pagedown")
            await pilot.pause()
        seen.update(lines(app))
        whole = "\n".join(seen)
        assert "01:05" in whole and "11:05" in whole and "strength" in whole and "question" in whole
        assert "🔒 PRIVATE · Why do pupils call out?" in whole
        assert "chatted about the football" in whole  # a long note wraps, nothing cut
        for label in ("questions asked", "cold calls", "pupils off task", "never pressed"):
            assert label in whole
        assert "- wait time" in whole and "Cold call more" in whole
        assert "🔒 PRIVATE · Rehearse the door routine" in whole
        assert all(len(line) <= size[0] for line in seen)


async def test_the_tally_timeline_shows_when_presses_came(app, until):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_page_from_history(pilot, app, until)
        row = next(line for line in lines(app) if "cold calls" in line)
        assert "3" in row and "·" in row  # three presses in one slice, empty slices shown
        never = next(line for line in lines(app) if "never pressed" in line)
        assert "0" in never


async def test_f_on_the_page_opens_the_feedback_and_esc_goes_back(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_page_from_history(pilot, app, until)
        await pilot.press("f")
        await until(pilot, lambda: type(app.screen).__name__ == "FeedbackScreen", what="the feedback")
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ == "JoinPage", what="back on the page")
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ == "HistoryScreen", what="back in the history")


async def test_a_note_is_made_private_after_the_join_ended(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_page_from_history(pilot, app, until)
        await pilot.press("p")
        await until(pilot, lambda: type(app.screen).__name__ == "PickModal", what="the pick of notes")
        await pilot.press(*"wait", "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "JoinPage", what="back on the page")
        await pilot.pause()
        note = Note.get((Note.text == "Good wait time") & Note.live())
        assert note.private
        assert "🔒 PRIVATE · Good wait time" in text(app)


async def test_the_cycle_screen_opens_a_joins_page(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"tia", "enter", "y")
        await until(pilot, lambda: type(app.screen).__name__ == "CycleScreen", what="the cycle")
        table = app.screen.table
        table.move_to(next(i for i, r in enumerate(table.rows) if r[1] == "join"))
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "JoinPage", what="the join page")


async def test_historys_detail_is_whole_at_80_columns(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_history(pilot, app, until)
        await pilot.pause()
        whole = " ".join(text(app).split())  # the lines as one, however they wrap
        assert "does not fit in eighty columns at all · 20 minutes · 3 notes · feedback given" in whole


async def test_the_cycles_selected_line_is_whole_at_60_columns(app, until):
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press(*"tia", "enter", "y")
        await until(pilot, lambda: type(app.screen).__name__ == "CycleScreen", what="the cycle")
        table = app.screen.table
        table.move_to(next(i for i, r in enumerate(table.rows) if r[1] == "join"))
        await pilot.pause()
        assert "does not fit in eighty columns at all" in " ".join(text(app).split())
