"""Staff and sites: the roster's service layer. Screens call these; they write
through `coachtui.store.write` only."""

from __future__ import annotations

import gc
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from coachtui.base.errors import ValidationError
from coachtui.base.numbers import percent
from coachtui.base.text import MAX_FIELD, MAX_NAME, clean, fold, plural
from coachtui.store import write as w
from coachtui.store.models import ERASED, ROLES, SUPPORT_LABELS, SUPPORT_LEVELS, Site, Staff, database

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Formal support is shown only on the teacher's own pages (the cycle screen,
# the staff form): in any list beside names it reads as structured support
# (it is joined as often), so that no list, sort or filter can single it out.
LISTED_SUPPORT = {"none": "none", "support": "support", "structured": "structured", "formal": "structured"}
LISTED_LEVELS = ("none", "support", "structured")  # what a list may show, sort or filter on


# Words that belong to the surname that follows them ("Hannah Ní Bhriain").
_PARTICLES = {"ní", "nic", "ni", "mac", "mc", "o", "ó", "de", "del", "della", "di", "da", "du", "van", "von", "der",
              "den", "le", "la", "al", "el", "bin", "bint", "ibn", "ap", "st", "st."}


@lru_cache(maxsize=20_000)  # the roster sorts the same names at every keystroke
def sort_name(name: str) -> tuple[str, str]:
    """Schools list people by surname, then first name: the last word with any
    particles before it ("Ní Bhriain", "van der Berg"), accents folded."""
    words = name.split()
    i = len(words) - 1
    while i > 1 and words[i - 1].casefold() in _PARTICLES:
        i -= 1
    return fold(" ".join(words[i:])), fold(" ".join(words[:i]))


@dataclass
class RosterRow:
    id: str
    name: str
    email: str
    roles: list[str]
    site_id: str | None
    site: str
    team: str
    support: str  # as lists show it: LISTED_SUPPORT (formal support reads "structured")
    coach_id: str | None
    coach: str
    archived: bool
    last_joined: str = ""
    next_due: str = ""
    haystack: str = field(default="", repr=False)

    @property
    def role_text(self) -> str:
        return ", ".join(self.roles)

    @property
    def support_text(self) -> str:
        return SUPPORT_LABELS.get(self.support, self.support)


@dataclass
class Filters:
    """What the roster shows: a site, role, support level, coach, or the archived."""

    site_id: str | None = None
    role: str | None = None
    support: str | None = None  # one of LISTED_LEVELS: rows hold the listed level
    coach_id: str | None = None  # "none" means: teachers without a coach
    archived: bool = False  # show archived staff instead of active
    labels: dict[str, str] = field(default_factory=dict)

    def active(self) -> bool:
        return any((self.site_id, self.role, self.support, self.coach_id, self.archived))

    def keep(self, r: RosterRow) -> bool:
        if r.archived != self.archived:
            return False
        if self.site_id and r.site_id != self.site_id:
            return False
        if self.role and self.role not in r.roles:
            return False
        if self.support and r.support != self.support:
            return False
        if self.coach_id == "none":
            return "teacher" in r.roles and not r.coach
        if self.coach_id and r.coach_id != self.coach_id:
            return False
        return True

    def describe(self) -> str:
        parts = [f"{k}: {v}" for k, v in self.labels.items() if v]
        if self.archived:
            parts.append("archived staff")
        return " · ".join(parts)


def roster_rows(include_archived: bool = False) -> list[RosterRow]:
    """Every member of staff, with site and coach names, in one query.
    Unsorted: the screen sorts as the user asks."""
    sql = """
        SELECT s.id, s.name, s.email, s.roles, s.site_id, COALESCE(site.name, ''),
               s.team, s.support, s.coach_id,
               CASE WHEN s.coach_id = 'erased' THEN '(erased)' ELSE COALESCE(c.name, '') END, s.archived
        FROM staff s
        LEFT JOIN site ON site.id = s.site_id AND site.deleted = 0
        LEFT JOIN staff c ON c.id = s.coach_id AND c.deleted = 0
        WHERE s.deleted = 0 {archived}
    """.format(archived="" if include_archived else "AND s.archived = 0")
    rows = []
    # Thousands of new objects would set off several garbage collections over
    # Textual's large heap (~35 ms at 5,000 staff); none of them is garbage.
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        for r in database.execute_sql(sql).fetchall():
            roles = [x for x in (r[3] or "").split(",") if x]
            row = RosterRow(r[0], r[1], r[2], roles, r[4], r[5], r[6], LISTED_SUPPORT.get(r[7], r[7]), r[8], r[9],
                            bool(r[10]))
            row.haystack = fold(" ".join((row.name, row.team, row.site, row.coach, row.email)))
            rows.append(row)
    finally:
        if gc_was_on:
            gc.enable()
    _add_join_dates(rows)
    return rows


def _add_join_dates(rows: list[RosterRow]) -> None:
    """Last joined and next due (from the school's cadence: coachtui.cadence)."""
    from coachtui.coaching.cadence import dues

    due = dues()
    for r in rows:
        d = due.get(r.id)
        if d:
            r.last_joined, r.next_due = d.last_joined, d.due_on


