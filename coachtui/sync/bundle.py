"""Bundle body: JSON Lines. A manifest line, one line per row or tombstone,
then a trailer with the counts and the sha256 of every byte before it.
See docs/bundle-format.md."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from coachtui.base.atomic_write import atomic, target
from coachtui.base.errors import UserError
from coachtui.base.text import for_terminal
from coachtui.base.user_files import open_regular
from coachtui.store import hlc, schema
from coachtui.store.db import device_id, get_meta, is_demo
from coachtui.store.hlc import seq_of
from coachtui.store.models import REPLICATED_MODELS, Purged, Site, database
from coachtui.sync import trust
from coachtui.sync.cleaning import TextError, clean_text, is_id
from coachtui.sync.envelope import Encryptor, EnvelopeError, decrypt_stream, is_encrypted, passphrase_bytes
from coachtui.sync.progress import Metered, Progress, Throttle, reading

FORMAT = "coachtui-bundle"
FORMAT_VERSION = 2  # 2: incremental (the manifest's since/upto); version 1 bundles are still read
READ_VERSIONS = (1, 2)
# Clocks further ahead than this are refused: one laptop's wrong date would
# otherwise win every merge for years.
FUTURE_SLACK_MS = 24 * 3600 * 1000
# What a bundle may be: a whole trust's data is a few GB; one line is one row,
# whose texts are at most 100,000 characters each (escaped, a few MB at worst).
MAX_BYTES = 10 * 10 ** 9
MAX_LINE = 16 * 10 ** 6


class BundleError(UserError):
    """A bundle that cannot be used; nothing was changed. The message is made
    safe for a terminal (it may name a file or quote the bundle)."""

    def __init__(self, message: str) -> None:
        super().__init__(for_terminal(message))


@dataclass
class Manifest:
    bundle_id: str
    device: str
    device_name: str
    site: str | None
    schema: int
    created_at: str
    scope: str
    demo: bool = False  # written from a demo database (made-up people)
    since: int = 0  # version 2: what changed on the writer after `since`, complete to `upto`
    upto: int = 0


def refuse_other_world(m: Manifest, name: str) -> None:
    """Made-up people never reach real data, and real people never a demo."""
    if m.demo and not is_demo():
        raise BundleError(f"{name} comes from a demo database (made-up people): not applied to real data")
    if not m.demo and is_demo():
        raise BundleError(f"{name} comes from real data: not applied to the demo database")


def _known(clocks: dict, known: dict[str, int]) -> bool:
    """Is every version in these clocks already in the destination? `known`
    maps a laptop to the last of its seqs the destination holds: a laptop's
    own stamps are seqs of its clock, so a stamp at or below it is there."""
    for k, stamp in clocks.items():
        if k[0] != "_" and seq_of(stamp) > known.get(stamp[20:], 0):
            return False
    return True


# What a site bundle holds (`export --site`), table by table: each row whose
# parents it holds too, so the bundle is whole on a laptop that has nothing
# else (docs/bundle-format.md, "Site bundles"). Each ? is the site's id.
_STAFF = "SELECT id FROM staff WHERE site_id = ?"
_JOINS = f'SELECT id FROM "join" WHERE staff_id IN ({_STAFF})'
_FEEDBACKS = f"SELECT id FROM feedback WHERE join_id IN ({_JOINS}) AND staff_id IN ({_STAFF})"
_CYCLES = f"SELECT id FROM coaching_cycle WHERE staff_id IN ({_STAFF})"
# The site's PLCs, and trust-wide ones one of its people leads or belongs to.
_PLCS = (f"SELECT id FROM plc WHERE site_id = ? OR (site_id IS NULL AND (leader_id IN ({_STAFF}) "
         f"OR id IN (SELECT plc_id FROM plc_member WHERE staff_id IN ({_STAFF}))))")
# Their meetings, and sessions of no PLC (a staff surgery) the site's people came to.
_SESSIONS = (f"SELECT id FROM session WHERE plc_id IN ({_PLCS}) OR (plc_id IS NULL AND id IN "
             f"(SELECT session_id FROM attendance WHERE staff_id IN ({_STAFF})))")
_PLANS = (f"SELECT id FROM priority_plan WHERE (site_id = ? OR (site_id IS NULL AND staff_id IN ({_STAFF}))) "
          f"AND (staff_id IS NULL OR staff_id IN ({_STAFF}))")
_ABOUT_STAFF = f"staff_id IN ({_STAFF})"
SITE_ROWS: dict[str, str | None] = {
    "site": "id = ?",
    "staff": "site_id = ?",
    "framework_item": None,  # the trust's: every laptop has it
    "staff_focus": _ABOUT_STAFF,
    "join": _ABOUT_STAFF,
    "join_event": f"join_id IN ({_JOINS})",
    "note": f"join_id IN ({_JOINS})",
    "tally": f"join_id IN ({_JOINS})",
    "feedback": f"id IN ({_FEEDBACKS})",
    "feedback_item": f"feedback_id IN ({_FEEDBACKS})",
    "action_step": f"{_ABOUT_STAFF} AND (feedback_id IS NULL OR feedback_id IN ({_FEEDBACKS}))",
    "conflict": None,  # below: those about a row the bundle holds
    "plc": f"id IN ({_PLCS})",
    "plc_member": f"plc_id IN ({_PLCS}) AND {_ABOUT_STAFF}",
    "session": f"id IN ({_SESSIONS})",
    "attendance": f"session_id IN ({_SESSIONS}) AND {_ABOUT_STAFF}",
    "priority_plan": f"id IN ({_PLANS})",
    "plan_action": f"plan_id IN ({_PLANS})",
    "evidence": f"plan_id IN ({_PLANS})",
    "peer_session": f"plan_id IN ({_PLANS})",
    "coaching_cycle": _ABOUT_STAFF,
    "cycle_event": f"cycle_id IN ({_CYCLES})",
    "support_change": _ABOUT_STAFF,
    "cadence": "site_id = ? OR site_id IS NULL",
    "planned_join": _ABOUT_STAFF,
}
SITE_ROWS["conflict"] = " OR ".join(
    f"""(table_name = '{t}' AND record_id IN (SELECT id FROM "{t}"{f' WHERE {w}' if w else ''}))"""
    for t, w in SITE_ROWS.items() if t != "conflict")


def _site_where(table: str) -> str | None:
    """The condition on `table`'s rows for a site bundle (None: every row)."""
    if table not in SITE_ROWS:
        raise BundleError(f"a site bundle does not know what to take from {table}")  # a new table: add it above
    return SITE_ROWS[table]


