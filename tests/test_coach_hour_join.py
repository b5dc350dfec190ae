"""The running join as the coach new to the app met it (issue 13): Esc pressed
quickly before a key, messages over the notes, the join at 60x20, F2 and the
palette in a join, a note's time, the criteria's bullets, Ctrl+Z in an empty box."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from coachtui.lessons import feedback, joins
from coachtui.roster import staff
from coachtui.teaching.framework import item_id
from tests.keys import send_raw

SIZES = [(60, 20), (80, 24), (120, 40)]
STEP = "Circulate with purpose during independent practice, checking every pupil's first answer"
LONG = ("Pupils at the back table waited four minutes before anyone checked their first answer, "
        "then two of them had copied the wrong example from the board")


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


@pytest.fixture
def seed(ctx):
    t = staff.save(name="Tia Teacher")
    old = joins.start(t, focus_item_id=None, focus_text="Routines")
    joins.end(joins.get(old))
    feedback.save(joins.get(old), {"action_step": (STEP, False), "criteria": ("Every pupil checked", False)})
    jid = joins.start(t, focus_item_id=item_id("QU.1.1"), tallies=["questions", "cold calls"])
    joins.add_note(joins.get(jid), LONG)
    joins.add_note(joins.get(jid), "short one")


async def in_join(app, pilot, until):
    await until(pilot, lambda: getattr(app.screen, "_shown", False), what="the join")
    await pilot.pause()
    return app.screen


# --- 2. Esc pressed quickly before a key ------------------------------------------------------


async def test_esc_then_a_digit_quickly_counts_a_tally(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await in_join(app, pilot, until)
        await send_raw(app, pilot, "\x1b1")
        box = screen.query_one("#join-note", Input)
        assert box.value == ""
        assert len(joins.tallies(screen.join)["questions"]) == 1


async def test_esc_then_p_quickly_pauses_and_esc_then_e_ends(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await in_join(app, pilot, until)
        await send_raw(app, pilot, "\x1bp")
        assert screen.query_one("#join-note", Input).value == ""
        assert joins.timing(screen.join).paused
        await send_raw(app, pilot, "p")  # in the list now: p resumes
        assert not joins.timing(screen.join).paused
        screen.action_type()
        await pilot.pause()
        await send_raw(app, pilot, "\x1be")
        await until(pilot, lambda: app.screen.__class__.__name__ == "FeedbackScreen", what="the feedback")


async def test_a_pound_sign_typed_is_still_a_pound_sign(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await in_join(app, pilot, until)
        await send_raw(app, pilot, "£5 a head")
        assert screen.query_one("#join-note", Input).value == "£5 a head"


# --- 3. messages in the join ------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_messages_in_a_join_never_cover_the_notes(app, until, size):
    async with app.run_test(size=size) as pilot:
        screen = await in_join(app, pilot, until)
        assert "Back in the join" in screen.query_one("#join-say", Static).render().plain
        await pilot.press("escape", "u")  # no tally to take back: a message
        await pilot.pause()
        assert "No tally to take back" in screen.query_one("#join-say", Static).render().plain
        assert not app._notifications, [n.message for n in app._notifications]  # no toast over the notes
        notes, say = screen.query_one("#join-notes").region, screen.query_one("#join-say").region
        assert not notes.overlaps(say) and not say.overlaps(screen.query_one("#join-input-row").region)


async def test_the_resume_message_does_not_follow_onto_the_feedback(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        await in_join(app, pilot, until)
        await pilot.press("escape", "e")
        await until(pilot, lambda: app.screen.__class__.__name__ == "FeedbackScreen", what="the feedback")
        assert not any("Back in the join" in n.message for n in app._notifications)


# --- 6. the join at 60x20 ---------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_cut_action_step_and_a_long_note_read_as_cut_and_whole(app, until, size):
    async with app.run_test(size=size) as pilot:
        screen = await in_join(app, pilot, until)
        shown = screen_text(app).split("\n")
        last = next(line for line in shown if "Last action step" in line).strip()
        assert last.endswith(STEP) or last.endswith("…"), last  # on screen: whole, or visibly cut
        criteria = [line.strip() for line in shown if line.strip().startswith("•")]
        assert criteria and all(len(line) <= size[0] for line in criteria)
        await pilot.press("escape", "up")  # the long note selected
        await pilot.pause()
        assert screen.notes_table.current_row.text == LONG
        whole = " ".join(screen.query_one("#join-note-whole", Static).render().plain.split())
        assert LONG in whole, whole
        assert LONG.split()[-1] in " ".join(screen_text(app).split())  # on screen, not only in the widget


# --- 7. F2 and the palette in a join --------------------------------------------------------------


async def test_f2_in_a_join_says_why_and_the_palette_shows_no_f_key_it_does_not_mean(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await in_join(app, pilot, until)
        await pilot.press("escape", "f2")
        await pilot.pause()
        said = screen.query_one("#join-say", Static).render().plain
        assert "e ends it" in said and "F2" in said, said
        commands = [(c.title, c.help) for c in app.get_system_commands(screen)]
        sync = next(h for t, h in commands if t == "Go to: Sync")
        assert "F5" not in sync
        roster = next(h for t, h in commands if t == "Go to: Staff roster")
        assert "F2" in roster  # F2 means the roster in the join too: it says why it waits


# --- 8. a note's time --------------------------------------------------------------------------------


async def test_a_note_typed_slowly_is_stamped_at_its_first_key(app, until, monkeypatch):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await in_join(app, pilot, until)
        real = joins.now_ms
        shift = [0]
        monkeypatch.setattr(joins, "now_ms", lambda: real() + shift[0])
        await pilot.press("h", "a")
        first = joins.timing(screen.join).elapsed
        shift[0] = 6 * 60_000  # six minutes of typing
        await pilot.press(*"lf a note", "enter")
        await pilot.pause()
        note = joins.notes(screen.join_id)[-1]
        assert note.text == "half a note" and note.elapsed - first < 60, (note.elapsed, first)


# --- 10. the criteria ------------------------------------------------------------------------------------


async def test_criteria_have_a_neutral_bullet_not_a_tick(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await in_join(app, pilot, until)
        criteria = screen.query_one("#join-criteria", Static).render().plain
        assert criteria.strip() and "✓" not in criteria and criteria.split()[0] == "•", criteria


# --- 11. Ctrl+Z in an empty note box ------------------------------------------------------------------------


async def test_ctrl_z_in_an_empty_box_takes_back_the_last_change(app, until):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await in_join(app, pilot, until)
        before = len(joins.notes(screen.join_id))
        await pilot.press(*"one more", "enter")
        await pilot.pause()
        assert len(joins.notes(screen.join_id)) == before + 1
        await pilot.press("ctrl+z")  # the box is empty: the last change (the note) is taken back
        await pilot.pause()
        assert len(joins.notes(screen.join_id)) == before
        await pilot.press(*"abc", "ctrl+z")  # with text, it undoes typing, as before
        await pilot.pause()
        assert screen.query_one("#join-note", Input).value == "" and len(joins.notes(screen.join_id)) == before


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_message_line_reads_in_both_themes(app, until, theme):
    from tests.test_theme_contrast import ratio

    async with app.run_test(size=(80, 24)) as pilot:
        screen = await in_join(app, pilot, until)
        app.theme = theme
        for severity in ("information", "warning", "error"):
            screen.notify("a message", severity=severity)
            await pilot.pause()
            line = screen.query_one("#join-say", Static)
            assert ratio(line.rich_style) >= 4.5, (theme, severity, line.rich_style)
