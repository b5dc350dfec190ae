"""The one write path. Every change to a replicated row comes through here.

`write` stamps each field it changes with a fresh HLC stamp (per-field
clocks let two laptops' edits to different fields both survive a merge).
`purge` erases irreversibly. Writes made inside `action(label)` are grouped
so that `undo()` can take back a mistaken keypress by writing the old values
back: undo is itself a write, so it syncs like any other. `redo()` takes
back the last undo the same way; any new change forgets what could be redone.
Local facts that follow a row's state (the join running on this laptop) are
set with `set_local` inside the action, so undo and redo carry them too.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

from coachtui.base.errors import UserError
from coachtui.store import db as store_db
from coachtui.store import hlc, versions
from coachtui.store.models import Purged, Replicated, database, new_id, purge_key


class WriteError(UserError):
    pass


@dataclass
class _Change:
    model: type[Replicated] | None  # None: a local fact (Meta key `row_id`, before {"value": ...})
    row_id: str
    before: dict[str, Any] | None  # None: the row was created


@dataclass
class _Action:
    label: str
    changes: list[_Change] = field(default_factory=list)


_undo_stack: list[_Action] = []
_redo_stack: list[_Action] = []
_open_action: list[_Action] = []
UNDO_DEPTH = 100


@contextmanager
def action(label: str) -> Iterator[None]:
    """Group the writes inside into one undoable step, in one transaction."""
    if _open_action:  # nested: join the outer action
        with store_db.transaction():
            yield
        return
    act = _Action(label)
    _open_action.append(act)
    try:
        with store_db.transaction():
            yield
    finally:
        _open_action.pop()
    if act.changes:
        _push_new(act)


def _push_new(act: _Action) -> None:
    """A new change: undoable, and what was undone before can no longer be redone."""
    _undo_stack.append(act)
    del _undo_stack[:-UNDO_DEPTH]
    _redo_stack.clear()


@contextmanager
def unrecorded() -> Iterator[None]:
    """Writes inside are left out of the undo history (an import's merged
    rows, undo itself): they are recorded into a throwaway action."""
    _open_action.append(_Action("unrecorded"))
    try:
        yield
    finally:
        _open_action.pop()


@contextmanager
def rehearsal() -> Iterator[None]:
    """Run writes to see what they would do (an import preview): everything
    inside is rolled back and left out of the undo history."""
    with unrecorded(), store_db.transaction() as txn:
        yield
        txn.rollback()


def is_purged(row_id: str) -> bool:
    return Purged.select().where(Purged.id == purge_key(row_id)).exists()


def write(model: type[Replicated], row_id: str | None = None, **values: Any) -> str:
    """Create or update one row; stamp every field that changes. Returns the id.

    Writes to a purged id are ignored (erasure is final).
    """
    allowed = set(model.content_fields())
    unknown = set(values) - allowed
    if unknown:
        raise WriteError(f"{model.__name__} has no field(s) {', '.join(sorted(unknown))}")
    with store_db.transaction():
        if row_id is not None and is_purged(row_id):
            return row_id
        row = model.get_or_none(model.id == row_id) if row_id is not None else None
        if row is None:
            row_id = row_id or new_id()
            stamp = store_db.tick()
            data = {}
            for name in allowed:
                f = model._meta.fields[name]
                data[name] = values[name] if name in values else f.default() if callable(f.default) else f.default
            clocks = {name: stamp for name in allowed}
            model.insert(id=row_id, clocks=json.dumps(clocks, sort_keys=True), hlc=stamp, seq=hlc.seq_of(stamp),
                         **data).execute()
            _record(model, row_id, None)
            return row_id
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        if not changed:
            return row_id
        stamp = store_db.tick()
        clocks = json.loads(row.clocks)
        for k in changed:
            if k in model.FREE_TEXT:
                _edit_on_top(model, row_id, clocks, k, stamp)
            clocks[k] = stamp
        model.update(clocks=json.dumps(clocks, sort_keys=True), hlc=stamp, seq=hlc.seq_of(stamp), **changed).where(
            model.id == row_id
        ).execute()
        _record(model, row_id, {k: getattr(row, k) for k in changed})
        return row_id


def _edit_on_top(model: type[Replicated], row_id: str, clocks: dict, k: str, stamp: str) -> None:
    """A free-text field's new version is written on top of the current one:
    its version vector says so (clocks["_vv"][k]), so sync can tell a later
    edit from a concurrent one. Conflicts it descends from are settled by it,
    here as on every laptop it reaches."""
    versions.after_edit(clocks, k, stamp)
    versions.drop_descended(model._meta.table_name, row_id, k, clocks["_vv"][k])


def set_local(key: str, value: str) -> None:
    """Set a local fact of this laptop (a Meta key, never synced) as part of
    the open action: undo and redo put it back with the rows it follows."""
    with store_db.transaction():
        before = store_db.get_meta(key)
        if before == value:
            return
        store_db.set_meta(key, value)
        if _open_action:
            _open_action[-1].changes.append(_Change(None, key, {"value": before}))


def delete(model: type[Replicated], row_id: str) -> str:
    return write(model, row_id, deleted=True)


def purge(model: type[Replicated], row_id: str) -> None:
    """Erase a row for good: its content goes, and no later write brings it back."""
    purge_many(model, [row_id])


def purge_many(model: type[Replicated], row_ids: list[str]) -> None:
    """Erase rows for good, in one transaction. Only a hash of each id is kept
    (Purged), so no file keeps the erased id; `secure_delete` zeroes the content."""
    if not row_ids:
        return
    with store_db.transaction():
        stamp = store_db.tick()
        for start in range(0, len(row_ids), 500):
            chunk = row_ids[start:start + 500]
            model.delete().where(model.id.in_(chunk)).execute()
        Purged.insert_many([{"id": purge_key(rid), "table": model._meta.table_name, "stamp": stamp,
                             "seq": hlc.seq_of(stamp)}
                            for rid in row_ids]).on_conflict_ignore().execute()
    # An erased row cannot be undone; forget any history that points at it.
    gone = set(row_ids)
    for act in _undo_stack + _redo_stack:
        act.changes = [c for c in act.changes if c.model is None or c.row_id not in gone]


def _record(model: type[Replicated], row_id: str, before: dict[str, Any] | None) -> None:
    if _open_action:
        _open_action[-1].changes.append(_Change(model, row_id, before))
    else:
        _push_new(_Action(f"edit {model.__name__.lower()}", [_Change(model, row_id, before)]))


def undo_label() -> str | None:
    return _undo_stack[-1].label if _undo_stack else None


def redo_label() -> str | None:
    return _redo_stack[-1].label if _redo_stack else None


def _put_back(act: _Action) -> _Action:
    """Write back the `before` values of an action's changes, newest first, in
    one transaction. Returns the action that takes this back again (what each
    write overwrote): an undo's redo, a redo's undo."""
    inverse = _Action(act.label)
    _open_action.append(inverse)
    try:
        with store_db.transaction():
            for change in reversed(act.changes):
                if change.model is None:
                    set_local(change.row_id, (change.before or {}).get("value") or "")
                elif change.before is None or change.model.get_or_none(change.model.id == change.row_id):
                    # (a conflict that a later version settled is gone: nothing to put back)
                    write(change.model, change.row_id,
                          **({"deleted": True} if change.before is None else change.before))
    finally:
        _open_action.pop()
    return inverse


def undo() -> str | None:
    """Take back the last action by writing the old values. Returns its label."""
    if not _undo_stack:
        return None
    act = _undo_stack[-1]
    inverse = _put_back(act)
    _undo_stack.pop()  # only once the undo has landed: a failed one can be tried again
    if inverse.changes:
        _redo_stack.append(inverse)
        del _redo_stack[:-UNDO_DEPTH]
    return act.label


def redo() -> str | None:
    """Take back the last undo (until a new change is made). Returns its label."""
    if not _redo_stack:
        return None
    act = _redo_stack[-1]
    inverse = _put_back(act)
    _redo_stack.pop()
    if inverse.changes:
        _undo_stack.append(inverse)  # undoable again; the rest of the redo history stays
        del _undo_stack[:-UNDO_DEPTH]
    return act.label


def clear_history() -> None:
    _undo_stack.clear()
    _redo_stack.clear()


def insert_new(model: type[Replicated], rows: list[dict[str, Any]]) -> list[str]:
    """Insert many new rows in one transaction, each with every content field
    stamped (as `write` would). For demo data and bulk loads: `write` per row
    is far too slow for thousands of rows, and peewee's insert_many is several
    times slower than sqlite's executemany. Not undoable. Returns the ids.

    Rows without an "id" get a fresh one; ids that were purged are skipped
    (erasure is final); an id that already exists raises and nothing is written.
    """
    fields = model.content_fields()
    allowed = set(fields)
    for values in rows:
        unknown = set(values) - allowed - {"id"}
        if unknown:
            raise WriteError(f"{model.__name__} has no field(s) {', '.join(sorted(unknown))}")
    meta = model._meta
    defaults = {}
    for name in fields:
        d = meta.fields[name].default
        defaults[name] = d() if callable(d) else d
    columns = ["id", "clocks", "hlc", "seq"] + fields
    sql = 'INSERT INTO "{}" ({}) VALUES ({})'.format(
        meta.table_name,
        ", ".join(f'"{meta.fields[c].column_name}"' for c in columns),
        ", ".join("?" for _ in columns),
    )
    converters = [meta.fields[name].db_value for name in fields]
    ids: list[str] = []
    with store_db.transaction():
        purged = {r[0] for r in database.execute_sql('SELECT id FROM purged WHERE "table" = ?', (meta.table_name,))}
        purged = {rid for rid in (values.get("id") for values in rows) if rid and purge_key(rid) in purged}
        # One clock for the batch, persisted once at the end: stamps stay
        # unique and monotonic, without a Meta read and write per row.
        clock = hlc.Clock(store_db.device_id(), store_db.get_meta("hlc_last"))
        params = []
        for values in rows:
            row_id = values.get("id") or new_id()
            if row_id in purged:
                continue
            stamp = clock.tick()
            clocks = json.dumps(dict.fromkeys(fields, stamp), sort_keys=True)
            data = [conv(values[name] if name in values else defaults[name])
                    for name, conv in zip(fields, converters, strict=True)]
            params.append((row_id, clocks, stamp, hlc.seq_of(stamp), *data))
            ids.append(row_id)
        if params:
            database.connection().executemany(sql, params)
            store_db.set_meta("hlc_last", str(clock.last))
    return ids
