"""Opening the database: file modes, pragmas, migrations, device id, clock."""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from peewee import DatabaseError as PeeweeDatabaseError

from coachtui.base.config import ensure_dir
from coachtui.base.errors import UserError
from coachtui.base.user_files import open_regular
from coachtui.store import hlc, schema
from coachtui.store.models import Meta, database, new_id

try:
    import fcntl
except ImportError:  # Windows: an open database file cannot be replaced there anyway
    fcntl = None

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


class DamagedDatabase(StoreError):
    """The database file is damaged (SQLite: corrupt, or not a database)."""


# A full structural check (PRAGMA quick_check, ~0.7 GB/s here) runs at open up to this size:
# ~10 ms, against a start-up of ~0.5 s. Above it (a trust's 1 GB database
# takes seconds) only the header is checked at open; damage is then caught
# where SQLite meets it, and the full check runs before every import
# (store.backups.take) and on a backup before it is restored.
CHECK_AT_OPEN_BYTES = 8 * 10 ** 6
# How long opening waits while `coachtui restore` holds the database.
LOCK_WAIT_SECONDS = 10.0
_DAMAGE_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB (primary codes)
_lock_fd: int | None = None


def is_damage(exc: BaseException) -> bool:
    """Does this error (or one it wraps: peewee keeps SQLite's) say the file is damaged?"""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        code = getattr(e, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF in _DAMAGE_CODES:
            return True
        if isinstance(e, (PeeweeDatabaseError, sqlite3.DatabaseError)):
            text = str(e).lower()
            if "malformed" in text or "file is not a database" in text:
                return True
        todo += [e.__cause__, e.__context__, *(a for a in e.args if isinstance(a, BaseException))]
    return False


def damaged(path: Path | None = None, reason: str = "") -> DamagedDatabase:
    """The one line for a damaged database: which file, and how to put a backup back."""
    where = path or database.database
    if not where:
        return DamagedDatabase(f"the database is damaged ({reason}); nothing was changed")
    path = Path(where)
    backups = path.parent / "backups"
    try:
        count = len(list(backups.glob("coachtui-*.db"))) if backups.is_dir() else 0
    except OSError:
        count = 0
    if count:
        copies = "the copy" if count == 1 else f"the {count} copies"
        how = f"`coachtui backups` lists {copies} taken before imports, `coachtui restore NAME` puts one back"
    else:
        how = (f"there is no backup in {backups} (`coachtui backups`); keep the file, it may still be mended "
               f"(sqlite3 .recover)")
    because = f" ({reason})" if reason else ""
    return DamagedDatabase(f"{path} is damaged{because}; nothing was changed. {how}")


def explain(exc: BaseException) -> StoreError | None:
    """A database error that reached the top, as one line (None if it is not one)."""
    if not isinstance(exc, (PeeweeDatabaseError, sqlite3.Error)):
        return None
    if is_damage(exc):
        return damaged(reason=_reason(exc))
    return StoreError(f"database error: {_reason(exc)}. Nothing was changed.")


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
        if is_damage(exc):
            raise damaged(reason=_reason(exc)) from exc
        raise not_saved(exc) from exc


@contextmanager
def reading() -> Iterator[None]:
    """Around reads done for the user: a database failure becomes one line."""
    try:
        yield
    except (PeeweeDatabaseError, sqlite3.Error) as exc:
        if is_damage(exc):
            raise damaged(reason=_reason(exc)) from exc
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
    """Open (creating if needed) the database at `path` and make it current.

    The data folder's lock is held (shared) while it is open, so that
    `coachtui restore` can tell that a copy of coachtui has it open. A damaged
    file is refused (DamagedDatabase) before anything is written to it."""
    path = Path(path)
    close_store()
    try:
        ensure_dir(path.parent)
        _lock_shared(path)
        # A restore cut short (the laptop died) left its copy: no restore runs
        # now (we hold the lock), and no stray copy may outlive an erasure.
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}.restoring{suffix}").unlink(missing_ok=True)
        if not path.exists():
            # Create the file 0600 ourselves; SQLite gives -wal/-shm the same mode.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
            os.close(fd)
        _check_header(path)
    except OSError as exc:
        _unlock()
        raise StoreError(f"cannot use {path.parent} as the data folder: {exc.strerror or exc}") from None
    except UserError:
        _unlock()
        raise
    database.init(str(path), pragmas=PRAGMAS, check_same_thread=False)
    try:
        database.connect(reuse_if_open=True)
        if path.stat().st_size <= CHECK_AT_OPEN_BYTES:
            check(path)
        schema.migrate(database)
        _ensure_device()
    except schema.SchemaTooNew as exc:
        close_store()
        raise StoreError(str(exc)) from exc
    except StoreError:
        close_store()
        raise
    except (PeeweeDatabaseError, sqlite3.DatabaseError) as exc:
        close_store()
        if is_damage(exc):
            raise damaged(path, _reason(exc)) from exc
        raise StoreError(f"cannot open {path}: {plain_reason(exc)}") from exc


