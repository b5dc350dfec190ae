"""Feedback after a join: strengths, one action step with success criteria, a
SMART target, a practice plan, the teacher's reflection and the next join.

Each field is its own row with its own visibility (private to the coach, or
shared with the teacher). Ids derive from the join and the field, so the same
feedback edited on two laptops stays one feedback.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from pathlib import Path

from coachtui.base.atomic_write import write_text
from coachtui.base.dates import check_date
from coachtui.base.errors import UserError
from coachtui.base.resources import read_text
from coachtui.base.text import clean, clean_block
from coachtui.base.user_files import safe_file_name
from coachtui.lessons import joins
from coachtui.store import write as w
from coachtui.store.models import (
    FEEDBACK_FIELDS,
    FEEDBACK_HEADINGS,
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
REPLACED = "replaced"  # an action step's status once a newer step took its place
MAX_FIELD = 5_000


def feedback_id(join_id: str) -> str:
    return derived_id("feedback", join_id)


def item_id(fid: str, part: str, private: bool = False) -> str:
    """A field's row. A private field has a row of its own: private rows never
    travel, so a field made private after it was sent must retire the shared
    row (text wiped, deleted: that travels) rather than flip its flag."""
    return derived_id("feedback-item", fid, part, "private") if private else derived_id("feedback-item", fid, part)


SHORT_ID = 8  # characters of a feedback's id shown on its screen; the command line takes any unique start


def short_id(fid: str) -> str:
    return fid[:SHORT_ID]


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
    support level; 0 where the school set no regular joins for it (the next
    join is then left for the coach to agree, never the 12-week follow-up)."""
    from coachtui.coaching.cadence import days_for

    site = teacher.site_id if teacher else None
    return days_for(site, teacher.support if teacher else "none")


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
    # A > note is the coach's own step: it is not given the focus's criteria
    # (another step's); the focus, taken as the step, comes with its own.
    teacher = Staff.get_or_none(Staff.id == join.staff_id)
    ended = dt.date.fromtimestamp((join.ended_at or joins.now_ms()) / 1000)
    every = cadence_days(teacher)
    next_date = (ended + dt.timedelta(days=every)).isoformat() if every else ""
    return {
        "strengths": ("\n".join(f"- {s}" for s in strengths), strengths_private),
        "action_step": (nexts[0], next_private) if nexts else (title, False),
        "criteria": ("" if nexts else "\n".join(criteria), False),
        "target_what": ("", False),
        "target_measure": ("", False),
        "target_deadline": ("", False),
        "practice": ("", False),
        "reflection": ("", False),
        "next_join": (next_date, False),
    }


def prefill_step(join: Join) -> str | None:
    """The framework step a new feedback starts with: the focus's, unless a
    > note gave the action step in the coach's own words."""
    if any(n.kind == "next" for n in joins.notes(join.id)):
        return None
    return join.focus_item_id


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
            _set_step(join.staff_id, sid, existing, fid=fid, item_id=action_item_id, text=action,
                      criteria="" if criteria_private else criteria, today=today)
        elif existing is not None and not existing.deleted:
            w.write(ActionStep, sid, text="", criteria="", deleted=True)
        from coachtui.coaching.cycles import on_feedback

        on_feedback(join.staff_id, today)  # the teacher's open cycle moves on
    return fid


