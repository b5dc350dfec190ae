"""Each migration is tested against a database made by the version before it."""

import sqlite3

from coachtui.store import schema
from coachtui.store.db import close_store, open_store
from coachtui.store.models import Staff, database


def tables(path):
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        con.close()


def test_every_model_belongs_to_a_migration():
    from coachtui.store import models

    listed = set(schema.V1_TABLES) | set(schema.V2_TABLES) | set(schema.V3_TABLES) | set(schema.V4_TABLES)
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
    open_store(path)
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
    open_store(path)
    assert Staff.get_by_id("a3").name == "Kept Name"
    close_store()
    assert {"plc", "plc_member", "session", "attendance", "priority_plan", "plan_action", "evidence",
            "peer_session"} <= tables(path)
