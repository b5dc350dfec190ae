"""PLCs, sessions and priority plans: the service layer, suggestions, due dates and sync."""

import pytest

from coachtui.base.errors import UserError
from coachtui.plcs import meetings, plans, plc
from coachtui.roster import focus_areas, staff
from coachtui.store import write
from coachtui.store.models import Evidence, Plc, PlcMember, Staff
from coachtui.teaching import framework
from tests.test_sync import Replicas


@pytest.fixture
def school(store):
    framework.ensure_loaded()
    site = staff.site_named("North")
    people = {n: staff.save(name=n, site_id=site) for n in ("Ada", "Ben", "Cat", "Dev", "[red]Eve[/red]")}
    return site, people


def col(board, plc_id):
    return next(c for c in board if c.plc_id == plc_id)


def names(column):
    return [c.name for c in column.cards]


def test_everyone_starts_in_no_plc_and_moves_are_undoable(school):
    site, p = school
    q = plc.save(name="Questioning", focus_text="Higher-order questions")
    b = plc.board()
    assert b[0].plc_id is None and len(b[0].cards) == 5
    assert col(b, q).cards == [] and col(b, q).leader_missing == "no leader yet"
    plc.move_member(p["Ada"], None, q)
    b = plc.board()
    assert names(col(b, q)) == ["Ada"] and "Ada" not in names(b[0])
    r = plc.save(name="Reading")
    plc.move_member(p["Ada"], q, r)
    b = plc.board()
    assert names(col(b, q)) == [] and names(col(b, r)) == ["Ada"]
    assert write.undo() == "move Ada to Reading"
    b = plc.board()
    assert names(col(b, q)) == ["Ada"] and names(col(b, r)) == []
    # Belonging to several is fine; the card leaves "no PLC" once in any.
    plc.add_member(r, p["Ada"])
    assert {x.name for x in plc.memberships(p["Ada"])} == {"Questioning", "Reading"}


def test_one_leader_each_and_an_archived_leader_asks_for_a_new_one(school):
    site, p = school
    q = plc.save(name="Questioning")
    r = plc.save(name="Reading")
    plc.set_leader(q, p["Ben"])
    b = plc.board()
    assert col(b, q).leader == "Ben" and col(b, q).cards[0].leader  # leader joined and listed first
    with pytest.raises(UserError, match="already leads Questioning"):
        plc.set_leader(r, p["Ben"])
    plc.add_member(q, p["Cat"])
    staff.archive(p["Ben"])
    b = plc.board()
    assert col(b, q).leader == "" and col(b, q).leader_missing.startswith("leader archived")
    assert names(col(b, q)) == ["Cat"]  # members still shown
    plc.set_leader(q, p["Cat"])
    assert col(plc.board(), q).leader == "Cat"


def test_archiving_a_plc_returns_its_only_members_to_no_plc(school):
    site, p = school
    q = plc.save(name="Questioning")
    plc.add_member(q, p["Dev"])
    plc.set_archived(q, True)
    b = plc.board()
    assert all(c.plc_id != q for c in b) and "Dev" in names(b[0])
    assert any(c.plc_id == q and c.archived for c in plc.board(include_archived=True))
    with pytest.raises(UserError, match="archived"):
        plc.add_member(q, p["Ada"])
    write.undo()
    assert "Dev" not in names(plc.board()[0])


def test_bad_input_changes_nothing(school):
    site, p = school
    with pytest.raises(UserError, match="needs a name"):
        plc.save(name="   ")
    with pytest.raises(UserError, match="too long"):
        plc.save(name="x" * 10_000)
    with pytest.raises(UserError, match="not in the framework"):
        plc.save(name="Odd", focus_item_id="nope")
    assert Plc.select().count() == 0
    q = plc.save(name="[bold]Odd[/] \x1b[31m name")
    assert plc.get(q).name == "[bold]Odd[/] [31m name"  # literal, terminal escapes dropped
    with pytest.raises(UserError, match="not on the roster"):
        plc.add_member(q, "ghost")
    assert PlcMember.select().count() == 0


