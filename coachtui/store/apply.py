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
from typing import Callable

from peewee import BooleanField, IntegerField

from coachtui.base.errors import UserError
from coachtui.store import versions
from coachtui.store.models import ERASED, Conflict, Purged, database, model_for_table, purge_key

# Columns that say whose record a row is (or whose child): when that one was
# erased, the row goes too. Columns that point at someone else: an erased
# person there becomes ERASED, and the row stays.
PARENT_COLUMNS = frozenset({"staff_id", "join_id", "feedback_id", "cycle_id", "plan_id", "session_id", "record_id"})
REFERENCE_COLUMNS = frozenset({"coach_id", "leader_id", "owner_id", "partner_id", "by_staff_id", "teacher_id"})


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


_KINDS: dict = {}
_SAME = object()  # a row here whose clocks are the incoming ones
_dumps = json.JSONEncoder().encode
_SHAPES: dict = {}  # per model, the tuples of value types already checked against its columns


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


def apply_rows(model, rows: list[dict], purged: set[str], counts: Counts, seq: int = 0,
               check: Callable[[dict], None] | None = None) -> None:
    """Merge rows that arrived with their clocks into `model`'s table, field by
    field: the higher stamp wins; a free-text field changed on two laptops
    keeps the loser as a Conflict. Each row is {"id", "values", "clocks",
    "_newest"} (its newest stamp). `purged` holds the purge keys of erased
    rows: such a row is skipped (erasure is final), and so is a row about one
    (its staff_id, join_id, ... was erased); a pointer to an erased person
    (coach_id, leader_id, ...) becomes ERASED. A private row here is never
    overwritten. Rows inserted or changed get `seq` (this import's place in
    this laptop's history: incremental bundles send them on). Call inside a
    transaction. `check(row)` is called on every row that is new here or
    differs from the one here, before it is used (the reader's costly checks:
    a row identical to the one here changes nothing)."""
    fields = model.content_fields()
    cols = [model._meta.fields[f].column_name for f in fields]
    table = model._meta.table_name
    ids = [r["id"] for r in rows]
    local: dict = {}
    here = dict(database.execute_sql('SELECT id, clocks FROM "{}" WHERE id IN ({})'.format(
        table, ", ".join("?" * len(ids))), ids).fetchall())
    if here:
        # A row whose clocks are the ones here is unchanged; only the others
        # are compared field by field, so only their values are read.
        # The clocks as the line wrote them are usually the very text stored
        # here (both are the first writer's): then nothing needs parsing.
        same = {r["id"] for r in rows if r["id"] in here and r.get("_ctext") == here[r["id"]]}
        parsed = {rid: json.loads(text) for rid, text in here.items() if rid not in same}
        differ = list({r["id"] for r in rows if r["id"] in parsed and r["clocks"] != parsed[r["id"]]})
        local = dict.fromkeys(here, _SAME)
        if differ:
            select = 'SELECT id, {} FROM "{}" WHERE id IN ({})'.format(
                ", ".join(f'"{c}"' for c in cols), table, ", ".join("?" * len(differ)))
            for rec in database.execute_sql(select, differ).fetchall():
                local[rec[0]] = [parsed[rec[0]], dict(zip(fields, rec[1:], strict=True))]
    inserts, updates = [], []
    has_private = "private" in fields
    kinds = _kinds(model)
    kind_of = {f: kind for f, kind, _ in kinds}
    bool_fields = {f for f, kind, _ in kinds if kind == "b"}
    parents = [f for f in fields if f in PARENT_COLUMNS]
    dropped: list[dict] = []
    refs = [f for f in fields if f in REFERENCE_COLUMNS]
    keys: dict[str, str] = {}
    free = frozenset(model.FREE_TEXT)
    defaults = [default for _, _, default in kinds]
    shapes = _SHAPES.setdefault(model, set())
    settled: list[tuple[str, dict]] = []
    # Records whose losing versions arrived before them (rare): a new row may settle some.
    disputed = {r[0] for r in database.execute_sql(
        "SELECT DISTINCT record_id FROM conflict WHERE table_name = ?", (table,))} if free else set()

    def erased(value) -> bool:
        if not purged or not isinstance(value, str) or not value:
            return False
        key = keys.get(value)
        if key is None:
            key = keys[value] = purge_key(value)
        return key in purged

    for r in rows:
        rid = r["id"]
        inc_vals, inc_clocks = r["values"], r["clocks"]
        if check is not None and local.get(rid) is not _SAME:
            check(r)
        if erased(rid):
            counts.skipped += 1
            continue
        if any(erased(inc_vals.get(f)) for f in parents):
            # About someone (or something) erased: dropped, and remembered as
            # erased, so that rows under it (a feedback's items) go too.
            dropped.append({"id": purge_key(rid), "table": table, "stamp": r["_newest"], "seq": seq})
            purged.add(dropped[-1]["id"])
            counts.skipped += 1
            continue
        for f in refs:
            if erased(inc_vals.get(f)):
                inc_vals[f] = ERASED
        if rid not in local:
            if model is Conflict and not _admit_conflict(inc_vals, inc_clocks):
                counts.unchanged += 1  # a version this laptop has, or has gone past
                continue
            if rid in disputed:
                for f in free:
                    if f in inc_clocks:
                        versions.drop_descended(table, rid, f, versions.vector(inc_clocks, f))
            row_values = list(map(inc_vals.get, fields, defaults))
            shape = tuple(map(type, row_values))
            if shape not in shapes:  # the types of a row's values, checked once per combination
                for (_, kind, _), value in zip(kinds, row_values, strict=True):
                    _db_value(kind, value)
                shapes.add(shape)
            clocks_text = _dumps(inc_clocks)
            inserts.append((rid, clocks_text, r["_newest"], seq, *row_values))
            # A row repeated in one bundle merges with the copy inserted above.
            local[rid] = (rid, clocks_text, *row_values)
            counts.new += 1
            continue
        rec = local[rid]
        if rec is _SAME:
            counts.unchanged += 1  # the same version: nothing to compare field by field
            continue
        if type(rec) is tuple:  # inserted above, met again in this batch
            rec = local[rid] = [json.loads(rec[1]), dict(zip(fields, rec[2:], strict=True))]
        loc_clocks, loc_vals = rec
        if has_private and loc_vals.get("private"):
            counts.skipped += 1  # a private row here is never overwritten from outside
            continue
        if inc_clocks == loc_clocks:
            counts.unchanged += 1  # the same version: nothing to compare field by field
            continue
        changed = False
        was_deleted = bool(loc_vals.get("deleted"))
        losers: list[tuple] = []
        for f in fields:
            si = inc_clocks.get(f)
            if si is None or f not in inc_vals:
                continue
            sl = loc_clocks.get(f, "")
            if si == sl:
                continue  # the same write
            vi = _db_value(kind_of[f], inc_vals[f])
            if si > sl:
                if f in free:
                    # The incoming version wins; the one here lost unless the winner descends from it.
                    vv = versions.vector(inc_clocks, f)
                    if not versions.descends(vv, sl):
                        losers.append((f, loc_vals[f], sl, versions.vector(loc_clocks, f)))
                    settled.append((f, vv))
                    versions.take(loc_clocks, inc_clocks, f)
                loc_vals[f] = int(vi) if f in bool_fields else vi
                loc_clocks[f] = si
                changed = True
            elif f in free and not versions.descends(versions.vector(loc_clocks, f), si):
                losers.append((f, vi, si, versions.vector(inc_clocks, f)))
        for f, vv in settled:
            versions.drop_descended(table, rid, f, vv)
        settled.clear()
        # A row its writer retired (deleted: e.g. its words made private) keeps
        # no losing versions: a conflict would carry the words on.
        if not loc_vals.get("deleted"):
            for f, value, stamp, vv in losers:
                counts.conflicts += versions.keep_loser(seq, table, rid, f, value, stamp, vv)
        if changed:
            updates.append([json.dumps(loc_clocks, sort_keys=True), versions.newest(loc_clocks), seq]
                           + [int(loc_vals[f]) if f in bool_fields else loc_vals[f] for f in fields] + [rid])
            if loc_vals.get("deleted") and not was_deleted:
                counts.deleted += 1
            else:
                counts.updated += 1
        else:
            counts.unchanged += 1
    if dropped:
        Purged.insert_many(dropped).on_conflict_ignore().execute()
    conn = database.connection()
    if inserts:
        conn.executemany('INSERT INTO "{}" (id, clocks, hlc, seq, {}) VALUES ({})'.format(
            table, ", ".join(f'"{c}"' for c in cols), ", ".join("?" * (4 + len(cols)))), inserts)
    if updates:
        conn.executemany('UPDATE "{}" SET clocks = ?, hlc = ?, seq = ?, {} WHERE id = ?'.format(
            table, ", ".join(f'"{c}" = ?' for c in cols)), updates)


