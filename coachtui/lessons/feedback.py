"""Feedback after a join: strengths, one action step with success criteria, a
SMART target, a practice plan, the teacher's reflection and the next join.

Each field is its own row with its own visibility (private to the coach, or
shared with the teacher). Ids derive from the join and the field, so the same
feedback edited on two laptops stays one feedback.
"""

from __future__ import annotations

import datetime as dt
import tomllib

from coachtui.base.atomic_write import write_text
from coachtui.base.dates import check_date
from coachtui.base.errors import UserError
from coachtui.base.resources import read_text
from coachtui.base.text import clean_block, plural
from coachtui.lessons import joins
from coachtui.store import write as w
from coachtui.store.models import (
    FEEDBACK_FIELDS,
    FEEDBACK_LABELS,
    ActionStep,
    Feedback,
    FeedbackItem,
    FrameworkItem,
    Join,
    Staff,
    derived_id,
)

DATE_FIELDS = ("target_deadline", "next_join")
MAX_FIELD = 5_000


def feedback_id(join_id: str) -> str:
    return derived_id("feedback", join_id)


def item_id(fid: str, part: str, private: bool = False) -> str:
    """A field's row. A private field has a row of its own: private rows never
    travel, so a field made private after it was sent must retire the shared
    row (text wiped, deleted: that travels) rather than flip its flag."""
    return derived_id("feedback-item", fid, part, "private") if private else derived_id("feedback-item", fid, part)


def step_id(fid: str) -> str:
    return derived_id("action-step", fid)


def get(join_id: str) -> Feedback | None:
    return Feedback.get_or_none((Feedback.id == feedback_id(join_id)) & Feedback.live())


def items(fid: str) -> dict[str, FeedbackItem]:
    """Each field's live row, the private one where there is one."""
    rows = FeedbackItem.select().where((FeedbackItem.feedback_id == fid) & FeedbackItem.live())
    out: dict[str, FeedbackItem] = {}
    for r in sorted(rows, key=lambda r: bool(r.private)):
        out[r.part] = r
    return out


def cadence_days(teacher: Staff | None) -> int:
    """Days to the next join, from the school's cadence for the teacher's
    support level (levels with no regular joins: the follow-up interval)."""
    from coachtui.coaching.cadence import days_for

    site = teacher.site_id if teacher else None
    return days_for(site, teacher.support if teacher else "none") or days_for(site, "follow-up")


def prefill(join: Join) -> dict[str, tuple[str, bool]]:
    """Start the feedback from the join's notes and focus: {field: (text, private)}.

    A private note never flows into a shared field: a field is filled from the
    shared notes of its kind; only when all of them are private is it filled
    from those, and then the field itself is private (the form shows it so)."""
    notes = joins.notes(join.id)
    title, criteria = joins.focus_of(join)

    def of_kind(kind: str) -> tuple[list[str], bool]:
        shared = [n.text for n in notes if n.kind == kind and not n.private]
        if shared:
            return shared, False
        private = [n.text for n in notes if n.kind == kind and n.private]
        return private, bool(private)

    strengths, strengths_private = of_kind("strength")
    nexts, next_private = of_kind("next")
    teacher = Staff.get_or_none(Staff.id == join.staff_id)
    ended = dt.date.fromtimestamp((join.ended_at or joins.now_ms()) / 1000)
    next_date = ended + dt.timedelta(days=cadence_days(teacher))
    return {
        "strengths": ("\n".join(f"- {s}" for s in strengths), strengths_private),
        "action_step": (nexts[0], next_private) if nexts else (title, False),
        "criteria": ("\n".join(criteria), False),
        "target_what": ("", False),
        "target_measure": ("", False),
        "target_deadline": ("", False),
        "practice": ("", False),
        "reflection": ("", False),
        "next_join": (next_date.isoformat(), False),
    }


def _check_date(part: str, text: str) -> str:
    return check_date(text, FEEDBACK_LABELS[part])