def _same_step(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _set_step(staff_id: str, sid: str, existing: ActionStep | None, *, fid: str, item_id: str | None, text: str,
              criteria: str, today: str) -> None:
    """One step in progress per teacher: the same step set again goes on (no
    second copy, whatever undo and redo did before); a new one replaces the
    step in progress, which is closed as "replaced"."""
    others = [s for s in ActionStep.select().where((ActionStep.staff_id == staff_id) & ActionStep.live()
                                                    & (ActionStep.status == "in progress")) if s.id != sid]
    same = next((s for s in others if _same_step(s.text, text)), None)
    if same is not None:
        if criteria and not same.criteria:
            w.write(ActionStep, same.id, criteria=criteria)
        if existing is not None and not existing.deleted:
            w.write(ActionStep, sid, text="", criteria="", deleted=True)
        return
    set_on = existing.set_on if existing and existing.set_on and not existing.deleted else today
    w.write(ActionStep, sid, staff_id=staff_id, feedback_id=fid, item_id=item_id, text=text, criteria=criteria,
            set_on=set_on, deleted=False)
    for s in others:
        if s.set_on <= set_on:  # a step set later than this one (an old feedback edited) stays
            w.write(ActionStep, s.id, status=REPLACED)


def set_mastered(step: str, mastered: bool = True) -> None:
    with w.action("action step mastered" if mastered else "action step back in progress"):
        w.write(ActionStep, step, status="mastered" if mastered else "in progress",
                mastered_on=dt.date.today().isoformat() if mastered else "")


def action_steps(staff_id: str) -> list[ActionStep]:
    return list(ActionStep.select().where((ActionStep.staff_id == staff_id) & ActionStep.live())
                .order_by(ActionStep.set_on.desc(), ActionStep.hlc.desc()))


LISTED = ("strengths", "criteria")  # one point a line: a Markdown list, not one run-on paragraph


def _as_list(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "\n".join(line if line[:2] in ("- ", "* ") else f"- {line}" for line in lines)


def planned_after(fb: Feedback) -> str:
    """The date of a join planned for the teacher since this feedback was
    saved (on the cycle screen or the overdue list), or ''."""
    from coachtui.coaching.cadence import planned_joins

    later = [p.on for p in planned_joins(fb.staff_id) if p.hlc > fb.hlc and p.on]
    return min(later) if later else ""


def teacher_summary(join_id: str) -> str:
    """Markdown for the teacher: shared fields only, never private ones or
    private notes. Nothing shared to send: a UserError saying so."""
    join = Join.get_or_none(Join.id == join_id)
    fb = get(join_id)
    if join is None or fb is None:
        raise UserError("no feedback has been saved for that join yet")
    parts = {part: item for part, item in items(fb.id).items() if not item.private and item.text.strip()}
    if not parts:
        raise UserError("nothing shared to send yet: every field of this feedback is empty or private")
    teacher = Staff.get_or_none(Staff.id == join.staff_id)
    coach = Staff.get_or_none(Staff.id == join.coach_id) if join.coach_id else None
    title, _ = joins.focus_of(join)
    when = dt.datetime.fromtimestamp(join.started_at / 1000).strftime("%A %d %B %Y, %H:%M")
    length = joins.duration_words(joins.timing(join).elapsed)
    where = ", ".join(x for x in (join.group, f"room {join.room}" if join.room else "") if x)
    lines = [f"# Feedback for {teacher.name if teacher else 'teacher'}", "",
             f"Lesson joined {when}" + (f" ({where})" if where else "") + f", {length}.",
             f"Agreed focus: {title}"]
    if coach:
        lines.append(f"Coach: {coach.name}")
    planned = planned_after(fb)
    for part in FEEDBACK_FIELDS:
        item = parts.get(part)
        text = item.text.strip() if item else ""
        if part == "next_join" and planned:
            text = f"{planned} (planned)"
        if not text:
            continue
        lines += ["", f"## {FEEDBACK_HEADINGS[part]}", "", _as_list(text) if part in LISTED else text]
    return "\n".join(lines) + "\n"


def export(join_id: str, path) -> str:
    return str(write_text(path, teacher_summary(join_id)))


def prompts() -> dict:
    return tomllib.loads(read_text("data", "coaching_prompts.toml"))


def framework_step(item_id: str | None) -> FrameworkItem | None:
    return FrameworkItem.get_or_none(FrameworkItem.id == item_id) if item_id else None


def export_new(join_id: str, folder: Path) -> str:
    """Write the teacher's summary into folder under a name no earlier export
    has (feedback NAME DAY.md, then -2, -3 …): nothing is overwritten. Returns
    the full path written; or, where an earlier export of this join already
    holds the same text, that file's path: pressing the key again makes no
    second copy of a teacher's feedback."""
    join = Join.get_by_id(join_id)
    teacher = Staff.get_or_none(Staff.id == join.staff_id)
    # Named as the teacher is written ("feedback Siân Jones 2026-03-02.md"): only what a file system refuses changes.
    stem = safe_file_name(f"feedback {teacher.name if teacher else 'teacher'} {joins.day_of(join)}")
    text = teacher_summary(join_id)  # before any file is made: nothing to send writes nothing
    Path(folder).mkdir(parents=True, exist_ok=True)
    same = _same_export(Path(folder).resolve(), stem, text)
    if same is not None:
        return str(same)
    for n in range(1, 1000):
        path = Path(folder).resolve() / (f"{stem}.md" if n == 1 else f"{stem}-{n}.md")
        try:  # claimed at once, so two exports in the same moment take different names
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            continue
        return str(write_text(path, text))
    raise UserError(f"{folder} already holds 999 summaries named {stem}: move some away")


def _same_export(folder: Path, stem: str, text: str) -> Path | None:
    """An earlier export (NAME.md, NAME-2.md …) holding exactly `text`, if any."""
    for n in range(1, 1000):
        path = folder / (f"{stem}.md" if n == 1 else f"{stem}-{n}.md")
        if not path.exists():
            if n > 1:
                return None  # the names are taken in order: none further
            continue
        try:
            if path.is_file() and path.stat().st_size < 1_000_000 and path.read_text(encoding="utf-8") == text:
                return path
        except (OSError, UnicodeDecodeError):
            continue
    return None


def _line(fb: Feedback) -> str:
    join = Join.get_or_none(Join.id == fb.join_id)
    teacher = Staff.get_or_none(Staff.id == fb.staff_id)
    when = dt.datetime.fromtimestamp(join.started_at / 1000).strftime("%Y-%m-%d %H:%M") if join else "?"
    focus = joins.focus_of(join)[0] if join else ""
    return f"  {short_id(fb.id)} · {teacher.name if teacher else '?'} · joined {when} · {focus}"


def find_for_export(who: str, when: str | None = None) -> Feedback:
    """`coachtui feedback export WHO [WHEN]`. WHO: a feedback's id (or its
    join's), or the start of one as the feedback screen shows it; or a
    teacher's name, email or MIS id, with WHEN "latest" or a date
    (YYYY-MM-DD). More than one match: a UserError listing them, one a line."""
    wanted = clean(who, "who", 200).strip()
    if not wanted:
        raise UserError("say which feedback: its id (shown on the feedback screen), or a teacher and latest or a date")
    live = list(Feedback.select().where(Feedback.live()))
    if when is None:
        key = wanted.casefold()
        by_id = [f for f in live if key in (f.id, f.join_id)]
        if not by_id and len(key) >= 4 and re.fullmatch(r"[0-9a-f-]+", key):
            by_id = [f for f in live if f.id.startswith(key) or f.join_id.startswith(key)]
        if by_id:
            return _one(by_id, f"{len(by_id)} feedbacks have an id starting {wanted!r}: give more of it")
    from coachtui.roster.staff import lookup

    teachers = {s.id for s in lookup(wanted, partial=True)}  # accent-blind; "aisha" alone if only one matches
    if not teachers:
        raise UserError(f"no feedback has the id {wanted!r}, and nobody here is called that (by name, email or MIS id)")
    theirs = sorted((f for f in live if f.staff_id in teachers), key=_started, reverse=True)
    if not theirs:
        raise UserError(f"no feedback has been saved for {wanted}")
    if when is None:
        return _one(theirs, f"{len(theirs)} feedbacks for {wanted}: add latest or a date (YYYY-MM-DD), or give an id")
    if when.strip().casefold() == "latest":
        if len(teachers) > 1:
            return _one(theirs, f"{len(teachers)} people match {wanted!r}: give an id")
        return theirs[0]
    day = check_date(when, "the date")
    on_day = [f for f in theirs if joins.day_of(Join.get_by_id(f.join_id)) == day]
    if not on_day:
        raise UserError(f"no feedback for {wanted} from a join on {day}")
    return _one(on_day, f"{len(on_day)} feedbacks for {wanted} on {day}: give an id")


def _started(fb: Feedback) -> int:
    join = Join.get_or_none(Join.id == fb.join_id)
    return join.started_at if join else 0


def _one(found: list[Feedback], many: str) -> Feedback:
    if len(found) == 1:
        return found[0]
    raise UserError(many + "\n" + "\n".join(_line(f) for f in found))


def export_by_id(ident: str, path, when: str | None = None) -> str:
    """`coachtui feedback export WHO [WHEN] --out FILE`."""
    return export(find_for_export(ident, when).join_id, path)
