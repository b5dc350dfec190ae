"""The leader's review: coverage, who is due, coach loads, and patterns across
sites and teams. Read-only figures, computed with grouped SQL (a trust has
hundreds of thousands of joins) and the one definition of "due" in
coachtui.cadence. Everything takes `on` so tests can fix the clock.

No-stakes by design: nothing here scores or ranks a teacher, support levels
are never read, and neither note text nor feedback text is ever read. What is
shown goes through `suppress`: a count resting on fewer than a few people
(default 3, settable) is shown as "fewer than 3", never as 1 or 2.
"""

from __future__ import annotations

import copy
import datetime as dt
import gc
import statistics
import time
from dataclasses import dataclass, field

from coachtui.coaching import cadence
from coachtui.store import db as store_db
from coachtui.store.models import database

JOINED_DAYS = 14  # "joined in the last 14 days": on or after `on` minus 14 days
PATTERN_WEEKS = 12  # recurring focus areas and steps: about a term, what a leader acts on now
HALF_TERMS_SHOWN = 12  # two school years of mastered steps
CYCLE_DAYS = 365  # cycle lengths: cycles ended in the last year
OWN_FOCUS = "own focus (free text)"
OWN_STEP = "own wording (free text)"
WHY_LABELS = {"join": "join due", "agreed join": "agreed join", "planned join": "planned join",
              "follow-up": "follow-up"}
NO_SITE = "(no site)"
NO_COACH = "(no coach)"  # the coaches table's row for teachers nobody coaches (coach id "")
# Counts resting on 1 to SUPPRESS_BELOW - 1 people are hidden, as published
# school statistics do: in a small school a count of 1 beside a site names a
# person. The config's `suppress_below` changes it (at least 2).
SUPPRESS_BELOW = 3
# A count shown in full would let a hidden one be worked out from its total
# (secondary suppression): it is withheld too, and reads so.
WITHHELD = "withheld"


@dataclass
class Coverage:
    teachers: int
    with_coach: int
    joined_recently: int
    overdue: int
    due_soon: int
    coaches: int


@dataclass
class CoachRow:
    coach_id: str  # "" for the row of teachers with no coach (NO_COACH)
    name: str
    site: str
    load: int  # active teachers they coach
    overdue: int
    due_soon: int


@dataclass
class SiteRow:
    site_id: str | None
    name: str
    teachers: int = 0
    with_coach: int = 0
    joined_recently: int = 0
    overdue: int = 0
    due_soon: int = 0
    coaches: int = 0


@dataclass
class DueRow:
    """A teacher to see. Deliberately no support level (formal support is never
    shown beside names in aggregate views): the reason they are due instead."""

    staff_id: str
    name: str
    site_id: str | None
    site: str
    team: str
    coach_id: str | None
    coach: str
    due_on: str
    why: str
    last_joined: str
    state: str  # overdue | due soon


@dataclass
class Recurring:
    """A framework item (or free text, item_id None) that recurs."""

    item_id: str | None
    label: str
    short: str  # the framework code, or the label
    count: int  # joins, teachers or steps, as the list says
    teachers: int
    sites: dict[str, int] = field(default_factory=dict)  # count per site
    teams: dict[str, int] = field(default_factory=dict)
    site_teachers: dict[str, int] = field(default_factory=dict)  # teachers per site


@dataclass
class HalfTerm:
    label: str  # e.g. "Aut1 24/25"
    start: str  # YYYY-MM-DD, inclusive
    end: str  # exclusive
    mastered: int
    teachers: int = 0  # who mastered them


@dataclass
class Cycles:
    ended: int
    median_days: float | None
    open: int
    ended_teachers: int = 0  # whose cycles ended
    open_teachers: int = 0


@dataclass
class Review:
    on: dt.date
    coverage: Coverage
    coaches: list[CoachRow]
    sites: list[SiteRow]
    due: list[DueRow]  # overdue and due soon, by due date then name
    focus: list[Recurring]  # joins' agreed focus, last PATTERN_WEEKS
    development: list[Recurring]  # teachers' current development areas
    steps: list[Recurring]  # action steps set, last PATTERN_WEEKS
    mastered: list[HalfTerm]
    cycles: Cycles
    patterns_read: bool = False


# --- half terms ------------------------------------------------------------------

