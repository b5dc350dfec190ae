"""Joining a lesson: start, notes, tallies, pause/resume, end, recovery.

Time is never a ticking counter: elapsed time is computed from the stored
wall-clock start, pause/resume events and end, so a crash, a sleep or a
restart loses nothing. A clock that jumps backwards never gives negative time.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass

from coachtui.base.errors import UserError
from coachtui.base.text import clean, clean_block
from coachtui.roster import focus_areas
from coachtui.store import db as store_db
from coachtui.store import write as w
from coachtui.store.db import get_meta
from coachtui.store.models import (
    NOTE_KINDS,
    ActionStep,
    Conflict,
    Draft,
    FrameworkItem,
    Join,
    JoinEvent,
    Note,
    Staff,
    Tally,
)
from coachtui.store.models import NOTE_LABELS as NOTE_LABELS  # for screens

MAX_NOTE = 10_000
MAX_MINUTES = 240
# A join still running after this long was surely left on by mistake.
STALE_HOURS = 12
DEFAULT_TALLIES = ["questions asked", "cold calls", "pupils off task"]


def get(join_id: str) -> Join | None:
    """The join, deleted or not (a page open on it decides what to show)."""
    return Join.get_or_none(Join.id == join_id)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass
class Timing:
    elapsed: int  # seconds of joined time (pauses excluded)
    planned: int  # seconds
    paused: bool
    ended: bool

    @property
    def remaining(self) -> int:
        return self.planned - self.elapsed

    @property
    def over(self) -> bool:
        return self.elapsed >= self.planned

    @property
    def nearly_up(self) -> bool:
        """The last two minutes (the last fifth of a short join): time to wrap up."""
        return 0 < self.remaining <= min(120, self.planned // 5)


def pause_events(join_id: str) -> list[tuple[str, int]]:
    return [(e.kind, e.at) for e in JoinEvent.select()
            .where((JoinEvent.join_id == join_id) & JoinEvent.live())
            .order_by(JoinEvent.at, JoinEvent.hlc)]


def timing(join: Join, at: int | None = None, events: list[tuple[str, int]] | None = None) -> Timing:
    at = at if at is not None else now_ms()
    end = join.ended_at if join.ended_at else at
    if events is None:
        events = pause_events(join.id)
    paused_ms = 0
    paused_since = None
    for kind, moment in events:
        if kind == "pause" and paused_since is None:
            paused_since = moment
        elif kind == "resume" and paused_since is not None:
            paused_ms += max(0, moment - paused_since)
            paused_since = None
    if paused_since is not None:
        paused_ms += max(0, end - paused_since)
    elapsed = max(0, (end - join.started_at - paused_ms) // 1000)
    return Timing(elapsed, join.planned_minutes * 60, paused_since is not None and not join.ended_at,
                  bool(join.ended_at))


def duration_words(seconds: int) -> str:
    """A join's length as people say it, rounded to the nearest minute:
    "under a minute", "1 minute", "3 minutes" (2:51). Used wherever a length is shown."""
    if seconds < 60:
        return "under a minute"
    minutes = (seconds + 30) // 60
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def day_of(join: Join) -> str:
    """The day a join started (local time), as YYYY-MM-DD."""
    return dt.date.fromtimestamp(join.started_at / 1000).isoformat()


def fmt(seconds: int) -> str:
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds >= 3600:
        return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return f"{sign}{seconds // 60:02d}:{seconds % 60:02d}"


# --- the agreed focus -----------------------------------------------------------


def current_action_step(staff_id: str) -> ActionStep | None:
    return (ActionStep.select()
            .where((ActionStep.staff_id == staff_id) & ActionStep.live()
                   & (ActionStep.status == "in progress"))
            .order_by(ActionStep.hlc.desc()).first())


def suggested_focus(staff_id: str) -> tuple[str | None, str]:
    """(framework item id, text) to pre-fill: the current action step, else the
    first development area, else nothing."""
    step = current_action_step(staff_id)
    if step:
        return step.item_id, step.text
    areas = focus_areas.development_areas(staff_id)
    if areas:
        return areas[0].id, areas[0].title
    return None, ""


def focus_of(join: Join) -> tuple[str, list[str]]:
    """The focus title and its success criteria."""
    item = FrameworkItem.get_or_none(FrameworkItem.id == join.focus_item_id) if join.focus_item_id else None
    criteria = [c for c in (item.detail.splitlines() if item else []) if c.strip()]
    return focus_title(join, {item.id: item.title} if item else {}), criteria


def focus_title(join: Join, titles: dict[str, str] | None = None) -> str:
    """A join's agreed focus, the one way every page names it: the words the
    coach typed, else the framework step picked (never the cycle's focus,
    which may have moved on). `titles` ({item id: title}) saves a query per
    join on pages that list many."""
    if join.focus_text:
        return join.focus_text
    if not join.focus_item_id:
        return ""
    if titles is None:
        item = FrameworkItem.get_or_none(FrameworkItem.id == join.focus_item_id)
        return item.title if item else ""
    return titles.get(join.focus_item_id, "")


def tally_labels_for(item_id: str | None) -> list[str]:
    """What to count, from the focus: questioning counts questions, behaviour counts off-task."""
    code = ""
    if item_id:
        item = FrameworkItem.get_or_none(FrameworkItem.id == item_id)
        code = item.code if item else ""
    if code.startswith("QU"):
        return ["questions asked", "cold calls", "pupils answering"]
    if code.startswith("BR"):
        return ["pupils off task", "praise", "corrections"]
    if code.startswith("CU"):
        return ["whole-class checks", "misconceptions", "re-teach"]
    return list(DEFAULT_TALLIES)


# --- the join itself ------------------------------------------------------------


def set_this_coach(staff_id: str | None) -> None:
    """Who uses this laptop (the settings' `me`, a coach's staff id), kept as
    a local fact of this database (never synced) so that a join records who
    actually joined. The app sets it at start and when F9 changes it."""
    with store_db.transaction():
        if (get_meta("this_coach") or "") != (staff_id or ""):
            store_db.set_meta("this_coach", staff_id or "")


def this_coach() -> str | None:
    """This laptop's coach, if one is set and is still a coach on the roster."""
    sid = get_meta("this_coach")
    person = Staff.get_or_none((Staff.id == sid) & Staff.live()) if sid else None
    return sid if person is not None and "coach" in person.role_list else None


