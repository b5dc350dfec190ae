import json
import os
import stat
import subprocess
import sys
import textwrap

import pytest

from coachtui.launch import open_database
from coachtui.store import schema, write
from coachtui.store.db import StoreError, close_store
from coachtui.store.models import FrameworkItem, Purged, Staff, database, purge_key


def test_pragmas_and_file_modes(store):
    pragma = lambda name: database.execute_sql(f"PRAGMA {name}").fetchone()[0]
    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 1  # NORMAL
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") >= 1000
    assert pragma("secure_delete") == 1
    assert pragma("user_version") == schema.SCHEMA_VERSION
    if os.name != "nt":  # Windows has no POSIX modes: the user's profile folder keeps others out
        assert stat.S_IMODE(os.stat(store).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(store.parent).st_mode) == 0o700


def test_create_stamps_every_field_and_update_only_changed_ones(store):
    sid = write.write(Staff, name="Ann Lee", team="Maths")
    row = Staff.get_by_id(sid)
    clocks = json.loads(row.clocks)
    assert set(clocks) == set(Staff.content_fields())
    created = clocks["name"]
    assert row.hlc == max(clocks.values())
    write.write(Staff, sid, team="Science", name="Ann Lee")  # name unchanged
    clocks2 = json.loads(Staff.get_by_id(sid).clocks)
    assert clocks2["name"] == created
    assert clocks2["team"] > created
    assert Staff.get_by_id(sid).hlc == clocks2["team"]


def test_write_without_changes_does_not_stamp(store):
    sid = write.write(Staff, name="Ann")
    before = Staff.get_by_id(sid).clocks
    write.write(Staff, sid, name="Ann")
    assert Staff.get_by_id(sid).clocks == before


def test_unknown_field_is_refused_and_nothing_written(store):
    with pytest.raises(write.WriteError):
        write.write(Staff, name="x", shoe_size=9)
    assert Staff.select().count() == 0


def test_ids_are_uuids_not_autoincrement(store):
    a = write.write(Staff, name="A")
    b = write.write(Staff, name="A")  # same name twice: two people, no UNIQUE clash
    assert a != b and len(a) == 32


def test_undo_reverts_an_action_with_a_newer_stamp(store):
    sid = write.write(Staff, name="Ann", support="none")
    with write.action("raise support"):
        write.write(Staff, sid, support="formal")
    stamp = json.loads(Staff.get_by_id(sid).clocks)["support"]
    assert write.undo() == "raise support"
    row = Staff.get_by_id(sid)
    assert row.support == "none"
    assert json.loads(row.clocks)["support"] > stamp  # undo is a write: it syncs


def test_undo_of_create_deletes(store):
    with write.action("add"):
        sid = write.write(Staff, name="Oops")
    write.undo()
    assert Staff.get_by_id(sid).deleted is True


def test_failed_action_rolls_back_and_leaves_no_undo(store):
    sid = write.write(Staff, name="Ann")
    write.clear_history()
    with pytest.raises(RuntimeError):
        with write.action("half"):
            write.write(Staff, sid, team="X")
            raise RuntimeError("boom")
    assert Staff.get_by_id(sid).team == ""
    assert write.undo_label() is None


def test_purge_is_final(store):
    sid = write.write(Staff, name="Leaver", email="l@x.org")
    write.purge(Staff, sid)
    assert Staff.get_or_none(Staff.id == sid) is None
    assert Purged.get_by_id(purge_key(sid)).table == "staff"  # remembered by a hash, never the id
    assert Purged.get_or_none(Purged.id == sid) is None
    write.write(Staff, sid, name="Back again")  # any later write is ignored
    assert Staff.get_or_none(Staff.id == sid) is None
    raw = store.read_bytes()
    assert b"l@x.org" not in raw  # secure_delete: the content is gone from the file


def test_framework_is_loaded_once_with_genesis_clocks(store):
    n = FrameworkItem.select().count()
    assert n > 20
    close_store()
    open_database(store)
    assert FrameworkItem.select().count() == n
    item = FrameworkItem.select().first()
    assert item.hlc.endswith("genesis")


def test_newer_schema_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "new.db"
    open_database(path)
    database.execute_sql(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    close_store()
    with pytest.raises(StoreError, match="newer coachtui"):
        open_database(path)


def test_not_a_database_is_refused(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        open_database(path)
    assert path.read_bytes() == b"this is not sqlite" * 100


def test_two_processes_writing_at_once_do_not_lock_or_corrupt(tmp_path):
    path = tmp_path / "shared.db"
    open_database(path)
    close_store()
    child = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from coachtui.launch import open_database
        from coachtui.store import write
        from coachtui.store.models import Staff
        open_database(Path({str(path)!r}))
        for i in range(150):
            with write.action("w"):
                write.write(Staff, name=f"{{sys.argv[1]}} {{i}}")
        """
    )
    procs = [subprocess.Popen([sys.executable, "-c", child, tag], stderr=subprocess.PIPE) for tag in "AB"]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    open_database(path)
    assert Staff.select().count() == 300
    assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    stamps = [r.hlc for r in Staff.select()]
    assert len(set(stamps)) == 300  # no clock stamp was issued twice