# English school half terms, by month (a documented rule; real dates vary by
# school, year and Easter): Aut1 Sep-Oct, Aut2 Nov-Dec, Spr1 Jan-Feb, Spr2
# Mar-Apr, Sum1 May, Sum2 Jun-Jul. August, the summer holiday, is in no half
# term: a step mastered then is in none of the counts (HALF_TERM_RULE says so).
_HALF_START_MONTH = (9, 11, 1, 3, 5, 6)
_HALF_END_MONTH = (11, 1, 3, 5, 6, 8)  # the month after each (exclusive)
_HALF_NAMES = ("Aut1", "Aut2", "Spr1", "Spr2", "Sum1", "Sum2")
HALF_MONTHS = ("Sep-Oct", "Nov-Dec", "Jan-Feb", "Mar-Apr", "May", "Jun-Jul")
HALF_TERM_RULE = ("Half terms by month: " + ", ".join(f"{n} {m}" for n, m in zip(_HALF_NAMES, HALF_MONTHS, strict=True))
                  + "; August (the summer holiday) is in none.")
_HALF_OF_MONTH = {9: 0, 10: 0, 11: 1, 12: 1, 1: 2, 2: 2, 3: 3, 4: 3, 5: 4, 6: 5, 7: 5, 8: 5}  # August: after Sum2


def half_term(day: dt.date) -> tuple[int, int]:
    """(year the school year starts, half 0-5): the half term `day` is in, or
    for a day in August the one just ended (Sum2)."""
    half = _HALF_OF_MONTH[day.month]
    return (day.year if day.month >= 9 else day.year - 1), half


def _month_start(year: int, month: int) -> dt.date:
    """The 1st of `month` in the school year starting in `year`."""
    return dt.date(year if month >= 9 else year + 1, month, 1)


def half_terms(on: dt.date, count: int = HALF_TERMS_SHOWN) -> list[tuple[str, dt.date, dt.date]]:
    """The last `count` half terms up to and including the one `on` is in, oldest first."""
    year, half = half_term(on)
    out = []
    for _ in range(count):
        start, end = _month_start(year, _HALF_START_MONTH[half]), _month_start(year, _HALF_END_MONTH[half])
        out.append((f"{_HALF_NAMES[half]} {year % 100:02d}/{(year + 1) % 100:02d}", start, end))
        year, half = (year, half - 1) if half else (year - 1, 5)
    return out[::-1]


def half_months(label: str) -> str:
    """"Spr2 24/25" -> "Mar-Apr"."""
    name = label.split(" ", 1)[0]
    return HALF_MONTHS[_HALF_NAMES.index(name)] if name in _HALF_NAMES else ""


# --- queries ---------------------------------------------------------------------

_TEACHER = "s.deleted = 0 AND s.archived = 0 AND (',' || s.roles || ',') LIKE '%,teacher,%'"


def _ms(day: dt.date) -> int:
    """Local midnight at the start of `day`, in ms (joins store wall-clock ms)."""
    return int(time.mktime((day.year, day.month, day.day, 0, 0, 0, 0, 0, -1)) * 1000)


def _titles() -> dict[str, tuple[str, str]]:
    """{item id: (label, short label)}."""
    return {i: ((f"{c} {t}" if c else t), c or t) for i, c, t in database.execute_sql(
        "SELECT id, code, title FROM framework_item").fetchall()}


def _recurring(rows, titles: dict[str, tuple[str, str]], site_names: dict, own: str) -> list[Recurring]:
    """rows: (item id, site id, team, count, teachers) per group -> one Recurring per item, most first."""
    items: dict[str | None, Recurring] = {}
    for item, site, team, count, teachers in rows:
        r = items.get(item)
        if r is None:
            gone = ("(item no longer in the framework)", "(gone)")
            label, short = (own, own) if item is None else titles.get(item, gone)
            r = items[item] = Recurring(item, label, short, 0, 0)
        r.count += count
        r.teachers += teachers
        site_name = site_names.get(site, NO_SITE)
        r.sites[site_name] = r.sites.get(site_name, 0) + count
        # Each teacher has one site and team: a (site, team) group's teachers are its own.
        r.site_teachers[site_name] = r.site_teachers.get(site_name, 0) + teachers
        if team:
            r.teams[team] = r.teams.get(team, 0) + count
    return sorted(items.values(), key=lambda r: (-r.count, r.label.casefold()))


