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
