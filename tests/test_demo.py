import json

from coachtui.cli.main import main
from coachtui.demo import school
from coachtui.roster import staff
from coachtui.store import write
from coachtui.store.models import Staff, StaffFocus


def test_fill_makes_a_living_trust(store):
    counts = school.fill(140, seed=3)
    assert counts["staff"] == 140 and counts["sites"] >= 3
    rows = staff.roster_rows(include_archived=True)
    roles = [r.roles for r in rows]
    assert sum("coach" in r for r in roles) >= 10
    assert any("leader" in r for r in roles)
    assert any(r.archived for r in rows)
    cov = staff.coverage(staff.roster_rows(), limit=10)
    assert 0 < cov.with_coach < cov.teachers  # a coverage gap to find
    assert cov.overloaded  # and at least one coach over the limit
    assert {r.support for r in rows} >= {"none", "support", "structured"}
    assert StaffFocus.select().count() > 100
    assert any("[" in r.name for r in rows)  # a name that looks like markup


def test_fill_is_deterministic_per_seed(tmp_path):
    from coachtui.launch import open_database
    from coachtui.store.db import close_store

    names = []
    for i in range(2):
        open_database(tmp_path / f"{i}.db")
        school.fill(50, seed=7)
        names.append(sorted(s.name for s in Staff.select()))
        close_store()
    assert names[0] == names[1]


def test_insert_new_stamps_every_field_and_later_writes_stamp_later(store):
    school.fill(20)
    row = Staff.select().first()
    clocks = json.loads(row.clocks)
    assert set(clocks) == set(Staff.content_fields())
    assert len({r.hlc for r in Staff.select()}) == 20  # one stamp per row, none reused
    write.write(Staff, row.id, team="New team")
    assert json.loads(Staff.get_by_id(row.id).clocks)["team"] > max(r.hlc for r in Staff.select().where(Staff.id != row.id))


def test_demo_cli_refuses_a_database_with_staff(tmp_path, capsys):
    d = str(tmp_path / "d")
    assert main(["demo", "--staff", "30", "--data-dir", d]) == 0
    assert main(["demo", "--staff", "30", "--data-dir", d]) == 1
    assert "already has staff" in capsys.readouterr().err
    assert main(["--data-dir", d, "demo", "--staff", "5", "--force"]) == 0
