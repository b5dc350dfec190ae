"""Made-up coaching history for the demo and for benchmarks: lesson joins,
feedback, action steps and coaching cycles over past weeks.

Deterministic for a seed. Rows go in through `write.insert_new` in chunks,
inside one transaction, so three years of a 5,000-staff trust (~600,000
joins) takes well under a minute. With `details` (the demo a person opens)
each join also has timed notes and tallies and its feedback is written out;
the benchmarks leave them out.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from coachtui.lessons.feedback import item_id
from coachtui.lessons.joins import tally_labels_for
from coachtui.store import db as store_db
from coachtui.store import write as w
from coachtui.store.models import (
    ActionStep,
    CoachingCycle,
    CycleEvent,
    Feedback,
    FeedbackItem,
    Join,
    Note,
    Tally,
    database,
    derived_id,
    new_id,
)

CHUNK = 50_000
JOIN_MINUTES = 20
DETAIL_WEEKS = 6  # joins this recent get notes, tallies and their feedback in full

# What a coach writes at the back of a classroom: a few of each, picked per join.
OBSERVATIONS = (
    "Starter on the board as pupils came in; most began at once",
    "Back row slow to settle; two pupils without books",
    "Clear model on the visualiser, worked step by step",
    "Pupils paired to discuss before answering",
    "Mini whiteboards up: about a third had the wrong sign",
    "Teacher circulated and checked the first two answers of every pupil",
    "Transition to independent work took about three minutes",
    "Hands up only; the same four pupils answered",
    "Exit ticket handed out with five minutes left",
    "Lesson objective referred back to at the end",
)
STRENGTHS = (
    "Warm, calm greeting at the door",
    "Routines for handing out books are slick",
    "Explanations are clear and short",
    "Praise names the behaviour wanted",
    "Strong subject knowledge; misconception spotted at once",
    "Relationships: pupils keen to answer",
    "Good use of wait time after questions",
)
QUESTIONS = (
    "What did the exit tickets show?",
    "Which pupils do you plan to check first next lesson?",
    "How did the seating plan change this week?",
    "What would you want the class to say the lesson was about?",
    "How could the starter be checked more quickly?",
)
PRIVATE = (
    "Seemed tired; ask how the workload is",
    "Mention the mocks marking deadline gently",
    "Follow up with head of year about the back row",
)


def _note_rows(jid: str, sid: str, started: int, next_step: str, rnd) -> list[dict]:
    """Timed notes of one join: observations, a strength, a next step, a
    question and one private note, at rising moments of its 20 minutes."""
    kinds = [("observation", t, False) for t in rnd.sample(OBSERVATIONS, 2)]
    kinds += [("strength", rnd.choice(STRENGTHS), False), ("next", next_step, False),
              ("question", rnd.choice(QUESTIONS), False), ("observation", rnd.choice(PRIVATE), True)]
    moments = sorted(rnd.sample(range(60, JOIN_MINUTES * 60 - 30), len(kinds)))
    # The next step and the question come last, as the lesson ends.
    order = [0, 1, 2, 5, 3, 4]
    return [dict(id=new_id(), join_id=jid, staff_id=sid, at=started + moments[n] * 1000, elapsed=moments[n],
                 kind=kinds[k][0], text=kinds[k][1], private=kinds[k][2]) for n, k in enumerate(order)]


def _tally_rows(jid: str, started: int, labels: list[str], rnd) -> list[dict]:
    out = []
    for label in labels[:2]:
        for at in sorted(rnd.sample(range(30, JOIN_MINUTES * 60), rnd.randint(1, 5))):
            out.append(dict(id=new_id(), join_id=jid, label=label, at=started + at * 1000, elapsed=at))
    return out


def _ms(day: dt.date, hour: int, minute: int) -> int:
    return int(time.mktime((day.year, day.month, day.day, hour, minute, 0, 0, 0, -1)) * 1000)


def _term_week(day: dt.date) -> bool:
    """Roughly: no joins in August or in the Christmas and Easter weeks."""
    return day.month != 8 and not (day.month == 12 and day.day > 20) and not (day.month == 4 and day.day < 8)


def fill_history(weeks: int = 52, on: dt.date | None = None, seed: int = 1, join_rate: float = 0.85,
                 details: bool = False) -> dict[str, int]:
    """Joins for active teachers with a coach, about weekly (`join_rate` of
    term weeks) over the `weeks` before `on`; feedback after most joins; a new
    action step every few weeks, most mastered; a coaching cycle a term.
    `details`: notes, tallies and the feedback's words too (the demo)."""
    on = on or dt.date.today()
    rnd = random.Random(seed)
    teachers = database.execute_sql(
        "SELECT s.id, s.coach_id FROM staff s JOIN staff c ON c.id = s.coach_id "
        "WHERE s.deleted = 0 AND s.archived = 0 AND (',' || s.roles || ',') LIKE '%,teacher,%' ORDER BY s.id").fetchall()
    focus: dict[str, list[str]] = {}
    for sid, item in database.execute_sql(
            "SELECT staff_id, item_id FROM staff_focus WHERE deleted = 0 AND kind = 'development' ORDER BY id"):
        focus.setdefault(sid, []).append(item)
    titles, criteria = {}, {}
    for fid, title, detail in database.execute_sql("SELECT id, title, detail FROM framework_item").fetchall():
        titles[fid], criteria[fid] = title, detail
    tallies: dict[str, list[str]] = {}
    steps = [r[0] for r in database.execute_sql(
        "SELECT id FROM framework_item WHERE kind = 'step' AND deleted = 0 AND retired = 0 ORDER BY code, id")]
    start = on - dt.timedelta(weeks=weeks)
    recent = on - dt.timedelta(weeks=DETAIL_WEEKS)
    mondays = [start + dt.timedelta(weeks=k, days=-start.weekday()) for k in range(weeks + 1)]
    mondays = [m for m in mondays if m < on - dt.timedelta(days=1) and _term_week(m)]
    joins, fbs, acts, cycles, events, notes, marks, items = [], [], [], [], [], [], [], []
    counts = dict.fromkeys(("joins", "feedback", "action_steps", "cycles"), 0)

    def flush(force: bool = False) -> None:
        for model, rows, key in ((Join, joins, "joins"), (Feedback, fbs, "feedback"),
                                 (ActionStep, acts, "action_steps"), (CoachingCycle, cycles, "cycles"),
                                 (CycleEvent, events, None), (Note, notes, None), (Tally, marks, None),
                                 (FeedbackItem, items, None)):
            if rows and (force or len(rows) >= CHUNK):
                w.insert_new(model, rows)
                if key:
                    counts[key] += len(rows)
                rows.clear()

    with store_db.transaction():
        for sid, coach in teachers:
            areas = focus.get(sid) or [rnd.choice(steps)]
            item = rnd.choice(areas)
            step_from = None
            cycle_start = None
            for k, monday in enumerate(mondays):
                if k % 13 == 0:  # a coaching cycle a term, each on a new focus
                    if cycle_start:
                        _cycle(cycles, events, sid, coach, item, cycle_start, monday, rnd)
                    item = rnd.choice(areas) if rnd.random() < 0.7 else rnd.choice(steps)
                    cycle_start = monday
                # join_rate joins a week on average: 0.85 misses some weeks, 1.2 sees some teachers twice.
                for _ in range(int(join_rate) + (rnd.random() < join_rate % 1)):
                    had_feedback = len(fbs)
                    step_from = _join(joins, fbs, acts, sid, coach, item, monday, step_from, on, rnd)
                    if acts and acts[-1]["text"] is None:
                        acts[-1]["text"] = titles.get(item, "")  # the framework step, in its words
                        acts[-1]["criteria"] = criteria.get(item, "")
                    if details:
                        j = joins[-1]
                        fb = fbs[-1] if len(fbs) > had_feedback else None
                        if monday >= recent:  # the weeks a person reads: notes, tallies, the whole feedback
                            notes += _note_rows(j["id"], sid, j["started_at"], titles.get(item, ""), rnd)
                            if item not in tallies:
                                tallies[item] = tally_labels_for(item)
                            marks += _tally_rows(j["id"], j["started_at"], tallies[item], rnd)
                            if fb:
                                items += _feedback_items(fb, notes[-6:], titles.get(item, ""), criteria.get(item, ""))
                        elif fb:  # earlier feedback, in brief (a start-up cost kept small)
                            items += _feedback_items(fb, [], titles.get(item, ""), "", brief=rnd.choice(STRENGTHS))
            if cycle_start:
                _cycle(cycles, events, sid, coach, item, cycle_start, None, rnd)
            _one_step_in_progress(acts, sid)
            flush()
        flush(force=True)
    return counts


