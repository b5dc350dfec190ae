"""Made-up coaching history for the demo and for benchmarks: lesson joins,
feedback, action steps and coaching cycles over past weeks.

Deterministic for a seed. Rows go in through `write.insert_new` in chunks,
inside one transaction, so three years of a 5,000-staff trust (~600,000
joins) takes well under a minute. Notes are left out: nothing here reads them.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from coachtui.store import db as store_db
from coachtui.store import write as w
from coachtui.store.models import ActionStep, CoachingCycle, CycleEvent, Feedback, Join, database, derived_id, new_id

CHUNK = 50_000


def _ms(day: dt.date, hour: int, minute: int) -> int:
    return int(time.mktime((day.year, day.month, day.day, hour, minute, 0, 0, 0, -1)) * 1000)


def _term_week(day: dt.date) -> bool:
    """Roughly: no joins in August or in the Christmas and Easter weeks."""
    return day.month != 8 and not (day.month == 12 and day.day > 20) and not (day.month == 4 and day.day < 8)


def fill_history(weeks: int = 52, on: dt.date | None = None, seed: int = 1, join_rate: float = 0.85) -> dict[str, int]:
    """Joins for active teachers with a coach, about weekly (`join_rate` of
    term weeks) over the `weeks` before `on`; feedback after most joins; a new
    action step every few weeks, most mastered; a coaching cycle a term."""
    on = on or dt.date.today()
    rnd = random.Random(seed)
    teachers = database.execute_sql(
        "SELECT s.id, s.coach_id FROM staff s JOIN staff c ON c.id = s.coach_id "
        "WHERE s.deleted = 0 AND s.archived = 0 AND (',' || s.roles || ',') LIKE '%,teacher,%' ORDER BY s.id").fetchall()
    focus: dict[str, list[str]] = {}
    for sid, item in database.execute_sql(
            "SELECT staff_id, item_id FROM staff_focus WHERE deleted = 0 AND kind = 'development' ORDER BY id"):
        focus.setdefault(sid, []).append(item)
    titles = dict(database.execute_sql("SELECT id, title FROM framework_item").fetchall())
    steps = [r[0] for r in database.execute_sql(
        "SELECT id FROM framework_item WHERE kind = 'step' AND deleted = 0 AND retired = 0 ORDER BY code, id")]
    start = on - dt.timedelta(weeks=weeks)
    mondays = [start + dt.timedelta(weeks=k, days=-start.weekday()) for k in range(weeks + 1)]
    mondays = [m for m in mondays if m < on - dt.timedelta(days=1) and _term_week(m)]
    joins, fbs, acts, cycles, events = [], [], [], [], []
    counts = dict.fromkeys(("joins", "feedback", "action_steps", "cycles"), 0)

    def flush(force: bool = False) -> None:
        for model, rows, key in ((Join, joins, "joins"), (Feedback, fbs, "feedback"),
                                 (ActionStep, acts, "action_steps"), (CoachingCycle, cycles, "cycles"),
                                 (CycleEvent, events, None)):
            if rows and (force or len(rows) >= CHUNK):
                w.insert_new(model, rows)
                if key:
                    counts[key] += len(rows)
                rows.clear()

    with store_db.transaction():
        for sid, coach in teachers:
            areas = focus.get(sid) or [rnd.choice(steps)]
            item = rnd.choice(areas)
            step_from = None
            cycle_start = None
            for k, monday in enumerate(mondays):
                if k % 13 == 0:  # a coaching cycle a term, each on a new focus
                    if cycle_start:
                        _cycle(cycles, events, sid, coach, item, cycle_start, monday, rnd)
                    item = rnd.choice(areas) if rnd.random() < 0.7 else rnd.choice(steps)
                    cycle_start = monday
                # join_rate joins a week on average: 0.85 misses some weeks, 1.2 sees some teachers twice.
                for _ in range(int(join_rate) + (rnd.random() < join_rate % 1)):
                    step_from = _join(joins, fbs, acts, sid, coach, item, monday, step_from, on, rnd)
                    if acts and acts[-1]["text"] is None:
                        acts[-1]["text"] = titles.get(item, "")  # the framework step, in its words
            if cycle_start:
                _cycle(cycles, events, sid, coach, item, cycle_start, None, rnd)
            flush()
        flush(force=True)
    return counts


def _join(joins, fbs, acts, sid, coach, item, monday: dt.date, step_from, on: dt.date, rnd) -> dt.date | None:
    """One join, feedback after most, a new action step every few weeks. Returns
    when the current action step was set."""
    day = monday + dt.timedelta(days=rnd.randrange(5))
    started = _ms(day, rnd.randrange(9, 15), rnd.choice((0, 10, 20, 30, 40, 50)))
    jid = new_id()
    own = rnd.random() < 0.05
    joins.append(dict(id=jid, staff_id=sid, coach_id=coach, focus_item_id=None if own else item,
                      focus_text="own focus" if own else "", started_at=started, ended_at=started + 20 * 60_000))
    if rnd.random() >= 0.85:
        return step_from
    given = day + dt.timedelta(days=rnd.randrange(3))
    fid = derived_id("feedback", jid)  # as lessons.feedback.feedback_id: found from its join
    fbs.append(dict(id=fid, join_id=jid, staff_id=sid, coach_id=coach, action_item_id=item,
                    given_on=given.isoformat(),
                    next_join=(given + dt.timedelta(days=rnd.choice((7, 7, 14)))).isoformat()))
    if step_from is None or (given - step_from).days >= rnd.choice((14, 21, 28)):
        step_from = given
        took = rnd.randrange(10, 50)
        done = given + dt.timedelta(days=took) < on and rnd.random() < 0.8
        acts.append(dict(id=new_id(), staff_id=sid, feedback_id=fid, item_id=item, text=None,
                         status="mastered" if done else "in progress", set_on=given.isoformat(),
                         mastered_on=(given + dt.timedelta(days=took)).isoformat() if done else ""))
    return step_from


def _cycle(cycles, events, sid, coach, item, begun: dt.date, ended: dt.date | None, rnd) -> None:
    cid = new_id()
    cycles.append(dict(id=cid, staff_id=sid, coach_id=coach, focus_item_id=item, started_on=begun.isoformat(),
                       ended_on=ended.isoformat() if ended else "", stage="practice" if ended else "join",
                       round=rnd.randint(1, 3)))
    events.append(dict(id=new_id(), cycle_id=cid, stage="initial", on=begun.isoformat()))