def test_suggestions_use_strengths_and_development_areas(school):
    site, p = school
    steps = framework.steps()
    step = steps[0]
    strand = step.parent_id
    for n in ("Ada", "Ben", "Cat"):
        focus_areas.set_focus(p[n], step.id, "development")
    focus_areas.set_focus(p["Dev"], step.id, "strength")
    ideas = plc.suggest_new_plcs()
    assert [(i.site, i.item_id, i.teachers) for i in ideas] == [("North", step.id, 3)]
    # A PLC about the step's strand matches teachers working on the step.
    q = plc.save(name="Starts", focus_item_id=strand)
    assert [i.item_id for i in plc.suggest_new_plcs()] == [step.id]  # a strand PLC does not cover the step
    assert [s.name for s in plc.suggest_members(q)] == ["Ada", "Ben", "Cat"]
    assert [s.name for s in plc.suggest_leaders(q)] == ["Dev"]
    plc.add_member(q, p["Ada"])
    assert [s.name for s in plc.suggest_members(q)] == ["Ben", "Cat"]
    # Once a PLC has the step itself as its focus, the idea is gone.
    plc.save(name="Door", focus_item_id=step.id, site_id=site)
    assert plc.suggest_new_plcs() == []


def test_meetings_record_who_came_and_what_each_will_try(school):
    site, p = school
    q = plc.save(name="Questioning")
    for n in ("Ada", "Ben"):
        plc.add_member(q, p[n])
    s = meetings.save(kind="plc meeting", held_on="2026-11-20", topic="Cold calling", notes="line 1\nline 2",
                      plc_id=q)
    assert [(a.name, a.came) for a in meetings.attendees(s)] == [("Ada", False), ("Ben", False)]
    meetings.set_came(s, p["Ada"], True)
    meetings.set_try_next(s, p["Cat"], "Wait time of 3 s")  # a visitor
    rows = {a.name: a for a in meetings.attendees(s)}
    assert rows["Ada"].came and rows["Cat"].came and not rows["Cat"].member
    assert rows["Cat"].try_next == "Wait time of 3 s" and not rows["Ben"].came
    assert meetings.count_came(s) == 2
    assert [x.id for x in meetings.sessions(q)] == [s]
    assert col(plc.board(), q).last_met == "2026-11-20"
    with pytest.raises(UserError, match="not a date"):
        meetings.save(s, kind="plc meeting", held_on="20/11/2026", plc_id=q)
    assert meetings.get(s).notes == "line 1\nline 2"
    surgery = meetings.save(kind="staff surgery", held_on="")
    assert meetings.get(surgery).held_on  # defaults to today
    assert len(meetings.sessions()) == 2


def test_priority_plan_from_template_to_evidence(school):
    site, p = school
    plan = plans.save(title="Reading fluency in Year 4", team="Year 4", site_id=site,
                      problem="Pupils read slowly", evidence="Running records", approach="Echo reading",
                      measure="Words per minute up by 20")
    a1 = plans.save_action(plan_id=plan, text="Train TAs in echo reading", owner_id=p["Ada"], due="2026-10-01")
    plans.save_action(plan_id=plan, text="Re-test", due="2026-12-20")
    assert plans.next_status(a1) == "doing"
    plans.save_evidence(plan_id=plan, text="Running records: 62 wpm median", kind="data", on="2026-11-01")
    plans.save_peer_session(plan_id=plan, mode="team", partner_team="Year 5", due_on="2026-11-15")
    plans.save_peer_session(plan_id=plan, mode="pair", partner_id=p["Ben"], due_on="2027-02-01")
    [row] = plans.plan_rows(on="2026-11-22")
    assert (row.owner, row.done, row.total, row.overdue) == ("Year 4", 0, 2, 1)
    assert row.next_peer == "2026-11-15" and row.peer_overdue
    assert plans.due_state("2026-12-01", False, "2026-11-22") == "due soon"
    assert plans.due_state("2027-06-01", False, "2026-11-22") == "on track"
    assert plans.due_state("2026-01-01", True, "2026-11-22") == ""
    plans.next_status(a1)
    assert plans.plan_rows(on="2026-11-22")[0].overdue == 0  # done is not overdue
    with pytest.raises(UserError, match="team or to one teacher"):
        plans.save(title="Nobody's")
    with pytest.raises(UserError, match="partner teacher or the partner team"):
        plans.save_peer_session(plan_id=plan, mode="pair", due_on="2027-01-01")
    with pytest.raises(UserError, match="describe the evidence"):
        plans.save_evidence(plan_id=plan, text="  ")
    assert Evidence.select().count() == 1
    mine = plans.save(title="Cold call", staff_id=p["Cat"])
    assert plans.owner_label(plans.get(mine)) == "Cat"


