"""Professional learning communities: open to every teacher, each led by one of them.

A member of staff may lead one PLC and belong to several. Memberships are
rows with ids derived from (PLC, person), so leaving and rejoining flips one
row and two laptops that add the same person agree. Every move is one undoable
action. Screens call these functions; they write through the store's write path.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from coachtui.base.errors import UserError
from coachtui.base.text import MAX_NAME, clean
from coachtui.store import write as w
from coachtui.store.models import ERASED, FrameworkItem, Plc, PlcMember, Site, Staff, StaffFocus, database, derived_id
from coachtui.teaching.framework import related as related_items

# Suggest a new PLC where this many teachers at one site share a development area.
NEW_PLC_MIN = 3


def member_id(plc_id: str, staff_id: str) -> str:
    return derived_id("plc-member", plc_id, staff_id)


# --- reading ---------------------------------------------------------------------


@dataclass
class Card:
    staff_id: str
    name: str
    site: str
    leader: bool = False


@dataclass
class Column:
    """One PLC on the board; the first column (plc_id None) holds staff in no PLC."""

    plc_id: str | None
    name: str
    focus: str = ""
    leader: str = ""  # the leader's name, "" when none
    leader_missing: str = ""  # why the PLC needs a leader, "" when it has one
    archived: bool = False
    last_met: str = ""  # date of its latest meeting
    cards: list[Card] = field(default_factory=list)


def get(plc_id: str) -> Plc | None:
    return Plc.get_or_none((Plc.id == plc_id) & Plc.live())


def focus_title(plc: Plc, titles: dict[str, str] | None = None) -> str:
    if plc.focus_item_id:
        if titles is None:
            item = FrameworkItem.get_or_none(FrameworkItem.id == plc.focus_item_id)
            return item.title if item else plc.focus_text
        return titles.get(plc.focus_item_id, plc.focus_text)
    return plc.focus_text


def plcs(include_archived: bool = False) -> list[Plc]:
    q = Plc.select().where(Plc.live())
    if not include_archived:
        q = q.where(Plc.archived == False)  # noqa: E712
    return sorted(q, key=lambda p: (p.archived, p.name.casefold()))


def board(include_archived: bool = False) -> list[Column]:
    """The whole board in a handful of queries: no PLC first, then PLCs by name."""
    people = {sid: (name, site) for sid, name, site in database.execute_sql(
        "SELECT s.id, s.name, COALESCE(t.name, '') FROM staff s LEFT JOIN site t ON t.id = s.site_id "
        "WHERE s.deleted = 0 AND s.archived = 0").fetchall()}
    all_staff = {sid: archived for sid, archived in database.execute_sql(
        "SELECT id, archived FROM staff WHERE deleted = 0").fetchall()}
    # A set per PLC: after two records of one person are merged, both their
    # membership rows point at the one who stays.
    members: dict[str, set[str]] = defaultdict(set)
    for plc_id, sid in database.execute_sql(
            "SELECT plc_id, staff_id FROM plc_member WHERE deleted = 0").fetchall():
        members[plc_id].add(sid)
    titles = dict(database.execute_sql("SELECT id, title FROM framework_item").fetchall())
    met = dict(database.execute_sql(
        "SELECT plc_id, MAX(held_on) FROM session WHERE deleted = 0 AND plc_id IS NOT NULL GROUP BY plc_id").fetchall())
    columns: list[Column] = []
    placed: set[str] = set()
    for p in plcs(include_archived):
        col = Column(p.id, p.name, focus_title(p, titles), archived=p.archived, last_met=met.get(p.id) or "")
        if p.leader_id and p.leader_id in people:
            col.leader = people[p.leader_id][0]
        elif p.leader_id and all_staff.get(p.leader_id):
            col.leader_missing = "leader archived: choose a new leader"
        elif p.leader_id == ERASED:
            col.leader_missing = "leader erased: choose a new leader"
        else:
            col.leader_missing = "no leader yet"
        for sid in members.get(p.id, ()):
            if sid in people:
                col.cards.append(Card(sid, people[sid][0], people[sid][1], sid == p.leader_id))
                if not p.archived:
                    placed.add(sid)
        col.cards.sort(key=lambda c: (not c.leader, c.name.casefold()))
        columns.append(col)
    nobody = Column(None, "In no PLC", "aim: nobody left here")
    nobody.cards = sorted((Card(sid, n, s) for sid, (n, s) in people.items() if sid not in placed),
                          key=lambda c: c.name.casefold())
    return [nobody] + columns


def apply_move(columns: list[Column], staff_id: str, from_plc: str | None, to_plc: str | None) -> None:
    """Update a board read by `board()` after `move_member` (or an add, from
    None, or a removal, to None) without reading the store again: a move on
    a 5,000-person board must show at once. Gives what `board()` would."""
    if from_plc == to_plc:
        return  # as move_member: nothing to do
    by_id = {c.plc_id: c for c in columns}
    card = next((k for c in columns for k in c.cards if k.staff_id == staff_id), None)
    if card is None:
        return
    if from_plc is not None and from_plc in by_id:
        col = by_id[from_plc]
        if any(k.staff_id == staff_id and k.leader for k in col.cards):
            col.leader, col.leader_missing = "", "no leader yet"  # leaving takes the lead with them
        col.cards = [k for k in col.cards if k.staff_id != staff_id]
    if to_plc is not None and to_plc in by_id:
        col = by_id[to_plc]
        if all(k.staff_id != staff_id for k in col.cards):
            bisect.insort(col.cards, Card(staff_id, card.name, card.site), key=lambda c: (not c.leader, c.name.casefold()))
    nobody = by_id[None]
    placed = any(k.staff_id == staff_id for c in columns if c.plc_id and not c.archived for k in c.cards)
    nobody.cards = [k for k in nobody.cards if k.staff_id != staff_id]
    if not placed:
        bisect.insort(nobody.cards, Card(staff_id, card.name, card.site), key=lambda c: c.name.casefold())


def memberships(staff_id: str) -> list[Plc]:
    ids = [m.plc_id for m in PlcMember.select().where(
        (PlcMember.staff_id == staff_id) & PlcMember.live())]
    return [p for p in plcs() if p.id in ids]


def members(plc_id: str) -> list[Staff]:
    ids = PlcMember.select(PlcMember.staff_id).where((PlcMember.plc_id == plc_id) & PlcMember.live())
    return list(Staff.select().where((Staff.id.in_(ids)) & Staff.live() & (Staff.archived == False))  # noqa: E712
                .order_by(Staff.name))


# --- writing -----------------------------------------------------------------------


def _check_focus(focus_item_id: str | None) -> None:
    if focus_item_id and not FrameworkItem.get_or_none(
            (FrameworkItem.id == focus_item_id) & FrameworkItem.live()):
        raise UserError("that focus is not in the framework")


def _active_person(staff_id: str) -> Staff:
    person = Staff.get_or_none((Staff.id == staff_id) & Staff.live())
    if person is None:
        raise UserError("that person is not on the roster")
    if person.archived:
        raise UserError(f"{person.name} is archived")
    return person


def _need(plc_id: str) -> Plc:
    p = get(plc_id)
    if p is None:
        raise UserError("that PLC no longer exists")
    return p


def save(plc_id: str | None = None, *, name: str, focus_item_id: str | None = None, focus_text: str = "",
         site_id: str | None = None) -> str:
    """Create or edit a PLC's name and focus. Returns its id."""
    name = clean(name, "PLC name", MAX_NAME)
    if not name:
        raise UserError("a PLC needs a name")
    focus_text = clean(focus_text, "focus", MAX_NAME)
    _check_focus(focus_item_id)
    if site_id and not Site.get_or_none((Site.id == site_id) & Site.live()):
        raise UserError("that site does not exist")
    if plc_id is not None:
        _need(plc_id)
    with w.action(f"{'rename' if plc_id else 'create'} PLC {name}"):
        return w.write(Plc, plc_id, name=name, focus_item_id=focus_item_id or None, focus_text=focus_text,
                       site_id=site_id or None)


