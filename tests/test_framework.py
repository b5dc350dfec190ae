"""Editing the teaching framework: add, reword, reorder, retire."""

import json

import pytest

from coachtui.base.errors import UserError
from coachtui.lessons import joins
from coachtui.lessons.history import entries
from coachtui.roster import focus_areas, staff
from coachtui.store import write
from coachtui.store.hlc import GENESIS
from coachtui.store.models import FrameworkItem
from coachtui.teaching import framework
from coachtui.teaching.framework import item_id


def codes(parent_code):
    return [i.code for i in framework._children(item_id(parent_code))]


def test_add_a_step_strand_and_domain(store):
    sid = framework.add("step", item_id("BR.1"), "  Hand out   books by table ", "Every table\n\n  done fast ")
    step = FrameworkItem.get_by_id(sid)
    assert (step.code, step.title, step.detail, step.kind) == ("BR.1.3", "Hand out books by table",
                                                              "Every table\ndone fast", "step")
    assert sid == item_id("BR.1.3")
    assert codes("BR.1")[-1] == "BR.1.3"
    assert step in framework.steps()
    strand = framework.add("strand", item_id("BR"), "Endings")
    assert FrameworkItem.get_by_id(strand).code == "BR.4"
    domain = framework.add("domain", None, "Feedback and marking")
    assert FrameworkItem.get_by_id(domain).code == "FAM"
    own = framework.add("step", strand, "Pack away in silence", code="BR.END.1")
    assert FrameworkItem.get_by_id(own).code == "BR.END.1"
    # Every field of a new row is stamped by this laptop, not GENESIS.
    assert GENESIS not in json.loads(FrameworkItem.get_by_id(own).clocks).values()
    # The tree shows it under its parent, at the end.
    order = [(i.code, d) for i, d in framework.tree()]
    assert order.index(("BR.END.1", 2)) == order.index(("BR.4", 1)) + 1


@pytest.mark.parametrize("kind, parent, title, code, message", [
    ("step", "BR", "x", None, "inside a strand"),
    ("strand", "BR.1", "x", None, "inside a domain"),
    ("step", None, "x", None, "inside a strand"),
    ("domain", "BR", "x", None, "no parent"),
    ("step", "BR.1", "   ", None, "title is needed"),
    ("step", "BR.1", "x" * 400, None, "too long"),
    ("step", "BR.1", "x", "BR.1.1", "already used"),
    ("step", "BR.1", "x", "has space", "not valid"),
    ("leaf", "BR.1", "x", None, "unknown kind"),
])
def test_add_refuses_bad_input_and_changes_nothing(store, kind, parent, title, code, message):
    before = FrameworkItem.select().count()
    with pytest.raises(UserError, match=message):
        framework.add(kind, item_id(parent) if parent else None, title, code=code)
    assert FrameworkItem.select().count() == before


def test_reword_title_and_criteria_and_undo(store):
    rid = item_id("BR.1.1")
    assert framework.reword(rid, "Greet at the door", "One\nTwo")
    row = FrameworkItem.get_by_id(rid)
    assert (row.title, row.detail) == ("Greet at the door", "One\nTwo")
    assert not framework.reword(rid, "Greet at the door", "One\nTwo")  # no change, no write
    clocks = json.loads(row.clocks)
    assert clocks["title"] != GENESIS and clocks["code"] == GENESIS  # only what changed is stamped
    assert write.undo() == "reword BR.1.1"
    assert FrameworkItem.get_by_id(rid).title.startswith("Meet pupils at the door")
    with pytest.raises(UserError):
        framework.reword(rid, "")


def test_reorder_within_parent(store):
    assert codes("BR.1") == ["BR.1.1", "BR.1.2"]
    assert framework.move(item_id("BR.1.2"), -1)
    assert codes("BR.1") == ["BR.1.2", "BR.1.1"]
    assert not framework.move(item_id("BR.1.2"), -1)  # already first
    assert framework.move(item_id("BR.1.2"), 1)
    assert codes("BR.1") == ["BR.1.1", "BR.1.2"]
    # Domains move too, and steps() follows framework order (not raw positions).
    first_domain = framework.tree()[0][0].code
    second = [i.code for i, d in framework.tree() if d == 0][1]
    framework.move(item_id(second), -1)
    assert framework.tree()[0][0].code == second
    assert framework.steps()[0].code.startswith(second + ".")
    assert write.undo().startswith("move")
    assert framework.tree()[0][0].code == first_domain


def test_reorder_siblings_with_equal_positions(store):
    a = framework.add("step", item_id("BR.1"), "A", code="Z.A")
    b = framework.add("step", item_id("BR.1"), "B", code="Z.B")
    # Two laptops gave two siblings the same position: ties fall back to the code.
    write.write(FrameworkItem, b, position=FrameworkItem.get_by_id(a).position)
    assert codes("BR.1")[-2:] == ["Z.A", "Z.B"]
    framework.move(b, -1)
    assert codes("BR.1")[-2:] == ["Z.B", "Z.A"]
    framework.move(a, -1)
    assert codes("BR.1")[-2:] == ["Z.A", "Z.B"]


def test_retired_items_keep_history_but_are_not_offered(store):
    teacher = staff.save(name="Tia Teacher")
    step = item_id("QU.1.1")
    title = FrameworkItem.get_by_id(step).title
    joins.start(teacher, focus_item_id=step, minutes=20)
    focus_areas.set_focus(teacher, step, "development")
    assert framework.set_retired(step, True)
    assert not framework.set_retired(step, True)
    assert step not in {s.id for s in framework.steps()}
    assert step in {i.id for i, _ in framework.tree()}  # the editor still lists it
    assert FrameworkItem.get_by_id(step).retired
    # History and focus areas still show it by its title.
    assert any(title in e.detail for e in entries(teacher))
    assert [i.id for i in focus_areas.development_areas(teacher)] == [step]
    # Retiring a strand takes its steps out of new choices too.
    framework.set_retired(item_id("BR.1"), True)
    assert not {item_id("BR.1.1"), item_id("BR.1.2")} & {s.id for s in framework.steps()}
    framework.set_retired(step, False)
    framework.set_retired(item_id("BR.1"), False)
    assert {step, item_id("BR.1.1")} <= {s.id for s in framework.steps()}


def test_an_undone_add_can_be_made_again(store):
    framework.add("step", item_id("BR.1"), "Try", code="BR.1.9")
    write.undo()
    assert item_id("BR.1.9") not in {i.id for i, _ in framework.tree()}
    framework.add("step", item_id("BR.1"), "Try again", code="BR.1.9")
    assert FrameworkItem.get_by_id(item_id("BR.1.9")).title == "Try again"