def sites() -> list[Site]:
    return list(Site.select().where(Site.live()).order_by(Site.name))


def site_named(name: str) -> str:
    """The id of the site with this name (case-insensitive), created if new."""
    name = clean(name, "site", MAX_FIELD)
    if not name:
        raise ValidationError("site name is empty")
    for s in sites():
        if s.name.casefold() == name.casefold():
            return s.id
    return w.write(Site, name=name)


def coaches(include_archived: bool = False) -> list[Staff]:
    q = Staff.select().where(Staff.live() & (Staff.roles.contains("coach")))
    if not include_archived:
        q = q.where(Staff.archived == False)  # noqa: E712
    return [s for s in q.order_by(Staff.name) if "coach" in s.role_list]


def record(staff_id: str | None) -> Staff | None:
    """The person's row even if deleted (merged or erased elsewhere): for names on old records."""
    return Staff.get_or_none(Staff.id == staff_id) if staff_id else None


def names() -> dict[str, str]:
    """Every name by id, deleted people too (old records still name them), and
    "(erased)" for a pointer to someone erased."""
    out = {s.id: s.name for s in Staff.select(Staff.id, Staff.name)}
    out[ERASED] = "(erased)"
    return out


def get(staff_id: str) -> Staff | None:
    return Staff.get_or_none((Staff.id == staff_id) & Staff.live())


def normalise_roles(roles) -> str:
    if isinstance(roles, str):
        roles = re.split(r"[,;/ ]+", roles)
    chosen = {r.strip().lower() for r in roles if r and r.strip()}
    bad = chosen - set(ROLES)
    if bad:
        raise ValidationError(f"unknown role {sorted(bad)[0]!r} (roles: {', '.join(ROLES)})")
    if not chosen:
        chosen = {"teacher"}
    return ",".join(r for r in ROLES if r in chosen)


def check_coach(staff_id: str | None, coach_id: str | None) -> None:
    if not coach_id:
        return
    if staff_id and coach_id == staff_id:
        raise ValidationError("nobody can be their own coach")
    coach = get(coach_id)
    if coach is None:
        raise ValidationError("that coach is not on the roster")
    if "coach" not in coach.role_list:
        raise ValidationError(f"{coach.name} is not a coach: give them the coach role first")
    if coach.archived:
        raise ValidationError(f"{coach.name} is archived")


def save(
    staff_id: str | None = None,
    *,
    name: str,
    email: str = "",
    roles="teacher",
    site_id: str | None = None,
    team: str = "",
    support: str = "none",
    coach_id: str | None = None,
    external_id: str | None = None,
    support_reason: str | None = None,
    changed_by: str = "",
) -> str:
    """Validate and write one member of staff. Raises ValidationError.

    A change of support level needs `support_reason`: it is logged (coachtui.cycles)."""
    name = clean(name, "name", MAX_NAME)
    if not name:
        raise ValidationError("name is required")
    email = clean(email, "email")
    if email and not EMAIL_RE.match(email):
        raise ValidationError(f"{email!r} does not look like an email address")
    role_str = normalise_roles(roles)
    team = clean(team, "team")
    if support not in SUPPORT_LEVELS:
        raise ValidationError(f"unknown support level {support!r}")
    if site_id and not Site.get_or_none((Site.id == site_id) & Site.live()):
        raise ValidationError("that site does not exist")
    coach_id = coach_id or None
    check_coach(staff_id, coach_id)
    values = dict(name=name, email=email, roles=role_str, site_id=site_id or None, team=team,
                  support=support, coach_id=coach_id)
    if external_id is not None:
        values["external_id"] = clean(external_id, "MIS id")
    if staff_id is not None and "coach" not in role_str.split(","):
        # Taking the coach role away would leave their teachers pointing at a non-coach.
        current = get(staff_id)
        if current and "coach" in current.role_list and coachees(staff_id):
            raise ValidationError(f"{name} still coaches {len(coachees(staff_id))}: reassign them first")
    before = get(staff_id) if staff_id is not None else None
    support_changes = before is not None and before.support != support
    if support_changes and not (support_reason or "").strip():
        raise ValidationError("say why the support level changes (the Why field)")
    with w.action(f"{'edit' if staff_id else 'add'} {name}"):
        if support_changes:
            from coachtui.coaching.cycles import record_support_change

            record_support_change(before, support, support_reason or "", by_name=changed_by)
        return w.write(Staff, staff_id, **values)


def coachees(coach_id: str) -> list[Staff]:
    return list(
        Staff.select().where(
            (Staff.coach_id == coach_id) & Staff.live() & (Staff.archived == False)  # noqa: E712
        )
    )


def assign_coach(staff_id: str, coach_id: str | None) -> None:
    person = get(staff_id)
    if person is None:
        raise ValidationError("that member of staff is no longer on the roster")
    check_coach(staff_id, coach_id)
    coach = get(coach_id) if coach_id else None
    label = f"coach of {person.name} → {coach.name if coach else 'none'}"
    with w.action(label):
        w.write(Staff, staff_id, coach_id=coach_id or None)