def start(staff_id: str, *, focus_item_id: str | None, focus_text: str = "", group: str = "", room: str = "",
          minutes: int = 20, coach_id: str | None = None, tallies: list[str] | None = None) -> str:
    """Start a join. Its coach is who joined: this laptop's coach where the
    settings say who that is, else `coach_id` (the teacher's coach, as a guess)."""
    teacher = Staff.get_or_none((Staff.id == staff_id) & Staff.live())
    if teacher is None:
        raise UserError("that teacher is no longer on the roster")
    if teacher.archived:
        raise UserError(f"{teacher.name} is archived: restore them first")
    if not 1 <= int(minutes) <= MAX_MINUTES:
        raise UserError(f"planned length must be 1 to {MAX_MINUTES} minutes")
    if running_join() is not None:
        raise UserError("a join is already running on this laptop: end it first")
    focus_text = clean(focus_text, "focus", 500)
    if not focus_item_id and not focus_text:
        raise UserError("agree a focus first: pick an action step or type one")
    labels = [clean(t, "tally label", 40) for t in (tallies or tally_labels_for(focus_item_id)) if t.strip()][:9]
    coach_id = this_coach() or coach_id
    with w.action(f"start join with {teacher.name}"):
        jid = w.write(Join, staff_id=staff_id, coach_id=coach_id, focus_item_id=focus_item_id,
                      focus_text=focus_text, group=clean(group, "class or group", 100),
                      room=clean(room, "room", 100), planned_minutes=int(minutes), started_at=now_ms(),
                      tally_labels=json.dumps(labels))
        w.set_local("running_join", jid)  # undo and redo carry it with the join
        from coachtui.coaching.cycles import on_join

        on_join(Join.get_by_id(jid))  # the teacher's open cycle moves on
    return jid


def running_join() -> Join | None:
    """The join running on this laptop (survives a crash or a restart)."""
    jid = get_meta("running_join")
    if not jid:
        return None
    join = Join.get_or_none((Join.id == jid) & Join.live())
    if join is None or join.ended_at:
        return None
    return join


def check_open(join: Join) -> Join:
    """The join as stored now, if notes, tallies and pauses may still be
    written under it: refused with one line once it was undone or ended (a
    screen may hold it from before an undo, a redo or a sync)."""
    now = Join.get_or_none(Join.id == join.id)
    if now is None or now.deleted:
        raise UserError("that join was undone: nothing more can be written to it (Ctrl+R redoes it)")
    if now.ended_at:
        raise UserError("that join has ended: nothing more can be written to it")
    return now


def is_stale(join: Join, at: int | None = None) -> bool:
    return (at or now_ms()) - join.started_at > STALE_HOURS * 3600 * 1000


def add_note(join: Join, text: str, kind: str = "observation", private: bool = False) -> str | None:
    check_open(join)
    text = clean_block(text, "note", MAX_NOTE)
    if not text:
        return None
    if kind not in NOTE_KINDS:
        raise UserError(f"unknown note kind {kind!r}")
    t = timing(join)
    with w.action("note"):
        nid = w.write(Note, join_id=join.id, staff_id=join.staff_id, at=now_ms(), elapsed=t.elapsed, kind=kind,
                      text=text, private=private)
        Draft.delete().where(Draft.join_id == join.id).execute()
    return nid


