"""Schema versions and migrations, run at open. Tracked in PRAGMA user_version.

Every module that defines tables is imported here so that its tables exist
before a migration creates them. Migrations are additive: new tables, new
columns with defaults. Each one is tested against a database made by the
version before it (tests/test_schema.py).
"""

from __future__ import annotations

from typing import Callable

from peewee import SqliteDatabase

from coachtui.store import models

SCHEMA_VERSION = 9

# The tables each version added, so a test can build a database of any version.
V1_TABLES = [models.Meta, models.Purged, models.Site, models.Staff, models.FrameworkItem, models.StaffFocus]
V2_TABLES = [models.Join, models.JoinEvent, models.Note, models.Tally, models.Feedback, models.FeedbackItem,
             models.ActionStep, models.Draft]
V3_TABLES = [models.Conflict, models.Applied]
V6_TABLES = [models.CoachingCycle, models.CycleEvent, models.SupportChange, models.Cadence, models.PlannedJoin]
V4_TABLES = [models.Plc, models.PlcMember, models.Session, models.Attendance, models.PriorityPlan,
             models.PlanAction, models.Evidence, models.PeerSession]


def _v1(db: SqliteDatabase) -> None:
    db.create_tables(V1_TABLES, safe=True)


def _v2(db: SqliteDatabase) -> None:
    """Lesson joins and feedback."""
    db.create_tables(V2_TABLES, safe=True)


def _v3(db: SqliteDatabase) -> None:
    """Sync: conflicts kept for the user, bundles already applied."""
    db.create_tables(V3_TABLES, safe=True)


def _v4(db: SqliteDatabase) -> None:
    """Teachers coaching teachers: PLCs, sessions, priority plans."""
    db.create_tables(V4_TABLES, safe=True)


def _v5(db: SqliteDatabase) -> None:
    """Framework items can be retired (kept for history, no longer offered).

    A database made at this version already has the column (_v1 creates the
    current model), so add it only when missing. Existing rows get a GENESIS
    clock for it, as fresh shipped rows have: otherwise the first bundle from
    a newer laptop would count every framework row as "updated"."""
    import json

    from coachtui.store.hlc import GENESIS

    columns = {r[1] for r in db.execute_sql("PRAGMA table_info(framework_item)")}
    if "retired" not in columns:
        db.execute_sql("ALTER TABLE framework_item ADD COLUMN retired INTEGER NOT NULL DEFAULT 0")
    rows = db.execute_sql("SELECT id, clocks FROM framework_item").fetchall()
    updates = []
    for rid, raw in rows:
        clocks = json.loads(raw or "{}")
        if "retired" not in clocks:
            clocks["retired"] = GENESIS
            updates.append((json.dumps(clocks, sort_keys=True), rid))
    if updates:
        db.connection().executemany("UPDATE framework_item SET clocks = ? WHERE id = ?", updates)


def _v6(db: SqliteDatabase) -> None:
    """Coaching cycles, support-level changes, cadence, planned joins."""
    db.create_tables(V6_TABLES, safe=True)


def _v7(db: SqliteDatabase) -> None:
    """The leader's review over a trust's years of data: partial indexes on
    live rows, so "latest join/feedback per teacher" is one seek each, and
    recent joins, action steps and mastered steps are read by date range
    without touching the (wide) table rows. Indexes only: nothing to sync."""
    for sql in (
        'CREATE INDEX IF NOT EXISTS join_live_staff_started ON "join" (staff_id, started_at) WHERE deleted = 0',
        'CREATE INDEX IF NOT EXISTS join_live_started ON "join" (started_at, staff_id, focus_item_id) '
        "WHERE deleted = 0",
        # With next_join: the latest feedback's agreed date is read from the index alone.
        "CREATE INDEX IF NOT EXISTS feedback_live_staff_given ON feedback (staff_id, given_on, hlc, next_join) "
        "WHERE deleted = 0",
        "CREATE INDEX IF NOT EXISTS action_step_live_set ON action_step (set_on, staff_id, item_id) WHERE deleted = 0",
        "CREATE INDEX IF NOT EXISTS action_step_live_mastered ON action_step (mastered_on) "
        "WHERE deleted = 0 AND status = 'mastered'",
        "CREATE INDEX IF NOT EXISTS coaching_cycle_live_ended ON coaching_cycle (ended_on, started_on) "
        "WHERE deleted = 0",
        # Covering the latest cycle meeting per teacher (coachtui.cadence.dues).
        "CREATE INDEX IF NOT EXISTS coaching_cycle_staff_live_id ON coaching_cycle (staff_id, deleted, id)",
        'CREATE INDEX IF NOT EXISTS cycle_event_cycle_live_on ON cycle_event (cycle_id, deleted, "on")',
    ):
        db.execute_sql(sql)


