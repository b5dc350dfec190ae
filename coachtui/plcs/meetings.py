"""PLC meetings, staff surgeries and What Works Well workshops: a date, who
came, notes, and what each person will try next. Attendance ids derive from
(session, person), so the same person marked on two laptops is one row."""

from __future__ import annotations

from dataclasses import dataclass

from coachtui.base.dates import check_date, today
from coachtui.base.errors import UserError
from coachtui.base.text import MAX_NAME, clean, clean_block
from coachtui.plcs.plc import get as get_plc
from coachtui.plcs.plc import members as plc_members
from coachtui.store import write as w
from coachtui.store.models import SESSION_KINDS, SESSION_LABELS, Attendance, Session, Staff, derived_id

MAX_NOTES = 20_000
MAX_TRY = 2_000


def attendance_id(session_id: str, staff_id: str) -> str:
    return derived_id("attendance", session_id, staff_id)


def get(session_id: str) -> Session | None:
    return Session.get_or_none((Session.id == session_id) & Session.live())


def sessions(plc_id: str | None = None) -> list[Session]:
    """Newest first; all sessions, or one PLC's history."""
    q = Session.select().where(Session.live())
    if plc_id is not None:
        q = q.where(Session.plc_id == plc_id)
    return list(q.order_by(Session.held_on.desc(), Session.hlc.desc()))


def save(session_id: str | None = None, *, kind: str, held_on: str, topic: str = "", notes: str = "",
         plc_id: str | None = None) -> str:
    if kind not in SESSION_KINDS:
        raise UserError(f"unknown kind of session {kind!r}")
    held_on = check_date(held_on, "date") or today().isoformat()
    topic = clean(topic, "topic", MAX_NAME)
    notes = clean_block(notes, "notes", MAX_NOTES)
    if plc_id and get_plc(plc_id) is None:
        raise UserError("that PLC no longer exists")
    label = SESSION_LABELS[kind]
    with w.action(f"{'edit' if session_id else 'add'} {label} {held_on}"):
        return w.write(Session, session_id, kind=kind, held_on=held_on, topic=topic, notes=notes,
                       plc_id=plc_id or None)


def delete(session_id: str) -> None:
    s = get(session_id)
    if s is None:
        return
    with w.action(f"delete {SESSION_LABELS.get(s.kind, s.kind)} {s.held_on}"):
        w.write(Session, session_id, deleted=True)


@dataclass
class Attendee:
    staff_id: str
    name: str
    came: bool
    try_next: str
    member: bool  # a member of the session's PLC


def attendees(session_id: str) -> list[Attendee]:
    """Who came, plus (for a PLC meeting) every member, marked as not come."""
    s = get(session_id)
    if s is None:
        return []
    rows = {a.staff_id: a for a in Attendance.select().where(
        (Attendance.session_id == session_id) & Attendance.live())}
    people = {p.id: p for p in Staff.select().where(Staff.id.in_(list(rows)))}
    out: dict[str, Attendee] = {}
    members = plc_members(s.plc_id) if s.plc_id else []
    for m in members:
        a = rows.get(m.id)
        out[m.id] = Attendee(m.id, m.name, bool(a and a.came), a.try_next if a else "", True)
    for sid, a in rows.items():
        if sid not in out and sid in people:
            out[sid] = Attendee(sid, people[sid].name, a.came, a.try_next, False)
    return sorted(out.values(), key=lambda x: (not x.came, x.name.casefold()))


def _need(session_id: str) -> Session:
    s = get(session_id)
    if s is None:
        raise UserError("that session no longer exists")
    return s


def set_came(session_id: str, staff_id: str, came: bool) -> None:
    _need(session_id)
    person = Staff.get_or_none(Staff.id == staff_id)
    if person is None:
        raise UserError("that person is not on the roster")
    with w.action(f"{person.name} {'came' if came else 'did not come'}"):
        w.write(Attendance, attendance_id(session_id, staff_id), session_id=session_id, staff_id=staff_id,
                came=came, deleted=False)


def set_try_next(session_id: str, staff_id: str, text: str) -> None:
    _need(session_id)
    text = clean_block(text, "what they will try next", MAX_TRY)
    person = Staff.get_or_none(Staff.id == staff_id)
    if person is None:
        raise UserError("that person is not on the roster")
    aid = attendance_id(session_id, staff_id)
    with w.action(f"{person.name} will try next"):
        existing = Attendance.get_or_none(Attendance.id == aid)
        values = dict(session_id=session_id, staff_id=staff_id, try_next=text, deleted=False)
        if existing is None:
            values["came"] = True  # someone with a next step was there
        w.write(Attendance, aid, **values)


def count_came(session_id: str) -> int:
    return (Attendance.select().where((Attendance.session_id == session_id) & (Attendance.came == True)  # noqa: E712
                                      & Attendance.live()).count())
