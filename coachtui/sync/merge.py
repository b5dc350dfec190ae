"""Importing a bundle: back up, then merge every row field by field in one
transaction that checks every line as it streams (or, for a preview, merge
and roll back). A bad line anywhere rolls everything back.

Per field the higher clock wins, so any order of imports ends in the same
database and importing twice changes nothing. A free-text field changed on two
laptops while apart keeps the losing version as a Conflict for the user.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from coachtui.base.text import for_terminal, plural
from coachtui.store import backups as store_backups
from coachtui.store import db as store_db
from coachtui.store import hlc, write
from coachtui.store.apply import ApplyError, Counts, Tombstones, apply_rows
from coachtui.store.models import Applied, Conflict, Staff, model_for_table, purge_key
from coachtui.store.versions import versioned
from coachtui.sync import after_merge
from coachtui.sync.bundle import (
    FUTURE_SLACK_MS,
    BundleError,
    Manifest,
    check_stamp,
    manifest_of,
    newest_base,
    newest_in_vectors,
    newest_stamp,
    read,
    refuse_other_world,
)
from coachtui.sync.cleaning import TextError, clean_values, is_id
from coachtui.sync.progress import Progress, reading_with

BATCH = 1000


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
        from coachtui.sync.words import table_words  # (words reads the store: not at import time)

        for table, c in sorted(self.tables.items()):
            if c.new or c.updated or c.deleted or c.conflicts or c.skipped:
                out.append(f"{table_words(table):18} {c.new:6} new {c.updated:6} updated {c.unchanged:6} unchanged "
                           f"{c.deleted:4} deleted {c.conflicts:3} conflicts")
        if self.purged:
            out.append(f"erased records: {self.purged}")
        return out

    def headline(self) -> str:
        """One line, safe for a terminal."""
        verb = "applied" if self.applied else "would apply"
        who = f" from {for_terminal(self.manifest.device_name or self.manifest.device)}" if self.manifest else ""
        name = for_terminal(Path(self.path).name)
        if self.already_applied:
            return f"{name}{who}: already imported here; nothing to do"
        return (f"{name}{who}: {verb} {self.total('new')} new, {self.total('updated')} updated, "
                f"{self.total('unchanged')} unchanged, {self.total('deleted')} deleted, "
                f"{plural(self.total('conflicts'), 'conflict')}"
                + (f", {plural(self.purged, 'erasure')} (records erased for good)" if self.purged else ""))


class _Checker:
    """Checks each line as it streams past, inside the import's transaction:
    any problem raises, the transaction rolls back, and nothing has changed."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.newest = ""
        self.newest_base = ""  # bases are older versions: checked, but not the row's newest stamp
        self.future = "%013d" % (hlc.now_ms() + FUTURE_SLACK_MS)
        self.allowed: dict = {}

    def _fields(self, model) -> tuple[frozenset, frozenset, dict]:
        """(content fields, free-text fields, {field: default} of fields with a default), cached."""
        found = self.allowed.get(model)
        if found is None:
            defaults = {}
            for f in model.content_fields():
                fld = model._meta.fields[f]
                default = fld.default() if callable(fld.default) else fld.default
                if default is not None or fld.null:
                    defaults[f] = default
            found = self.allowed[model] = (frozenset(model.content_fields()), frozenset(model.FREE_TEXT), defaults)
        return found

    def row(self, obj: dict):
        model = model_for_table(obj.get("table", ""))
        if model is None:
            raise BundleError(f"{self.name} has rows for an unknown table {str(obj.get('table'))[:40]!r}")
        values, clocks = obj.get("values"), obj.get("clocks")
        if not is_id(obj.get("id")) or not isinstance(values, dict) or not isinstance(clocks, dict):
            raise BundleError(f"{self.name} is damaged (a row is malformed)")
        allowed, free, defaults = self._fields(model)
        if not allowed.issuperset(values):
            raise BundleError(f"{self.name} has fields this coachtui does not know in {obj['table']}")
        # One clock per value, no more (and maybe `_base`, `_vv`): a value without one
        # could never be compared with this laptop's.
        if len(clocks) - ("_base" in clocks) - ("_vv" in clocks) != len(values) or not values.keys() <= clocks.keys():
            raise BundleError(f"{self.name} is damaged (a row's clocks do not match its values)")
        if values.get("private") is True:
            # Writers never send a private row (private notes and feedback stay on their laptop).
            raise BundleError(f"{self.name} carries a private {obj['table']} record, which coachtui never sends; "
                              f"not applied")
        obj["_model"] = model
        return model

    def content(self, obj: dict) -> None:
        """The costly checks of a row (stamps, vectors, text), made only where
        the row is new here or differs from the one here (apply_rows calls it):
        a row whose clocks are the very ones stored here changes nothing."""
        model, values, clocks = obj["_model"], obj["values"], obj["clocks"]
        allowed, free, defaults = self._fields(model)
        row_newest = obj["_newest"] = newest_stamp(clocks, self.name)
        if row_newest > self.newest:
            # Only a new maximum can be too far ahead; its 13 wall digits say how far.
            if row_newest[:13] > self.future:
                check_stamp(row_newest, self.name)  # raises, with the reason
            self.newest = row_newest
        if len(values) != len(allowed):
            self._older(obj, allowed, defaults)
        base = max(newest_base(clocks, free, self.name),
                   newest_in_vectors(clocks, versioned(model), self.name))
        if base > self.newest_base:
            self.newest_base = check_stamp(base, self.name)
        if obj.get("_plain"):
            return  # read() saw nothing in the line that cleaning would change
        try:
            clean_values(model, values)  # like typed text: no ESC, BEL, NUL... reaches the store
        except TextError as exc:
            raise BundleError(f"{self.name}: {exc}; not applied") from None

    def _older(self, obj: dict, allowed: frozenset, defaults: dict) -> None:
        """A row from an older schema, without the fields added since: each takes
        its default under the genesis stamp (what the migration that added it
        gave this laptop's rows), so it loses to any real write and the clocks
        stay complete. A field without a default cannot be left out."""
        values, clocks = obj["values"], obj["clocks"]
        for f in allowed.difference(values):
            if f not in defaults:
                raise BundleError(f"{self.name} is damaged (a {obj['table']} row is missing {f})")
            values[f] = defaults[f]
            clocks[f] = hlc.GENESIS

    def stamp(self, stamp) -> None:
        stamp = check_stamp(stamp, self.name)
        self.newest = max(self.newest, stamp)