_on_close: list = []


def on_close(hook) -> None:
    """Run `hook()` whenever the store is closed (files kept beside it)."""
    if hook not in _on_close:
        _on_close.append(hook)


def _check_header(path: Path) -> None:
    """What can be checked without reading the whole file: it is a regular
    file, starts as a SQLite database does, and is not shorter than its header
    says (a copy cut short). A new, empty file passes."""
    with open_regular(path, what="a coachtui database", limit=1 << 62, error=StoreError) as f:
        head = f.read(100)
        size = os.fstat(f.fileno()).st_size
    if not head:
        return
    if len(head) < 100 or not head.startswith(b"SQLite format 3\x00"):
        raise damaged(path, "it is not a SQLite database")
    page = int.from_bytes(head[16:18], "big")
    page = 65536 if page == 1 else page
    if page < 512 or page & (page - 1):
        raise damaged(path, "its header is damaged")
    pages = int.from_bytes(head[28:32], "big")
    header_valid = head[24:28] == head[92:96]
    # With a WAL or journal beside it, SQLite may still complete the file from it.
    beside = [Path(f"{path}{s}") for s in ("-wal", "-journal")]
    if header_valid and pages * page > size and not any(p.exists() and p.stat().st_size for p in beside):
        raise damaged(path, f"cut short: {size} of its {pages * page} bytes")


def check(path: Path | None = None) -> None:
    """PRAGMA quick_check on the open database: every page and b-tree is read
    (about 1 GB/s). DamagedDatabase if anything is wrong."""
    try:
        rows = database.execute_sql("PRAGMA quick_check(3)").fetchall()
    except (PeeweeDatabaseError, sqlite3.DatabaseError) as exc:
        if is_damage(exc):
            raise damaged(path, _reason(exc)) from exc
        raise
    if rows != [("ok",)]:
        raise damaged(path, first_problem(rows))


def first_problem(rows: list[tuple]) -> str:
    """The first thing an integrity or quick check names (not its "*** in database main ***" heading)."""
    lines = [line for row in rows for line in str(row[0]).splitlines() if line and not line.startswith("***")]
    return (lines[0] if lines else "the check failed")[:200]


def lock_path(db: Path) -> Path:
    return Path(db).with_name(Path(db).name + ".lock")


def _lock_shared(db: Path) -> None:
    """Hold the data folder's lock, shared: any number of copies of coachtui
    may have the database open, a restore (exclusive) waits for them all. The
    lock is an flock on DB.lock: the system drops it when the process ends,
    however it ends."""
    global _lock_fd
    if fcntl is None:
        return
    fd = os.open(lock_path(db), os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise StoreError(f"{db} is being restored from a backup (coachtui restore): try again when that "
                                 f"has finished") from None
            time.sleep(0.05)
        except OSError:
            break  # a file system without flock: open as before
    _lock_fd = fd


def _unlock() -> None:
    global _lock_fd
    if _lock_fd is not None:
        os.close(_lock_fd)
        _lock_fd = None


@contextmanager
def exclusive(db: Path) -> Iterator[None]:
    """Hold the database alone (for a restore): StoreError, one line, while any
    copy of coachtui (the app, a command, this process) has it open."""
    db = Path(db)
    if fcntl is None:
        yield
        return
    try:
        fd = os.open(lock_path(db), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise StoreError(f"cannot use {db.parent} as the data folder: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{db} is open in another copy of coachtui (the app, or a command still running): "
                             f"close it, then try again") from None
        except OSError as exc:  # a file system without locks: no way to tell who has it open
            raise StoreError(f"cannot lock {lock_path(db)} ({exc.strerror or exc}), so cannot tell whether "
                             f"coachtui has the database open: nothing was changed") from None
        yield
    finally:
        os.close(fd)


def close_store() -> None:
    for hook in _on_close:
        hook()
    if database.database is not None and not database.is_closed():
        database.close()
    _unlock()


def get_meta(key: str, default: str | None = None) -> str | None:
    row = Meta.get_or_none(Meta.key == key)
    return row.value if row else default


def set_meta(key: str, value: str) -> None:
    Meta.insert(key=key, value=value).on_conflict_replace().execute()


DEMO_KEY = "demo"  # in Meta, and in the manifest of a demo database's bundles


def mark_demo() -> None:
    """This database is a demo's: its bundles carry made-up people."""
    if get_meta(DEMO_KEY) != "1":
        set_meta(DEMO_KEY, "1")


def is_demo() -> bool:
    return get_meta(DEMO_KEY) == "1"


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