def set_archived(plc_id: str, archived: bool) -> None:
    p = _need(plc_id)
    with w.action(f"{'archive' if archived else 'restore'} PLC {p.name}"):
        w.write(Plc, plc_id, archived=archived)


def add_member(plc_id: str, staff_id: str) -> None:
    p = _need(plc_id)
    person = _active_person(staff_id)
    if p.archived:
        raise UserError(f"{p.name} is archived: restore it first")
    with w.action(f"add {person.name} to {p.name}"):
        _join(plc_id, staff_id)


def _join(plc_id: str, staff_id: str) -> None:
    w.write(PlcMember, member_id(plc_id, staff_id), plc_id=plc_id, staff_id=staff_id, deleted=False)


def _leave(plc_id: str, staff_id: str) -> None:
    mid = member_id(plc_id, staff_id)
    if PlcMember.get_or_none((PlcMember.id == mid) & PlcMember.live()):
        w.write(PlcMember, mid, deleted=True)
    p = get(plc_id)
    if p is not None and p.leader_id == staff_id:
        w.write(Plc, plc_id, leader_id=None)


def remove_member(plc_id: str, staff_id: str) -> None:
    p = _need(plc_id)
    person = Staff.get_or_none(Staff.id == staff_id)
    with w.action(f"take {person.name if person else 'someone'} out of {p.name}"):
        _leave(plc_id, staff_id)


def move_member(staff_id: str, from_plc: str | None, to_plc: str | None) -> None:
    """Move a card: out of `from_plc` (None: from no PLC) into `to_plc` (None: out of PLCs)."""
    if from_plc == to_plc:
        return
    person = _active_person(staff_id)
    target = _need(to_plc) if to_plc else None
    if target is not None and target.archived:
        raise UserError(f"{target.name} is archived: restore it first")
    with w.action(f"move {person.name} to {target.name if target else 'no PLC'}"):
        if from_plc:
            _leave(from_plc, staff_id)
        if to_plc:
            _join(to_plc, staff_id)