def _rows_for_export(site: str | None, since: int = 0, known: dict[str, int] | None = None) -> Iterator[dict]:
    """Every shareable row (never private ones); with `site`, what SITE_ROWS
    takes of each table for that site: its people and everything about them,
    each with its parents. With `since`, only rows changed here after it
    (seq); with `known`, not those whose every version the destination
    already holds (see _known)."""
    site_id = None
    if site:
        found = Site.get_or_none((Site.name == site) & Site.live())
        if found is None:
            raise BundleError(f"no site called {site!r}")
        site_id = found.id
    for model in REPLICATED_MODELS:
        fields = model.content_fields()
        columns = [model._meta.fields[f].column_name for f in fields]
        sql = 'SELECT id, clocks, {} FROM "{}"'.format(", ".join(f'"{c}"' for c in columns), model._meta.table_name)
        where, params = [], []
        if since:
            where.append("seq > ?")
            params.append(since)
        if "private" in fields:
            where.append("private = 0")
        if site_id and (cond := _site_where(model._meta.table_name)):
            where.append(f"({cond})")
            params += [site_id] * cond.count("?")
        if where:
            sql += " WHERE " + " AND ".join(where)
        bools = [f for f in fields if model._meta.fields[f].field_type == "BOOL"]
        cursor = database.execute_sql(sql, params)
        while batch := cursor.fetchmany(2000):
            for r in batch:
                values = dict(zip(fields, r[2:], strict=True))
                if known is not None and _known(json.loads(r[1]), known):
                    continue
                for f in bools:
                    values[f] = bool(values[f])
                # The stored clocks are already JSON: written into the line as they are.
                yield model._meta.table_name, r[0], values, r[1]


