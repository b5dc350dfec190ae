"""Coaching cycles, cadence and support-level changes, with a fixed clock."""

import datetime as dt

import pytest

from coachtui.base.errors import UserError
from coachtui.coaching import cadence, cycles
from coachtui.lessons import feedback, joins
from coachtui.roster import staff
from coachtui.store import write
from coachtui.store.models import ActionStep, CoachingCycle, Join, SupportChange
from coachtui.teaching import framework

DAY = 86400_000


def ms(day: str) -> int:
    return int(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(9)).timestamp() * 1000)


@pytest.fixture
def school(store):
    framework.ensure_loaded()
    north = staff.site_named("North")
    coach = staff.save(name="Cara Coach", roles="teacher,coach", site_id=north)
    t = staff.save(name="Tia Teacher", site_id=north, coach_id=coach, support="support")
    return north, coach, t


def join_on(monkeypatch, teacher, day, minutes=20):
    monkeypatch.setattr(joins, "now_ms", lambda: ms(day))
    jid = joins.start(teacher, focus_item_id=None, focus_text="Routines")
    joins.end(Join.get_by_id(jid), at=ms(day) + minutes * 60_000)
    return jid


def test_a_cycle_moves_through_the_stages_and_round_again(school, monkeypatch):
    north, coach, t = school
    step = framework.steps()[0]
    c = cycles.start(t, focus_item_id=step.id, on="2026-09-07", strengths="Warm relationships",
                     development="Transitions", evidence="Lesson plans", outcomes="Calm starts", way_in="Door routine")
    row = CoachingCycle.get_by_id(c)
    assert (row.stage, row.round, row.coach_id, row.way_in) == ("initial", 1, coach, "Door routine")
    with pytest.raises(UserError, match="already has an open cycle"):
        cycles.start(t)
    # The classroom workflow moves it on: a join, then feedback.
    jid = join_on(monkeypatch, t, "2026-09-10")
    assert CoachingCycle.get_by_id(c).stage == "join"
    feedback.save(Join.get_by_id(jid), {"action_step": ("Meet at the door", False)})
    assert CoachingCycle.get_by_id(c).stage == "feedback"
    assert cycles.advance(c) == "research"
    assert cycles.advance(c) == "practice"
    # The next join starts round two.
    join_on(monkeypatch, t, "2026-09-24")
    row = CoachingCycle.get_by_id(c)
    assert (row.stage, row.round) == ("join", 2)
    # (Feedback is dated today and the joins in September: compare in the order recorded.)
    assert [(e.stage, e.round) for e in sorted(cycles.events(c), key=lambda e: e.hlc)] == [
        ("initial", 1), ("join", 1), ("feedback", 1), ("research", 1), ("practice", 1), ("join", 2)]
    assert len(cycles.joins_in(row)) == 2
    cycles.close(c, on="2026-10-20")
    assert cycles.current(t) is None and cycles.joins_in(CoachingCycle.get_by_id(c))
    with pytest.raises(UserError, match="closed"):
        cycles.advance(c)
    assert write.undo() == "close the coaching cycle"
    assert cycles.current(t).id == c


def test_visits_and_next_step_suggestions(school):
    north, coach, t = school
    steps = framework.steps()
    from coachtui.roster import focus_areas

    south = staff.site_named("South")
    near = staff.save(name="Near Colleague", site_id=north)
    far = staff.save(name="Far Colleague", site_id=south)
    focus_areas.set_focus(far, steps[0].id, "strength")
    focus_areas.set_focus(near, steps[0].id, "strength")
    c = cycles.start(t, focus_item_id=steps[0].id)
    assert [v.name for v in cycles.suggest_visits(c)] == ["Near Colleague", "Far Colleague"]
    assert cycles.suggest_next_step(t).id == steps[0].id
    write.write(ActionStep, staff_id=t, item_id=steps[0].id, text="x", status="mastered", mastered_on="2026-10-01")
    write.write(ActionStep, staff_id=t, item_id=steps[1].id, text="y", status="in progress")
    assert cycles.suggest_next_step(t).id == steps[2].id


def test_support_changes_are_recorded_with_reason_and_who(school):
    north, coach, t = school
    with pytest.raises(UserError, match="say why"):
        cycles.set_support(t, "structured", "  ")
    cycles.set_support(t, "structured", "Behaviour concerns after half term", by_staff_id=coach, on="2026-11-02")
    assert staff.get(t).support == "structured"
    [ch] = cycles.support_changes(t)
    assert (ch.from_level, ch.to_level, ch.reason, ch.by_staff_id, ch.on) == (
        "support", "structured", "Behaviour concerns after half term", coach, "2026-11-02")
    assert cycles.direction(ch) == "up"
    write.undo()
    assert staff.get(t).support == "support" and SupportChange.select().where(SupportChange.live()).count() == 0


