"""Issue 13, the coach's side: a past join's own record, who this laptop's
coach is, plurals, a join's focus read one way, and past due dates marked."""

import datetime as dt

import pytest

from coachtui.base.text import plural
from coachtui.coaching import cycles
from coachtui.lessons import feedback, history, join_record, joins
from coachtui.roster import staff
from coachtui.store.models import Join
from coachtui.teaching.framework import item_id


class Clock:
    def __init__(self, t=1_800_000_000_000):
        self.t = t

    def __call__(self):
        return self.t

    def advance(self, seconds):
        self.t += int(seconds * 1000)


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(joins, "now_ms", c)
    return c


@pytest.fixture
def people(store):
    cara = staff.save(name="Cara Coach", roles="teacher,coach")
    cal = staff.save(name="Cal Coach", roles="coach")
    tia = staff.save(name="Tia Teacher", coach_id=cara, support="support")
    return {"cara": cara, "cal": cal, "tia": tia}


def test_plural_says_one_note_and_two_notes():
    assert plural(1, "note") == "1 note"
    assert plural(0, "note") == "0 notes"
    assert plural(2, "note") == "2 notes"
    assert plural(1, "coach", "coaches") == "1 coach"
    assert plural(3, "coach", "coaches") == "3 coaches"


def test_history_says_1_note_not_1_notes(people, clock):
    j = Join.get_by_id(joins.start(people["tia"], focus_item_id=None, focus_text="Routines"))
    joins.add_note(j, "settled quickly")
    clock.advance(60)
    joins.end(j)
    detail = history.entries(people["tia"])[0].detail
    assert "1 note" in detail and "1 notes" not in detail
    assert "1 min" in detail


def test_a_join_has_one_focus_in_history_and_on_the_cycle(people, clock):
    # The cycle's focus is one step; the join agreed another (picked from the framework, no own words).
    cycles.start(people["tia"], focus_item_id=item_id("QU.1.1"), on="2020-01-01")
    j = Join.get_by_id(joins.start(people["tia"], focus_item_id=item_id("BR.1.1")))
    joins.end(j)
    from coachtui.screens.cycle import timeline

    on_cycle = next(r[2] for r in timeline(people["tia"], cycles.current(people["tia"])) if r[1] == "join")
    in_history = history.entries(people["tia"])[0].detail.split(" · ")[0]
    assert on_cycle == in_history
    assert in_history == joins.focus_title(j)
    assert joins.focus_title(j) == joins.focus_of(j)[0]


def test_a_joins_coach_is_who_joined_not_the_teachers_coach(people, clock):
    joins.set_this_coach(people["cal"])
    jid = joins.start(people["tia"], focus_item_id=None, focus_text="Routines", coach_id=people["cara"])
    assert Join.get_by_id(jid).coach_id == people["cal"]


def test_with_no_coach_on_this_laptop_the_join_keeps_the_callers_coach(people, clock):
    joins.set_this_coach(None)
    jid = joins.start(people["tia"], focus_item_id=None, focus_text="Routines", coach_id=people["cara"])
    assert Join.get_by_id(jid).coach_id == people["cara"]
    assert joins.this_coach() is None


def test_a_this_coach_no_longer_a_coach_is_not_recorded(people, clock):
    joins.set_this_coach(people["tia"])  # not a coach: ignored
    jid = joins.start(people["tia"], focus_item_id=None, focus_text="Routines", coach_id=people["cara"])
    assert Join.get_by_id(jid).coach_id == people["cara"]


