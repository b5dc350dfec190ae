"""One past join as its page shows it: who, when, the agreed focus, every
note with its time and kind, the tallies over the lesson, and the feedback.
A coach reads last week's notes before the next join."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from coachtui.lessons import feedback, joins
from coachtui.store.models import FEEDBACK_FIELDS, FEEDBACK_HEADINGS, NOTE_LABELS, Staff


@dataclass
class NoteLine:
    id: str
    elapsed: int  # seconds into the lesson
    time: str  # mm:ss
    kind: str  # as the join screen names it: "observation", "next step", ...
    text: str
    private: bool


@dataclass
class TallyLine:
    label: str
    times: list[int]  # seconds into the lesson of each press


@dataclass
class FeedbackLine:
    part: str
    label: str
    text: str
    private: bool


@dataclass
class JoinRecord:
    join_id: str
    staff_id: str
    teacher: str
    coach: str
    started: str  # "YYYY-MM-DD HH:MM"
    group: str
    room: str
    planned: int  # seconds
    elapsed: int  # seconds joined (pauses left out)
    ended: bool
    focus: str
    criteria: list[str]
    notes: list[NoteLine] = field(default_factory=list)
    tallies: list[TallyLine] = field(default_factory=list)
    feedback: list[FeedbackLine] = field(default_factory=list)
    has_feedback: bool = False


def record(join_id: str) -> JoinRecord | None:
    """The join's page, or None when it is gone (undone, or merged away)."""
    j = joins.get(join_id)
    if j is None or j.deleted:
        return None
    teacher = Staff.get_or_none(Staff.id == j.staff_id)
    coach = Staff.get_or_none(Staff.id == j.coach_id) if j.coach_id else None
    title, criteria = joins.focus_of(j)
    t = joins.timing(j)
    rec = JoinRecord(j.id, j.staff_id, teacher.name if teacher else "(gone)", coach.name if coach else "",
                     dt.datetime.fromtimestamp(j.started_at / 1000).strftime("%Y-%m-%d %H:%M"), j.group, j.room,
                     t.planned, t.elapsed, t.ended, title, criteria)
    rec.notes = [NoteLine(n.id, n.elapsed, joins.fmt(n.elapsed), NOTE_LABELS.get(n.kind, n.kind), n.text,
                          bool(n.private)) for n in joins.notes(j.id)]
    rec.tallies = [TallyLine(label, times) for label, times in joins.tallies(j).items()]
    fb = feedback.get(j.id)
    if fb is not None:
        rec.has_feedback = True
        parts = feedback.items(fb.id)
        rec.feedback = [FeedbackLine(p, FEEDBACK_HEADINGS[p], parts[p].text, bool(parts[p].private))
                        for p in FEEDBACK_FIELDS if p in parts and parts[p].text.strip()]
    return rec


def buckets(times: list[int], length: int, n: int) -> list[int]:
    """Presses per slice of the lesson: `n` equal slices of `length` seconds.
    A press at or past the end (a join that ran over) counts in the last."""
    n = max(1, n)
    length = max(1, length)
    out = [0] * n
    for t in times:
        out[min(n - 1, max(0, t) * n // length)] += 1
    return out


def marks(counts: list[int]) -> str:
    """One character per slice: · none, 1-9 presses, + ten or more."""
    return "".join("·" if c == 0 else str(c) if c < 10 else "+" for c in counts)


def make_private(note_id: str) -> str:
    """A note made private after the join ended (the join screen's own way:
    the shared row is retired, wiped on every laptop that has it)."""
    return joins.set_private(note_id, True)


def share(note_id: str) -> str:
    return joins.set_private(note_id, False)


def in_shared_feedback(join_id: str, text: str) -> bool:
    """Does a shared field of the join's feedback already hold this text (it
    was filled in from the note while the note was shared)?"""
    fb = feedback.get(join_id)
    if fb is None or not text.strip():
        return False
    return any(text.strip() in item.text for item in feedback.items(fb.id).values() if not item.private)
