"""Each migration is tested against a database made by the version before it."""

import json
import sqlite3

from coachtui.launch import open_database
from coachtui.store import schema
from coachtui.store.db import close_store
from coachtui.store.models import Staff, database


def tables(path):
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        con.close()


def test_every_model_belongs_to_a_migration():
    from coachtui.store import models

    listed = set(schema.V1_TABLES) | set(schema.V2_TABLES) | set(schema.V3_TABLES) | set(schema.V4_TABLES) | set(schema.V6_TABLES)
    assert set(models.LOCAL_MODELS) | set(models.REPLICATED_MODELS) <= listed


def test_version_1_database_upgrades_keeping_its_data(tmp_path):
    path = tmp_path / "v1.db"
    database.init(str(path), pragmas={"journal_mode": "wal"})
    database.connect()
    schema._v1(database)
    database.execute_sql("PRAGMA user_version = 1")
    database.execute_sql(
        "INSERT INTO staff (id, clocks, hlc, deleted, name, email, roles, team, support, archived, external_id) "
        "VALUES ('a1', '{}', '', 0, 'Old Friend', '', 'teacher', '', 'none', 0, '')")
    database.close()
    assert "join" not in tables(path)
    open_database(path)
    assert database.execute_sql("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert Staff.get_by_id("a1").name == "Old Friend"
    close_store()
    assert {"join", "note", "tally", "feedback", "feedback_item", "action_step", "draft"} <= tables(path)


def test_version_3_database_gains_the_plc_and_plan_tables(tmp_path):
    path = tmp_path / "v3.db"
    database.init(str(path), pragmas={"journal_mode": "wal"})
    database.connect()
    for step in (schema._v1, schema._v2, schema._v3):
        step(database)
    database.execute_sql("PRAGMA user_version = 3")
    database.execute_sql(
        "INSERT INTO staff (id, clocks, hlc, deleted, name, email, roles, team, support, archived, external_id) "
        "VALUES ('a3', '{}', '', 0, 'Kept Name', '', 'teacher', '', 'none', 0, '')")
    database.close()
    assert "plc" not in tables(path)
    open_database(path)
    assert Staff.get_by_id("a3").name == "Kept Name"
    close_store()
    assert {"plc", "plc_member", "session", "attendance", "priority_plan", "plan_action", "evidence",
            "peer_session"} <= tables(path)


def test_version_4_database_gains_retired_framework_items(tmp_path):
    """A version-4 database (framework_item without `retired`) upgrades: its
    rows and edits are kept, nothing is retired, and the new field gets the
    GENESIS clock shipped rows have (so sync sees no difference)."""
    import json

    from coachtui.store.hlc import GENESIS
    from coachtui.store.models import FrameworkItem
    from coachtui.teaching import framework

    path = tmp_path / "v4.db"
    database.init(str(path), pragmas={"journal_mode": "wal"})
    database.connect()
    schema._v1(database)
    schema._v2(database)
    schema._v3(database)
    schema._v4(database)
    database.execute_sql("ALTER TABLE framework_item DROP COLUMN retired")  # as version 4 made it
    database.execute_sql("PRAGMA user_version = 4")
    edited = framework.item_id("BR.1.1")
    database.execute_sql(
        "INSERT INTO framework_item (id, clocks, hlc, deleted, kind, parent_id, code, title, detail, position) "
        "VALUES (?, ?, '', 0, 'step', ?, 'BR.1.1', 'Our own wording', '', 2)",
        (edited, json.dumps({"title": "0000000000005-00000-abc"}), framework.item_id("BR.1")))
    database.close()
    columns = {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(framework_item)")}
    assert "retired" not in columns
    open_database(path)
    assert database.execute_sql("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    row = FrameworkItem.get_by_id(edited)
    assert row.title == "Our own wording" and row.retired is False
    clocks = json.loads(row.clocks)
    # `retired` (and, since version 9, every field without one) gets GENESIS; the edit keeps its own.
    assert clocks == {**dict.fromkeys(FrameworkItem.content_fields(), GENESIS), "title": "0000000000005-00000-abc"}
    # Rows loaded after the upgrade carry a clock for every field, `retired` included.
    other = FrameworkItem.get_by_id(framework.item_id("BR.1.2"))
    assert json.loads(other.clocks)["retired"] == GENESIS
    close_store()
    # Opening again runs nothing twice.
    open_database(path)
    assert json.loads(FrameworkItem.get_by_id(edited).clocks)["retired"] == GENESIS


def test_version_8_database_gains_seq_on_every_synced_table(tmp_path):
    """Incremental bundles need to know when each row last changed here: a
    version-8 database (no `seq`) upgrades, its rows at seq 0, and a write
    after the upgrade gets a seq above every earlier one."""
    from coachtui.store import models, write

    path = tmp_path / "v8.db"
    database.init(str(path), pragmas={"journal_mode": "wal"})
    database.connect()
    for step in (schema._v1, schema._v2, schema._v3, schema._v4, schema._v6):
        step(database)
    for model in [*models.REPLICATED_MODELS, models.Purged]:
        database.execute_sql(f'DROP INDEX IF EXISTS "{model._meta.table_name}_seq"')
        database.execute_sql(f'ALTER TABLE "{model._meta.table_name}" DROP COLUMN seq')  # as version 8 made it
    database.execute_sql("PRAGMA user_version = 8")
    database.execute_sql(
        "INSERT INTO staff (id, clocks, hlc, deleted, name, email, roles, team, support, archived, external_id) "
        "VALUES ('a8', '{\"name\": \"0000000000005-00000-abc\"}', '', 0, 'Kept Name', '', 'teacher', '', 'none', 0, '')")
    database.close()
    open_database(path)
    # A row imported from an older schema's bundle had no clock for fields added since: now every field has one.
    clocks = json.loads(Staff.get_by_id("a8").clocks)
    assert set(clocks) == set(Staff.content_fields()) and clocks["name"] == "0000000000005-00000-abc"
    assert clocks["team"] == "0000000000000-00000-genesis"
    for model in [*models.REPLICATED_MODELS, models.Purged]:
        table = model._meta.table_name
        assert "seq" in {r[1] for r in database.execute_sql(f'PRAGMA table_info("{table}")')}, table
        assert f"{table}_seq" in {r[1] for r in database.execute_sql(f'PRAGMA index_list("{table}")')}, table
    assert Staff.get_by_id("a8").seq == 0
    write.write(Staff, "a8", name="New Name")
    assert Staff.get_by_id("a8").seq > 0
    close_store()
