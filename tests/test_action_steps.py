"""One action step in progress per teacher (issue 13: History filled with the
same step "[in progress]" after each feedback, the old ones left open)."""

from __future__ import annotations

from coachtui.lessons import feedback, history, joins
from coachtui.roster import staff
from coachtui.store import write
from coachtui.store.models import ActionStep, Join


def ended_join(teacher: str, days_ago: int) -> str:
    jid = joins.start(teacher, focus_item_id=None, focus_text="Routines")
    start = joins.get(jid).started_at - days_ago * 86_400_000
    Join.update(started_at=start).where(Join.id == jid).execute()
    joins.end(joins.get(jid), at=start + 20 * 60_000)
    return jid


def steps(teacher):
    return sorted((s.text, s.status) for s in feedback.action_steps(teacher))


def in_progress(teacher):
    return [s.text for s in feedback.action_steps(teacher) if s.status == "in progress"]


def test_the_same_step_again_continues_it(store):
    zain = staff.save(name="Zain Khan")
    for days in (2, 0):
        feedback.save(joins.get(ended_join(zain, days)), {"action_step": ("Wait 3 seconds after questions", False)})
    assert steps(zain) == [("Wait 3 seconds after questions", "in progress")]
    step = [e for e in history.entries(zain) if e.what == "action step"]
    assert len(step) == 1


def test_a_new_step_replaces_the_one_in_progress(store):
    zain = staff.save(name="Zain Khan")
    feedback.save(joins.get(ended_join(zain, 2)), {"action_step": ("Wait 3 seconds", False)})
    feedback.save(joins.get(ended_join(zain, 0)), {"action_step": ("Cold call", False)})
    assert steps(zain) == [("Cold call", "in progress"), ("Wait 3 seconds", "replaced")]
    assert in_progress(zain) == ["Cold call"]
    details = [e.detail for e in history.entries(zain) if e.what == "action step"]
    assert "[replaced] Wait 3 seconds" in details
    assert joins.current_action_step(zain).text == "Cold call"
    write.undo()  # the save is undone: the old step is in progress again
    assert in_progress(zain) == ["Wait 3 seconds"]


def test_undo_redo_of_a_joins_end_and_saving_again_keeps_one_step(store):
    uzma = staff.save(name="Uzma Zielinski")
    feedback.save(joins.get(ended_join(uzma, 3)), {"action_step": ("Model the task", False)})
    jid = joins.start(uzma, focus_item_id=None, focus_text="Routines")
    joins.end(joins.get(jid))
    feedback.save(joins.get(jid), {"action_step": ("Model the task", False)})
    write.undo()  # the feedback
    write.undo()  # the end of the join
    write.redo()
    write.redo()
    feedback.save(joins.get(jid), {"action_step": ("Model the task", False)})
    assert in_progress(uzma) == ["Model the task"]
    assert ActionStep.select().where((ActionStep.staff_id == uzma) & ActionStep.live()).count() == 1
