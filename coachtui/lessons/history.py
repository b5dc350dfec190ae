"""One teacher's coaching history: joins, action steps and SMART targets,
newest first, read in a few grouped queries (not one per join)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from coachtui.base.text import plural
from coachtui.lessons import feedback, joins
from coachtui.store.models import Feedback, database

PRIVATE = "🔒 PRIVATE · "


@dataclass
class Entry:
    date: str
    what: str
    detail: str
    join_id: str | None = None
    step_id: str | None = None
    mastered: bool = False


def entries(staff_id: str) -> list[Entry]:
    """Newest first. Counts come from one grouped query, not one per join."""
    out: list[Entry] = []
    note_counts = dict(database.execute_sql(
        "SELECT join_id, COUNT(*) FROM note WHERE deleted = 0 AND staff_id = ? GROUP BY join_id",
        (staff_id,)).fetchall())
    with_feedback = {f.join_id for f in Feedback.select(Feedback.join_id).where(
        (Feedback.staff_id == staff_id) & Feedback.live())}
    all_joins = joins.joins_of(staff_id)
    # Pause moments and focus titles for every join at once, not a query per join.
    events: dict[str, list[tuple[str, int]]] = {}
    for kind, at, jid in database.execute_sql(
            "SELECT e.kind, e.at, e.join_id FROM join_event e JOIN \"join\" j ON j.id = e.join_id "
            "WHERE j.staff_id = ? AND e.deleted = 0 ORDER BY e.at, e.hlc", (staff_id,)).fetchall():
        events.setdefault(jid, []).append((kind, at))
    titles = dict(database.execute_sql("SELECT id, title FROM framework_item").fetchall())
    for j in all_joins:
        day = dt.date.fromtimestamp(j.started_at / 1000).isoformat()
        title = joins.focus_title(j, titles)
        length = joins.duration_words(joins.timing(j, events=events.get(j.id, [])).elapsed)
        state = "running" if not j.ended_at else length
        fb = " · feedback given" if j.id in with_feedback else " · no feedback yet"
        out.append(Entry(day, "join", f"{title} · {state} · {plural(note_counts.get(j.id, 0), 'note')}{fb}",
                         join_id=j.id))
    for s in feedback.action_steps(staff_id):
        status = f"mastered {s.mastered_on}" if s.status == "mastered" else s.status  # in progress, replaced
        out.append(Entry(s.set_on, "action step", f"[{status}] {s.text}", step_id=s.id,
                         mastered=s.status == "mastered"))
    targets = database.execute_sql(
        "SELECT f.given_on, i.part, i.text, i.private FROM feedback f JOIN feedback_item i ON i.feedback_id = f.id "
        "WHERE f.staff_id = ? AND f.deleted = 0 AND i.deleted = 0 AND i.part IN ('target_what', 'target_deadline') "
        "AND i.text != '' ORDER BY f.given_on", (staff_id,)).fetchall()
    by_day: dict[str, dict[str, str]] = {}
    for day, part, text, private in targets:
        # A private field is this laptop's only: marked as the rest of the app marks private words.
        by_day.setdefault(day, {})[part] = f"{PRIVATE}{text}" if private and part == "target_what" else text
    for day, t in by_day.items():
        if t.get("target_what"):
            by = f" by {t['target_deadline']}" if t.get("target_deadline") else ""
            out.append(Entry(day, "target", f"{t['target_what']}{by}"))
    out.sort(key=lambda e: e.date, reverse=True)
    return out
