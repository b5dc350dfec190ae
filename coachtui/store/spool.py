"""What was typed but is not in the database yet: a small file beside it.

Another program may hold the database's write lock for seconds (another copy
of coachtui, a command-line import, the app's own background import). What the
coach types in a join must neither wait for it nor be lost, so a note that
cannot land at once waits here, and so does the half-typed note (the draft)
while the database is busy. Only coachtui writes this file, and each write is
one small transaction, so writing to it never waits on an import.

Each waiting entry carries the id its row will have in the database: landing
it is "insert if that id is not there yet", so a crash between the database's
commit and the entry's removal here lands nothing twice.

`synchronous=FULL`: what is here is what a flat battery must not take.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from coachtui.store import db as store_db
from coachtui.store.models import database

SCHEMA = """
CREATE TABLE IF NOT EXISTS waiting (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,      -- the row's id once it lands
    join_id TEXT NOT NULL,
    what TEXT NOT NULL,           -- 'note' or 'tally'
    text TEXT NOT NULL,           -- the note's text, or the tally's label
    kind TEXT NOT NULL,
    at INTEGER NOT NULL,          -- when Enter (or the tally key) was pressed
    elapsed INTEGER NOT NULL,     -- joined seconds at that moment
    problem TEXT NOT NULL DEFAULT ''  -- why it could not land, other than a busy database
);
CREATE TABLE IF NOT EXISTS draft (
    join_id TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    kind TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS draft_start (
    join_id TEXT PRIMARY KEY,
    at INTEGER NOT NULL           -- when typing the note in the box began: the note's time
);
"""


@dataclass
class Entry:
    seq: int
    id: str
    join_id: str
    what: str
    text: str
    kind: str
    at: int
    elapsed: int
    problem: str


_con: sqlite3.Connection | None = None
_con_path: Path | None = None


def path() -> Path:
    """Beside the database: coachtui.db -> coachtui-typing.db."""
    db = Path(database.database)
    return db.with_name(f"{db.stem}-typing{db.suffix or '.db'}")


def close() -> None:
    global _con, _con_path
    if _con is not None:
        _con.close()
    _con, _con_path = None, None


store_db.on_close(close)


def _connection(create: bool) -> sqlite3.Connection | None:
    """The spool's connection; None when there is no spool file and `create` is False."""
    global _con, _con_path
    where = path()
    if _con is not None and _con_path == where:
        return _con
    close()
    if not where.exists():
        if not create:
            return None
        fd = os.open(where, os.O_WRONLY | os.O_CREAT, 0o600)  # 0600 like the database (-wal/-shm follow it)
        os.close(fd)
    con = sqlite3.connect(where, timeout=2.0, isolation_level=None, check_same_thread=False)
    try:
        con.execute("PRAGMA journal_mode=wal")
        con.execute("PRAGMA synchronous=full")
        con.execute("PRAGMA secure_delete=on")
        con.executescript(SCHEMA)
    except sqlite3.Error:
        con.close()
        raise
    _con, _con_path = con, where
    return con


def _failed(exc: sqlite3.Error) -> store_db.NotSaved:
    return store_db.NotSaved(f"Not kept: {store_db.plain_reason(exc)}: nothing was saved.")


def _write(statements: list[tuple[str, tuple]]) -> None:
    try:
        con = _connection(create=True)
        assert con is not None
        con.execute("BEGIN IMMEDIATE")
        try:
            for sql, params in statements:
                con.execute(sql, params)
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:
        raise _failed(exc) from exc


def _read(sql: str, params: tuple = ()) -> list[tuple]:
    try:
        con = _connection(create=False)
        return [] if con is None else con.execute(sql, params).fetchall()
    except sqlite3.Error as exc:
        raise store_db.StoreError(f"Could not read what is waiting to be saved: {store_db.plain_reason(exc)}") from exc


# --- waiting rows ---------------------------------------------------------------


def add(entry_id: str, join_id: str, what: str, text: str, kind: str, at: int, elapsed: int,
        draft: tuple[str, str] | None = None) -> None:
    """Keep one entry (and, in the same transaction, the draft now in the box)."""
    statements = [("INSERT INTO waiting (id, join_id, what, text, kind, at, elapsed) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (entry_id, join_id, what, text, kind, at, elapsed))]
    if draft is not None:
        statements.append(_draft_statement(join_id, *draft))
    _write(statements)


def waiting(join_id: str | None = None) -> list[Entry]:
    """Entries in the order they were made (for one join, or all)."""
    where, params = ("WHERE join_id = ?", (join_id,)) if join_id else ("", ())
    return [Entry(*row) for row in _read(
        f"SELECT seq, id, join_id, what, text, kind, at, elapsed, problem FROM waiting {where} ORDER BY seq", params)]


def has_waiting(join_id: str | None = None) -> bool:
    where, params = ("WHERE join_id = ?", (join_id,)) if join_id else ("", ())
    return bool(_read(f"SELECT 1 FROM waiting {where} LIMIT 1", params))


def landed(entry_ids: list[str]) -> None:
    """These entries are in the database now (or dropped): forget them."""
    _write([("DELETE FROM waiting WHERE id = ?", (entry_id,)) for entry_id in entry_ids])
    _tidy()


def set_problem(entry_id: str, problem: str) -> None:
    _write([("UPDATE waiting SET problem = ? WHERE id = ?", (problem, entry_id))])


# --- the draft ------------------------------------------------------------------


def _draft_statement(join_id: str, text: str, kind: str) -> tuple[str, tuple]:
    # An empty draft is kept as a row too: while it is here, it is the truth
    # (the database's Draft may still hold what was in the box before).
    return ("INSERT OR REPLACE INTO draft (join_id, text, kind) VALUES (?, ?, ?)", (join_id, text, kind))


def set_draft(join_id: str, text: str, kind: str) -> None:
    _write([_draft_statement(join_id, text, kind)])


def draft(join_id: str) -> tuple[str, str] | None:
    """The draft kept here, or None when the database's own is current."""
    rows = _read("SELECT text, kind FROM draft WHERE join_id = ?", (join_id,))
    return (rows[0][0], rows[0][1]) if rows else None


def drop_draft(join_id: str) -> None:
    """The database holds the draft again: forget the copy here."""
    if _read("SELECT 1 FROM draft WHERE join_id = ?", (join_id,)):
        _write([("DELETE FROM draft WHERE join_id = ?", (join_id,))])
        _tidy()


def set_started(join_id: str, at: int) -> None:
    """When the note now in the box was begun (no text: kept whoever holds the draft)."""
    _write([("INSERT OR REPLACE INTO draft_start (join_id, at) VALUES (?, ?)", (join_id, at))])


def started(join_id: str) -> int | None:
    rows = _read("SELECT at FROM draft_start WHERE join_id = ?", (join_id,))
    return rows[0][0] if rows else None


def forget(join_id: str) -> None:
    """The join ended: nothing of its box is kept here."""
    if _read("SELECT 1 FROM draft WHERE join_id = ? UNION ALL SELECT 1 FROM draft_start WHERE join_id = ?",
             (join_id, join_id)):
        _write([("DELETE FROM draft WHERE join_id = ?", (join_id,)),
                ("DELETE FROM draft_start WHERE join_id = ?", (join_id,))])
        _tidy()


def _tidy() -> None:
    """Once nothing is kept, empty the WAL too: no old page keeps typed text."""
    con = _connection(create=False)
    if con is None:
        return
    try:
        if not con.execute("SELECT 1 FROM waiting UNION ALL SELECT 1 FROM draft LIMIT 1").fetchone():
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error:
        pass  # tidying only: the next write tries again
