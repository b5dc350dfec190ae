"""Opening the database: file modes, pragmas, migrations, device id, clock."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from peewee import DatabaseError as PeeweeDatabaseError

from coachtui.store import hlc
from coachtui.base.config import ensure_dir
from coachtui.store import schema
from coachtui.store.models import Meta, database, new_id

PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "secure_delete": 1,
}


class StoreError(Exception):
    """A store problem worth one clear line to the user."""


def open_store(path: Path) -> None:
    """Open (creating if needed) the database at `path` and make it current."""
    path = Path(path)
    ensure_dir(path.parent)
    if not path.exists():
        # Create the file 0600 ourselves; SQLite gives -wal/-shm the same mode.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        os.close(fd)
    close_store()
    database.init(str(path), pragmas=PRAGMAS, check_same_thread=False)
    try:
        database.connect(reuse_if_open=True)
        schema.migrate(database)
        _ensure_device()
    except schema.SchemaTooNew as exc:
        close_store()
        raise StoreError(str(exc)) from exc
    except (PeeweeDatabaseError, sqlite3.DatabaseError) as exc:
        close_store()
        raise StoreError(f"cannot open {path}: {exc}") from exc
    from coachtui.teaching import framework  # late: framework writes through the store

    framework.ensure_loaded()


def close_store() -> None:
    if database.database is not None and not database.is_closed():
        database.close()


def get_meta(key: str, default: str | None = None) -> str | None:
    row = Meta.get_or_none(Meta.key == key)
    return row.value if row else default


def set_meta(key: str, value: str) -> None:
    Meta.insert(key=key, value=value).on_conflict_replace().execute()


def _ensure_device() -> None:
    with database.atomic("IMMEDIATE"):
        if get_meta("device_id") is None:
            set_meta("device_id", new_id()[:16])


def device_id() -> str:
    value = get_meta("device_id")
    assert value, "store not open"
    return value


def tick() -> str:
    """A new clock stamp. Call inside a write transaction.

    The last stamp lives in the database, read and written in the same
    transaction, so two app copies on one file, or a restart, never reuse one.
    """
    clock = hlc.Clock(device_id(), get_meta("hlc_last"))
    stamp = clock.tick()
    set_meta("hlc_last", stamp)
    return stamp


def observe(stamp: str) -> None:
    """Advance the persisted clock past an imported stamp."""
    clock = hlc.Clock(device_id(), get_meta("hlc_last"))
    clock.observe(stamp)
    set_meta("hlc_last", str(clock.last))


def data_version() -> int:
    """Changes whenever another connection commits to the database file."""
    return database.execute_sql("PRAGMA data_version").fetchone()[0]


def generation() -> str:
    """Changes with every write to this database, by any copy of the app or an
    import (each stamps a clock): a cheap "has anything changed?" for screens."""
    return get_meta("hlc_last") or ""