def archive(staff_id: str) -> str:
    """Hide a leaver from the roster; nothing is lost and restore brings them back.
    Teachers they coached keep the link (shown as archived) until reassigned."""
    person = get(staff_id)
    if person is None:
        raise ValidationError("that member of staff is no longer on the roster")
    with w.action(f"archive {person.name}"):
        w.write(Staff, staff_id, archived=True)
    return person.name


def restore(staff_id: str) -> str:
    person = get(staff_id)
    if person is None:
        raise ValidationError("that member of staff is no longer on the roster")
    with w.action(f"restore {person.name}"):
        w.write(Staff, staff_id, archived=False)
    return person.name


@dataclass
class Coverage:
    teachers: int
    with_coach: int
    loads: list[tuple[str, str, int]]  # (coach id, name, teachers coached), heaviest first
    limit: int

    @property
    def overloaded(self) -> list[tuple[str, str, int]]:
        return [x for x in self.loads if x[2] > self.limit]

    def summary(self) -> str:
        text = f"{self.with_coach}/{plural(self.teachers, 'teacher')} coached"
        if self.teachers:
            text += f" ({percent(self.with_coach, self.teachers)})"
        text += f" · {len(self.loads)} coach{'es' if len(self.loads) != 1 else ''}"
        over = self.overloaded
        if len(over) == 1:
            text += f" · over {self.limit}: {over[0][1]} ({over[0][2]})"
        elif over:
            text += f" · {len(over)} over {self.limit}, most: {over[0][1]} ({over[0][2]})"
        return text


def coverage(rows: list[RosterRow], limit: int) -> Coverage:
    """From the active roster: does every teacher have a coach, and coach loads."""
    active = [r for r in rows if not r.archived]
    coach_names = {r.id: r.name for r in active if "coach" in r.roles}
    teachers = [r for r in active if "teacher" in r.roles]
    with_coach = sum(1 for r in teachers if r.coach_id in coach_names)
    counts = Counter(r.coach_id for r in active if r.coach_id in coach_names)
    loads = sorted(((cid, coach_names[cid], counts.get(cid, 0)) for cid in coach_names), key=lambda x: (-x[2], x[1]))
    return Coverage(len(teachers), with_coach, loads, limit)


def merge_same_name_sites() -> int:
    """Two laptops that each typed "North Primary" made two sites. Keep the one
    with the smallest id (every laptop picks the same one, so they converge),
    move its staff over and delete the other. Returns sites merged."""
    by_name: dict[str, list[Site]] = {}
    for s in sites():
        by_name.setdefault(s.name.strip().casefold(), []).append(s)
    merged = 0
    for group in by_name.values():
        if len(group) < 2:
            continue
        keep, *others = sorted(group, key=lambda s: s.id)
        for other in others:
            for person in Staff.select(Staff.id).where(Staff.site_id == other.id):
                w.write(Staff, person.id, site_id=keep.id)
            w.write(Site, other.id, deleted=True)
            merged += 1
    return merged


def id_named(name: str, what: str = "person") -> str | None:
    """The active member of staff with this exact name (any case), for forms that
    take a typed name. '' gives None; no match or two matches are errors."""
    name = (name or "").strip()
    if not name:
        return None
    key = name.casefold()
    found = [sid for sid, n in database.execute_sql(
        "SELECT id, name FROM staff WHERE deleted = 0 AND archived = 0").fetchall() if n.casefold() == key]
    if not found:
        raise ValidationError(f"{what}: nobody called {name!r} is on the roster")
    if len(found) > 1:
        raise ValidationError(f"{what}: {len(found)} people are called {name!r}; merge or rename them first")
    return found[0]


def lookup(who: str, *, partial: bool = False) -> list[Staff]:
    """The one command-line lookup of a person: everyone (archived too) whose
    name, email or MIS id is `who`, matched case- and accent-blind (`fold`).
    With `partial` and no such match, those whose name has a word starting
    with it ("aisha", "ni bhr"): the caller lists them when there are several."""
    key = fold(who or "")
    if not key:
        return []
    people = list(Staff.select().where(Staff.live()))
    exact = [s for s in people if key in {fold(s.name), fold(s.email), fold(s.external_id or "")}]
    if exact or not partial:
        return exact
    return [s for s in people if f" {fold(s.name)}".find(f" {key}") >= 0]


def active_names() -> list[str]:
    return [n for (n,) in database.execute_sql(
        "SELECT name FROM staff WHERE deleted = 0 AND archived = 0 ORDER BY name COLLATE NOCASE").fetchall()]


def pick_items() -> list[tuple[str, str]]:
    """(label, id) for every active member of staff, for pick lists."""
    rows = database.execute_sql(
        "SELECT s.id, s.name, COALESCE(t.name, ''), s.team FROM staff s LEFT JOIN site t ON t.id = s.site_id "
        "WHERE s.deleted = 0 AND s.archived = 0 ORDER BY s.name COLLATE NOCASE").fetchall()
    return [(" · ".join(x for x in (name, site, team) if x), sid) for sid, name, site, team in rows]
