"""Coaching cycles (seed 003): an initial meeting, joining a lesson, reflection
and feedback, research and collaboration, practice, and round again.

One open cycle per teacher, with a coach and a focus. Joins and feedback from
the classroom move it on by themselves (`on_join`, `on_feedback`); the coach
moves it through the other stages. Every stage reached is a dated event, so
a leader can see how long cycles take. Support-level changes (up or down,
with a reason and who made them) are kept here too: they steer the cadence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from coachtui.base.dates import check_date, today
from coachtui.base.errors import UserError
from coachtui.base.text import MAX_NAME, clean, clean_block
from coachtui.store import write as w
from coachtui.store.models import (
    CYCLE_STAGE_LABELS,
    CYCLE_STAGES,
    SUPPORT_LABELS,
    SUPPORT_LEVELS,
    ActionStep,
    CoachingCycle,
    CycleEvent,
    FrameworkItem,
    Join,
    Staff,
    SupportChange,
    database,
)

INITIAL_FIELDS = (
    ("strengths", "Strengths"),
    ("development", "Development areas"),
    ("evidence", "Evidence the teacher brought"),
    ("outcomes", "Agreed outcomes"),
    ("way_in", 'The "in": where we start'),
)
MAX_TEXT = 5_000


def current(staff_id: str) -> CoachingCycle | None:
    """The teacher's open cycle, if any."""
    return (CoachingCycle.select().where((CoachingCycle.staff_id == staff_id) & CoachingCycle.live()
                                         & (CoachingCycle.ended_on == ""))
            .order_by(CoachingCycle.started_on.desc(), CoachingCycle.hlc.desc()).first())


def cycles_of(staff_id: str) -> list[CoachingCycle]:
    return list(CoachingCycle.select().where((CoachingCycle.staff_id == staff_id) & CoachingCycle.live())
                .order_by(CoachingCycle.started_on.desc()))


def get(cycle_id: str) -> CoachingCycle | None:
    return CoachingCycle.get_or_none((CoachingCycle.id == cycle_id) & CoachingCycle.live())


def _need(cycle_id: str) -> CoachingCycle:
    c = get(cycle_id)
    if c is None:
        raise UserError("that coaching cycle no longer exists")
    return c


def _teacher(staff_id: str) -> Staff:
    t = Staff.get_or_none((Staff.id == staff_id) & Staff.live())
    if t is None:
        raise UserError("that teacher is not on the roster")
    return t


def _event(cycle_id: str, stage: str, rnd: int, on: str, note: str = "") -> None:
    w.write(CycleEvent, cycle_id=cycle_id, stage=stage, round=rnd, on=on, note=note)


def start(staff_id: str, *, coach_id: str | None = None, focus_item_id: str | None = None, focus_text: str = "",
          on: str = "", **initial: str) -> str:
    """Open a cycle with its initial meeting. One open cycle per teacher."""
    teacher = _teacher(staff_id)
    if teacher.archived:
        raise UserError(f"{teacher.name} is archived: restore them first")
    if current(staff_id) is not None:
        raise UserError(f"{teacher.name} already has an open cycle: close it first")
    values = _initial_values(initial)
    focus_text = clean(focus_text, "focus", MAX_NAME)
    if focus_item_id and not FrameworkItem.get_or_none(FrameworkItem.id == focus_item_id):
        raise UserError("that focus is not in the framework")
    coach_id = coach_id or teacher.coach_id
    on = check_date(on, "date") or today().isoformat()
    with w.action(f"start a coaching cycle with {teacher.name}"):
        cid = w.write(CoachingCycle, staff_id=staff_id, coach_id=coach_id, focus_item_id=focus_item_id or None,
                      focus_text=focus_text, stage="initial", round=1, started_on=on, **values)
        _event(cid, "initial", 1, on)
    return cid


def _initial_values(initial: dict[str, str]) -> dict[str, str]:
    known = {k for k, _ in INITIAL_FIELDS} | {"visits"}
    bad = set(initial) - known
    if bad:
        raise UserError(f"unknown part of the initial meeting: {sorted(bad)[0]}")
    return {k: clean_block(v, k, MAX_TEXT) for k, v in initial.items()}


