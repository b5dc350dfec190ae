"""Opening the database: file modes, pragmas, migrations, device id, clock."""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from peewee import DatabaseError as PeeweeDatabaseError

from coachtui.base.config import ensure_dir
from coachtui.base.errors import UserError
from coachtui.store import hlc, schema
from coachtui.store.models import Meta, database, new_id

PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "secure_delete": 1,
}


class StoreError(UserError):
    """A store problem worth one clear line to the user."""


class NotSaved(StoreError):
    """A write failed (locked too long, disk full, read-only) and was rolled back."""


class Busy(NotSaved):
    """Another connection held the write lock for longer than we waited: the
    same write may well land if tried again in a moment."""


def _first(exc: BaseException) -> BaseException:
    """SQLite's first complaint. On a full disk SQLite rolls back by itself and
    peewee's own ROLLBACK then fails with "no transaction is active": the
    error worth showing is the one that error hides (its __context__)."""
    first = exc
    seen = exc.__context__
    while seen is not None:
        if isinstance(seen, (PeeweeDatabaseError, sqlite3.Error)):
            first = seen
        seen = seen.__context__
    return first


def _reason(exc: BaseException) -> str:
    first = _first(exc)
    return str(first).splitlines()[0] if str(first) else type(first).__name__


def _code(exc: BaseException) -> int | None:
    """SQLite's primary result code of the first error (SQLITE_BUSY is 5)."""
    first = _first(exc)
    code = getattr(first, "sqlite_errorcode", None)
    if code is None and isinstance(first.__context__, sqlite3.Error):
        code = getattr(first.__context__, "sqlite_errorcode", None)
    return code & 0xFF if code is not None else None


SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL = 5, 6, 8, 10, 13

# What SQLite's result codes mean to the person at the keyboard.
PLAIN = {
    SQLITE_BUSY: "another program (another coachtui, or an import) kept the database busy",
    SQLITE_LOCKED: "another program (another coachtui, or an import) kept the database busy",
    SQLITE_READONLY: "the database is read-only (check the data folder's permissions and the disk)",
    SQLITE_IOERR: "the disk could not be written or read (disk I/O error)",
    SQLITE_FULL: "the disk is full",
}


def plain_reason(exc: BaseException) -> str:
    """Why a database call failed, in words for the user."""
    return PLAIN.get(_code(exc) or 0) or _reason(exc)


def is_busy(exc: BaseException) -> bool:
    return _code(exc) in (SQLITE_BUSY, SQLITE_LOCKED)


def not_saved(exc: BaseException) -> "NotSaved":
    """The one line for a failed write (Busy when another program held the lock)."""
    plain = PLAIN.get(_code(exc) or 0)
    if plain is None:
        return NotSaved(f"Not saved: {_reason(exc)}. Nothing was changed.")
    line = f"{plain[0].upper()}{plain[1:]}: nothing was saved."
    return Busy(line[:-1] + "; try again in a moment.") if is_busy(exc) else NotSaved(line)


@contextmanager
def transaction(lock: str = "IMMEDIATE") -> Iterator[Any]:
    """A write transaction (a savepoint when nested). The outermost one turns a
    database failure into NotSaved, one line for the user (Busy when another
    program held the write lock too long); the transaction has rolled back, so
    nothing was changed."""
    if database.in_transaction():
        with database.atomic() as txn:
            yield txn
        return
    try:
        with database.atomic(lock) as txn:
            yield txn
    except (PeeweeDatabaseError, sqlite3.Error) as exc:
        raise not_saved(exc) from exc


@contextmanager
def reading() -> Iterator[None]:
    """Around reads done for the user: a database failure becomes one line."""
    try:
        yield
    except (PeeweeDatabaseError, sqlite3.Error) as exc:
        raise StoreError(f"Could not read the database: {plain_reason(exc)}") from exc


# How long a write made for the screen waits for another program's write lock
# before giving up (Busy): short enough not to be felt while typing.
BRIEF_MS = 30


@contextmanager
def briefly(ms: int = BRIEF_MS) -> Iterator[None]:
    """Writes inside wait at most `ms` for the write lock (else they raise Busy),
    instead of the connection's busy_timeout of seconds, during which a screen
    would be frozen. For the thread's own connection; nothing else changes."""
    conn = database.connection()
    before = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute(f"PRAGMA busy_timeout = {int(ms)}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(before)}")


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
        raise StoreError(f"cannot open {path}: {plain_reason(exc)}") from exc


_on_close: list = []


def on_close(hook) -> None:
    """Run `hook()` whenever the store is closed (files kept beside it)."""
    if hook not in _on_close:
        _on_close.append(hook)


def close_store() -> None:
    for hook in _on_close:
        hook()
    if database.database is not None and not database.is_closed():
        database.close()


def get_meta(key: str, default: str | None = None) -> str | None:
    row = Meta.get_or_none(Meta.key == key)
    return row.value if row else default


def set_meta(key: str, value: str) -> None:
    Meta.insert(key=key, value=value).on_conflict_replace().execute()


def _ensure_device() -> None:
    with transaction():
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


def checkpoint() -> None:
    """Copy the WAL into the database and empty it: after an erasure, no old
    page of the WAL may keep what was erased (secure_delete zeroes the rest)."""
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
