import pytest

from coachtui.base.errors import ValidationError
from coachtui.roster import staff
from coachtui.store import write
from coachtui.store.models import Staff


def make(name, roles="teacher", **kw):
    return staff.save(name=name, roles=roles, **kw)


def test_save_validates_and_writes_nothing_on_error(store):
    with pytest.raises(ValidationError, match="name is required"):
        make("   ")
    with pytest.raises(ValidationError, match="email"):
        make("Ann", email="not-an-email")
    with pytest.raises(ValidationError, match="unknown role"):
        make("Ann", roles="wizard")
    with pytest.raises(ValidationError, match="too long"):
        make("x" * 1000)
    assert Staff.select().count() == 0


def test_a_coach_must_be_a_coach(store):
    teacher = make("Tia")
    other = make("Olu")
    with pytest.raises(ValidationError, match="not a coach"):
        staff.assign_coach(other, teacher)
    with pytest.raises(ValidationError, match="own coach"):
        coach = make("Cal", roles="teacher,coach")
        staff.assign_coach(coach, coach)
    staff.assign_coach(other, coach)
    assert Staff.get_by_id(other).coach_id == coach


def test_cannot_drop_coach_role_while_coaching(store):
    coach = make("Cal", roles="coach")
    make("Tia", coach_id=coach)
    with pytest.raises(ValidationError, match="still coaches"):
        staff.save(coach, name="Cal", roles="teacher")


def test_odd_characters_are_kept_exactly(store):
    name = "[bold]Zoë[/] O'Neil-Ó \\ 🙂 [link=x]"
    sid = make(name, team="[red]Maths")
    row = next(r for r in staff.roster_rows() if r.id == sid)
    assert row.name == name and row.team == "[red]Maths"


def test_control_characters_are_stripped(store):
    sid = make("Ann\x1b[31m Lee\x07")
    assert Staff.get_by_id(sid).name == "Ann[31m Lee"


def test_archive_hides_and_restore_returns(store):
    sid = make("Leaver")
    staff.archive(sid)
    assert sid not in {r.id for r in staff.roster_rows()}
    assert sid in {r.id for r in staff.roster_rows(include_archived=True)}
    staff.restore(sid)
    assert sid in {r.id for r in staff.roster_rows()}


def test_site_named_is_case_insensitive(store):
    a = staff.site_named("North Primary")
    assert staff.site_named("north primary ") == a
    assert len(staff.sites()) == 1


def test_coverage_counts_teachers_with_active_coach_and_flags_loads(store):
    c1 = make("Coach One", roles="teacher,coach")
    c2 = make("Coach Two", roles="coach")
    for i in range(3):
        make(f"T{i}", coach_id=c1)
    make("No coach")
    make("Leader", roles="leader")
    cov = staff.coverage(staff.roster_rows(), limit=2)
    # teachers: Coach One + 3 + No coach = 5; with a coach: 3
    assert (cov.with_coach, cov.teachers) == (3, 5)
    assert cov.loads[0] == (c1, "Coach One", 3)
    assert [x[0] for x in cov.overloaded] == [c1]
    assert (c2, "Coach Two", 0) in cov.loads
    assert "3/5" in cov.summary() and "over 2" in cov.summary()
    staff.archive(c1)  # an archived coach no longer counts as cover
    assert staff.coverage(staff.roster_rows(), limit=2).with_coach == 0


def test_assign_coach_is_undoable(store):
    coach = make("Cal", roles="coach")
    t = make("Tia")
    staff.assign_coach(t, coach)
    write.undo()
    assert Staff.get_by_id(t).coach_id is None
