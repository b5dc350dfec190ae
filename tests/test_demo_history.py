"""The demo's past joins give something to read (issue 13): timed notes,
tallies, filled feedback on real framework steps, one action step in progress
per teacher, and cycles whose round has its stages."""

from __future__ import annotations

from collections import Counter

import pytest

from coachtui.demo import school
from coachtui.demo.history import fill_history
from coachtui.lessons import feedback, join_record
from coachtui.store.models import ActionStep, CoachingCycle, CycleEvent, Feedback, FrameworkItem, Join, Note, Tally


@pytest.fixture
def demo(store):
    from coachtui.teaching import framework

    framework.ensure_loaded()
    school.fill(40, seed=3)
    fill_history(weeks=8, details=True)


def test_past_joins_have_notes_tallies_and_feedback(demo):
    steps = {i.id: i for i in FrameworkItem.select().where(FrameworkItem.kind == "step")}
    all_joins = list(Join.select().where(Join.live()))
    assert all_joins
    assert not [j for j in all_joins if j.focus_text == "own focus"]
    assert all(j.focus_item_id in steps for j in all_joins)
    import time

    recent = [j for j in all_joins if j.started_at > (time.time() - 5 * 7 * 86400) * 1000]
    assert recent
    for j in recent[:20]:
        notes = list(Note.select().where(Note.join_id == j.id))
        assert len(notes) >= 4
        assert {"observation", "strength", "next", "question"} <= {n.kind for n in notes}
        assert sum(n.private for n in notes) == 1
        assert all(0 < n.elapsed < 20 * 60 and n.at == j.started_at + n.elapsed * 1000 for n in notes)
        assert Tally.select().where(Tally.join_id == j.id).count() >= 2
    for fb in Feedback.select().where(Feedback.live()):  # none saved with every field empty
        assert feedback.items(fb.id)["action_step"].text == steps[fb.action_item_id].title
    fb = Feedback.select().where(Feedback.live() & Feedback.join_id.in_([j.id for j in recent])).first()
    rec = join_record.record(fb.join_id)
    assert rec.has_feedback
    parts = {i.part: i.text for i in feedback.items(fb.id).values()}
    step = steps[fb.action_item_id]
    assert parts["action_step"] == step.title
    assert parts["criteria"] == step.detail and parts["criteria"]
    assert parts["strengths"]


def test_one_action_step_in_progress_per_teacher(demo):
    open_steps = Counter(s.staff_id for s in ActionStep.select().where(
        ActionStep.live() & (ActionStep.status == "in progress")))
    assert open_steps and max(open_steps.values()) == 1


def test_a_cycles_round_has_its_stages(demo):
    for c in CoachingCycle.select():
        events = list(CycleEvent.select().where(CycleEvent.cycle_id == c.id))
        assert max(e.round for e in events) == c.round
        assert c.stage in {e.stage for e in events if e.round == c.round}


def test_no_teacher_has_the_same_step_twice_in_a_row(demo):
    by_teacher: dict[str, list] = {}
    for s in ActionStep.select().where(ActionStep.live()).order_by(ActionStep.set_on):
        by_teacher.setdefault(s.staff_id, []).append(s.item_id)
    for items in by_teacher.values():
        assert all(a != b for a, b in zip(items, items[1:], strict=False))