def _join(joins, fbs, acts, sid, coach, item, monday: dt.date, step_from, on: dt.date, rnd) -> dt.date | None:
    """One join, feedback after most, a new action step every few weeks. Returns
    when the current action step was set."""
    day = monday + dt.timedelta(days=rnd.randrange(5))
    started = _ms(day, rnd.randrange(9, 15), rnd.choice((0, 10, 20, 30, 40, 50)))
    jid = new_id()
    rnd.random()  # (was: a made-up "own focus"; the draw is kept so a seed gives the same school)
    joins.append(dict(id=jid, staff_id=sid, coach_id=coach, focus_item_id=item, focus_text="",
                      started_at=started, ended_at=started + JOIN_MINUTES * 60_000))
    if rnd.random() >= 0.85:
        return step_from
    given = day + dt.timedelta(days=rnd.randrange(3))
    fid = derived_id("feedback", jid)  # as lessons.feedback.feedback_id: found from its join
    fbs.append(dict(id=fid, join_id=jid, staff_id=sid, coach_id=coach, action_item_id=item,
                    given_on=given.isoformat(),
                    next_join=(given + dt.timedelta(days=rnd.choice((7, 7, 14)))).isoformat()))
    if step_from is None or (given - step_from).days >= rnd.choice((14, 21, 28)):
        step_from = given
        took = rnd.randrange(10, 50)
        done = given + dt.timedelta(days=took) < on and rnd.random() < 0.8
        last = acts[-1] if acts and acts[-1]["staff_id"] == sid else None
        if last is not None and last["item_id"] == item:
            return step_from  # the same step goes on: one step, not a copy (as lessons.feedback keeps it)
        acts.append(dict(id=new_id(), staff_id=sid, feedback_id=fid, item_id=item, text=None,
                         status="mastered" if done else "in progress", set_on=given.isoformat(),
                         mastered_on=(given + dt.timedelta(days=took)).isoformat() if done else ""))
    return step_from


