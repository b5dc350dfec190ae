from coachtui.roster import duplicates, focus_areas, staff
from coachtui.store import write
from coachtui.store.models import Staff, StaffFocus
from coachtui.teaching.framework import item_id


def test_finds_same_email_and_same_name_in_another_form(store):
    a = staff.save(name="Zoë Adams", email="zoe@school.org")
    b = staff.save(name="Mrs Zoe Adams")
    c = staff.save(name="Someone Else", email="ZOE@school.org")
    staff.save(name="Zoe Adamson")
    pairs = {(p.keep.id, p.other.id, p.reason) for p in duplicates.find_duplicates()}
    assert (a, c, "same email") in pairs
    assert (a, b, "same name") in pairs
    assert len(pairs) == 2


def test_merge_moves_references_and_is_undoable(store):
    coach_a = staff.save(name="Cal Coach", roles="coach")
    coach_b = staff.save(name="Cal Coach", roles="teacher,coach", email="cal@x.org")
    t = staff.save(name="Tia", coach_id=coach_b)
    focus_areas.set_focus(coach_b, item_id("QU.1.1"), "strength")
    moved = duplicates.merge(coach_a, coach_b)
    assert moved >= 2
    assert Staff.get_by_id(t).coach_id == coach_a
    kept = Staff.get_by_id(coach_a)
    assert kept.email == "cal@x.org" and kept.role_list == ["teacher", "coach"]
    assert Staff.get_by_id(coach_b).deleted
    assert StaffFocus.get(StaffFocus.staff_id == coach_a).kind == "strength"
    assert duplicates.find_duplicates() == []
    write.undo()
    assert Staff.get_by_id(t).coach_id == coach_b
    assert not Staff.get_by_id(coach_b).deleted