def save_initial(cycle_id: str, *, focus_item_id: str | None = None, focus_text: str | None = None,
                 **initial: str) -> None:
    c = _need(cycle_id)
    values = _initial_values(initial)
    if focus_text is not None:
        values["focus_text"] = clean(focus_text, "focus", MAX_NAME)
        values["focus_item_id"] = focus_item_id or None
    with w.action("edit the initial meeting"):
        w.write(CoachingCycle, c.id, **values)


def add_visit(cycle_id: str, name: str) -> None:
    """A colleague to visit, added to the cycle's list of visits."""
    c = _need(cycle_id)
    name = clean(name, "name", MAX_NAME)
    visits = "\n".join(x for x in (c.visits, f"Visit {name}") if x)
    with w.action(f"add a visit to {name}"):
        w.write(CoachingCycle, c.id, visits=clean_block(visits, "visits", MAX_TEXT))


def next_stage(stage: str, rnd: int) -> tuple[str, int]:
    """The stage after this one; after practice, round again from joining a lesson."""
    i = CYCLE_STAGES.index(stage) if stage in CYCLE_STAGES else 0
    if i == len(CYCLE_STAGES) - 1:
        return "join", rnd + 1
    return CYCLE_STAGES[i + 1], rnd


def advance(cycle_id: str, stage: str | None = None, on: str = "", note: str = "") -> str:
    """Move to `stage` (default: the next one). Returns the stage reached."""
    c = _need(cycle_id)
    if c.ended_on:
        raise UserError("that cycle is closed")
    if stage is None:
        stage, rnd = next_stage(c.stage, c.round)
    else:
        if stage not in CYCLE_STAGES:
            raise UserError(f"unknown stage {stage!r}")
        # Back to joining a lesson from a later stage: a new round.
        later = CYCLE_STAGES.index(c.stage) > CYCLE_STAGES.index("join") if c.stage in CYCLE_STAGES else False
        rnd = c.round + 1 if stage == "join" and later else c.round
    on = check_date(on, "date") or today().isoformat()
    with w.action(f"cycle: {CYCLE_STAGE_LABELS[stage]}"):
        w.write(CoachingCycle, c.id, stage=stage, round=rnd)
        _event(c.id, stage, rnd, on, clean(note, "note", MAX_NAME))
    return stage


def close(cycle_id: str, on: str = "") -> None:
    c = _need(cycle_id)
    on = check_date(on, "date") or today().isoformat()
    if on < c.started_on:
        raise UserError("a cycle cannot end before it started")
    with w.action("close the coaching cycle"):
        w.write(CoachingCycle, c.id, ended_on=on)


def reopen(cycle_id: str) -> None:
    c = _need(cycle_id)
    if current(c.staff_id) is not None:
        raise UserError("this teacher already has an open cycle")
    with w.action("reopen the coaching cycle"):
        w.write(CoachingCycle, c.id, ended_on="")


def events(cycle_id: str) -> list[CycleEvent]:
    return list(CycleEvent.select().where((CycleEvent.cycle_id == cycle_id) & CycleEvent.live())
                .order_by(CycleEvent.on, CycleEvent.hlc))


# --- the classroom workflow moves the cycle on by itself ----------------------------------


def on_join(join: Join) -> None:
    """A join started: an open cycle moves to "joining a lesson" (a new round
    if it had got past that stage). Called inside the join's own write."""
    c = current(join.staff_id)
    if c is None or c.stage == "join":
        return
    day = dt.date.fromtimestamp(join.started_at / 1000).isoformat()
    rnd = c.round + 1 if c.stage in ("feedback", "research", "practice") else c.round
    w.write(CoachingCycle, c.id, stage="join", round=rnd)
    _event(c.id, "join", rnd, day)


def on_feedback(staff_id: str, given_on: str) -> None:
    """Feedback saved: an open cycle moves to "reflection and feedback" (once per round)."""
    c = current(staff_id)
    if c is None or c.stage != "join":
        return
    w.write(CoachingCycle, c.id, stage="feedback")
    _event(c.id, "feedback", c.round, given_on or today().isoformat())


def joins_in(c: CoachingCycle) -> list[Join]:
    """The joins that belong to a cycle: the teacher's, between its start and end."""
    start = int(dt.datetime.combine(dt.date.fromisoformat(c.started_on), dt.time()).timestamp() * 1000)
    q = Join.select().where((Join.staff_id == c.staff_id) & Join.live() & (Join.started_at >= start))
    if c.ended_on:
        end = int(dt.datetime.combine(dt.date.fromisoformat(c.ended_on) + dt.timedelta(days=1),
                                      dt.time()).timestamp() * 1000)
        q = q.where(Join.started_at < end)
    return list(q.order_by(Join.started_at))