def test_a_past_joins_record_holds_notes_times_kinds_tallies_and_feedback(people, clock):
    j = Join.get_by_id(joins.start(people["tia"], focus_item_id=item_id("QU.1.1"), minutes=20,
                                   tallies=["questions asked", "cold calls", "never pressed"]))
    clock.advance(65)
    joins.add_note(j, "Good wait time", kind="strength")
    joins.tally(j, "questions asked")
    clock.advance(600)
    joins.add_note(j, "Why do pupils call out?", kind="question", private=True)
    joins.tally(j, "questions asked")
    joins.tally(j, "cold calls")
    clock.advance(535)
    joins.end(j)
    feedback.save(j, {"strengths": ("- wait time", False), "action_step": ("Cold call more", False)})
    rec = join_record.record(j.id)
    assert rec.teacher == "Tia Teacher" and rec.ended and rec.elapsed == 1200
    assert rec.focus == joins.focus_title(j)
    assert [(n.time, n.kind, n.text, n.private) for n in rec.notes] == [
        ("01:05", "strength", "Good wait time", False),
        ("11:05", "question", "Why do pupils call out?", True)]
    assert {t.label: len(t.times) for t in rec.tallies} == {"questions asked": 2, "cold calls": 1,
                                                           "never pressed": 0}
    fields = {f.part: f.text for f in rec.feedback}
    assert fields["strengths"] == "- wait time" and rec.has_feedback


def test_tally_timeline_buckets_every_press():
    # 20 minutes in 10 buckets of 2 minutes: presses at 1:05, 11:05, 11:06 and at the very end.
    row = join_record.buckets([65, 665, 666, 1200], 1200, 10)
    assert row == [1, 0, 0, 0, 0, 2, 0, 0, 0, 1]
    assert sum(join_record.buckets([5000], 1200, 4)) == 1  # a press past the length lands in the last one
    assert join_record.marks([0, 1, 9, 12]) == "·19+"


def test_a_note_made_private_after_the_join_ended(people, clock):
    j = Join.get_by_id(joins.start(people["tia"], focus_item_id=None, focus_text="Routines"))
    nid = joins.add_note(j, "Tired today")
    joins.end(j)
    join_record.make_private(nid)
    rec = join_record.record(j.id)
    assert [(n.text, n.private) for n in rec.notes] == [("Tired today", True)]


def test_the_roster_marks_a_past_next_due(people):
    from coachtui.screens.roster import cells

    row = next(r for r in staff.roster_rows() if r.name == "Tia Teacher")
    row.next_due = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    assert "overdue" in cells(row)[-1] or "!" in cells(row)[-1]
    row.next_due = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    assert cells(row)[-1] == row.next_due


def test_the_demos_feedback_opens_from_its_join(store):
    """History said "feedback given" for a demo join whose page found none: the
    demo's feedback ids must be the ones a join's feedback is looked up by."""
    from coachtui.demo import school
    from coachtui.demo.history import fill_history
    from coachtui.store.models import Feedback

    school.fill(40, seed=3)
    fill_history(weeks=4)
    fb = Feedback.select().where(Feedback.live()).first()
    assert fb is not None
    assert feedback.get(fb.join_id) is not None
    assert join_record.record(fb.join_id).has_feedback


def test_counts_of_one_read_in_the_singular_across_the_app(people, clock, tmp_path):
    """The siblings of "1 notes": a coverage line, a CSV import, a bundle's
    headline, the teacher's summary, a PLC board column."""
    from coachtui.roster import csv_import
    from coachtui.sync.merge import Summary

    rows = [r for r in staff.roster_rows() if r.name in ("Tia Teacher", "Cal Coach")]
    assert "/1 teacher coached" in staff.coverage(rows, 10).summary()
    report = csv_import.Report(path="staff.csv")
    report.warnings.append((2, "odd"))
    assert report.summary().endswith("1 warning")
    merge = Summary(path="b.bundle")
    merge.tables["note"].conflicts = 1
    assert merge.headline().endswith("1 conflict")
    j = Join.get_by_id(joins.start(people["tia"], focus_item_id=None, focus_text="Routines"))
    clock.advance(61)
    joins.end(j)
    feedback.save(j, {"strengths": ("- calm", False)})
    assert ", 1 minute." in feedback.teacher_summary(j.id)


def test_a_private_target_is_marked_in_history(people, clock):
    j = Join.get_by_id(joins.start(people["tia"], focus_item_id=None, focus_text="Routines"))
    joins.end(j)
    feedback.save(j, {"target_what": ("Calm entry every lesson", True)})
    target = next(e for e in history.entries(people["tia"]) if e.what == "target")
    assert target.detail.startswith("🔒 PRIVATE · Calm entry")
