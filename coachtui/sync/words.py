"""Sync in a person's words: which plan, meeting or note a record is (its
title, the teacher's name, the date), what an import changed per kind of
record, which laptop wrote a version and when, and when this laptop last
synced and with whom. For the sync screen and the CLI; no SQL above here."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from coachtui.store import db as store_db
from coachtui.store import hlc
from coachtui.store.models import Applied, Staff, model_for_table

TABLE_WORDS = {
    "site": "sites", "staff": "staff", "framework_item": "framework items", "staff_focus": "agreed focuses",
    "join": "lesson joins", "join_event": "join pauses", "note": "notes", "tally": "tally marks",
    "feedback": "feedback meetings", "feedback_item": "feedback texts", "action_step": "action steps",
    "conflict": "conflicts", "plc": "PLCs", "plc_member": "PLC members", "session": "PLC meetings",
    "attendance": "attendance", "priority_plan": "priority plans", "plan_action": "plan actions",
    "evidence": "plan evidence", "peer_session": "peer sessions", "coaching_cycle": "coaching cycles",
    "cycle_event": "cycle steps", "support_change": "support changes", "cadence": "visit cadences",
    "planned_join": "planned joins",
}
NAMES_KEY = "sync_laptops"  # Meta: {device id: name as its bundles give it}
LAST_KEY = "sync_last"  # Meta: {"at": ISO time, "where": folder or file}


def table_words(table: str) -> str:
    return TABLE_WORDS.get(table, table.replace("_", " "))


def field_words(field: str) -> str:
    return {"text": "text", "try_next": "what to try next", "way_in": "way in", "focus_text": "focus"}.get(
        field, field.replace("_", " "))


def change_rows(summary) -> list[tuple[str, str]]:
    """(kind of record in words, what happened to them), one per kind that changed."""
    out = []
    for table, c in sorted(summary.tables.items(), key=lambda kv: table_words(kv[0]).casefold()):
        parts = [f"{n} {what}" for n, what in ((c.new, "new"), (c.updated, "updated"), (c.deleted, "deleted"),
                                                 (c.conflicts, "in conflict"), (c.skipped, "skipped")) if n]
        if parts:
            out.append((table_words(table), ", ".join(parts)))
    if summary.purged:
        out.append(("erased records", str(summary.purged)))
    return out


# --- which record ---------------------------------------------------------------------------


def _row(table: str, rid: str | None):
    model = model_for_table(table) if rid else None
    return model.get_or_none(model.id == rid) if model else None


def _person(sid: str | None) -> str:
    s = Staff.get_or_none(Staff.id == sid) if sid else None
    return s.name if s and s.name else "someone"


def _day(value) -> str:
    """A YYYY-MM-DD or a wall-clock ms as "3 Nov 2026"."""
    try:
        d = (dt.datetime.fromtimestamp(value / 1000).date() if isinstance(value, int)
             else dt.date.fromisoformat(str(value)[:10]))
    except (ValueError, OSError, OverflowError):
        return ""
    return f"{d.day} {d:%b %Y}"


def _quoted(text: str, width: int = 40) -> str:
    text = " ".join(str(text or "").split())
    return f"“{text[:width - 1]}…”" if len(text) > width else f"“{text}”" if text else ""


def _on(day: str) -> str:
    return f", {day}" if day else ""


def describe(table: str, rid: str) -> str:
    """The record in words: "note in Tia Jones's lesson join, 3 Nov 2026"."""
    r = _row(table, rid)
    if r is None:
        return f"a {table_words(table)} record (no longer here)"
    if table == "note":
        j = _row("join", r.join_id)
        return f"note in {_person(r.staff_id)}'s lesson join{_on(_day(j.started_at) if j else '')}"
    if table == "join":
        return f"{_person(r.staff_id)}'s lesson join{_on(_day(r.started_at))}"
    if table == "feedback_item":
        f = _row("feedback", r.feedback_id)
        who = _person(f.staff_id) if f else "someone"
        return f"feedback to {who}{_on(_day(f.given_on) if f else '')} ({field_words(r.part)})"
    if table == "action_step":
        return f"{_person(r.staff_id)}'s action step{_on(_day(r.set_on))}"
    if table == "framework_item":
        return f"framework {r.kind} {r.code} {_quoted(r.title)}".replace("  ", " ")
    if table == "session":
        plc = _row("plc", r.plc_id)
        where = f" of {_quoted(plc.name)}" if plc else ""
        return f"{r.kind} {_quoted(r.topic)}{where}{_on(_day(r.held_on))}".replace("  ", " ")
    if table == "attendance":
        s = _row("session", r.session_id)
        return f"{_person(r.staff_id)} at the meeting {_quoted(s.topic) if s else ''}{_on(_day(s.held_on) if s else '')}"
    if table == "priority_plan":
        whose = _person(r.staff_id) if r.staff_id else (r.team or "the site")
        return f"priority plan {_quoted(r.title)} ({whose})"
    if table in ("plan_action", "evidence", "peer_session"):
        plan = _row("priority_plan", r.plan_id)
        what = {"plan_action": "action", "evidence": "evidence", "peer_session": "peer session"}[table]
        return f"{what} in priority plan {_quoted(plan.title) if plan else ''}".rstrip()
    if table == "coaching_cycle":
        return f"{_person(r.staff_id)}'s coaching cycle{_on(_day(r.started_on))}"
    if table == "support_change":
        return f"{_person(r.staff_id)}'s support change{_on(_day(r.on))}"
    if table == "planned_join":
        return f"join planned for {_person(r.staff_id)}{_on(_day(r.on))}"
    return table_words(table)


# --- which laptop, when ---------------------------------------------------------------------


def _names() -> dict[str, str]:
    try:
        return json.loads(store_db.get_meta(NAMES_KEY) or "{}")
    except ValueError:
        return {}


def laptop(device: str) -> str:
    """A laptop's name as its bundles give it ("this laptop" for ours; its id if it has no name)."""
    if device == store_db.device_id():
        return "this laptop"
    return _names().get(device) or f"laptop {device[:8]}"