def edit_note(note_id: str, text: str, kind: str | None = None) -> None:
    text = clean_block(text, "note", MAX_NOTE)
    note = Note.get_by_id(note_id)
    with w.action("correct note"):
        if not text:
            w.write(Note, note_id, deleted=True)
        else:
            w.write(Note, note_id, text=text, kind=kind or note.kind)


def delete_note(note_id: str) -> None:
    with w.action("delete note"):
        w.write(Note, note_id, deleted=True)


def set_private(note_id: str, private: bool) -> str:
    """Make a note private (or shared again). Returns the note's new id.

    Private rows never travel, so flipping the flag would leave the shared copy
    already sent to other laptops. Instead the old row is retired (deleted,
    its text wiped: that travels and wipes the copies) and the text lives on in
    a new row with the wanted visibility, in the same place in the join."""
    note = Note.get_by_id(note_id)
    if bool(note.private) == private:
        return note_id
    with w.action("make note private" if private else "share note"):
        new_id = w.write(Note, join_id=note.join_id, staff_id=note.staff_id, at=note.at, elapsed=note.elapsed,
                         kind=note.kind, text=note.text, private=private)
        # The retired row travels: it keeps nothing of the note (kind, times).
        w.write(Note, note_id, text="", kind="observation", at=0, elapsed=0, deleted=True)
        wipe_conflicts(note_id)
    return new_id


def wipe_conflicts(record_id: str) -> None:
    """Conflicts keep losing versions of a row's text, and travel: when the
    row's words become private, its conflicts are wiped (that travels too)."""
    for c in Conflict.select().where((Conflict.record_id == record_id) & Conflict.live()):
        w.write(Conflict, c.id, value="", resolved=True, deleted=True)


def notes(join_id: str) -> list[Note]:
    return list(Note.select().where((Note.join_id == join_id) & Note.live())
                .order_by(Note.at, Note.hlc))


def tally(join: Join, label: str) -> str:
    check_open(join)
    with w.action(f"tally {label}"):
        return w.write(Tally, join_id=join.id, label=label, at=now_ms(), elapsed=timing(join).elapsed)


def untally(join: Join) -> str | None:
    """Take back the last tally press."""
    check_open(join)
    last = (Tally.select().where((Tally.join_id == join.id) & Tally.live())
            .order_by(Tally.at.desc(), Tally.hlc.desc()).first())
    if last is None:
        return None
    with w.action(f"untally {last.label}"):
        w.write(Tally, last.id, deleted=True)
    return last.label


def tallies(join: Join) -> dict[str, list[int]]:
    """{label: [elapsed seconds of each press]} in the join's label order."""
    out: dict[str, list[int]] = {label: [] for label in json.loads(join.tally_labels or "[]")}
    for t in (Tally.select().where((Tally.join_id == join.id) & Tally.live())
              .order_by(Tally.at)):
        out.setdefault(t.label, []).append(t.elapsed)
    return out


def pause(join: Join) -> None:
    check_open(join)
    if timing(join).paused:
        return
    with w.action("pause join"):
        w.write(JoinEvent, join_id=join.id, kind="pause", at=now_ms())


def resume(join: Join) -> None:
    check_open(join)
    if not timing(join).paused:
        return
    with w.action("resume join"):
        w.write(JoinEvent, join_id=join.id, kind="resume", at=now_ms())


def end(join: Join, at: int | None = None) -> None:
    """End the join. `at` lets a join left running overnight end at the planned time."""
    check_open(join)
    at = at or now_ms()
    with w.action("end join"):
        if timing(join, at).paused:
            w.write(JoinEvent, join_id=join.id, kind="resume", at=at)
        w.write(Join, join.id, ended_at=max(at, join.started_at))
        if get_meta("running_join") == join.id:
            w.set_local("running_join", "")
        Draft.delete().where(Draft.join_id == join.id).execute()


def planned_end(join: Join) -> int:
    return join.started_at + join.planned_minutes * 60 * 1000


def save_draft(join_id: str, text: str, kind: str) -> None:
    """The note being typed: local only, overwritten in place (no clock, no undo)."""
    with store_db.transaction():
        if text:
            Draft.insert(join_id=join_id, text=text[:MAX_NOTE], kind=kind).on_conflict_replace().execute()
        else:
            Draft.delete().where(Draft.join_id == join_id).execute()


def draft(join_id: str) -> tuple[str, str]:
    d = Draft.get_or_none(Draft.join_id == join_id)
    return (d.text, d.kind) if d else ("", "observation")


def joins_of(staff_id: str) -> list[Join]:
    return list(Join.select().where((Join.staff_id == staff_id) & Join.live())
                .order_by(Join.started_at.desc()))