def build(on: dt.date | None = None) -> Review:
    """Everything: the core figures, then the patterns."""
    return add_patterns(build_core(on))


def _no_gc(fn):
    # Tens of thousands of short-lived rows would set off full garbage
    # collections over the app's large heap (Textual, the roster): each one
    # costs tens of ms, and none of these rows is cyclic garbage.
    def wrapper(*args, **kwargs):
        gc_was_on = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if gc_was_on:
                gc.enable()

    return wrapper


@_no_gc
@store_db.reading()
def build_core(on: dt.date | None = None) -> Review:
    """Coverage, coaches, sites and who is due; the patterns left empty (the
    screen shows these first and the patterns as soon as they are read)."""
    on = on or dt.date.today()
    today = on.isoformat()
    recent = (on - dt.timedelta(days=JOINED_DAYS)).isoformat()
    dues = cadence.dues(on)
    site_names = dict(database.execute_sql("SELECT id, name FROM site WHERE deleted = 0").fetchall())
    coach_rows = database.execute_sql(
        "SELECT s.id, s.name, s.site_id FROM staff s WHERE s.deleted = 0 AND s.archived = 0 "
        "AND (',' || s.roles || ',') LIKE '%,coach,%'").fetchall()
    teachers = database.execute_sql(
        f"SELECT s.id, s.name, s.site_id, s.team, s.coach_id FROM staff s WHERE {_TEACHER}").fetchall()

    # Per teacher, not per join: a few thousand rows at most.
    coaches = {cid: CoachRow(cid, name, site_names.get(site, ""), 0, 0, 0) for cid, name, site in coach_rows}
    sites: dict[str | None, SiteRow] = {}
    for _, _, site in coach_rows:
        key = site if site in site_names else None
        row = sites.setdefault(key, SiteRow(key, site_names.get(key, NO_SITE)))
        row.coaches += 1
    due_rows: list[DueRow] = []
    cov = Coverage(len(teachers), 0, 0, 0, 0, len(coach_rows))
    for sid, name, site, team, coach_id in teachers:
        key = site if site in site_names else None
        srow = sites.setdefault(key, SiteRow(key, site_names.get(key, NO_SITE)))
        srow.teachers += 1
        crow = coaches.get(coach_id)
        if crow:
            crow.load += 1
            srow.with_coach += 1
            cov.with_coach += 1
        d = dues.get(sid)
        if d is None:
            continue
        if d.last_joined and recent <= d.last_joined <= today:
            srow.joined_recently += 1
            cov.joined_recently += 1
        if d.state in cadence.DUE:  # due today counts among the due soon
            attr = "overdue" if d.state == "overdue" else "due_soon"
            for target in (cov, srow, crow):
                if target is not None:
                    setattr(target, attr, getattr(target, attr) + 1)
            due_rows.append(DueRow(sid, name, key, site_names.get(key, ""), team, coach_id if crow else None,
                                   crow.name if crow else "", d.due_on, WHY_LABELS.get(d.why, d.why),
                                   d.last_joined, d.state))
    due_rows.sort(key=lambda r: (r.due_on, r.name.casefold(), r.staff_id))
    # Teachers nobody coaches get a row of their own, last: the coaches'
    # overdue and due-soon columns then add up to the headline figures.
    uncoached = [r for r in due_rows if r.coach_id is None]
    no_coach = CoachRow("", NO_COACH, "", cov.teachers - cov.with_coach,
                        sum(r.state == "overdue" for r in uncoached), sum(r.state != "overdue" for r in uncoached))
    return Review(
        on=on,
        coverage=cov,
        coaches=sorted(coaches.values(), key=lambda c: (c.name.casefold(), c.coach_id))
        + ([no_coach] if no_coach.load else []),
        sites=sorted(sites.values(), key=lambda s: (s.site_id is None, s.name.casefold())),
        due=due_rows,
        focus=[], development=[], steps=[], mastered=[], cycles=Cycles(0, None, 0),
    )


@_no_gc
@store_db.reading()
def add_patterns(r: Review) -> Review:
    """Fill in the patterns of a review from build_core."""
    titles, site_names = _titles(), _sites(None)
    r.focus = recurring_focus(r.on, titles, site_names)
    r.development = recurring_development(titles, site_names)
    r.steps = recurring_steps(r.on, titles, site_names)
    r.mastered = mastered_per_half_term(r.on)
    r.cycles = cycle_lengths(r.on)
    r.patterns_read = True
    return r


