"""Copies of the database taken before an import (VACUUM INTO), kept in the
data folder's backups/, newest few only. After an erasure the old copies
still hold the person: they are replaced by one copy without them.

`restore` puts one back: only while no copy of coachtui has the database open
(store.db.exclusive), only a backup that passes SQLite's full integrity check
and is a coachtui database this version can open, and only after the current
database has been kept as a backup itself. The current database's WAL goes
with it into that copy: it is never replayed onto the restored file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from peewee import DatabaseError as PeeweeDatabaseError

from coachtui.base.user_files import open_regular
from coachtui.store import db as store_db
from coachtui.store import schema
from coachtui.store.db import StoreError
from coachtui.store.models import database

KEEP = 5
PATTERN = "coachtui-*.db"
# A database file's companions: its WAL (and the index of it), a rollback journal.
COMPANIONS = ("-wal", "-shm", "-journal")
_STAMP = re.compile(r"coachtui-(\d{8}-\d{6})-(\d{6})\.db")


def _new_path(folder: Path) -> Path:
    return folder / f"coachtui-{dt.datetime.now().strftime('%Y%m%d-%H%M%S-%f')}.db"


def _remove(path: Path) -> None:
    """A database file and its companions."""
    for p in (path, *(Path(f"{path}{s}") for s in COMPANIONS)):
        p.unlink(missing_ok=True)


def take(folder: Path) -> Path:
    """Check the database (PRAGMA quick_check), then VACUUM INTO a dated copy
    (0600); keep the newest KEEP. A damaged database is refused
    (DamagedDatabase) before anything is written: no import goes into it, and
    no damaged copy pushes a good backup out."""
    store_db.check()
    target = _new_path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        database.execute_sql("VACUUM INTO ?", (str(target),))
        target.chmod(0o600)
        for old in sorted(folder.glob(PATTERN))[:-KEEP]:
            _remove(old)
    except (PeeweeDatabaseError, sqlite3.Error, OSError) as exc:
        # An unwritable backups folder, a full disk: one line, and the import does not start.
        try:
            _remove(target)
        except OSError:
            pass
        if not isinstance(exc, OSError) and store_db.is_damage(exc):
            raise store_db.damaged(reason=str(exc)) from exc
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise StoreError(f"could not take a backup into {folder}: {why}; nothing was changed") from exc
    return target


def taken_within(folder: Path, hours: float) -> bool:
    """Is there a backup here taken in the last `hours`?"""
    import time

    try:
        newest = max((p.stat().st_mtime for p in folder.glob(PATTERN)), default=0.0)
    except OSError:
        return False
    return time.time() - newest < hours * 3600


def replace_all(folder: Path) -> int:
    """Drop every backup and take one of the database as it is now (after an
    erasure: no copy may keep the person). Returns how many were dropped."""
    old = sorted(folder.glob(PATTERN)) if folder.exists() else []
    for path in old:
        _remove(path)
    take(folder)
    return len(old)


# --- listing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: dt.datetime
    size: int  # bytes, its WAL included when it has one

    @property
    def name(self) -> str:
        return self.path.name


def listing(folder: Path) -> list[Backup]:
    """The backups in `folder`, newest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(PATTERN):
        try:
            size = path.stat().st_size
            wal = Path(f"{path}-wal")
            size += wal.stat().st_size if wal.exists() else 0
            match = _STAMP.fullmatch(path.name)
            taken = (dt.datetime.strptime("".join(match.groups()), "%Y%m%d-%H%M%S%f") if match
                     else dt.datetime.fromtimestamp(path.stat().st_mtime))
        except (OSError, ValueError):
            continue
        found.append(Backup(path, taken, size))
    return sorted(found, key=lambda b: (b.taken, b.name), reverse=True)


def find(folder: Path, name: str) -> Path:
    """A backup by the name `coachtui backups` shows, or any file by its path."""
    given = Path(name).expanduser()
    if given.name == name and (folder / name).exists():
        return folder / name
    if given.exists():
        return given
    raise StoreError(f"no backup called {name} in {folder} (`coachtui backups` lists them)")


# --- restoring ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    source: Path
    kept: Path | None  # the database it replaced, now a backup (None: there was none)