def test_plcs_sessions_and_plans_round_trip_through_a_bundle(tmp_path):
    reps = Replicas(tmp_path, ["a", "b"])
    reps.use("a")
    framework.ensure_loaded()
    ada = staff.save(name="Ada")
    q = plc.save(name="Questioning", focus_item_id=framework.steps()[0].id)
    plc.set_leader(q, ada)
    s = meetings.save(kind="plc meeting", held_on="2026-11-20", notes="We tried think-pair-share", plc_id=q)
    meetings.set_try_next(s, ada, "Cold call twice a lesson")
    plan = plans.save(title="Fluency", team="Year 4", problem="Slow reading")
    plans.save_action(plan_id=plan, text="Echo reading", due="2026-12-01")
    plans.save_evidence(plan_id=plan, text="62 wpm")
    plans.save_peer_session(plan_id=plan, mode="team", partner_team="Year 5", due_on="2027-01-10")
    reps.send("a", "b")
    assert reps.dump("a") == reps.dump("b")
    reps.use("b")
    b = plc.board()
    assert col(b, q).leader == "Ada" and names(col(b, q)) == ["Ada"]
    assert meetings.attendees(s)[0].try_next == "Cold call twice a lesson"
    assert plans.plan_rows()[0].total == 1 and plans.evidence(plan)[0].text == "62 wpm"
    # A move made on b comes back to a.
    plc.remove_member(q, ada)
    reps.send("b", "a")
    reps.use("a")
    assert names(col(plc.board(), q)) == [] and Staff.get_by_id(ada).name == "Ada"


def test_a_move_shown_in_place_matches_the_board_read_again(store):
    """The board screen applies moves to what it shows (no re-read): after any
    sequence of moves, adds and removals it must equal a fresh read."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    people = [staff.save(name=n) for n in ("Ada", "Ben", "Cat", "Dev")]
    ids = [plc.save(name=n) for n in ("P1", "P2", "P3")]
    plc.set_leader(ids[0], people[0])
    base = write._undo_stack.copy()

    def shape(cols):
        return [(c.plc_id, c.leader, c.leader_missing, [(k.staff_id, k.leader) for k in c.cards]) for c in cols]

    ops = st.lists(st.tuples(st.sampled_from(people), st.sampled_from([None, *ids]), st.sampled_from([None, *ids])),
                   max_size=12)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(ops)
    def run(moves):
        shown = plc.board()
        for who, src, dst in moves:
            inside = {m.plc_id for m in PlcMember.select().where((PlcMember.staff_id == who)
                                                                  & PlcMember.live())}
            src = src if src in inside else None  # a card can only leave where it is
            plc.move_member(who, src, dst)
            plc.apply_move(shown, who, src, dst)
            assert shape(shown) == shape(plc.board())
        while write._undo_stack != base:  # back to the start for the next example
            write.undo()

    run()


def test_merging_two_records_of_one_person_keeps_one_card(school):
    from coachtui.roster import duplicates

    site, p = school
    twin = staff.save(name="Ada", site_id=site)
    q = plc.save(name="Questioning")
    plc.add_member(q, p["Ada"])
    plc.add_member(q, twin)
    plc.set_leader(q, twin)
    duplicates.merge(p["Ada"], twin)
    [column] = [c for c in plc.board() if c.plc_id == q]
    assert [(c.name, c.leader) for c in column.cards] == [("Ada", True)]
    assert plc.get(q).leader_id == p["Ada"]


def test_two_laptops_rewording_a_plan_keep_both_versions(tmp_path):
    from coachtui.sync import conflicts

    reps = Replicas(tmp_path, ["a", "b"])
    reps.use("a")
    plan = plans.save(title="Fluency", team="Year 4", problem="Slow reading")
    reps.send("a", "b")
    reps.use("a")
    plans.save(plan, title="Fluency", team="Year 4", problem="Slow reading aloud")
    reps.use("b")
    plans.save(plan, title="Fluency", team="Year 4", problem="Slow silent reading")
    reps.send("a", "b")
    reps.send("b", "a")
    for n in ("a", "b"):
        reps.use(n)
        [c] = conflicts.open_conflicts()
        assert (c.table_name, c.field_name) == ("priority_plan", "problem")
        assert {c.value, plans.get(plan).problem} == {"Slow reading aloud", "Slow silent reading"}
    conflicts.resolve(c.id, "Slow reading, aloud and silent")
    reps.send("b", "a")
    reps.use("a")
    assert plans.get(plan).problem == "Slow reading, aloud and silent" and conflicts.open_conflicts() == []