def recurring_focus(on: dt.date, titles: dict | None = None, site_names: dict | None = None,
                    weeks: int = PATTERN_WEEKS) -> list[Recurring]:
    """The agreed focus of joins in the last `weeks` weeks, counted per site and team."""
    start, end = _ms(on - dt.timedelta(weeks=weeks)), _ms(on + dt.timedelta(days=1))
    # Grouped per teacher first (read from the index alone), then by site and
    # team: twice as fast as looking up a teacher for every join.
    rows = database.execute_sql(
        "SELECT x.item, s.site_id, s.team, SUM(x.n), COUNT(*) FROM ("
        'SELECT staff_id AS sid, focus_item_id AS item, COUNT(*) AS n FROM "join" '
        "WHERE deleted = 0 AND started_at >= ? AND started_at < ? GROUP BY 1, 2) x "
        "JOIN staff s ON s.id = x.sid AND s.deleted = 0 GROUP BY 1, 2, 3", (start, end)).fetchall()
    return _recurring(rows, _titles() if titles is None else titles, _sites(site_names), OWN_FOCUS)


def recurring_development(titles: dict | None = None, site_names: dict | None = None) -> list[Recurring]:
    """Development areas active teachers carry now (count = teachers)."""
    rows = database.execute_sql(
        "SELECT f.item_id, s.site_id, s.team, COUNT(DISTINCT f.staff_id), COUNT(DISTINCT f.staff_id) "
        f"FROM staff_focus f JOIN staff s ON s.id = f.staff_id WHERE f.deleted = 0 AND f.kind = 'development' "
        f"AND {_TEACHER} GROUP BY 1, 2, 3").fetchall()
    return _recurring(rows, _titles() if titles is None else titles, _sites(site_names), OWN_FOCUS)


def recurring_steps(on: dt.date, titles: dict | None = None, site_names: dict | None = None,
                    weeks: int = PATTERN_WEEKS) -> list[Recurring]:
    """Action steps set in the last `weeks` weeks, by framework step (their own
    wording is never read: free-text steps count together)."""
    start = (on - dt.timedelta(weeks=weeks)).isoformat()
    rows = database.execute_sql(
        "SELECT x.item, s.site_id, s.team, SUM(x.n), COUNT(*) FROM ("
        "SELECT staff_id AS sid, item_id AS item, COUNT(*) AS n FROM action_step "
        "WHERE deleted = 0 AND set_on >= ? AND set_on <= ? GROUP BY 1, 2) x "
        "JOIN staff s ON s.id = x.sid AND s.deleted = 0 GROUP BY 1, 2, 3", (start, on.isoformat())).fetchall()
    return _recurring(rows, _titles() if titles is None else titles, _sites(site_names), OWN_STEP)


def mastered_per_half_term(on: dt.date, count: int = HALF_TERMS_SHOWN) -> list[HalfTerm]:
    """Action steps mastered in each half term (one range count each, on an index)."""
    out = []
    for label, start, end in half_terms(on, count):
        stop = min(end, on + dt.timedelta(days=1)).isoformat()
        n, teachers = database.execute_sql(
            "SELECT COUNT(*), COUNT(DISTINCT staff_id) FROM action_step WHERE deleted = 0 AND status = 'mastered' "
            "AND mastered_on >= ? AND mastered_on < ?", (start.isoformat(), stop)).fetchone()
        out.append(HalfTerm(label, start.isoformat(), end.isoformat(), n, teachers))
    return out


def cycle_lengths(on: dt.date, days: int = CYCLE_DAYS) -> Cycles:
    """Coaching cycles ended in the last `days` days: how many, median length in days."""
    since = (on - dt.timedelta(days=days)).isoformat()
    ended = [(r[0], r[1]) for r in database.execute_sql(
        "SELECT julianday(ended_on) - julianday(started_on), staff_id FROM coaching_cycle WHERE deleted = 0 "
        "AND ended_on != '' AND ended_on >= ? AND ended_on <= ? AND started_on != ''",
        (since, on.isoformat())).fetchall() if r[0] is not None and r[0] >= 0]
    lengths = [days for days, _ in ended]
    still_open, open_teachers = database.execute_sql(
        "SELECT COUNT(*), COUNT(DISTINCT c.staff_id) FROM coaching_cycle c JOIN staff s ON s.id = c.staff_id "
        f"WHERE c.deleted = 0 AND (c.ended_on = '' OR c.ended_on > ?) AND c.started_on <= ? AND {_TEACHER}",
        (on.isoformat(), on.isoformat())).fetchone()
    return Cycles(len(lengths), statistics.median(lengths) if lengths else None, still_open,
                  len({sid for _, sid in ended}), open_teachers)


