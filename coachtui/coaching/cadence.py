"""How often each teacher is seen, and who is due or overdue.

A school sets how often each support level is joined (no extra support and
support fortnightly, structured support weekly, ...) and how often every teacher has a follow-up
meeting (termly). The trust's defaults apply where a site sets nothing.
Settings are replicated rows, so every laptop at a school counts alike.

A teacher's next date is the earlier of:
- the next join: a join planned since the last one, else the date agreed at
  the last feedback, else the last join plus the level's interval (levels
  with interval 0 have no regular joins);
- the next follow-up: the last contact (join, feedback or cycle meeting)
  plus the follow-up interval.
Nobody seen yet counts from the day they came onto the roster. All of it from a handful of grouped queries,
so the leader's review stays quick over years of joins.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from functools import lru_cache

from coachtui.base.errors import UserError
from coachtui.base.text import MAX_NAME, clean
from coachtui.store import write as w
from coachtui.store.models import CADENCE_KINDS, SUPPORT_LABELS, Cadence, PlannedJoin, Site, Staff, database, derived_id

DEFAULT_DAYS = {"support": 14, "structured": 7, "formal": 7, "none": 14, "follow-up": 84}
LABELS = dict(SUPPORT_LABELS, **{"none": "no extra support", "follow-up": "follow-up meeting (everyone)"})
DUE_SOON_DAYS = 7
MAX_DAYS = 366
STATES = ("overdue", "due today", "due soon", "on track")
DUE = ("overdue", "due today", "due soon")  # the states a due list shows


def cadence_id(site_id: str | None, kind: str) -> str:
    return derived_id("cadence", site_id or "trust", kind)


def settings() -> dict[tuple[str | None, str], int]:
    """{(site id or None for the trust, kind): days} as set (defaults not included)."""
    return {(s, k): d for s, k, d in database.execute_sql(
        "SELECT site_id, kind, days FROM cadence WHERE deleted = 0").fetchall()}


def days_for(site_id: str | None, kind: str, table: dict | None = None) -> int:
    table = settings() if table is None else table
    for key in ((site_id, kind), (None, kind)):
        if key in table:
            return table[key]
    return DEFAULT_DAYS.get(kind, 14)


def set_days(site_id: str | None, kind: str, days: int | str | None) -> None:
    """Set an interval; None (or "") for a site goes back to the trust's."""
    if kind not in CADENCE_KINDS:
        raise UserError(f"unknown cadence {kind!r}")
    if site_id and not Site.get_or_none((Site.id == site_id) & Site.live()):
        raise UserError("that site does not exist")
    rid = cadence_id(site_id, kind)
    if days in (None, ""):
        if Cadence.get_or_none((Cadence.id == rid) & Cadence.live()):
            with w.action(f"cadence {kind}: back to the default"):
                w.write(Cadence, rid, deleted=True)
        return
    n = check_days(kind, days)
    with w.action(f"cadence {kind}: every {n} days"):
        w.write(Cadence, rid, site_id=site_id or None, kind=kind, days=n, deleted=False)


def set_many(site_id: str | None, changes: dict[str, str | None]) -> None:
    """Several intervals in one undoable step; one bad value changes nothing."""
    for kind, days in changes.items():
        if days not in (None, ""):
            check_days(kind, days)
    with w.action("change the cadence"):
        for kind, days in changes.items():
            set_days(site_id, kind, days)


def check_days(kind: str, days: int | str) -> int:
    try:
        n = int(str(days).strip())
    except ValueError:
        raise UserError(f"{LABELS.get(kind, kind)}: {days!r} is not a number of days") from None
    if not 0 <= n <= MAX_DAYS:
        raise UserError(f"{LABELS.get(kind, kind)}: give 0 to {MAX_DAYS} days (0: no regular joins)")
    if kind == "follow-up" and n == 0:
        raise UserError("every teacher has follow-up meetings: give a number of days")
    return n


def state(due_on: str, on: dt.date, soon_days: int = DUE_SOON_DAYS) -> str:
    """'' (no date), 'overdue', 'due today', 'due soon' (within `soon_days`) or 'on track'."""
    if not due_on:
        return ""
    if due_on < on.isoformat():
        return "overdue"
    if due_on == on.isoformat():
        return "due today"
    if due_on <= (on + dt.timedelta(days=soon_days)).isoformat():
        return "due soon"
    return "on track"


@dataclass
class Due:
    staff_id: str
    due_on: str  # YYYY-MM-DD
    why: str  # "join" | "follow-up" | "agreed join"
    last_joined: str  # YYYY-MM-DD or ""
    state: str


@lru_cache(maxsize=8192)
def _day(ms: int | None) -> str:
    return dt.date.fromtimestamp(ms / 1000).isoformat() if ms else ""