def test_cadence_due_overdue_and_on_track_with_a_fixed_clock(school, monkeypatch):
    north, coach, t = school
    on = dt.date(2026, 11, 23)
    monkeypatch.setattr(cadence, "_today", lambda: on)  # today is `on`: the changes made below count
    d = cadence.dues(on)
    # Never seen: due from coming onto the roster (today here), + 14 days on support.
    assert d[t].due_on == "2026-12-07" and d[t].state == "on track"
    assert coach in d  # coaches who teach are teachers too
    join_on(monkeypatch, t, "2026-11-02")  # support: every 14 days
    d = cadence.dues(on)[t]
    assert (d.due_on, d.why, d.state, d.last_joined) == ("2026-11-16", "join", "overdue", "2026-11-02")
    cadence.set_days(north, "support", 28)  # this school sees support monthly
    assert cadence.dues(on)[t].due_on == "2026-11-30" and cadence.dues(on)[t].state == "due soon"
    cadence.set_days(None, "support", 7)  # the trust default does not override the site
    assert cadence.dues(on)[t].due_on == "2026-11-30"
    cadence.set_days(north, "support", None)  # back to the trust's
    assert cadence.dues(on)[t].due_on == "2026-11-09"
    with pytest.raises(UserError, match="not a number"):
        cadence.set_days(north, "support", "often")
    with pytest.raises(UserError, match="0 to 366"):
        cadence.set_days(north, "support", 9999)
    # No extra support: fortnightly by default (every teacher is coached weekly or fortnightly).
    cycles.set_support(t, "none", "Doing well")
    assert cadence.dues(on)[t].due_on == "2026-11-16"
    # A school that sets 0 has no regular joins there: only the termly follow-up from the last contact.
    cadence.set_days(north, "none", 0)
    d = cadence.dues(on)[t]
    assert (d.due_on, d.why, d.state) == ("2027-01-25", "follow-up", "on track")
    # A date agreed at feedback wins over the interval.
    cycles.set_support(t, "structured", "New concerns")
    jid = join_on(monkeypatch, t, "2026-11-20")
    feedback.save(Join.get_by_id(jid), {"next_join": ("2026-12-04", False)})
    d = cadence.dues(on)[t]
    assert (d.due_on, d.why) == ("2026-12-04", "agreed join")


def test_cadence_set_many_is_one_step_and_a_bad_value_changes_nothing(school):
    north, coach, t = school
    with pytest.raises(UserError, match="not a number"):
        cadence.set_many(north, {"support": "21", "structured": "weekly"})
    assert cadence.settings() == {}
    cadence.set_many(north, {"support": "21", "structured": "5"})
    assert cadence.settings() == {(north, "support"): 21, (north, "structured"): 5}
    write.undo()
    assert cadence.settings() == {}


def test_a_planned_join_is_the_date_due_until_a_join_happens(school, monkeypatch):
    north, coach, t = school
    join_on(monkeypatch, t, "2026-11-02")  # support: due 2026-11-16, overdue on the 23rd
    on = dt.date(2026, 11, 23)
    assert cadence.dues(on)[t].state == "overdue"
    monkeypatch.setattr(cadence.dt, "date", type("D", (dt.date,), {"today": classmethod(lambda c: on)}))
    with pytest.raises(UserError, match="has passed"):
        cadence.plan_join(t, "2026-11-20")
    with pytest.raises(UserError, match="not a date"):
        cadence.plan_join(t, "next tuesday")
    cadence.plan_join(t, "2026-11-26", "Bring the seating plan")
    d = cadence.dues(on)[t]
    assert (d.due_on, d.why, d.state) == ("2026-11-26", "planned join", "due soon")
    join_on(monkeypatch, t, "2026-11-26")  # the planned join happened: back to the cadence
    assert cadence.dues(on)[t].why == "join" and cadence.dues(on)[t].due_on == "2026-12-10"


def test_undo_names_what_was_done(school):
    """Issue 13: v then Enter added a visit; Ctrl+Z said "Undone: edit the initial meeting"."""
    north, coach, t = school
    c = cycles.start(t, focus_item_id=framework.steps()[0].id)
    cycles.add_visit(c, "Near Colleague")
    assert CoachingCycle.get_by_id(c).visits == "Visit Near Colleague"
    assert write.undo() == "add a visit to Near Colleague"
    assert write.redo() == "add a visit to Near Colleague"
    cycles.add_visit(c, "Far Colleague")
    assert CoachingCycle.get_by_id(c).visits == "Visit Near Colleague\nVisit Far Colleague"
    cadence.set_many(north, {"support": "21"})
    assert write.undo_label() == "change the cadence"


def test_due_today_reads_due_today():
    on = dt.date(2026, 11, 29)
    assert cadence.state("2026-11-29", on) == "due today"
    assert cadence.state("2026-11-28", on) == "overdue"
    assert cadence.state("2026-11-30", on) == "due soon"
    assert cadence.state("2026-12-30", on) == "on track"
    assert "due today" in cadence.STATES