def set_leader(plc_id: str, staff_id: str | None) -> None:
    """Make a member the leader (joining them if needed). One PLC each to lead."""
    p = _need(plc_id)
    if staff_id is None:
        with w.action(f"no leader for {p.name}"):
            w.write(Plc, plc_id, leader_id=None)
        return
    person = _active_person(staff_id)
    other = Plc.get_or_none((Plc.leader_id == staff_id) & (Plc.id != plc_id) & Plc.live()
                            & (Plc.archived == False))  # noqa: E712
    if other is not None:
        raise UserError(f"{person.name} already leads {other.name}: each person leads one PLC")
    with w.action(f"{person.name} leads {p.name}"):
        _join(plc_id, staff_id)
        w.write(Plc, plc_id, leader_id=staff_id)


# --- suggestions ---------------------------------------------------------------------


@dataclass
class Suggestion:
    staff_id: str
    name: str
    why: str


def _focus_people(plc: Plc, kind: str) -> list[Suggestion]:
    if not plc.focus_item_id:
        return []
    related = related_items(plc.focus_item_id)
    titles = dict(database.execute_sql("SELECT id, title FROM framework_item").fetchall())
    inside = {m.staff_id for m in PlcMember.select().where(
        (PlcMember.plc_id == plc.id) & PlcMember.live())}
    found: dict[str, Suggestion] = {}
    rows = (StaffFocus.select(StaffFocus.staff_id, StaffFocus.item_id, Staff.name)
            .join(Staff, on=(Staff.id == StaffFocus.staff_id))
            .where((StaffFocus.kind == kind) & StaffFocus.live() & (StaffFocus.item_id.in_(related))
                   & Staff.live() & (Staff.archived == False))  # noqa: E712
            )
    if plc.site_id:  # a site's PLC draws on that site's staff
        rows = rows.where(Staff.site_id == plc.site_id)
    for sid, item, name in rows.tuples():
        if kind == "development" and sid in inside:
            continue
        if sid not in found:
            what = "development area" if kind == "development" else "strength"
            # Name the item only when it is not the PLC's focus itself.
            found[sid] = Suggestion(sid, name, what if item == plc.focus_item_id else f"{what}: {titles.get(item, '?')}")
    return sorted(found.values(), key=lambda s: s.name.casefold())


def suggest_members(plc_id: str) -> list[Suggestion]:
    """Teachers whose development areas match the PLC's focus, not yet members."""
    return _focus_people(_need(plc_id), "development")


def suggest_leaders(plc_id: str) -> list[Suggestion]:
    """Teachers with the PLC's focus among their strengths who lead no other PLC."""
    p = _need(plc_id)
    leading = {x.leader_id for x in plcs() if x.leader_id and x.id != plc_id}
    return [s for s in _focus_people(p, "strength") if s.staff_id not in leading and s.staff_id != p.leader_id]


@dataclass
class NewPlcIdea:
    site_id: str | None
    site: str
    item_id: str
    title: str
    teachers: int


def suggest_new_plcs(minimum: int = NEW_PLC_MIN) -> list[NewPlcIdea]:
    """Development areas shared by at least `minimum` teachers at one site that
    no open PLC there (or trust-wide) already has as its focus."""
    counts: Counter[tuple[str | None, str]] = Counter(database.execute_sql(
        "SELECT s.site_id, f.item_id FROM staff_focus f JOIN staff s ON s.id = f.staff_id "
        "WHERE f.deleted = 0 AND f.kind = 'development' AND s.deleted = 0 AND s.archived = 0").fetchall())
    covered = {(p.site_id, p.focus_item_id) for p in plcs() if p.focus_item_id}
    trust_wide = {item for site, item in covered if site is None}
    titles = dict(database.execute_sql("SELECT id, title FROM framework_item WHERE deleted = 0").fetchall())
    sites = {s.id: s.name for s in Site.select().where(Site.live())}
    ideas = [NewPlcIdea(site, sites.get(site, "no site"), item, titles[item], n)
             for (site, item), n in counts.items()
             if n >= minimum and item in titles and (site, item) not in covered and item not in trust_wide]
    return sorted(ideas, key=lambda i: (-i.teachers, i.site.casefold(), i.title.casefold()))


def focus_choices() -> list[str]:
    """Labels of every framework item ("BR.1 Entry and start of lesson"), for type-ahead."""
    from coachtui.teaching.framework import label

    return [label(i) for i in FrameworkItem.select().where(FrameworkItem.live())
            .order_by(FrameworkItem.position)]


def resolve_focus(text: str) -> tuple[str | None, str]:
    """A typed focus: a framework item's label (or code, or title) gives its id;
    anything else is kept as free text."""
    text = (text or "").strip()
    if not text:
        return None, ""
    key = text.casefold()
    for item in FrameworkItem.select().where(FrameworkItem.live()):
        if key in (f"{item.code} {item.title}".casefold(), item.code.casefold(), item.title.casefold()):
            return item.id, ""
    return None, text


def focus_label(plc: Plc) -> str:
    """What the edit form shows for the PLC's focus."""
    if plc.focus_item_id:
        item = FrameworkItem.get_or_none(FrameworkItem.id == plc.focus_item_id)
        if item:
            return f"{item.code} {item.title}"
    return plc.focus_text