@lru_cache(maxsize=8192)  # a trust's teachers share a few hundred days: the roster asks for thousands
def _plus(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


_TEACHERS = "WHERE s.deleted = 0 AND s.archived = 0 AND (',' || s.roles || ',') LIKE '%,teacher,%'"
# The earliest field stamp of a row (all its fields are stamped when it is
# made): when it came onto this trust's roster. "_base" and "_vv" hold objects, not stamps.
_MADE = "(SELECT MIN(value) FROM json_each({0}.clocks) WHERE key NOT IN ('_base', '_vv'))"


def _end_of(on: dt.date) -> int:
    """Local midnight after `on`, in ms (joins and stamps are wall-clock ms)."""
    nxt = on + dt.timedelta(days=1)
    return int(time.mktime((nxt.year, nxt.month, nxt.day, 0, 0, 0, 0, 0, -1)) * 1000)


def _today() -> dt.date:
    return dt.date.today()  # one place, so tests can move the clock


def roster_day(stamp: str | None, on: dt.date) -> str:
    """The day a row was made, from its earliest stamp; `on` when unknown
    (no stamp, shipped rows) or later than `on`."""
    wall = int(stamp[:13]) if stamp and stamp[:13].isdigit() else 0
    if not wall:
        return on.isoformat()
    return min(_day(wall), on.isoformat())


def dues(on: dt.date | None = None) -> dict[str, Due]:
    """The next date for every active teacher (role teacher, not archived),
    as of the end of `on`: joins, feedback, cycle meetings, planned joins and
    support changes after it are not read, so a past date reads as it was then.
    (Who is on the roster, archived or coached is today's: the store keeps no
    history of those.) Someone never seen is due from the day they came onto
    the roster plus their level's interval (the follow-up interval where the
    level has no regular joins), and overdue after it."""
    on = on or dt.date.today()
    today = on.isoformat()
    end_ms = _end_of(on)
    # Only a past `on` leaves out what came after it; for today (or a test's
    # fixed today) everything recorded counts, whatever its date or stamp.
    past = on < _today()
    if not past:
        end_ms, end_stamp, upto = 10 ** 13, "9" * 13, "9999-12-31"
    else:
        end_stamp, upto = f"{end_ms:013d}", today
    table = settings()
    # The as-of tests on levels and plans are only asked for a past date: they cost the roster's start-up.
    level = ("COALESCE((SELECT sc.from_level FROM support_change sc WHERE sc.staff_id = s.id AND sc.deleted = 0 "
             'AND sc."on" > ? ORDER BY sc."on", sc.hlc LIMIT 1), s.support)') if past else "s.support"
    plan_made = f"AND substr({_MADE.format('p')}, 1, 13) < ?" if past else ""
    params = ([upto] if past else []) + [end_ms, upto, upto] + ([end_stamp] if past else [])
    # One pass over the teachers with an index seek each (schema 7's partial
    # indexes on live rows), not a pass over every join and feedback: a trust
    # has years of them. The latest feedback is by date, then clock.
    rows = database.execute_sql(
        # The level then: the one a later change moved them from, else today's.
        f"SELECT s.id, s.site_id, {level}, "
        '(SELECT MAX(j.started_at) FROM "join" j WHERE j.staff_id = s.id AND j.deleted = 0 AND j.started_at < ?), '
        "(SELECT x.given_on || char(31) || x.next_join FROM feedback x WHERE x.staff_id = s.id AND x.deleted = 0 "
        "AND x.given_on <= ? ORDER BY x.given_on DESC, x.hlc DESC LIMIT 1), "
        '(SELECT MAX(e."on") FROM coaching_cycle c JOIN cycle_event e ON e.cycle_id = c.id '
        'WHERE c.staff_id = s.id AND c.deleted = 0 AND e.deleted = 0 AND e."on" <= ?), '
        f'(SELECT MAX(p."on") FROM planned_join p WHERE p.staff_id = s.id AND p.deleted = 0 {plan_made}), '
        f"{_MADE.format('s')} "
        f"FROM staff s {_TEACHERS}", params).fetchall()
    out: dict[str, Due] = {}
    for sid, site, level, last_join, latest_fb, last_meeting, planned, made in rows:
        joined = _day(last_join)
        given, _, agreed = (latest_fb or "").partition("\x1f")
        contact = max(joined, given, last_meeting or "")
        since = contact or roster_day(made, on)  # never seen: from their first day on the roster
        follow = _plus(since, days_for(site, "follow-up", table))
        candidates = []
        every = days_for(site, level, table)
        # One rule for both: a join on or after the date satisfies it, so a
        # date stands only while it is later than the last join.
        if planned and planned > (joined or ""):
            candidates.append((planned, "planned join"))
        elif agreed and agreed > (joined or ""):
            candidates.append((agreed, "agreed join"))
        elif every:
            candidates.append((_plus(joined or since, every), "join"))
        candidates.append((follow, "follow-up"))  # last: on the same day, the join is the reason
        due_on, why = min(candidates, key=lambda c: c[0])
        out[sid] = Due(sid, due_on, why, joined, state(due_on, on))
    return out


def plan_join(staff_id: str, on: str, note: str = "", coach_id: str | None = None) -> str:
    """Plan a join with a teacher for a date: until it happens, it is their date due."""
    from coachtui.base.dates import check_date
    teacher = Staff.get_or_none((Staff.id == staff_id) & Staff.live())
    if teacher is None or teacher.archived:
        raise UserError("that teacher is not on the roster")
    day = check_date(on, "date")
    if not day:
        raise UserError("give the date of the join")
    if day < dt.date.today().isoformat():
        raise UserError(f"{day} has passed: plan a date from today on")
    with w.action(f"plan a join with {teacher.name} on {day}"):
        return w.write(PlannedJoin, staff_id=staff_id, coach_id=coach_id or teacher.coach_id, on=day,
                       note=clean(note, "note", MAX_NAME))


def planned_joins(staff_id: str) -> list[PlannedJoin]:
    return list(PlannedJoin.select().where((PlannedJoin.staff_id == staff_id) & PlannedJoin.live())
                .order_by(PlannedJoin.on.desc()))


def cancel_plan(plan_id: str) -> None:
    plan = PlannedJoin.get_or_none((PlannedJoin.id == plan_id) & PlannedJoin.live())
    if plan is None:
        raise UserError("that planned join is no longer there")
    with w.action(f"cancel the join planned for {plan.on}"):
        w.write(PlannedJoin, plan_id, deleted=True)
