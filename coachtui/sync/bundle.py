"""Bundle body: JSON Lines. A manifest line, one line per row or tombstone,
then a trailer with the counts and the sha256 of every byte before it.
See docs/bundle-format.md."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
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
from coachtui.store.db import device_id, is_demo
from coachtui.store.models import REPLICATED_MODELS, Purged, Site, database
from coachtui.sync.cleaning import TextError, clean_text, is_id
from coachtui.sync.envelope import Encryptor, EnvelopeError, decrypt_stream, is_encrypted

FORMAT = "coachtui-bundle"
FORMAT_VERSION = 1
# Clocks further ahead than this are refused: one laptop's wrong date would
# otherwise win every merge for years.
FUTURE_SLACK_MS = 24 * 3600 * 1000
# What a bundle may be: a whole trust's data is a few GB; one line is one row,
# whose texts are at most 100,000 characters each (escaped, a few MB at worst).
MAX_BYTES = 10 * 10 ** 9
MAX_LINE = 16 * 10 ** 6
STAFF_COLUMNS = ("staff_id", "coach_id", "teacher_id", "owner_id", "leader_id", "partner_id")


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


def refuse_other_world(m: Manifest, name: str) -> None:
    """Made-up people never reach real data, and real people never a demo."""
    if m.demo and not is_demo():
        raise BundleError(f"{name} comes from a demo database (made-up people): not applied to real data")
    if not m.demo and is_demo():
        raise BundleError(f"{name} comes from real data: not applied to the demo database")


def _rows_for_export(site: str | None) -> Iterator[dict]:
    """Every shareable row (never private ones); with `site`, that site, its
    staff and every row that refers to one of them (plus shared rows such as
    the framework, which refer to nobody)."""
    staff_ids: set[str] | None = None
    site_id = None
    if site:
        found = Site.get_or_none((Site.name == site) & Site.live())
        if found is None:
            raise BundleError(f"no site called {site!r}")
        site_id = found.id
        staff_ids = {r[0] for r in database.execute_sql("SELECT id FROM staff WHERE site_id = ?", (site_id,))}
    for model in REPLICATED_MODELS:
        fields = model.content_fields()
        columns = [model._meta.fields[f].column_name for f in fields]
        sql = 'SELECT id, clocks, {} FROM "{}"'.format(", ".join(f'"{c}"' for c in columns), model._meta.table_name)
        where, params = [], []
        if "private" in fields:
            where.append("private = 0")
        if site_id and model is Site:
            where.append("id = ?")
            params.append(site_id)
        elif site_id and model._meta.table_name == "staff":
            where.append("site_id = ?")
            params.append(site_id)
        if where:
            sql += " WHERE " + " AND ".join(where)
        refs = [f for f, c in zip(fields, columns, strict=True) if c in STAFF_COLUMNS]
        check_refs = staff_ids is not None and refs and model._meta.table_name != "staff"
        bools = [f for f in fields if model._meta.fields[f].field_type == "BOOL"]
        cursor = database.execute_sql(sql, params)
        while batch := cursor.fetchmany(2000):
            for r in batch:
                values = dict(zip(fields, r[2:], strict=True))
                if check_refs and not any(values[f] in staff_ids for f in refs):
                    continue
                for f in bools:
                    values[f] = bool(values[f])
                # The stored clocks are already JSON: written into the line as they are.
                yield model._meta.table_name, r[0], values, r[1]


def write_body(out, site: str | None = None, device_name: str = "") -> dict[str, int]:
    """Write the body lines to `out` (has .write(bytes)); returns counts."""
    digest = hashlib.sha256()

    def emit(obj: dict) -> None:
        line = (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        digest.update(line)
        out.write(line)

    manifest = {"type": "manifest", "format": FORMAT, "version": FORMAT_VERSION, "bundle_id": uuid.uuid4().hex,
                "device": device_id(), "device_name": device_name, "site": site, "schema": schema.SCHEMA_VERSION,
                "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "scope": f"site:{site}" if site else "all"}
    if is_demo():
        manifest["demo"] = True  # only then: real bundles are byte for byte what older readers know
    emit(manifest)
    rows = purged = 0
    dumps = json.dumps
    for table, rid, values, clocks in _rows_for_export(site):
        line = ('{"type":"row","table":%s,"id":%s,"values":%s,"clocks":%s}\n' % (
            dumps(table), dumps(rid), dumps(values, ensure_ascii=False, separators=(",", ":")), clocks)
        ).encode("utf-8")
        digest.update(line)
        out.write(line)
        rows += 1
    for p in Purged.select():
        # The erased row's purge key (a hash of its id), never the id itself.
        emit({"type": "purged", "table": p.table, "key": p.id, "stamp": p.stamp})
        purged += 1
    trailer = {"type": "trailer", "rows": rows, "purged": purged, "sha256": digest.hexdigest()}
    out.write((json.dumps(trailer, separators=(",", ":")) + "\n").encode("utf-8"))
    return {"rows": rows, "purged": purged}


def export(path: str | Path, passphrase: str | None, site: str | None = None, device_name: str = "") -> dict:
    """Write a bundle to `path` safely: NAME.partial, fsync, rename."""
    path = target(path, BundleError)
    try:
        with atomic(path, binary=True) as f:
            if passphrase is None:
                counts = write_body(f, site, device_name)
            else:
                enc = Encryptor(f, passphrase)
                counts = write_body(enc, site, device_name)
                enc.close()
    except OSError as exc:
        raise BundleError(f"cannot write {path}: {exc.strerror or exc}") from None
    return counts


def _lines(path: Path, passphrase: str | None, allow_plain: bool) -> Iterator[bytes]:
    """The body's lines, decrypted, streamed. A plain body only with
    `allow_plain`: AES-GCM under the trust's key is what proves a bundle came
    from the trust, and a plain file proves nothing."""
    with open_regular(path, what="a bundle (.ctb)", limit=MAX_BYTES, error=BundleError) as f:
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


def read(path: str | Path, passphrase: str | None, allow_plain: bool = False) -> Iterator[dict]:
    """Yield the manifest, then each row/tombstone dict, then the trailer,
    checking the digest and counts as it goes (the trailer is checked last:
    callers must not commit anything before the iteration ends). A plain
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
            obj = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: [[[[... a line deep
            raise BundleError(f"{path.name} is not a coachtui bundle (or is damaged)") from None
        if not isinstance(obj, dict):
            raise BundleError(f"{path.name} is not a coachtui bundle")
        kind = obj.get("type")
        if first:
            if kind != "manifest" or obj.get("format") != FORMAT:
                raise BundleError(f"{path.name} is not a coachtui bundle")
            if not is_id(obj.get("bundle_id")) or not is_id(obj.get("device")) \
                    or type(obj.get("schema")) is not int or type(obj.get("version")) is not int:
                raise BundleError(f"{path.name} is damaged (its manifest is incomplete)")
            if obj["schema"] > schema.SCHEMA_VERSION:
                raise BundleError(f"{path.name} comes from a newer coachtui (schema {obj['schema']}); "
                                  f"update this laptop first")
            if obj["version"] != FORMAT_VERSION:
                raise BundleError(f"{path.name} uses bundle format {obj['version']}, this coachtui reads "
                                  f"{FORMAT_VERSION}")
            _clean_manifest(obj, path.name)
            first = False
        elif kind == "trailer":
            if obj.get("sha256") != digest.hexdigest() or obj.get("rows") != rows or obj.get("purged") != purged:
                raise BundleError(f"{path.name} is damaged (its contents do not match its checksum)")
            saw_trailer = True
            yield obj
            continue
        elif kind == "row":
            rows += 1
        elif kind == "purged":
            purged += 1
        else:
            raise BundleError(f"{path.name} is damaged (unknown line type)")
        digest.update(raw + b"\n")
        yield obj
    if first:
        raise BundleError(f"{path.name} is empty")
    if not saw_trailer:
        raise BundleError(f"{path.name} is cut short (no trailer: incomplete copy?)")


def _clean_manifest(obj: dict, name: str) -> None:
    """The manifest's text (device name, site, ...) cleaned like typed text, in place."""
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


def manifest_of(path: str | Path, passphrase: str | None, allow_plain: bool = False) -> Manifest:
    for obj in read(path, passphrase, allow_plain):
        return Manifest(obj["bundle_id"], obj["device"], obj.get("device_name") or "", obj.get("site"),
                        obj["schema"], obj.get("created_at") or "", obj.get("scope") or "all",
                        obj.get("demo") is True)
    raise BundleError("empty bundle")


# Wall ms, counter, device id: the device id is printable ASCII without '-' or
# spaces (stamps are stored and compared as they are: no ESC hides in one).
STAMP_RE = re.compile(r"[0-9]{13}-[0-9]{5}-[\x21-\x2c\x2e-\x7e]{1,64}")


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
    formed and name known fields; return the newest ("" if none)."""
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