# --- suggestions ----------------------------------------------------------------------------


@dataclass
class Colleague:
    staff_id: str
    name: str
    site: str
    same_site: bool


def suggest_visits(cycle_id: str) -> list[Colleague]:
    """Colleagues who show the cycle's focus well (it is among their strengths),
    the teacher's own site first: who to visit during research and collaboration."""
    from coachtui.teaching.framework import related

    c = _need(cycle_id)
    if not c.focus_item_id:
        return []
    teacher = Staff.get_or_none(Staff.id == c.staff_id)
    items = related(c.focus_item_id)
    rows = database.execute_sql(
        "SELECT DISTINCT s.id, s.name, COALESCE(t.name, ''), s.site_id FROM staff_focus f "
        "JOIN staff s ON s.id = f.staff_id LEFT JOIN site t ON t.id = s.site_id "
        "WHERE f.deleted = 0 AND f.kind = 'strength' AND s.deleted = 0 AND s.archived = 0 AND s.id != ? "
        f"AND f.item_id IN ({','.join('?' * len(items))})", (c.staff_id, *items)).fetchall()
    out = [Colleague(sid, name, site, bool(teacher and site_id == teacher.site_id))
           for sid, name, site, site_id in rows]
    return sorted(out, key=lambda x: (not x.same_site, x.name.casefold()))


def suggest_next_step(staff_id: str) -> FrameworkItem | None:
    """The next action step in the framework's order after the last one the
    teacher mastered, skipping steps already mastered or in progress."""
    from coachtui.teaching.framework import steps

    order = steps()
    taken = {}
    for s in ActionStep.select().where((ActionStep.staff_id == staff_id) & ActionStep.live()
                                       & ActionStep.item_id.is_null(False)):
        taken[s.item_id] = (s.status, s.mastered_on)
    mastered = [(on, i) for i, (status, on) in taken.items() if status == "mastered"]
    start = 0
    if mastered:
        index = {s.id: n for n, s in enumerate(order)}
        last = max(mastered)[1]
        start = index.get(last, -1) + 1
    for s in order[start:] + order[:start]:
        if s.id not in taken:
            return s
    return None


# --- support levels ---------------------------------------------------------------------------


def set_support(staff_id: str, level: str, reason: str, by_staff_id: str | None = None, on: str = "",
                by_name: str = "") -> None:
    """Change a teacher's support level, recording when, why and by whom."""
    if level not in SUPPORT_LEVELS:
        raise UserError(f"unknown support level {level!r}")
    teacher = _teacher(staff_id)
    if teacher.support == level:
        raise UserError(f"{teacher.name} is already on {SUPPORT_LABELS[level]}")
    with w.action(f"support of {teacher.name}: {SUPPORT_LABELS[level]}"):
        w.write(Staff, staff_id, support=level)
        record_support_change(teacher, level, reason, by_staff_id, on, by_name)


def record_support_change(teacher: Staff, level: str, reason: str, by_staff_id: str | None = None, on: str = "",
                          by_name: str = "") -> None:
    """The log line for a change of support level (inside the caller's write)."""
    reason = clean(reason, "reason", MAX_NAME)
    if not reason:
        raise UserError("say why the support level changes")
    on = check_date(on, "date") or today().isoformat()
    w.write(SupportChange, staff_id=teacher.id, from_level=teacher.support, to_level=level, on=on,
            reason=reason, by_staff_id=by_staff_id or None, by_name=clean(by_name, "who", MAX_NAME))


def support_changes(staff_id: str) -> list[SupportChange]:
    return list(SupportChange.select().where((SupportChange.staff_id == staff_id) & SupportChange.live())
                .order_by(SupportChange.on.desc(), SupportChange.hlc.desc()))


def direction(change: SupportChange) -> str:
    a, b = SUPPORT_LEVELS.index(change.from_level), SUPPORT_LEVELS.index(change.to_level)
    return "up" if b > a else "down"


def stage_label(stage: str) -> str:
    return CYCLE_STAGE_LABELS.get(stage, stage)


def focus_title(c: CoachingCycle) -> str:
    if c.focus_item_id:
        item = FrameworkItem.get_or_none(FrameworkItem.id == c.focus_item_id)
        if item:
            return item.title
    return c.focus_text
