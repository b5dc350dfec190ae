"""Importing a bundle: back up, then merge every row field by field in one
transaction that checks every line as it streams (or, for a preview, merge
and roll back). A bad line anywhere rolls everything back.

Per field the higher clock wins, so any order of imports ends in the same
database and importing twice changes nothing. A free-text field changed on two
laptops while apart keeps the losing version as a Conflict for the user.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from peewee import BooleanField, IntegerField

from coachtui.teaching.framework import NAMESPACE
from coachtui.store import db as store_db
from coachtui.store import write as w  # noqa: F401  (undo guard)
from coachtui.store.models import Applied, Conflict, Purged, database, model_for_table
from coachtui.sync.bundle import BundleError, Manifest, check_stamp, manifest_of, newest_stamp, read

BATCH = 1000
KEEP_BACKUPS = 5


@dataclass
class Counts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    conflicts: int = 0
    skipped: int = 0


@dataclass
class Summary:
    path: str
    manifest: Manifest | None = None
    tables: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    purged: int = 0
    already_applied: bool = False
    applied: bool = False

    def total(self, attr: str) -> int:
        return sum(getattr(c, attr) for c in self.tables.values())

    def lines(self) -> list[str]:
        out = []
        for table, c in sorted(self.tables.items()):
            if c.new or c.updated or c.deleted or c.conflicts or c.skipped:
                out.append(f"{table:14} {c.new:6} new {c.updated:6} updated {c.unchanged:6} unchanged "
                           f"{c.deleted:4} deleted {c.conflicts:3} conflicts")
        if self.purged:
            out.append(f"erased records: {self.purged}")
        return out

    def headline(self) -> str:
        verb = "applied" if self.applied else "would apply"
        who = f" from {self.manifest.device_name or self.manifest.device}" if self.manifest else ""
        if self.already_applied:
            return f"{Path(self.path).name}{who}: already imported here; nothing to do"
        return (f"{Path(self.path).name}{who}: {verb} {self.total('new')} new, {self.total('updated')} updated, "
                f"{self.total('unchanged')} unchanged, {self.total('deleted')} deleted, "
                f"{self.total('conflicts')} conflicts")


class _Checker:
    """Checks each line as it streams past, inside the import's transaction:
    any problem raises, the transaction rolls back, and nothing has changed."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.newest = ""
        self.allowed: dict = {}

    def row(self, obj: dict):
        model = model_for_table(obj.get("table", ""))
        if model is None:
            raise BundleError(f"{self.name} has rows for an unknown table {obj.get('table')!r}")
        if not isinstance(obj.get("id"), str) or not isinstance(obj.get("values"), dict) \
                or not isinstance(obj.get("clocks"), dict):
            raise BundleError(f"{self.name} is damaged (a row is malformed)")
        allowed = self.allowed.get(model)
        if allowed is None:
            allowed = self.allowed[model] = frozenset(model.content_fields())
        if not allowed.issuperset(obj["values"]):
            raise BundleError(f"{self.name} has fields this coachtui does not know in {obj['table']}")
        row_newest = obj["_newest"] = newest_stamp(obj["clocks"], self.name)
        if row_newest > self.newest:
            self.newest = check_stamp(row_newest, self.name)  # only a new maximum can be too far ahead
        return model

    def stamp(self, stamp) -> None:
        stamp = check_stamp(stamp, self.name)
        self.newest = max(self.newest, stamp)


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
    cid = uuid.uuid5(NAMESPACE, f"conflict:{table}:{row_id}:{f}:{stamp}").hex
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
    raise BundleError("a bundle row has a wrong value type")


def _apply_batch(model, rows: list[dict], purged: set[str], counts: Counts) -> None:
    fields = model.content_fields()
    cols = [model._meta.fields[f].column_name for f in fields]
    table = model._meta.table_name
    ids = [r["id"] for r in rows]
    local = {}
    select = 'SELECT id, clocks, {} FROM "{}" WHERE id IN ({})'.format(
        ", ".join(f'"{c}"' for c in cols), table, ", ".join("?" * len(ids)))
    for rec in database.execute_sql(select, ids).fetchall():
        local[rec[0]] = (json.loads(rec[1]), dict(zip(fields, rec[2:])))
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
            local[rid] = (inc_clocks, dict(zip(fields, row_values)))
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


def merge(path: str | Path, passphrase: str | None, *, commit: bool, backups: Path | None = None) -> Summary:
    """Merge the bundle in one transaction, checking every line as it goes
    (decryption, JSON, tables, fields, stamps, counts, digest). Any problem,
    or commit=False (a preview), rolls it all back: nothing changes."""
    summary = Summary(str(path))
    manifest = manifest_of(path, passphrase)
    summary.manifest = manifest
    if Applied.get_or_none(Applied.bundle_id == manifest.bundle_id):
        summary.already_applied = True
        return summary
    if commit and backups is not None:
        backup(backups)
    check = _Checker(Path(path).name)
    purged = {r[0] for r in database.execute_sql("SELECT id FROM purged")}
    # The write path's undo history must not record merged rows.
    w._open_action.append(w._Action("import"))
    try:
        with database.atomic("IMMEDIATE") as txn:
            pending: dict = defaultdict(list)
            for obj in read(path, passphrase):
                kind = obj["type"]
                if kind == "row":
                    model = check.row(obj)
                    pending[model].append(obj)
                    if len(pending[model]) >= BATCH:
                        _apply_batch(model, pending.pop(model), purged, summary.tables[obj["table"]])
                elif kind == "purged":
                    check.stamp(obj.get("stamp"))
                    rid = obj.get("id")
                    model = model_for_table(obj.get("table", ""))
                    if not isinstance(rid, str):
                        raise BundleError(f"{check.name} is damaged (a tombstone is malformed)")
                    if model is not None:
                        if model in pending:
                            _apply_batch(model, pending.pop(model), purged, summary.tables[obj["table"]])
                        model.delete().where(model.id == rid).execute()
                    if rid not in purged:
                        Purged.insert(id=rid, table=obj.get("table", ""), stamp=obj["stamp"]).on_conflict_ignore()\
                            .execute()
                        purged.add(rid)
                        summary.purged += 1
                elif kind == "trailer":
                    # read() has checked the digest and counts: flush what is left.
                    for model, rows in pending.items():
                        _apply_batch(model, rows, purged, summary.tables[model._meta.table_name])
                    pending.clear()
            if check.newest:
                store_db.observe(check.newest)
            # The same school typed in on two laptops is one site.
            from coachtui.roster.staff import merge_same_name_sites

            merge_same_name_sites()
            Applied.insert(bundle_id=manifest.bundle_id, device=manifest.device,
                           applied_at=dt.datetime.now().isoformat(timespec="seconds"),
                           summary=summary.headline()).on_conflict_ignore().execute()
            if not commit:
                txn.rollback()
    finally:
        w._open_action.pop()
    summary.applied = commit
    return summary


def backup(folder: Path) -> Path:
    """VACUUM INTO a dated copy; keep the newest few."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / f"coachtui-{dt.datetime.now().strftime('%Y%m%d-%H%M%S-%f')}.db"
    database.execute_sql("VACUUM INTO ?", (str(target),))
    target.chmod(0o600)
    old = sorted(folder.glob("coachtui-*.db"))
    for p in old[:-KEEP_BACKUPS]:
        p.unlink(missing_ok=True)
    return target