def _sites(site_names: dict | None) -> dict:
    if site_names is None:
        return dict(database.execute_sql("SELECT id, name FROM site WHERE deleted = 0").fetchall())
    return site_names


# --- small numbers -----------------------------------------------------------------


def hidden(people: int | None, below: int) -> bool:
    """A figure resting on 1 to `below` - 1 people: shown as "fewer than `below`"."""
    return people is not None and 0 < people < below


def _few(value: int | None, people: int | None, below: int) -> int | None:
    return None if hidden(people, below) else value


def suppress(r: Review, below: int = SUPPRESS_BELOW, *, figures: bool) -> Review:
    """A copy of `r` to show, in which every count resting on 1 to `below` - 1
    people is None (to be shown as "fewer than `below`"); 0 stays 0.

    The patterns always: a count of joins or steps is hidden with the count of
    teachers behind it, a site is named beside an item only where at least
    `below` of its teachers are, hidden items come after the shown ones by
    label (where they sat would tell their size), the median length of cycles
    is hidden with their count, and teams are left out (not shown anywhere).
    With `figures` (an aggregate report) the coverage, per-site and coach
    figures too; without (the leader's screen, a named report) these stay
    exact, as the list of names beside them says as much.
    """
    out = copy.deepcopy(r)

    def patterns(items: list[Recurring]) -> list[Recurring]:
        for f in items:
            f.count, f.teachers = _few(f.count, f.teachers, below), _few(f.teachers, f.teachers, below)
            f.sites = {site: n for site, n in f.sites.items() if f.site_teachers.get(site, 0) >= below}
            f.site_teachers = {site: f.site_teachers[site] for site in f.sites}
            f.teams = {}
        shown = [f for f in items if f.teachers is not None]
        return shown + sorted((f for f in items if f.teachers is None), key=lambda f: f.label.casefold())

    out.focus, out.development, out.steps = patterns(out.focus), patterns(out.development), patterns(out.steps)
    for h in out.mastered:
        h.mastered = _few(h.mastered, h.teachers, below)
    cy = out.cycles
    cy.median_days = None if hidden(cy.ended_teachers, below) else cy.median_days
    cy.ended, cy.open = _few(cy.ended, cy.ended_teachers, below), _few(cy.open, cy.open_teachers, below)
    if figures:
        c = out.coverage
        columns = ("teachers", "with_coach", "joined_recently", "overdue", "due_soon", "coaches")
        for name in columns:
            setattr(c, name, _few(getattr(c, name), getattr(c, name), below))
        for row in out.sites:
            for name in columns:
                setattr(row, name, _few(getattr(row, name), getattr(row, name), below))
        for k in out.coaches:
            k.load, k.overdue, k.due_soon = (_few(v, v, below) for v in (k.load, k.overdue, k.due_soon))
        # The sites' columns add up to the coverage figures, and the coaches'
        # (with the no-coach row) too: one hidden cell beside its total is a subtraction.
        for name in columns:
            if _secondary(out.sites, name, getattr(c, name)):
                setattr(c, name, WITHHELD)
        for name, total in (("load", "teachers"), ("overdue", "overdue"), ("due_soon", "due_soon")):
            if _secondary(out.coaches, name, getattr(c, total)):
                setattr(c, total, WITHHELD)
    return out


def _secondary(rows: list, name: str, total) -> bool:
    """Secondary suppression, as published statistics do: where a column whose
    total is shown has exactly one hidden cell, withhold the next smallest
    cell (a count above 0) too, so neither can be worked out from the total.
    True when there is no such cell: the total is to be withheld instead."""
    cells = [getattr(row, name) for row in rows]
    if not isinstance(total, int) or sum(not isinstance(v, int) for v in cells) != 1:
        return False
    shown = [(v, i) for i, v in enumerate(cells) if isinstance(v, int) and v > 0]
    if not shown:
        return True
    setattr(rows[min(shown)[1]], name, WITHHELD)
    return False