# FAT32, the file system of most USB sticks, takes no file of 4 GiB or more:
# a bundle that outgrows this is written as parts, each a bundle of its own.
PART_BYTES = 3 * 2 ** 30


def write_body(out, site: str | None = None, device_name: str = "", since: int = 0,
               known: dict[str, int] | None = None, bundle_id: str | None = None,
               progress: Progress | None = None, next_part=None, part_bytes: int = PART_BYTES) -> dict:
    """Write the body lines to `out` (has .write(bytes)): every row changed
    here after `since` (0: all), less what `known` says the destination holds.
    Returns counts, `upto` (the seq the bundle is complete to) and `ids`, the
    bundle id of each part. Read in one transaction, so rows and `upto` are
    one consistent moment. With `next_part` (a function giving the next
    part's writer), a part that reaches `part_bytes` is ended (its trailer)
    and the rest goes into a new one, with its own manifest and bundle id.
    `progress(rows written, rows in all tables)` as it goes (an estimate:
    private rows and other sites' are counted)."""
    with database.atomic("DEFERRED"):
        return _Body(out, site, device_name, since, known, bundle_id or new_bundle_id(), progress, next_part,
                     part_bytes).write()


class _Body:
    def __init__(self, out, site, device_name, since, known, bundle_id, progress, next_part, part_bytes):
        self.out, self.site, self.since, self.known = out, site, since, known
        self.progress, self.next_part, self.part_bytes = progress, next_part, part_bytes
        last = get_meta("hlc_last")
        self.upto = seq_of(last) if last else 0
        self.manifest = {"type": "manifest", "format": FORMAT, "version": FORMAT_VERSION, "bundle_id": bundle_id,
                         "device": device_id(), "device_name": device_name, "site": site,
                         "schema": schema.SCHEMA_VERSION,
                         "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                         "scope": f"site:{site}" if site else "all", "since": since, "upto": self.upto}
        if is_demo():
            self.manifest["demo"] = True  # only then: real bundles are byte for byte what older readers know
        self.ids: list[str] = []
        self.rows = self.purged = 0

    def _line(self, line: bytes) -> None:
        self.digest.update(line)
        self.out.write(line)
        self.size += len(line)

    def _emit(self, obj: dict) -> None:
        self._line((json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))

    def _begin(self) -> None:
        self.digest = hashlib.sha256()
        self.size = self.part_rows = self.part_purged = 0
        if self.ids:
            self.manifest["bundle_id"] = new_bundle_id()
        self.ids.append(self.manifest["bundle_id"])
        self._emit(self.manifest)

    def _end(self) -> None:
        trailer = {"type": "trailer", "rows": self.part_rows, "purged": self.part_purged,
                   "sha256": self.digest.hexdigest()}
        self.out.write((json.dumps(trailer, separators=(",", ":")) + "\n").encode("utf-8"))

    def _room(self) -> None:
        """Start a new part if this one is full."""
        if self.next_part is not None and self.size >= self.part_bytes:
            self._end()
            self.out = self.next_part()
            self._begin()

    def write(self) -> dict:
        progress, since, known = self.progress, self.since, self.known
        if progress is not None:
            progress = Throttle(progress)
            total = sum((model.select().where(model.seq > since) if since else model.select()).count()
                        for model in REPLICATED_MODELS) or 1
        self._begin()
        dumps = json.dumps
        for table, rid, values, clocks in _rows_for_export(self.site, since, known):
            self._line(('{"type":"row","table":%s,"id":%s,"values":%s,"clocks":%s}\n' % (
                dumps(table), dumps(rid), dumps(values, ensure_ascii=False, separators=(",", ":")), clocks)
            ).encode("utf-8"))
            self.rows += 1
            self.part_rows += 1
            if progress is not None:
                progress(min(self.rows, total - 1), total)
            self._room()
        if progress is not None:
            progress(total, total)
        for p in Purged.select().where(Purged.seq > since) if since else Purged.select():
            if known is not None and _known({"stamp": p.stamp}, known):
                continue
            # The erased row's purge key (a hash of its id), never the id itself.
            self._emit({"type": "purged", "table": p.table, "key": p.id, "stamp": p.stamp})
            self.purged += 1
            self.part_purged += 1
            self._room()
        self._end()
        return {"rows": self.rows, "purged": self.purged, "upto": self.upto, "ids": self.ids}


def new_bundle_id() -> str:
    return uuid.uuid4().hex


def part_path(path: Path, k: int, n: int, bundle_id: str, upto: int) -> Path:
    """Where part k of n of a bundle written to `path` goes: NAME-KofN.ctb."""
    return path.with_name(f"{path.stem}-{k}of{n}{path.suffix}")


def export(path: str | Path, passphrase: str | None, site: str | None = None, device_name: str = "", *,
           since: int = 0, known: dict[str, int] | None = None, bundle_id: str | None = None,
           progress: Progress | None = None, part_name=part_path) -> dict:
    """Write a bundle to `path` safely: NAME.partial, fsync, rename. An
    encrypted one only under the trust's passphrase, once this laptop knows it.
    A bundle of more than PART_BYTES is written as parts, each renamed by
    `part_name(path, k, n, its bundle id, upto)` once all are written; `files` in
    what it returns lists the files. `progress(rows written, rows in all)` as it goes."""
    if passphrase is not None:
        trust.refuse_other(passphrase)
    path = target(path, BundleError)
    if passphrase is not None:
        try:
            passphrase_bytes(passphrase)  # a blank one is refused before the file is made
        except EnvelopeError as exc:
            raise BundleError(str(exc)) from None
    temps: list[Path] = []
    try:
        with contextlib.ExitStack() as stack:
            encryptors: list[Encryptor] = []

            def open_part():
                if encryptors:
                    encryptors[-1].close()  # the part before is whole: its final frame
                tmp = path if not temps else path.with_name(f".{path.name}.{len(temps) + 1}")
                temps.append(tmp)
                f = stack.enter_context(atomic(tmp, binary=True))
                if passphrase is None:
                    return f
                encryptors.append(Encryptor(f, passphrase))
                return encryptors[-1]

            counts = write_body(open_part(), site, device_name, since, known, bundle_id, progress,
                                next_part=open_part, part_bytes=PART_BYTES)
            if encryptors:
                encryptors[-1].close()
        files = [path]
        if len(temps) > 1:
            n = len(temps)
            files = [part_name(path, k, n, bid, counts["upto"]) for k, bid in enumerate(counts["ids"], 1)]
            for tmp, final in zip(temps, files, strict=True):
                tmp.replace(final)
    except OSError as exc:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
        raise BundleError(f"cannot write {path}: {exc.strerror or exc}") from None
    counts["files"] = files
    return counts


def _lines(path: Path, passphrase: str | None, allow_plain: bool) -> Iterator[bytes]:
    """The body's lines, decrypted, streamed. A plain body only with
    `allow_plain`: AES-GCM under the trust's key is what proves a bundle came
    from the trust, and a plain file proves nothing."""
    with open_regular(path, what="a bundle (.ctb)", limit=MAX_BYTES, error=BundleError) as f:
        if (progress := reading.get()) is not None:  # set by a merge that shows its progress
            f = Metered(f, os.fstat(f.fileno()).st_size, progress)
        yield from _split(f, path, passphrase, allow_plain)


def _split(f, path: Path, passphrase: str | None, allow_plain: bool) -> Iterator[bytes]:
    head = f.read(len(b"CTBNDL01"))
    if not head:
        raise BundleError(f"{path.name} is empty")
    f.seek(0)
    if is_encrypted(head):
        if not passphrase:
            raise BundleError(f"{path.name} is encrypted: a passphrase is needed")
        chunks = decrypt_stream(f, passphrase)
    elif not allow_plain:
        if not head.startswith(b"{"):
            raise BundleError(f"{path.name} is not a coachtui bundle")
        raise BundleError(f"{path.name} is not encrypted, so nothing proves it came from the trust: not applied "
                          f"(only `coachtui import --allow-plain` applies a plain bundle, on purpose)")
    else:
        chunks = iter(lambda: f.read(1 << 20), b"")
    pending = b""
    try:
        for chunk in chunks:
            pending += chunk
            *lines, pending = pending.split(b"\n")
            yield from lines
            if len(pending) > MAX_LINE:
                raise BundleError(f"{path.name} is not a coachtui bundle (or is damaged): a line of more than "
                                  f"{MAX_LINE // 10 ** 6} MB")
    except EnvelopeError as exc:
        raise BundleError(f"{path.name}: {exc}") from None
    except OSError as exc:
        raise BundleError(f"cannot read {path}: {exc.strerror or exc}") from None
    if pending:
        yield pending


# The keys of each kind of line; a line with any other key is refused (a new
# key comes with a new format version). Tombstones of schema 7 and before
# name the row by "id" instead of "key".
MANIFEST_KEYS = frozenset({"type", "format", "version", "bundle_id", "device", "device_name", "site", "schema",
                           "created_at", "scope", "demo", "since", "upto"})
ROW_KEYS = frozenset({"type", "table", "id", "values", "clocks"})
PLAIN_LINE = 2_000  # a line this short holds no value over cleaning's one-line limit
TOMBSTONE_KEYS = (frozenset({"type", "table", "key", "stamp"}), frozenset({"type", "table", "id", "stamp"}))
TRAILER_KEYS = frozenset({"type", "rows", "purged", "sha256"})


def read(path: str | Path, passphrase: str | None, allow_plain: bool = False) -> Iterator[dict]:
    """Yield the manifest, then each row/tombstone dict, then the trailer,
    checking the digest and counts as it goes (the trailer is checked last:
    callers must not commit anything before the iteration ends). Lines come
    in order: the manifest, rows, tombstones, the trailer. A plain
    (unencrypted) bundle is refused unless `allow_plain`."""
    path = Path(path).expanduser()
    digest = hashlib.sha256()
    first = True
    rows = purged = 0
    saw_trailer = False
    for raw in _lines(path, passphrase, allow_plain):
        if saw_trailer:
            if raw.strip():
                raise BundleError(f"{path.name} is damaged (data after its trailer)")
            continue
        try:
            # The manifest is read strictly: a key twice would mean two readers see two manifests.
            obj = json.loads(raw, object_pairs_hook=_one_each) if first else json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: [[[[... a line deep
            raise BundleError(f"{path.name} is not a coachtui bundle (or is damaged)") from None
        if not isinstance(obj, dict):
            raise BundleError(f"{path.name} is not a coachtui bundle")
        kind = obj.get("type")
        if first:
            if kind != "manifest" or obj.get("format") != FORMAT:
                raise BundleError(f"{path.name} is not a coachtui bundle")
            if not is_id(obj.get("bundle_id")) or not isinstance(obj.get("device"), str) \
                    or not DEVICE_RE.fullmatch(obj["device"]) \
                    or type(obj.get("schema")) is not int or type(obj.get("version")) is not int:
                raise BundleError(f"{path.name} is damaged (its manifest is incomplete)")
            if obj["schema"] > schema.SCHEMA_VERSION:
                raise BundleError(f"{path.name} comes from a newer coachtui (schema {obj['schema']}); "
                                  f"update this laptop first")
            if obj["version"] not in READ_VERSIONS:
                raise BundleError(f"{path.name} uses bundle format {obj['version']}, this coachtui reads "
                                  f"{' and '.join(map(str, READ_VERSIONS))}: update this laptop first")
            if obj["version"] >= 2 and not (type(obj.get("since")) is int and type(obj.get("upto")) is int
                                            and 0 <= obj["since"] <= obj["upto"]):
                raise BundleError(f"{path.name} is damaged (its manifest is incomplete)")
            _clean_manifest(obj, path.name)
            first = False
        elif kind == "row":
            if purged or obj.keys() != ROW_KEYS:
                raise BundleError(f"{path.name} is damaged (" + (
                    "a row after its tombstones: lines out of order)" if purged else "a row is malformed)"))
            rows += 1
            # Two facts read off the raw line, which save the merge most of its
            # work: its clocks as written (a row whose clocks are the very text
            # stored here is unchanged: nothing more to read or check), and
            # whether its text needs no cleaning (short, ASCII, no escapes, so
            # no control character; no string starts or ends with a space).
            at = raw.rfind(b',"clocks":')
            obj["_ctext"] = raw[at + 10:-1].decode("utf-8", "replace") if at > 0 else None
            head = raw[:at]  # the clocks (written with ": ") hold no text value
            obj["_plain"] = 0 < raw.find(b'"values":') < at and len(raw) <= PLAIN_LINE and raw.isascii() and b"\\" not in raw \
                and b"\x7f" not in raw and b'" ' not in head and b' "' not in head
        elif kind == "purged":
            if obj.keys() not in TOMBSTONE_KEYS:
                raise BundleError(f"{path.name} is damaged (a tombstone is malformed)")
            purged += 1
        elif kind == "trailer":
            if obj.keys() != TRAILER_KEYS or type(obj["rows"]) is not int or type(obj["purged"]) is not int:
                raise BundleError(f"{path.name} is damaged (its trailer is malformed)")
            if obj["sha256"] != digest.hexdigest() or obj["rows"] != rows or obj["purged"] != purged:
                raise BundleError(f"{path.name} is damaged (its contents do not match its checksum)")
            saw_trailer = True
            yield obj
            continue
        else:
            raise BundleError(f"{path.name} is damaged (unknown line type)")
        digest.update(raw + b"\n")
        yield obj
    if first:
        raise BundleError(f"{path.name} is empty")
    if not saw_trailer:
        raise BundleError(f"{path.name} is cut short (no trailer: incomplete copy?)")


def _one_each(pairs: list) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise ValueError("a key given twice")
    return obj


def _clean_manifest(obj: dict, name: str) -> None:
    """The manifest's text (device name, site, ...) cleaned like typed text, in
    place; its keys, types and scope checked."""
    if not MANIFEST_KEYS.issuperset(obj) or obj.get("demo", True) is not True:
        raise BundleError(f"{name} is damaged (its manifest is malformed)")
    for key in ("device_name", "site", "created_at", "scope"):
        value = obj.get(key)
        if value is None:
            continue
        if type(value) is not str:
            raise BundleError(f"{name} is damaged (its manifest is malformed)")
        try:
            obj[key] = clean_text(value, f"its {key.replace('_', ' ')}")
        except TextError as exc:
            raise BundleError(f"{name}: {exc}; not applied") from None
    # "all" (no site), or "site:NAME" with NAME in `site`; bundles of old
    # writers may lack both (then: all).
    scope, site = obj.get("scope"), obj.get("site")
    if not (scope in (None, "all") and site is None) and not (site and scope == f"site:{site}"):
        raise BundleError(f"{name} is damaged (its manifest's scope is unknown)")


def manifest_of(path: str | Path, passphrase: str | None, allow_plain: bool = False) -> Manifest:
    for obj in read(path, passphrase, allow_plain):
        return Manifest(obj["bundle_id"], obj["device"], obj.get("device_name") or "", obj.get("site"),
                        obj["schema"], obj.get("created_at") or "", obj.get("scope") or "all",
                        obj.get("demo") is True, obj.get("since", 0), obj.get("upto", 0))
    raise BundleError("empty bundle")


# Wall ms, counter, device id: the device id is printable ASCII without '-' or
# spaces (stamps are stored and compared as they are: no ESC hides in one).
STAMP_RE = re.compile(r"[0-9]{13}-[0-9]{5}-[\x21-\x2c\x2e-\x7e]{1,64}")


# A device id as it ends a clock stamp (and names the laptop's files in a folder).
DEVICE_RE = re.compile(r"[\x21-\x2c\x2e-\x7e]{1,64}")
_STAMPS_RE = re.compile(rf"(?:{STAMP_RE.pattern}\n)*{STAMP_RE.pattern}")


def newest_stamp(clocks: dict, name: str) -> str:
    """Check every stamp of a row's clocks is well formed; return the newest.
    (One regex over the row's stamps, not a parse each: this runs a million
    times on a big bundle.)"""
    stamps = [stamp for k, stamp in clocks.items() if k != "_base" and k != "_vv"]
    try:
        if stamps and _STAMPS_RE.fullmatch("\n".join(stamps)):
            return max(stamps)
    except TypeError:  # a stamp that is not a string
        pass
    raise BundleError(f"{name} is damaged (a clock stamp is malformed)")


def newest_base(clocks: dict, fields: frozenset[str], name: str) -> str:
    """Check a row's `_base` stamps (for each free-text field, the version an
    edit was made on top of: a stamp, or "" when there was none) are well
    formed and name free-text fields of the table; return the newest ("" if none)."""
    bases = clocks.get("_base")
    if bases is None:
        return ""
    if not isinstance(bases, dict) or not fields.issuperset(bases):
        raise BundleError(f"{name} is damaged (a clock stamp is malformed)")
    newest = ""
    for stamp in bases.values():
        if stamp == "":
            continue
        if not isinstance(stamp, str) or not STAMP_RE.fullmatch(stamp):
            raise BundleError(f"{name} is damaged (a clock stamp is malformed)")
        if stamp > newest:
            newest = stamp
    return newest


def newest_in_vectors(clocks: dict, fields: frozenset[str], name: str) -> str:
    """Check a row's version vectors (`_vv`: for each free-text field, the
    newest stamp of each device in its current version's history) are well
    formed: known fields, each device's own stamps. Return the newest ("" if none)."""
    vectors = clocks.get("_vv")
    if vectors is None:
        return ""
    if not isinstance(vectors, dict) or not fields.issuperset(vectors):
        raise BundleError(f"{name} is damaged (a clock stamp is malformed)")
    newest = ""
    for vv in vectors.values():
        if not isinstance(vv, dict) or not vv:
            raise BundleError(f"{name} is damaged (a clock stamp is malformed)")
        for device, stamp in vv.items():
            if not isinstance(stamp, str) or not STAMP_RE.fullmatch(stamp) or stamp.rsplit("-", 1)[1] != device:
                raise BundleError(f"{name} is damaged (a clock stamp is malformed)")
            if stamp > newest:
                newest = stamp
    return newest


def check_stamp(stamp: object, name: str) -> str:
    if not isinstance(stamp, str) or not STAMP_RE.fullmatch(stamp):
        raise BundleError(f"{name} is damaged (a clock stamp is malformed)")
    if hlc.parse(stamp).wall > hlc.now_ms() + FUTURE_SLACK_MS:
        raise BundleError(f"{name} carries clocks far in the future (a laptop with a wrong date?); not imported")
    return stamp