def _admit_conflict(values: dict, clocks: dict) -> bool:
    """A conflict row from another laptop is one more losing version here,
    unless a version here descends from it. Conflicts it is newer than go."""
    table, rec, f, stamp = (values.get(k) for k in ("table_name", "record_id", "field_name", "stamp"))
    target = model_for_table(table) if isinstance(table, str) else None
    if target is None or f not in target.FREE_TEXT or not isinstance(rec, str) or not isinstance(stamp, str):
        return True  # nothing it could be compared with
    here = database.execute_sql(f'SELECT clocks FROM "{table}" WHERE id = ?', (rec,)).fetchone()
    if here and versions.descends(versions.vector(json.loads(here[0]), f), stamp):
        return False
    if versions.known_or_older(table, rec, f, stamp):
        return False
    versions.drop_descended(table, rec, f, versions.conflict_vector(clocks, stamp))
    return True


class Tombstones:
    """Erasures arriving from another laptop, each a (table, purge key).

    The key is a hash: the row it names is found by hashing this table's ids,
    once per table per import, and only for erasures new here."""

    def __init__(self, seq: int = 0) -> None:
        self.seq = seq
        self.purged = {r[0] for r in database.execute_sql("SELECT id FROM purged")}
        self._ids: dict[str, dict[str, str]] = {}

    def apply(self, model, key: str, table: str, stamp: str, keep: bool = False) -> str | None:
        """Erase the row, as another laptop did. Returns None if the erasure was
        known here, else the id of the row it names here ("" if there was none).
        `keep`: leave the row for the caller to erase with everything about it."""
        if key in self.purged:
            return None
        found = ""
        if model is not None:
            ids = self._ids.get(table)
            if ids is None:
                ids = self._ids[table] = {purge_key(r[0]): r[0] for r in
                                          database.execute_sql(f'SELECT id FROM "{table}"')}
            found = ids.pop(key, "")
            if found and not keep:
                model.delete().where(model.id == found).execute()
        Purged.insert(id=key, table=table, stamp=stamp, seq=self.seq).on_conflict_ignore().execute()
        self.purged.add(key)
        return found