def _feedback_items(fb: dict, notes: list[dict], step: str, criteria: str, brief: str = "") -> list[dict]:
    """A feedback's words: the join's shared strengths, the framework step as
    the action step with its criteria, and the next join; `brief`: only a
    strength and the step."""
    fid = fb["id"]
    if brief:
        parts = {"strengths": f"- {brief}", "action_step": step}
    else:
        strengths = "\n".join(f"- {n['text']}" for n in notes if n["kind"] == "strength" and not n["private"])
        parts = {"strengths": strengths, "action_step": step, "criteria": criteria,
                 "practice": "Rehearse it in an empty classroom before period 1", "next_join": fb["next_join"]}
    return [dict(id=item_id(fid, part), feedback_id=fid, part=part, text=text, private=False)
            for part, text in parts.items()]


def _one_step_in_progress(acts: list[dict], sid: str) -> None:
    """A teacher has one action step in progress: each earlier one not
    mastered was replaced by the next (as lessons.feedback keeps it)."""
    open_steps = [a for a in acts if a["staff_id"] == sid and a["status"] == "in progress"]
    for a in open_steps[:-1]:
        a["status"] = "replaced"


def _cycle(cycles, events, sid, coach, item, begun: dt.date, ended: dt.date | None, rnd) -> None:
    """A cycle in its first round, with the stages it reached: all five for a
    closed one (over its term), the initial meeting and a join for the open one."""
    cid = new_id()
    stage = "practice" if ended else "join"
    cycles.append(dict(id=cid, staff_id=sid, coach_id=coach, focus_item_id=item, started_on=begun.isoformat(),
                       ended_on=ended.isoformat() if ended else "", stage=stage, round=1))
    reached = ("initial", "join", "feedback", "research", "practice") if ended else ("initial", "join")
    for n, s in enumerate(reached):
        events.append(dict(id=new_id(), cycle_id=cid, stage=s, round=1,
                           on=(begun + dt.timedelta(days=n * 7 if ended else n)).isoformat()))
    rnd.randint(1, 3)  # (was: a random round with no stages behind it; the draw keeps a seed's school)