def _tombstone_key(obj: dict, name: str) -> str:
    """A tombstone names its row by purge key; bundles of schema 7 and before by id."""
    key = obj.get("key")
    if isinstance(key, str) and len(key) == 64 and all(c in "0123456789abcdef" for c in key):
        return key
    if "key" not in obj and is_id(obj.get("id")):
        return purge_key(obj["id"])
    raise BundleError(f"{name} is damaged (a tombstone is malformed)")


def _as_expected(m: Manifest, expect: dict) -> bool:
    """A folder's file names say whose it is and which part of their history
    (folder.NAME): what is read by its name must be what its manifest says."""
    return (m.device == expect["device"] and m.since == expect["since"] and m.upto == expect["upto"]
            and m.bundle_id.startswith(expect["bundle_id"]))


def merge(path: str | Path, passphrase: str | None, *, commit: bool, backups: Path | None = None,
          allow_plain: bool = False, take_backup: bool = True, expect: dict | None = None,
          progress: Progress | None = None) -> Summary:
    """Merge the bundle in one transaction, checking every line as it goes
    (decryption, JSON, tables, fields, stamps, counts, digest). Any problem,
    or commit=False (a preview), rolls it all back: nothing changes.
    A plain (unencrypted, so unauthenticated) bundle is refused unless
    `allow_plain` (`coachtui import --allow-plain`, asked for on purpose).
    `progress(bytes read, file size)` as the bundle is read."""
    summary = Summary(str(path))
    manifest = manifest_of(path, passphrase, allow_plain)
    summary.manifest = manifest
    refuse_other_world(manifest, Path(path).name)
    if expect and not _as_expected(manifest, expect):
        raise BundleError(f"{Path(path).name} does not hold what its name says (renamed?): not applied")
    if Applied.get_or_none(Applied.bundle_id == manifest.bundle_id):
        summary.already_applied = True
        return summary
    if commit and backups is not None and take_backup:
        store_backups.take(backups)
    check = _Checker(Path(path).name)
    erased_staff: list[str] = []
    erased_here = 0
    # Merged rows (and what the after-merge steps write) are not undoable here.
    try:
        with write.unrecorded(), store_db.transaction() as txn, reading_with(progress):
            # One place in this laptop's history for everything this import changes.
            seq = hlc.seq_of(store_db.tick())
            tombstones = Tombstones(seq)
            purged = tombstones.purged
            pending: dict = defaultdict(list)
            for obj in read(path, passphrase, allow_plain):
                kind = obj["type"]
                if kind == "row":
                    model = check.row(obj)
                    if model is Conflict and len(pending) > 1:
                        # A losing version is compared with its record's current one: merge those first.
                        for other in [m for m in pending if m is not Conflict]:
                            apply_rows(other, pending.pop(other), purged, summary.tables[other._meta.table_name], seq,
                                       check.content)
                    pending[model].append(obj)
                    if len(pending[model]) >= BATCH:
                        apply_rows(model, pending.pop(model), purged, summary.tables[obj["table"]], seq, check.content)
                elif kind == "purged":
                    check.stamp(obj.get("stamp"))
                    key = _tombstone_key(obj, check.name)
                    table = obj.get("table", "")
                    model = model_for_table(table)
                    if model is None:
                        raise BundleError(f"{check.name} erases records of an unknown table "
                                          f"{str(table)[:40]!r}")
                    if model in pending:
                        apply_rows(model, pending.pop(model), purged, summary.tables[table], seq, check.content)
                    # A person is erased with everything about them, by the roster's step below.
                    found = tombstones.apply(model, key, table, obj["stamp"], keep=model is Staff)
                    if found is not None:
                        summary.purged += 1
                        erased_here += bool(found)
                        if found and model is Staff:
                            erased_staff.append(found)
                elif kind == "trailer":
                    # read() has checked the digest and counts: flush what is left.
                    for model, rows in pending.items():
                        apply_rows(model, rows, purged, summary.tables[model._meta.table_name], seq,
                                   check.content)
                    pending.clear()
            if check.newest:
                store_db.observe(check.newest)
            # Everything else about a person erased elsewhere goes here too,
            # rows the other laptop never had included.
            after_merge.run_erasures(erased_staff)
            after_merge.run_all()
            Applied.insert(bundle_id=manifest.bundle_id, device=manifest.device,
                           applied_at=dt.datetime.now().isoformat(timespec="seconds"),
                           summary=summary.headline(), since=manifest.since,
                           upto=manifest.upto).on_conflict_ignore().execute()
            if not commit:
                txn.rollback()
    except ApplyError as exc:
        raise BundleError(f"{Path(path).name} is damaged ({exc})") from None
    if commit and erased_here:
        # No older copy may keep what was erased: the WAL, and the backups
        # (the one just taken among them).
        store_db.checkpoint()
        if backups is not None:
            store_backups.replace_all(backups)
    summary.applied = commit
    return summary
