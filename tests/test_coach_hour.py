"""What a coach new to the app hit in a join and its feedback (issue 13, the
30-minute try): the next join's date, Esc pressed quickly before a key,
messages over the notes, the feedback form's switches and focus, the join
set-up's Enter, the join at 60x20, F2 in a join, a note's time, the
teacher's summary, the criteria's bullets, and what the README says."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, Static, TextArea

from coachtui.base.errors import UserError
from coachtui.coaching import cadence
from coachtui.lessons import feedback, joins, waiting
from coachtui.roster import focus_areas, staff
from coachtui.store.models import Join
from coachtui.teaching.framework import item_id

SIZES = [(60, 20), (80, 24), (120, 40)]


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def ended_join(teacher: str, seconds: int = 20 * 60, **kwargs) -> str:
    jid = joins.start(teacher, focus_item_id=kwargs.pop("focus_item_id", None), **kwargs)
    j = joins.get(jid)
    start = j.started_at - seconds * 1000
    Join.update(started_at=start).where(Join.id == jid).execute()
    joins.end(joins.get(jid), at=start + seconds * 1000)
    return jid


@pytest.fixture
def seed(ctx):
    t = staff.save(name="Jane Smith", email="jane@school.test")  # no extra support
    focus_areas.set_focus(t, item_id("QU.1.1"), "development")
    staff.save(name="Sam Struct", support="structured")


def jane() -> str:
    return next(r.id for r in staff.roster_rows() if r.name == "Jane Smith")


# --- 1. the next join ---------------------------------------------------------------------


def test_no_extra_support_is_joined_fortnightly_by_default(seed):
    assert cadence.DEFAULT_DAYS["none"] == 14
    jid = ended_join(jane(), focus_text="Routines")
    ended = dt.date.fromtimestamp(joins.get(jid).ended_at / 1000)
    assert feedback.prefill(joins.get(jid))["next_join"][0] == (ended + dt.timedelta(days=14)).isoformat()


def test_a_school_without_regular_joins_gets_no_next_join_not_the_follow_up(seed):
    cadence.set_days(None, "none", 0)
    jid = ended_join(jane(), focus_text="Routines")
    assert feedback.prefill(joins.get(jid))["next_join"][0] == ""


# --- 9. the teacher's summary ------------------------------------------------------------------


def test_the_summary_lists_criteria_and_names_the_room(seed):
    jid = ended_join(jane(), focus_text="Routines", group="9X2", room="B12")
    feedback.save(joins.get(jid), {"action_step": ("Cold call", False),
                                   "criteria": ("Names first\nWait three seconds\n- Then ask", False)})
    text = feedback.teacher_summary(jid)
    assert "- Names first\n- Wait three seconds\n- Then ask" in text
    assert "B12" in text and "9X2" in text


def test_an_empty_feedback_is_not_exported_and_says_why(seed, tmp_path):
    jid = ended_join(jane(), focus_text="Routines")
    feedback.save(joins.get(jid), {"action_step": ("", False), "reflection": ("only mine", True)})
    with pytest.raises(UserError, match="nothing shared"):
        feedback.teacher_summary(jid)
    with pytest.raises(UserError, match="nothing shared"):
        feedback.export_new(jid, tmp_path)
    assert not list(tmp_path.glob("*.md"))


def test_the_summary_shows_a_join_planned_after_the_feedback(seed):
    jid = ended_join(jane(), focus_text="Routines")
    feedback.save(joins.get(jid), {"action_step": ("Cold call", False), "next_join": ("2099-01-10", False)})
    assert "2099-01-10" in feedback.teacher_summary(jid)
    cadence.plan_join(jane(), "2099-01-17")
    text = feedback.teacher_summary(jid)
    assert "2099-01-17 (planned)" in text and "2099-01-10" not in text


# --- 8. a note's time ------------------------------------------------------------------------------


def test_a_note_is_stamped_when_typing_started(seed, monkeypatch):
    now = [1_000_000_000_000]
    monkeypatch.setattr(joins, "now_ms", lambda: now[0])
    jid = joins.start(jane(), focus_item_id=None, focus_text="Routines")
    now[0] += 10 * 60_000  # typing starts at 10:00 into the join
    started = now[0]
    waiting.save_draft(jid, "half", "observation", started=started)
    assert waiting.draft_started(jid) == started  # kept with the draft, through a restart
    now[0] += 6 * 60_000  # Enter at 16:00
    assert waiting.note(joins.get(jid), "half a note", started=waiting.draft_started(jid)) == "saved"
    note = joins.notes(jid)[-1]
    assert note.elapsed == 600 and note.at == started


def test_a_kept_note_keeps_when_typing_started(seed, monkeypatch):
    from coachtui.store import spool

    now = [1_000_000_000_000]
    monkeypatch.setattr(joins, "now_ms", lambda: now[0])
    jid = joins.start(jane(), focus_item_id=None, focus_text="Routines")
    now[0] += 10 * 60_000
    waiting.save_draft(jid, "half", "observation", busy=True, started=now[0])  # the database is busy
    assert waiting.draft_started(jid) == now[0]
    started = now[0]
    now[0] += 6 * 60_000
    monkeypatch.setattr(spool, "has_waiting", lambda join_id=None: True)  # as if something waits before it
    assert waiting.note(joins.get(jid), "half a note", started=started) == "waiting"
    kept = waiting.waiting(jid)[-1]
    assert kept.elapsed == 600 and kept.at == started


# --- UI: the feedback form (1, 4, 9) -------------------------------------------------------------------

THEMES = ["textual-dark", "textual-light"]


def luminance(color) -> float:
    r, g, b = color.get_truecolor()

    def lin(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(a, b) -> float:
    x, y = luminance(a), luminance(b)
    return (max(x, y) + 0.05) / (min(x, y) + 0.05)


async def open_feedback(app, pilot, jid):
    from coachtui.screens.feedback import FeedbackScreen

    await app.push_screen(FeedbackScreen(jid))
    await pilot.pause()
    return app.screen


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_next_join_to_be_saved_is_in_sight(app, size):
    jid = ended_join(jane(), focus_text="Routines")
    async with app.run_test(size=size) as pilot:
        form = await open_feedback(app, pilot, jid)
        date = form.query_one("#fb-next_join", Input).value
        assert date and date in screen_text(app), screen_text(app)
        form.query_one("#fb-next_join", Input).value = "2099-02-03"
        await pilot.pause()
        assert "2099-02-03" in screen_text(app)


async def test_each_switch_comes_after_its_field_in_tab_order(app):
    jid = ended_join(jane(), focus_text="Routines")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_feedback(app, pilot, jid)
        chain = [w.id for w in form.focus_chain]
        for part in feedback.FEEDBACK_FIELDS:
            assert chain.index(f"fb-{part}") + 1 == chain.index(f"fb-private-{part}"), (part, chain)


@pytest.mark.parametrize("theme", THEMES)
async def test_both_states_of_the_switch_read_in_both_themes(app, theme):
    jid = ended_join(jane(), focus_text="Routines")
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        form = await open_feedback(app, pilot, jid)
        box = form.query_one("#fb-private-practice")
        for value in (False, True):
            box.value = value
            await pilot.pause()
            mark = "🔒" if value else "○"
            seg = next(s for s in box.render_line(0) if mark in s.text)
            bg = seg.style.bgcolor or box.rich_style.bgcolor
            assert contrast(seg.style.color, bg) >= 4.5, (theme, value, seg.style)


@pytest.mark.parametrize("theme", THEMES)
async def test_the_field_being_typed_in_stands_out(app, theme):
    jid = ended_join(jane(), focus_text="Routines")
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        form = await open_feedback(app, pilot, jid)
        field = form.query_one("#fb-action_step", Input)
        other = form.query_one("#fb-target_what", Input)
        field.focus()
        await pilot.pause()
        on, off = field.rich_style, other.rich_style
        marked = (on.underline and not off.underline) or (on.reverse != off.reverse)
        assert marked or contrast(on.bgcolor, off.bgcolor) >= 3, (theme, on, off)


async def test_ctrl_e_with_nothing_shared_says_so_in_one_line(app, tmp_path):
    jid = ended_join(jane(), focus_text="Routines")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_feedback(app, pilot, jid)
        for part in feedback.FEEDBACK_FIELDS:
            w = form.query_one(f"#fb-{part}")
            if isinstance(w, TextArea):
                w.text = ""
            else:
                w.value = ""
        await pilot.press("ctrl+e")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any("nothing shared" in m for m in said), said
        assert not list((tmp_path / "Documents").rglob("*.md"))


async def test_the_unsaved_question_says_what_d_discards(app):
    jid = ended_join(jane(), focus_text="Routines")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_feedback(app, pilot, jid)
        form.query_one("#fb-practice", TextArea).text = "something typed"
        await pilot.press("escape")
        await pilot.pause()
        text = screen_text(app)
        assert "discard them" not in text and "discard the changes" in text, text


# --- 5. join set-up: where Enter went is in sight ----------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_join_setup_shows_the_chosen_step_and_the_field_enter_went_to(app, size):
    async with app.run_test(size=size) as pilot:
        await pilot.press(*"jane", "enter", "j")
        await pilot.pause()
        setup = app.screen
        assert setup.__class__.__name__ == "JoinSetup"
        setup.query_one("#join-focus", Input).value = ""
        await pilot.press(*"QU.1", "down", "down", "enter")
        await pilot.pause()
        text = screen_text(app)
        assert "QU.1.2" in next(line for line in text.split("\n") if "Agreed focus" in line), text
        assert app.focused.id == "join-group"

        def current() -> list[str]:
            return [str(label.render()).strip() for label in setup.query(".form-grid Label.-current")]

        assert len(current()) == 1 and "Class" in current()[0]
        assert "Class" in str(setup.query_one("#join-now", Static).render())
        await pilot.press(*"9X2", "enter")
        await pilot.pause()
        assert app.focused.id == "join-room" and "Room" in current()[0]
        await pilot.press(*"B12", "enter")
        await pilot.pause()
        assert app.focused.id == "join-minutes" and "Minutes" in current()[0]
        assert setup.query_one("#join-group", Input).value == "9X2"
        assert setup.query_one("#join-room", Input).value == "B12"


async def test_a_burst_of_keys_down_and_enter_takes_the_step_picked(app):
    from textual._xterm_parser import XTermParser

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"jane", "enter", "j")
        await pilot.pause()
        setup = app.screen
        setup.query_one("#join-focus", Input).value = ""
        await pilot.pause()
        for event in XTermParser().feed("QU.1\x1b[B\x1b[B\r9X2"):  # as a fast typist's terminal sends them
            app.post_message(event)
        for _ in range(5):
            await pilot.pause()
        ol = setup.query_one("#join-steps")
        assert setup.item_id == item_id("QU.1.2"), (setup.query_one("#join-focus", Input).value, app.focused.id,
                                                     ol.highlighted, ol.option_count)
        assert app.focused.id == "join-group"
        assert setup.query_one("#join-group", Input).value == "9X2"  # typed after Enter: into Class, seen coming


async def test_esc_then_d_quickly_in_the_feedback_discards_as_esc_then_d_does(app):
    from textual._xterm_parser import XTermParser

    jid = ended_join(jane(), focus_text="Routines")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_feedback(app, pilot, jid)
        area = form.query_one("#fb-practice", TextArea)
        area.text = "practise cold call"
        area.focus()
        await pilot.pause()
        parser = XTermParser()
        events = list(parser.feed("\x1bd"))
        try:
            events += list(parser.feed(""))  # the end of input: the parser stops waiting for more of the sequence
        except Exception:
            pass
        assert [e.key for e in events] == ["alt+d"]
        for event in events:
            app.post_message(event)
        for _ in range(4):
            await pilot.pause()
        assert app.screen is not form and form not in app.screen_stack, (app.screen_stack, area.text)
        assert "d" not in area.text.replace("practise cold call", "")
        assert feedback.get(jid) is None  # discarded, not saved


async def test_tabbing_into_a_filled_feedback_box_selects_nothing(app):
    """The re-check walkthrough: Tab into "Action step" selected it, so the
    first key typed replaced the whole step (forms select nothing on focus)."""
    jid = ended_join(jane(), focus_text="Routines")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_feedback(app, pilot, jid)
        box = form.query_one("#fb-action_step", Input)
        box.value = "Cold call every pupil"
        form.set_focus(None)
        box.focus()
        await pilot.pause()
        await pilot.press(*" twice")
        await pilot.pause()
        assert all(word in box.value for word in ("Cold", "every", "pupil", "twice")), box.value  # added to, not replaced


async def test_a_framework_step_brings_its_criteria_under_the_coachs_own_words(app):
    """The re-check walkthrough: with the action step written from a `>` note,
    choosing a framework step left the success criteria empty."""
    from textual.widgets import Select, TextArea

    from coachtui.teaching import framework

    jid = ended_join(jane(), focus_text="Routines")
    step = framework.steps()[0]
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_feedback(app, pilot, jid)
        form.query_one("#fb-action_step", Input).value = "Ask three pupils before moving on"
        form.query_one("#fb-criteria", TextArea).text = ""
        form.query_one("#fb-step", Select).value = step.id
        await pilot.pause()
        assert form.query_one("#fb-action_step", Input).value == "Ask three pupils before moving on"
        assert form.query_one("#fb-criteria", TextArea).text == step.detail
