import json

import pytest

from coachtui.store import hlc, write
from coachtui.store.db import get_meta
from coachtui.store.models import Purged, Staff, purge_key


def test_insert_new_rows_have_complete_unique_clocks(store):
    ids = write.insert_new(Staff, [{"name": f"P{i}", "team": "Maths"} for i in range(50)] + [{"name": "Q", "archived": True}])
    assert len(ids) == len(set(ids)) == 51
    stamps = []
    for sid in ids:
        row = Staff.get_by_id(sid)
        clocks = json.loads(row.clocks)
        assert set(clocks) == set(Staff.content_fields())
        assert len(set(clocks.values())) == 1 and row.hlc == clocks["name"]
        stamps.append(row.hlc)
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert get_meta("hlc_last") == stamps[-1]  # the clock is persisted
    last = Staff.get_by_id(ids[-1])
    assert last.archived is True and last.support == "none" and last.deleted is False


def test_write_after_insert_new_stamps_later(store):
    (sid,) = write.insert_new(Staff, [{"name": "Ann"}])
    before = json.loads(Staff.get_by_id(sid).clocks)
    write.write(Staff, sid, team="Science")
    after = json.loads(Staff.get_by_id(sid).clocks)
    assert hlc.parse(after["team"]) > hlc.parse(before["team"])
    assert after["name"] == before["name"]


def test_insert_new_refuses_unknown_fields_and_skips_purged_ids(store):
    with pytest.raises(write.WriteError):
        write.insert_new(Staff, [{"name": "x", "shoe_size": 9}])
    gone = write.write(Staff, name="Gone")
    write.purge(Staff, gone)
    assert Purged.get_or_none(Purged.id == purge_key(gone))
    assert write.insert_new(Staff, [{"id": gone, "name": "Back"}, {"name": "New"}]) != [gone]
    assert Staff.get_or_none(Staff.id == gone) is None
    assert Staff.select().count() == 1