def restore(db: Path, source: Path, folder: Path) -> Restored:
    """Put the backup `source` back as the database `db`. StoreError (one line),
    and nothing changed, when coachtui has the database open, or the backup
    is damaged, not a coachtui database, or from a newer coachtui."""
    db, source = Path(db), Path(source)
    candidate = db.with_name(db.name + ".restoring")
    with store_db.exclusive(db):
        _remove(candidate)  # left by a restore that was cut short
        try:
            _copy_in(source, candidate)
            theirs = _check_backup(candidate, source.name)
            ours = _device_of(db) if db.exists() and db.stat().st_size else None
            if ours and theirs != ours:
                # Two laptops with one device id would stamp the same clocks and
                # skip each other's bundles as "written by this laptop".
                raise StoreError(f"{source.name} is another laptop's database (device {theirs}, this one is "
                                 f"{ours}): not restored. Bring its data here with a sync bundle instead")
            kept = _keep(db, folder) if db.exists() and db.stat().st_size else None
            # Its WAL (in the copy just kept) must not be replayed onto the restored file.
            for suffix in COMPANIONS:
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            os.replace(candidate, db)
            _sync_folder(db.parent)
        except OSError as exc:
            raise StoreError(f"could not restore {source.name}: {exc.strerror or exc}; the database is as it "
                             f"was") from None
        finally:
            _remove(candidate)
    return Restored(source, kept)


def _copy_in(source: Path, candidate: Path) -> None:
    """Copy the backup (and its WAL, if it has one) beside the database, 0600."""
    pairs = [(source, candidate)]
    wal = Path(f"{source}-wal")
    if wal.is_file() and wal.stat().st_size:
        pairs.append((wal, Path(f"{candidate}-wal")))
    for src, dst in pairs:
        with open_regular(src, what="a coachtui backup (.db)", limit=1 << 50, error=StoreError) as f_in:
            fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f_out:
                shutil.copyfileobj(f_in, f_out, 1 << 20)
                f_out.flush()
                os.fsync(f_out.fileno())


def _device_of(db: Path) -> str | None:
    """The device id a database holds (None if it cannot be read: damaged, say)."""
    try:
        con = sqlite3.connect(db)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _check_backup(path: Path, name: str) -> str:
    """PRAGMA integrity_check (the full one: every page, every index against
    its table), then: a coachtui database, of a schema this version opens.
    Leaves it one self-contained file (journal_mode=DELETE folds any WAL in).
    Returns its device id."""
    try:
        con = sqlite3.connect(path, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"{name} cannot be opened ({exc}): not restored") from None
    try:
        problems = con.execute("PRAGMA integrity_check(3)").fetchall()
        if problems != [("ok",)]:
            raise StoreError(f"{name} is damaged ({store_db.first_problem(problems)}): not restored; choose "
                             f"another backup")
        version = con.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        device = (con.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()
                  if "meta" in tables else None)
        if not device:
            raise StoreError(f"{name} is not a coachtui database: not restored")
        if version > schema.SCHEMA_VERSION:
            raise StoreError(f"{name} comes from a newer coachtui (schema {version}, this one reads "
                             f"{schema.SCHEMA_VERSION}): not restored")
        con.execute("PRAGMA journal_mode = DELETE")
        return str(device[0])
    except sqlite3.DatabaseError as exc:
        not_sqlite = getattr(exc, "sqlite_errorcode", 0) & 0xFF == 26  # SQLITE_NOTADB
        why = "damaged" if store_db.is_damage(exc) and not not_sqlite else "not a coachtui database"
        raise StoreError(f"{name} is {why} ({exc}): not restored") from None
    finally:
        con.close()


def _keep(db: Path, folder: Path) -> Path:
    """Copy the current database, its WAL with it, into `folder` as a backup,
    byte for byte. If it is sound, fold the WAL into the copy (one file, like
    every other backup); a damaged one is kept exactly as it was."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = _new_path(folder)
    try:
        _copy_in(db, target)
    except BaseException:
        _remove(target)
        raise
    try:
        con = sqlite3.connect(target, isolation_level=None)
        try:
            if con.execute("PRAGMA quick_check").fetchall() == [("ok",)]:
                con.execute("PRAGMA journal_mode = DELETE")
        finally:
            con.close()
    except sqlite3.Error:
        pass  # damaged: kept as it is
    for suffix in ("-shm",):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    return target


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX: fsync the folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