def _v8(db: SqliteDatabase) -> None:
    """Erased rows are remembered by a hash of their id, never the id itself."""
    rows = db.execute_sql('SELECT id, "table", stamp FROM purged').fetchall()
    db.execute_sql("DELETE FROM purged")
    db.connection().executemany('INSERT OR IGNORE INTO purged (id, "table", stamp) VALUES (?, ?, ?)',
                                [(models.purge_key(rid), table, stamp) for rid, table, stamp in rows])


def _v9(db: SqliteDatabase) -> None:
    """Incremental bundles: every replicated row and erasure records when it
    last changed here (`seq`, local, indexed), so a bundle carries only what
    changed since the last one. Rows already here get 0: the first bundle
    written anywhere after this is a whole one. Adding a column with a
    default rewrites nothing, so this is quick on a trust's database."""
    for model in [*models.REPLICATED_MODELS, models.Purged]:
        table = model._meta.table_name
        columns = {r[1] for r in db.execute_sql(f'PRAGMA table_info("{table}")')}
        if "seq" not in columns:
            db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN seq INTEGER NOT NULL DEFAULT 0')
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{table}_seq" ON "{table}" (seq)')
    columns = {r[1] for r in db.execute_sql("PRAGMA table_info(applied)")}
    for column in ("since", "upto"):
        if column not in columns:
            db.execute_sql(f"ALTER TABLE applied ADD COLUMN {column} INTEGER")
    _complete_clocks(db)


def _complete_clocks(db: SqliteDatabase) -> None:
    """Every content field gets a clock. Rows imported from bundles of an older
    schema could lack one for a field added since (a framework step from a
    version-4 laptop has no clock for `retired`), and bundle readers now
    refuse clocks that do not match values. The missing ones get GENESIS, as
    the shipped rows had: older than any edit."""
    from coachtui.store.hlc import GENESIS

    for model in models.REPLICATED_MODELS:
        fields = model.content_fields()
        missing = " OR ".join(f"json_extract(clocks, '$.{f}') IS NULL" for f in fields)
        sets = ", ".join(f"'$.{f}', coalesce(json_extract(clocks, '$.{f}'), ?)" for f in fields)
        db.execute_sql(f'UPDATE "{model._meta.table_name}" SET clocks = json_set(clocks, {sets}) WHERE {missing}',
                       [GENESIS] * len(fields))


MIGRATIONS: dict[int, Callable[[SqliteDatabase], None]] = {
    1: _v1, 2: _v2, 3: _v3, 4: _v4, 5: _v5, 6: _v6, 7: _v7, 8: _v8, 9: _v9,
}


class SchemaTooNew(Exception):
    pass


def migrate(db: SqliteDatabase) -> int:
    """Bring the database to SCHEMA_VERSION, one transaction per step."""
    current = db.execute_sql("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"this database was written by a newer coachtui (schema {current}, this one reads {SCHEMA_VERSION})"
        )
    for version in range(current + 1, SCHEMA_VERSION + 1):
        with db.atomic():
            MIGRATIONS[version](db)
            db.execute_sql(f"PRAGMA user_version = {version}")
    return SCHEMA_VERSION