def save(join: Join, values: dict[str, tuple[str, bool]], action_item_id: str | None = None) -> str:
    """Write the feedback: {field: (text, private)}. Returns the feedback id."""
    now = Join.get_or_none(Join.id == join.id)
    if now is None or now.deleted:
        raise UserError("that join was undone: its feedback cannot be saved (Ctrl+R redoes it)")
    if not now.ended_at:
        raise UserError("that join is running again: end it (e in the join) before saving its feedback")
    clean: dict[str, tuple[str, bool]] = {}
    for part, (text, private) in values.items():
        if part not in FEEDBACK_FIELDS:
            raise UserError(f"unknown feedback field {part!r}")
        text = clean_block(text, FEEDBACK_LABELS[part], MAX_FIELD)
        if part in DATE_FIELDS:
            text = _check_date(part, text)
        clean[part] = (text, bool(private))
    fid = feedback_id(join.id)
    today = dt.date.today().isoformat()
    with w.action("save feedback"):
        w.write(Feedback, fid, join_id=join.id, staff_id=join.staff_id, coach_id=join.coach_id,
                action_item_id=action_item_id, given_on=today, next_join=clean.get("next_join", ("", False))[0],
                deleted=False)
        for part, (text, private) in clean.items():
            w.write(FeedbackItem, item_id(fid, part, private), feedback_id=fid, part=part, text=text,
                    private=private, deleted=False)
            other = FeedbackItem.get_or_none(FeedbackItem.id == item_id(fid, part, not private))
            if other is not None and not other.deleted:
                w.write(FeedbackItem, other.id, text="", deleted=True)
                if private:
                    joins.wipe_conflicts(other.id)
        # The action step is a shared record (history, cycles, bundles): a
        # private action step, or private criteria, never become part of it.
        action, action_private = clean.get("action_step", ("", False))
        criteria, criteria_private = clean.get("criteria", ("", False))
        sid = step_id(fid)
        existing = ActionStep.get_or_none(ActionStep.id == sid)
        if action and not action_private:
            w.write(ActionStep, sid, staff_id=join.staff_id, feedback_id=fid, item_id=action_item_id, text=action,
                    criteria="" if criteria_private else criteria,
                    set_on=existing.set_on if existing and existing.set_on else today, deleted=False)
        elif existing is not None and not existing.deleted:
            w.write(ActionStep, sid, text="", criteria="", deleted=True)
        from coachtui.coaching.cycles import on_feedback

        on_feedback(join.staff_id, today)  # the teacher's open cycle moves on
    return fid


def set_mastered(step: str, mastered: bool = True) -> None:
    with w.action("action step mastered" if mastered else "action step back in progress"):
        w.write(ActionStep, step, status="mastered" if mastered else "in progress",
                mastered_on=dt.date.today().isoformat() if mastered else "")


def action_steps(staff_id: str) -> list[ActionStep]:
    return list(ActionStep.select().where((ActionStep.staff_id == staff_id) & ActionStep.live())
                .order_by(ActionStep.set_on.desc(), ActionStep.hlc.desc()))


def teacher_summary(join_id: str) -> str:
    """Markdown for the teacher: shared fields only, never private ones or private notes."""
    join = Join.get_or_none(Join.id == join_id)
    fb = get(join_id)
    if join is None or fb is None:
        raise UserError("no feedback has been saved for that join yet")
    teacher = Staff.get_or_none(Staff.id == join.staff_id)
    coach = Staff.get_or_none(Staff.id == join.coach_id) if join.coach_id else None
    title, _ = joins.focus_of(join)
    when = dt.datetime.fromtimestamp(join.started_at / 1000).strftime("%A %d %B %Y, %H:%M")
    minutes = joins.timing(join).elapsed // 60
    lines = [f"# Feedback for {teacher.name if teacher else 'teacher'}", "",
             f"Lesson joined {when}" + (f" ({join.group})" if join.group else "") + f", {plural(minutes, 'minute')}.",
             f"Agreed focus: {title}"]
    if coach:
        lines.append(f"Coach: {coach.name}")
    parts = items(fb.id)
    for part in FEEDBACK_FIELDS:
        item = parts.get(part)
        if item is None or item.private or not item.text.strip():
            continue
        lines += ["", f"## {FEEDBACK_LABELS[part]}", "", item.text.strip()]
    return "\n".join(lines) + "\n"


def export(join_id: str, path) -> str:
    return str(write_text(path, teacher_summary(join_id)))


def prompts() -> dict:
    return tomllib.loads(read_text("data", "coaching_prompts.toml"))


def framework_step(item_id: str | None) -> FrameworkItem | None:
    return FrameworkItem.get_or_none(FrameworkItem.id == item_id) if item_id else None


def export_by_id(ident: str, path) -> str:
    """`coachtui feedback export ID`: ID is the feedback's id or its join's."""
    fb = Feedback.get_or_none((Feedback.id == ident) & Feedback.live())
    return export(fb.join_id if fb else ident, path)
