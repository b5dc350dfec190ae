"""Notes and tallies in a join, saved without waiting for a busy database.

Another writer is normal: another copy of coachtui, a command-line import or
the app's own background import may hold the database's write lock for
seconds. Each Enter in a join makes one note, and each tally key one tally:
it lands at once when the database is free (waiting at most a moment, so the
screen never freezes), else it is kept in the spool (a small file beside the
database, written before the note box is cleared) and landed later by the
join screen's timer, in the order typed, exactly once: each entry carries the
id its row will have, and landing skips an id already there. A crash or a
kill loses nothing kept; the next start lands it.

Once something waits, what comes after it waits too, so rows land in the
order they were made (the undo history follows it).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from coachtui.base.errors import UserError
from coachtui.base.text import clean_block
from coachtui.lessons import joins
from coachtui.store import db as store_db
from coachtui.store import spool
from coachtui.store import write as w
from coachtui.store.models import NOTE_KINDS, Draft, Join, Note, Tally, new_id

Busy = store_db.Busy
NotSaved = store_db.NotSaved

# At most this many kept entries land per call (the timer calls again).
LAND_BATCH = 50


@contextmanager
def briefly() -> Iterator[None]:
    """Writes inside wait only a moment for another program's write lock;
    then they raise Busy (a NotSaved), and the screen carries on."""
    with store_db.briefly():
        yield


@dataclass
class Waiting:
    """A note or tally made in the join, kept until the database takes it
    (the notes list shows it as "saving…")."""

    id: str
    join_id: str
    what: str
    text: str
    kind: str
    at: int
    elapsed: int
    problem: str = ""
    private: bool = False
    waiting: bool = True

    @classmethod
    def of(cls, e: spool.Entry) -> Waiting:
        return cls(e.id, e.join_id, e.what, e.text, e.kind, e.at, e.elapsed, e.problem)


def note(join: Join, text: str, kind: str = "observation", started: int | None = None) -> str | None:
    """One Enter, one note: "saved" (in the database), "waiting" (kept, lands
    later) or None (nothing but spaces). Raises NotSaved, with the reason,
    when it can be neither saved nor kept (a full disk): the caller keeps the text.
    `started`: when its first key was typed, the moment the note is about
    (a note typed over six minutes is stamped when it began, not at Enter)."""
    text = clean_block(text, "note", joins.MAX_NOTE)
    if not text:
        return None
    if kind not in NOTE_KINDS:
        raise UserError(f"unknown note kind {kind!r}")
    return _make(join, "note", text, kind, started)


def tally(join: Join, label: str) -> str:
    """One tally press: "saved" or "waiting", as `note`."""
    return _make(join, "tally", label, "")


def _make(join: Join, what: str, text: str, kind: str, started: int | None = None) -> str:
    joins.check_open(join)  # nothing is typed into a join that was undone or has ended
    at = joins.now_ms()
    if started and join.started_at <= started < at:
        at = started
    entry = spool.Entry(0, new_id(), join.id, what, text, kind, at, joins.timing(join, at).elapsed, "")
    if not spool.has_waiting(join.id):
        try:
            with briefly():
                _land(entry, clear_draft=what == "note")
        except Busy:
            pass
        else:
            if what == "note":
                spool.drop_draft(join.id)
            return "saved"
    # The box is empty once this returns: the kept draft says so, in the same write.
    spool.add(entry.id, join.id, what, text, kind, entry.at, entry.elapsed,
              draft=("", "observation") if what == "note" else None)
    return "waiting"


def _land(e: spool.Entry, clear_draft: bool = False) -> None:
    """Write one entry's row, unless a row with its id is there already."""
    join = Join.get_or_none(Join.id == e.join_id)
    if join is None:
        return  # the join was erased: nothing of it comes back
    model = Note if e.what == "note" else Tally
    with w.action("note" if e.what == "note" else f"tally {e.text}"):
        if model.get_or_none(model.id == e.id) is not None or w.is_purged(e.id):
            return
        if e.what == "note":
            w.write(Note, e.id, join_id=join.id, staff_id=join.staff_id, at=e.at, elapsed=e.elapsed, kind=e.kind,
                    text=e.text, private=False)
            if clear_draft:
                Draft.delete().where(Draft.join_id == join.id).execute()
        else:
            w.write(Tally, e.id, join_id=join.id, label=e.text, at=e.at, elapsed=e.elapsed)


@dataclass
class Landing:
    landed: int = 0
    left: int = 0
    busy: bool = False  # the database is still busy: try again soon
    problem: str = ""  # something else stops them (a full disk): shown to the user


def land(join_id: str | None = None) -> Landing:
    """Land what is kept, in order, each in its own short write; stop at the
    first that cannot land. A crash between a row's commit and its removal
    here is harmless: its id is found and it is not written again."""
    entries = spool.waiting(join_id)
    report = Landing(left=len(entries))
    done: list[str] = []
    try:
        for e in entries[:LAND_BATCH]:
            try:
                with briefly():
                    _land(e)
            except Busy:
                report.busy = True
                break
            except NotSaved as exc:
                report.problem = str(exc)
                if e.problem != report.problem:
                    spool.set_problem(e.id, report.problem)
                break
            done.append(e.id)
    finally:
        if done:
            spool.landed(done)
            report.landed = len(done)
            report.left -= len(done)
    return report


def waiting(join_id: str) -> list[Waiting]:
    return [Waiting.of(e) for e in spool.waiting(join_id)]


def untally(join: Join) -> str | None:
    """Take back the last tally press: a kept one is simply dropped."""
    kept = [e for e in spool.waiting(join.id) if e.what == "tally"]
    if kept:
        spool.landed([kept[-1].id])
        return kept[-1].text
    with briefly():
        return joins.untally(join)


def notes(join: Join) -> list:
    """The join's notes, then those still waiting (each with `waiting` set)."""
    kept = [Waiting.of(e) for e in spool.waiting(join.id) if e.what == "note"]
    return joins.notes(join.id) + kept


def tallies(join: Join) -> dict[str, list[int]]:
    """As joins.tallies, with the presses still waiting counted in."""
    counts = joins.tallies(join)
    for e in spool.waiting(join.id):
        if e.what == "tally":
            counts.setdefault(e.text, []).append(e.elapsed)
    return counts


# --- the half-typed note ------------------------------------------------------------


def save_draft(join_id: str, text: str, kind: str, *, busy: bool = False, started: int | None = None) -> None:
    """The note being typed, for a crash: in the database when it takes it at
    once, else kept in the spool (`busy`: do not even try the database).
    `started` (when its first key was typed) is kept in the spool, once per note."""
    if text and started and spool.started(join_id) != started:
        spool.set_started(join_id, started)
    if not busy:
        try:
            with briefly():
                joins.save_draft(join_id, text, kind)
        except NotSaved:
            pass
        else:
            spool.drop_draft(join_id)
            return
    spool.set_draft(join_id, text, kind)


def draft(join_id: str) -> tuple[str, str]:
    kept = spool.draft(join_id)
    return kept if kept is not None else joins.draft(join_id)


def draft_started(join_id: str) -> int | None:
    """When the draft in the box was begun (None: not known)."""
    return spool.started(join_id)


def forget_draft(join_id: str) -> None:
    """The join ended (its end cleared the database's draft)."""
    spool.forget(join_id)
