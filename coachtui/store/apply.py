"""The store's second write path: rows that arrive from another laptop with
their own per-field clocks (sync). `write.py` stamps local edits with new
clocks; this merges someone else's stamped rows, field by field, so any order
of imports gives the same database. Bulk, through sqlite's executemany on
peewee's connection (peewee's insert_many is several times slower).

Callers (sync.merge) own the transaction and the checks on what they read;
nothing here is undoable and nothing enters the undo history.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from peewee import BooleanField, IntegerField

from coachtui.base.errors import UserError
from coachtui.store.models import Conflict, Purged, database, derived_id


class ApplyError(UserError):
    """An incoming row does not fit the table; the caller rolls back."""


@dataclass
class Counts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    conflicts: int = 0
    skipped: int = 0


def _descends(newer: dict, older_stamp: str, f: str, newer_stamp: str) -> bool:
    """Was `newer` made on top of the version stamped `older_stamp`?"""
    if not older_stamp:
        return True
    if newer_stamp.rsplit("-", 1)[-1] == older_stamp.rsplit("-", 1)[-1]:
        return True  # one laptop's edits are made one after another
    return newer.get("_base", {}).get(f) == older_stamp


def _conflict(table: str, row_id: str, f: str, value, stamp: str, winner: str) -> None:
    """Record the losing version. Every laptop that meets this loser makes the
    very same row, whoever beat it there: the id and every field's clock come
    from the losing version alone. So conflict rows converge like the rest."""
    cid = derived_id("conflict", table, row_id, f, stamp)
    if Conflict.get_or_none(Conflict.id == cid) is None:
        fields = Conflict.content_fields()
        Conflict.insert(id=cid, clocks=json.dumps(dict.fromkeys(fields, stamp), sort_keys=True), hlc=stamp,
                        deleted=False, table_name=table, record_id=row_id, field_name=f, value=str(value or ""),
                        stamp=stamp, winner_stamp="", resolved=False).execute()


_KINDS: dict = {}


def _kinds(model) -> list[tuple[str, str, object]]:
    """(field, "b"ool | "i"nt | "t"ext, default) for each content field, cached."""
    kinds = _KINDS.get(model)
    if kinds is None:
        kinds = []
        for f in model.content_fields():
            fld = model._meta.fields[f]
            kind = "b" if isinstance(fld, BooleanField) else "i" if isinstance(fld, IntegerField) else "t"
            d = fld.default
            kinds.append((f, kind, d() if callable(d) else d))
        _KINDS[model] = kinds
    return kinds


def _db_value(kind: str, value):
    """Check a bundle value's type against the column and convert it for SQLite."""
    if kind == "t":
        if value is None or type(value) is str:
            return value
    elif kind == "b":
        if type(value) is bool:
            return int(value)
    elif value is None or type(value) is int:
        return value
    raise ApplyError("a row has a value of the wrong type")


def apply_rows(model, rows: list[dict], purged: set[str], counts: Counts) -> None:
    """Merge rows that arrived with their clocks into `model`'s table, field by
    field: the higher stamp wins; a free-text field changed on two laptops
    keeps the loser as a Conflict. Each row is {"id", "values", "clocks",
    "_newest"} (its newest stamp). Ids in `purged` are skipped (erasure is
    final); a private row here is never overwritten. Call inside a transaction."""
    fields = model.content_fields()
    cols = [model._meta.fields[f].column_name for f in fields]
    table = model._meta.table_name
    ids = [r["id"] for r in rows]
    local = {}
    select = 'SELECT id, clocks, {} FROM "{}" WHERE id IN ({})'.format(
        ", ".join(f'"{c}"' for c in cols), table, ", ".join("?" * len(ids)))
    for rec in database.execute_sql(select, ids).fetchall():
        local[rec[0]] = (json.loads(rec[1]), dict(zip(fields, rec[2:], strict=True)))
    inserts, updates = [], []
    has_private = "private" in fields
    kinds = _kinds(model)
    kind_of = {f: kind for f, kind, _ in kinds}
    bool_fields = {f for f, kind, _ in kinds if kind == "b"}
    for r in rows:
        rid = r["id"]
        if rid in purged:
            counts.skipped += 1
            continue
        inc_vals, inc_clocks = r["values"], r["clocks"]
        if rid not in local:
            row_values = [_db_value(kind, inc_vals[f]) if f in inc_vals else default for f, kind, default in kinds]
            inserts.append([rid, json.dumps(inc_clocks), r["_newest"], *row_values])
            # A row repeated in one bundle merges with the copy inserted above.
            local[rid] = (inc_clocks, dict(zip(fields, row_values, strict=True)))
            counts.new += 1
            continue
        loc_clocks, loc_vals = local[rid]
        if has_private and loc_vals.get("private"):
            counts.skipped += 1  # a private row here is never overwritten from outside
            continue
        if inc_clocks == loc_clocks:
            counts.unchanged += 1  # the same version: nothing to compare field by field
            continue
        changed = False
        was_deleted = bool(loc_vals.get("deleted"))
        for f in fields:
            si = inc_clocks.get(f)
            if si is None or f not in inc_vals:
                continue
            sl = loc_clocks.get(f, "")
            vi = _db_value(kind_of[f], inc_vals[f])
            vl = loc_vals[f]
            if f in bool_fields:
                vl = int(bool(vl))
            if si > sl:
                if f in model.FREE_TEXT and vi != vl and sl and not _descends(inc_clocks, sl, f, si):
                    _conflict(table, rid, f, vl, sl, si)
                    counts.conflicts += 1
                loc_vals[f] = vi
                loc_clocks[f] = si
                if f in model.FREE_TEXT:
                    base = inc_clocks.get("_base", {}).get(f)
                    if base is not None:
                        loc_clocks.setdefault("_base", {})[f] = base
                    else:
                        loc_clocks.get("_base", {}).pop(f, None)
                changed = True
            elif si < sl and f in model.FREE_TEXT and vi != vl and not _descends(loc_clocks, si, f, sl):
                _conflict(table, rid, f, vi, si, sl)
                counts.conflicts += 1
        if changed:
            stamps = [s for k, s in loc_clocks.items() if k != "_base"]
            updates.append([json.dumps(loc_clocks, sort_keys=True), max(stamps)]
                           + [int(loc_vals[f]) if f in bool_fields else loc_vals[f] for f in fields] + [rid])
            if loc_vals.get("deleted") and not was_deleted:
                counts.deleted += 1
            else:
                counts.updated += 1
        else:
            counts.unchanged += 1
    conn = database.connection()
    if inserts:
        conn.executemany('INSERT INTO "{}" (id, clocks, hlc, {}) VALUES ({})'.format(
            table, ", ".join(f'"{c}"' for c in cols), ", ".join("?" * (3 + len(cols)))), inserts)
    if updates:
        conn.executemany('UPDATE "{}" SET clocks = ?, hlc = ?, {} WHERE id = ?'.format(
            table, ", ".join(f'"{c}" = ?' for c in cols)), updates)


def apply_tombstone(model, row_id: str, table: str, stamp: str, purged: set[str]) -> bool:
    """Erase a row for good, as another laptop did. Returns whether the erasure is new here."""
    if model is not None:
        model.delete().where(model.id == row_id).execute()
    if row_id in purged:
        return False
    Purged.insert(id=row_id, table=table, stamp=stamp).on_conflict_ignore().execute()
    purged.add(row_id)
    return True


def purged_ids() -> set[str]:
    return {r[0] for r in database.execute_sql("SELECT id FROM purged")}
