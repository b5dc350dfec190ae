"""Conflicts only between concurrent versions (issue 14): a free-text field
carries a version vector, so a version passed along a chain of laptops, each
editing on top of what it received, is never a conflict; two edits made
apart are one conflict, the same on every laptop; any order of the same
bundles, relayed or not, gives identical databases, conflicts included; and
an import counts only the conflicts it found."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachtui.launch import open_database
from coachtui.lessons import joins
from coachtui.store import write
from coachtui.store.db import close_store
from coachtui.store.models import REPLICATED_MODELS, Conflict, FrameworkItem, Join, Note, Staff, database
from coachtui.sync import bundle, merge
from coachtui.teaching import framework
from coachtui.teaching.framework import item_id


class Laptops:
    """Several data folders; bundles are plain files kept in `tmp`."""

    def __init__(self, tmp, names):
        self.tmp = tmp
        self.paths = {n: tmp / n / "coachtui.db" for n in names}
        self.count = 0

    def use(self, name):
        close_store()
        open_database(self.paths[name])
        write.clear_history()

    def export(self, name):
        self.use(name)
        self.count += 1
        out = self.tmp / f"{self.count}-{name}.ctb"
        bundle.export(out, None)
        return out

    def load(self, name, path):
        self.use(name)
        return merge.merge(path, None, commit=True, allow_plain=True)

    def send(self, src, dst):
        return self.load(dst, self.export(src))

    def dump(self, name):
        """Every replicated row (conflicts too) with its full clocks, and the erasures."""
        self.use(name)
        rows = {}
        for m in REPLICATED_MODELS:
            for row in m.select():
                data = {f: getattr(row, f) for f in m.content_fields()}
                rows[(m._meta.table_name, row.id)] = (json.dumps(data, sort_keys=True, default=str),
                                                      json.loads(row.clocks))
        purged = {r[0] for r in database.execute_sql("SELECT id FROM purged")}
        return rows, purged


@pytest.fixture
def laptops(tmp_path):
    made = []

    def make(names):
        made.append(Laptops(tmp_path, names))
        return made[-1]

    yield make
    close_store()


def conflicts_here():
    return sorted((c.table_name, c.field_name, c.value, c.stamp) for c in Conflict.select())


def test_a_chain_relay_makes_no_conflicts(laptops):
    """Four laptops pass the framework along, each rewording on top of the version it received."""
    net = laptops(["a", "b", "c", "d"])
    step = item_id("BR.1.1")
    chain = ["a", "b", "c", "d"]
    for i, name in enumerate(chain):
        net.use(name)
        assert framework.reword(step, f"Wording {i} from {name}")
        if i + 1 < len(chain):
            net.send(name, chain[i + 1])
    net.send("d", "a")  # and back round to the start
    for name in chain:
        net.use(name)
        assert conflicts_here() == [], name
    net.use("a")
    assert FrameworkItem.get_by_id(step).title == "Wording 3 from d"


def test_the_new_clock_data_is_one_entry_per_laptop(laptops):
    net = laptops(["a", "b", "c"])
    step = item_id("BR.1.1")
    for name, nxt in [("a", "b"), ("b", "c"), ("c", "a")]:
        net.use(name)
        framework.reword(step, f"Wording from {name}")
        framework.reword(step, f"Wording again from {name}")
        net.send(name, nxt)
    net.use("a")
    clocks = json.loads(FrameworkItem.get_by_id(step).clocks)
    assert sorted(clocks["_vv"]["title"]) == sorted(s.rsplit("-", 1)[1] for s in clocks["_vv"]["title"].values())
    assert len(clocks["_vv"]["title"]) == 3 and "_base" not in clocks


def test_a_true_concurrent_edit_is_one_conflict_everywhere(laptops):
    net = laptops(["a", "b", "c"])
    step = item_id("BR.1.1")
    net.use("a")
    framework.reword(step, "Wording from A")
    net.use("b")
    framework.reword(step, "Wording from B")
    net.send("a", "c")
    net.send("b", "c")
    net.send("c", "a")
    net.send("c", "b")
    found = set()
    for name in ["a", "b", "c"]:
        net.use(name)
        (c,) = Conflict.select()
        found.add((c.id, c.value, FrameworkItem.get_by_id(step).title))
    assert len(found) == 1
    assert {found.pop()[1], *[]} <= {"Wording from A", "Wording from B"}
    assert net.dump("a") == net.dump("b") == net.dump("c")


def test_the_same_bundles_in_opposite_orders_give_the_same_conflicts(laptops):
    """C (on e), then B (on d, later), then C2 on top of C: B and C2 are concurrent,
    C is not a conflict once C2, its own successor, is known."""
    net = laptops(["a", "d", "e", "x", "y"])
    net.use("a")
    person = write.write(Staff, name="P")
    nid = joins.add_note(Join.get_by_id(joins.start(person, focus_item_id=None, focus_text="Routines")), "v0")
    seed = net.export("a")
    for name in ["d", "e", "x", "y"]:
        net.load(name, seed)
    net.use("e")
    write.write(Note, nid, text="C")
    b2 = net.export("e")
    net.use("d")
    write.write(Note, nid, text="B")
    b1 = net.export("d")
    net.use("e")
    write.write(Note, nid, text="C2")
    b3 = net.export("e")
    for b in (b1, b2, b3):
        net.load("x", b)
    for b in (b3, b2, b1):
        net.load("y", b)
    assert net.dump("x") == net.dump("y")
    net.use("x")
    assert [c[2] for c in conflicts_here()] == ["B"]


def test_a_reimport_counts_no_conflicts(laptops):
    net = laptops(["a", "b"])
    step = item_id("BR.1.1")
    net.use("a")
    framework.reword(step, "Wording from A")
    out = net.export("a")
    net.use("b")
    framework.reword(step, "Wording from B")
    assert net.load("b", out).total("conflicts") == 1
    database.execute_sql("DELETE FROM applied")  # forget it was applied: merged row by row again
    again = net.load("b", out)
    assert again.total("conflicts") == 0 and Conflict.select().count() == 1


def test_rows_with_only_an_old_base_still_merge(laptops):
    """Bundles before version vectors carry `_base` only: it is one step of ancestry."""
    net = laptops(["a", "b"])
    step = item_id("BR.1.1")
    net.use("a")
    framework.reword(step, "Wording from A")
    out = net.export("a")
    net.load("b", out)
    net.use("b")
    framework.reword(step, "Wording from B")
    # Rewrite b's row as an old coachtui stored it: `_base` instead of `_vv`.
    row = FrameworkItem.get_by_id(step)
    clocks = json.loads(row.clocks)
    base = clocks.pop("_vv")["title"]
    clocks["_base"] = {"title": min(base.values())}
    FrameworkItem.update(clocks=json.dumps(clocks, sort_keys=True)).where(FrameworkItem.id == step).execute()
    net.send("b", "a")
    net.use("a")
    assert FrameworkItem.get_by_id(step).title == "Wording from B" and conflicts_here() == []


# --- the property: any replicas, any edits, any orders, relays ---------------------------------

NAMES = ["a", "b", "c", "d", "e"]

op = st.one_of(
    st.tuples(st.just("note"), st.integers(0, 4), st.integers(0, 3)),
    st.tuples(st.just("step"), st.integers(0, 4), st.integers(0, 3)),
    st.tuples(st.just("send"), st.integers(0, 4), st.integers(0, 4)),
)


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(3, 5), ops=st.lists(op, max_size=20), order_seed=st.integers(0, 2 ** 16))
def test_any_order_and_any_relay_give_identical_databases(tmp_path_factory, n, ops, order_seed):
    tmp = tmp_path_factory.mktemp("vv")
    names = NAMES[:n]
    net = Laptops(tmp, [*names, "p", "q"])
    try:
        net.use(names[0])
        person = write.write(Staff, name="P")
        nid = joins.add_note(Join.get_by_id(joins.start(person, focus_item_id=None, focus_text="Routines")), "v0")
        seed = net.export(names[0])
        for name in [*names[1:], "p", "q"]:
            net.load(name, seed)
        step = item_id("BR.1.1")
        sent = []
        for kind, x, y in ops:
            who = names[x % n]
            if kind == "note":
                net.use(who)
                write.write(Note, nid, text=f"{who} {y}")
            elif kind == "step":
                net.use(who)
                framework.reword(step, f"{who} wording {y}")
            elif names[y % n] != who:
                # Bundles are whole copies: what `who` imported travels on (a relay).
                out = net.export(who)
                sent.append(out)
                net.load(names[y % n], out)
        # The same bundles, in two random orders, on two fresh laptops.
        rng = random.Random(order_seed)
        for name in ("p", "q"):
            for out in rng.sample(sent, len(sent)):
                net.load(name, out)
        assert net.dump("p") == net.dump("q")
        # Everyone hears from everyone, twice round the ring.
        for i in list(range(n)) * 2:
            net.send(names[i], names[(i + 1) % n])
        dumps = [net.dump(name) for name in names]
        assert all(d == dumps[0] for d in dumps)
        # And importing a bundle again finds nothing new.
        last = net.export(names[0])
        net.use(names[1])
        database.execute_sql("DELETE FROM applied")
        assert net.load(names[1], last).total("conflicts") == 0
        assert net.dump(names[1]) == dumps[1]
    finally:
        close_store()
