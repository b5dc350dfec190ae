"""A site bundle (`coachtui export --site NAME`) is self-contained (issue 14):
imported into an empty database, no row it carries points at a parent it
lacks, and it carries nothing of other sites' people."""

from __future__ import annotations

import pytest

from coachtui.demo import history, school
from coachtui.launch import open_database
from coachtui.plcs import meetings, plans, plc
from coachtui.store import write
from coachtui.store.db import close_store
from coachtui.store.models import REPLICATED_MODELS, Site, Staff, database
from coachtui.sync import bundle, merge

# Columns naming the row a row belongs to (or that it is about), and where it is.
PARENTS = {"staff_id": "staff", "join_id": "join", "feedback_id": "feedback", "cycle_id": "coaching_cycle",
           "plan_id": "priority_plan", "session_id": "session", "plc_id": "plc", "site_id": "site"}
FRAMEWORK = ("item_id", "focus_item_id", "action_item_id", "parent_id")


@pytest.fixture
def trust(tmp_path):
    """A demo trust of several sites, plus rows that cross sites."""
    open_database(tmp_path / "a" / "coachtui.db")
    school.fill(60, seed=5)
    history.fill_history(weeks=3, details=True)
    sites = {s.name: s.id for s in Site.select()}
    north, south = sorted(sites)[:2]
    people = {name: [s.id for s in Staff.select().where(Staff.site_id == sid)] for name, sid in sites.items()}
    n1, s1 = people[north][0], people[south][0]
    # A PLC of the other site with one of this site's people in it.
    mixed = plc.save(name="South readers", site_id=sites[south])
    plc.add_member(mixed, s1)
    plc.add_member(mixed, n1)
    # A staff surgery (no PLC) both sites came to.
    surgery = meetings.save(kind="staff surgery", held_on="2026-01-05", topic="Questioning")
    meetings.set_try_next(surgery, n1, "north try")
    meetings.set_try_next(surgery, s1, "south try")
    # The other site's team plan, with an action owned by someone here.
    team = plans.save(title="South team plan", team="Science", site_id=sites[south], problem="south problem")
    plans.save_action(plan_id=team, text="south action", owner_id=n1)
    write.clear_history()
    yield north, south, people
    close_store()


def test_a_site_bundle_holds_every_parent_of_every_row_it_carries(trust, tmp_path):
    north, south, people = trust
    out = tmp_path / "north.ctb"
    bundle.export(out, None, site=north)
    close_store()
    open_database(tmp_path / "b" / "coachtui.db")
    merge.merge(out, None, commit=True, allow_plain=True)
    ids = {m._meta.table_name: {r[0] for r in database.execute_sql(f'SELECT id FROM "{m._meta.table_name}"')}
           for m in REPLICATED_MODELS}
    missing = []
    for m in REPLICATED_MODELS:
        table = m._meta.table_name
        fields = m.content_fields()
        for r in m.select():
            for f in fields:
                value = getattr(r, f)
                if value is None or m is Site:
                    continue
                if f in PARENTS and value not in ids[PARENTS[f]]:
                    missing.append(f"{table}.{f}")
                elif f in FRAMEWORK and value not in ids["framework_item"]:
                    missing.append(f"{table}.{f}")
            if table == "conflict" and r.record_id not in ids[r.table_name]:
                missing.append("conflict.record_id")
    assert sorted(set(missing)) == [], sorted(set(missing))
    assert ids["plc"] and ids["plc_member"] and ids["join"] and ids["feedback_item"] and ids["session"]
    assert [s.name for s in Site.select()] == [north]
    # Nothing about the other site's people.
    for m in REPLICATED_MODELS:
        if "staff_id" in m.content_fields():
            assert not m.select().where(m.staff_id.in_(people[south])).exists(), m._meta.table_name
    texts = [r[0] for table, f in [("attendance", "try_next"), ("priority_plan", "problem"),
                                   ("plan_action", "text")] for r in database.execute_sql(f'SELECT "{f}" FROM "{table}"')]
    assert not [t for t in texts if "south" in t]


def test_every_table_says_what_a_site_bundle_takes_of_it():
    assert sorted(bundle.SITE_ROWS) == sorted(m._meta.table_name for m in REPLICATED_MODELS)