def version(stamp: str) -> str:
    """Who wrote a version and when: "Maths laptop 3 Nov 14:05" ("" for no stamp)."""
    try:
        h = hlc.parse(stamp)
    except (ValueError, AttributeError, IndexError):
        return ""
    return f"{laptop(h.device)} {_when(dt.datetime.fromtimestamp(h.wall / 1000).isoformat())}"


def remember(summaries, where: str) -> None:
    """After an import or a folder sync: the laptops' names (from their bundles) and when and where."""
    names = _names()
    for s in summaries:
        m = s.manifest
        if m is not None and m.device_name:
            names[m.device] = m.device_name
    store_db.set_meta(NAMES_KEY, json.dumps(names, sort_keys=True))
    store_db.set_meta(LAST_KEY, json.dumps({"at": dt.datetime.now().isoformat(timespec="minutes"),
                                            "where": where}))


def last_sync() -> str:
    """One line: when this laptop last synced, where, and the newest data from each other laptop."""
    try:
        last = json.loads(store_db.get_meta(LAST_KEY) or "{}")
    except ValueError:
        last = {}
    newest: dict[str, str] = {}
    for a in Applied.select(Applied.device, Applied.applied_at):
        if a.applied_at > newest.get(a.device, ""):
            newest[a.device] = a.applied_at
    if not last and not newest:
        return "Not synced yet."
    where = str(last.get("where", ""))
    where = where.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1] or where  # the folder's or file's name
    line = f"Last synced {_when(last['at'])} ({where})." if last.get("at") else ""
    if newest:
        who = sorted(newest.items(), key=lambda kv: kv[1], reverse=True)
        shown = ", ".join(f"{laptop(d)} {_when(at)}" for d, at in who[:3])
        more = f" and {len(who) - 3} more" if len(who) > 3 else ""
        line += f" Data from {shown}{more}."
    return line.strip()


def _when(iso: str) -> str:
    try:
        t = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if t.date() == dt.date.today():
        return f"today {t:%H:%M}"
    if t.year != dt.date.today().year:
        return f"{t.day} {t:%b %Y}"
    return f"{t.day} {t:%b %H:%M}"


# --- a conflict, told ------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictView:
    conflict: object  # the Conflict row (its id is what conflicts.resolve takes)
    record: str  # "note in Tia Jones's lesson join, 3 Nov 2026"
    field: str  # in words
    other: str  # the version kept aside, whole
    current: str  # the version in place, whole
    other_by: str  # "Maths laptop, 3 Nov 2026 14:05" ("" where not known)
    current_by: str

    @property
    def id(self) -> str:
        return self.conflict.id


def conflict_view(c) -> ConflictView:
    row = _row(c.table_name, c.record_id)
    current, current_stamp = "", ""
    if row is not None:
        current = str(getattr(row, c.field_name, "") or "")
        try:
            current_stamp = json.loads(row.clocks or "{}").get(c.field_name, "")
        except ValueError:
            pass
    return ConflictView(c, describe(c.table_name, c.record_id), field_words(c.field_name), c.value or "",
                        current, version(c.stamp), version(current_stamp) if isinstance(current_stamp, str) else "")
