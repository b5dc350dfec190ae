"""Convergence as a property: several laptops make random edits, deletes,
undeletes and erasures, and swap bundles in random orders. Once every laptop
has (transitively) heard from every other, all hold identical data; importing
again changes nothing; deletes stay deleted; erased rows never return."""

import json
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachtui.launch import open_database
from coachtui.lessons import joins
from coachtui.store import write
from coachtui.store.db import close_store
from coachtui.store.models import REPLICATED_MODELS, Join, Note, Staff, database
from coachtui.sync import bundle, merge

pytestmark = pytest.mark.slow  # many random cases

NAMES = ["a", "b", "c"]
PEOPLE = 3

op = st.one_of(
    st.tuples(st.just("edit"), st.sampled_from(NAMES), st.integers(0, PEOPLE - 1), st.sampled_from(["team", "email", "support"]),
              st.integers(0, 3)),
    st.tuples(st.just("note"), st.sampled_from(NAMES), st.integers(0, PEOPLE - 1), st.just("text"), st.integers(0, 3)),
    st.tuples(st.just("delete"), st.sampled_from(NAMES), st.integers(0, PEOPLE - 1), st.just(""), st.booleans()),
    st.tuples(st.just("purge"), st.sampled_from(NAMES), st.integers(0, PEOPLE - 1), st.just(""), st.just(0)),
    st.tuples(st.just("send"), st.sampled_from(NAMES), st.sampled_from(NAMES), st.just(""), st.just(0)),
)


def state():
    rows = {}
    for m in REPLICATED_MODELS:
        for row in m.select():
            data = {f: getattr(row, f) for f in m.content_fields()}
            clocks = {k: v for k, v in json.loads(row.clocks).items() if k != "_base"}
            rows[(m._meta.table_name, row.id)] = (json.dumps(data, sort_keys=True, default=str), clocks)
    purged = {r[0] for r in database.execute_sql("SELECT id FROM purged")}
    return rows, purged


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, max_size=25))
def test_replicas_converge(tmp_path_factory, ops):
    tmp = tmp_path_factory.mktemp("conv")
    paths = {n: tmp / n / "c.db" for n in NAMES}
    # Start alike: one laptop makes the people and a join, the others import it.
    open_database(paths["a"])
    people = [write.write(Staff, name=f"P{i}") for i in range(PEOPLE)]
    join = joins.start(people[0], focus_item_id=None, focus_text="Routines")
    note = joins.add_note(Join.get_by_id(join), "v0")
    seed = tmp / "seed.ctb"
    bundle.export(seed, None)
    close_store()
    for n in NAMES[1:]:
        open_database(paths[n])
        merge.merge(seed, None, commit=True, allow_plain=True)
        close_store()
    counter = 0
    deleted_for_good: set[str] = set()
    for kind, who, x, field, value in ops:
        open_database(paths[who])
        write.clear_history()
        if kind == "edit" and Staff.get_or_none(Staff.id == people[x]):
            vals = {"team": f"team{value}", "email": f"p{value}@x.org",
                    "support": ["none", "support", "structured", "formal"][value]}
            write.write(Staff, people[x], **{field: vals[field]})
        elif kind == "note" and Note.get_or_none(Note.id == note):
            write.write(Note, note, text=f"{who} v{value}")
        elif kind == "delete" and Staff.get_or_none(Staff.id == people[x]):
            write.write(Staff, people[x], deleted=value)
        elif kind == "purge" and x == PEOPLE - 1:
            write.purge(Staff, people[x])
            deleted_for_good.add(people[x])
        elif kind == "send" and who != x:
            counter += 1
            out = tmp / f"{counter}.ctb"
            bundle.export(out, None)
            close_store()
            open_database(paths[x])
            merge.merge(out, None, commit=True, allow_plain=True)
        close_store()
    # Everyone hears from everyone, twice round the ring: conflicts found on
    # the first round travel on the second.
    for src, dst in [("a", "b"), ("b", "c"), ("c", "a")] * 2 + [("a", "b")]:
        counter += 1
        out = tmp / f"{counter}.ctb"
        open_database(paths[src])
        bundle.export(out, None)
        close_store()
        open_database(paths[dst])
        merge.merge(out, None, commit=True, allow_plain=True)
        close_store()
    states = []
    for n in NAMES:
        open_database(paths[n])
        states.append(state())
        for pid in deleted_for_good:
            assert Staff.get_or_none(Staff.id == pid) is None
        close_store()
    assert states[0] == states[1] == states[2]
    # Importing the last bundle again (even forgetting it was applied) changes nothing.
    open_database(paths["b"])
    database.execute_sql("DELETE FROM applied")
    merge.merge(out, None, commit=True, allow_plain=True)
    assert state() == states[1]
    close_store()
    shutil.rmtree(tmp, ignore_errors=True)
