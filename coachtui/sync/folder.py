"""The drop-folder workflow: import every other laptop's bundles from a shared
folder (a USB stick, a network share, a Syncthing or OneDrive folder), then
write ours there. Incremental (bundle format version 2, docs/bundle-format.md
§8): each laptop writes only what the folder does not yet hold from it, and
reads only the files it has not read, known by their names without opening
them. Each laptop keeps its own files few: when its small bundles outweigh
its whole one, it writes a new whole one and deletes its older files.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from coachtui.base.text import plural
from coachtui.store import backups as store_backups
from coachtui.store import db as store_db
from coachtui.store.db import device_id
from coachtui.store.hlc import now_ms, seq_of
from coachtui.store.models import Applied, Purged, database
from coachtui.sync import bundle, merge, trust
from coachtui.sync.bundle import FUTURE_SLACK_MS, BundleError
from coachtui.sync.envelope import is_encrypted
from coachtui.sync.progress import Progress
from coachtui.sync.suffix import SUFFIX

# Copies that file-sync tools make when two writers collide: not ours to read.
CONFLICT_COPY = re.compile(r"(sync-conflict|conflicted copy|conflict|\(\d+\)|~$)", re.I)
# coachtui-DEVICE-SINCE-UPTO-BUNDLEID12.ctb: the laptop, the part of its
# history the file holds (seqs after SINCE, complete to UPTO) and its bundle.
# A bundle too big for a FAT32 stick is in parts: ...-BUNDLEID12-KofN.ctb.
NAME = re.compile(r"coachtui-([0-9A-Za-z_]{1,64})-(\d{1,20})-(\d{1,20})-([0-9a-f]{12})(?:-(\d{1,4})of(\d{1,4}))?"
                  + re.escape(SUFFIX))
# A laptop's whole bundle is written again (and its older files deleted) once
# its small ones outweigh it (and 1 MiB) or number more than this, so a
# newcomer reads few files (see _write_ours for the other reasons).
COMPACT_FILES = 30
# A folder sync takes a backup before importing a bundle that is big for this
# database (a laptop's whole bundle: more than BACKUP_SHARE of its size), and
# otherwise at least every BACKUP_EVERY_HOURS: a day's small bundles are not
# worth a copy of a trust's database each (VACUUM INTO of 1.5 GB takes longer
# than the day's sync). `coachtui import` takes one before every bundle.
BACKUP_EVERY_HOURS = 24 * 7
BACKUP_SHARE = 0.05


@dataclass
class FolderReport:
    written: str = ""  # "" when there was nothing new to write
    imported: list[merge.Summary] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    known: int = 0  # files read before: passed over by name, unopened
    removed: list[str] = field(default_factory=list)  # our own older files, replaced by a whole bundle


def skip_line(name: str, why: str) -> str:
    """"skipped NAME: why", said once (a reason often starts with the name)."""
    return f"skipped {why}" if why.startswith(name) else f"skipped {name}: {why}"


@dataclass(frozen=True)
class Entry:
    path: Path
    device: str
    since: int
    upto: int
    bid: str  # the first 12 hex digits of its bundle id
    size: int
    part: int = 1  # part `part` of `parts` (a bundle too big for a FAT32 stick)
    parts: int = 1


def file_name(device: str, since: int, upto: int, bundle_id: str, part: int = 1, parts: int = 1) -> str:
    of = f"-{part}of{parts}" if parts > 1 else ""
    return f"coachtui-{device}-{since}-{upto}-{bundle_id[:12]}{of}{SUFFIX}"


def own_name() -> str:
    """The name of a version-1 bundle of this laptop (still read from others)."""
    return f"coachtui-{device_id()}{SUFFIX}"


def candidates(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(SUFFIX))


def _scan(folder: Path) -> tuple[list[Entry], list[Path]]:
    """Version-2 files by their names, and every other .ctb file."""
    entries, others = [], []
    for p in candidates(folder):
        m = NAME.fullmatch(p.name)
        if m is None:
            others.append(p)
        else:
            entries.append(Entry(p, m[1], int(m[2]), int(m[3]), m[4], p.stat().st_size, int(m[5] or 1),
                                 int(m[6] or 1)))
    return entries, others


def folder_key(folder: Path) -> str:
    """This laptop's name for a folder (where it is mounted here)."""
    import hashlib

    return hashlib.sha256(str(folder.resolve()).encode("utf-8")).hexdigest()[:16]


def _applied(e: Entry) -> str:
    """Was the bundle this file names imported here? "same": yes, and its
    manifest said what the name says (then the name may move `have` on);
    "copy": a bundle of that id was, but the name says otherwise (a renamed
    or forged name: passed over, proves nothing); "": no."""
    found = Applied.select().where((Applied.bundle_id >= e.bid) & (Applied.bundle_id < e.bid + "g")).first()
    if found is None:
        return ""
    return "same" if (found.device, found.since, found.upto) == (e.device, e.since, e.upto) else "copy"


def _memo(key: str, kind: str) -> dict:
    """A per-folder note kept here (Meta), as a dict."""
    try:
        value = json.loads(store_db.get_meta(f"{kind}:{key}") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _keep_memo(key: str, kind: str, value: dict) -> None:
    with store_db.transaction():
        store_db.set_meta(f"{kind}:{key}", json.dumps(value, sort_keys=True))


def sync(folder: str | Path, passphrase: str | None, backups: Path, device_name: str = "",
         progress: Callable[[str], Progress] | None = None, new_passphrase: bool = False) -> FolderReport:
    """Import every other laptop's encrypted bundles in `folder` that are new
    here, then write ours there (encrypted). A plain bundle is never applied
    here: it is skipped, with why; anyone can drop a file into a shared folder.
    `progress("reading NAME")` gives the callback for each step (merge.merge's
    and bundle.export's). A sync in which no other laptop's bundle opens
    writes nothing (the passphrase is surely mistyped), unless
    `new_passphrase`: the trust has a new one and this laptop is the first
    to use it (`coachtui sync --new-passphrase`)."""
    if not passphrase:
        raise BundleError("a passphrase is needed to sync (bundles in a shared folder are encrypted)")
    if not str(folder).strip():
        raise BundleError("type the shared folder or USB stick to sync with")
    folder = Path(folder).expanduser()
    if folder.is_dir() and backups.parent.exists() and folder.resolve() == backups.parent.resolve():
        raise BundleError(f"{folder} is this laptop's data folder: sync with a shared folder or USB stick, "
                          f"not with the database's own folder")
    if not folder.is_dir():
        raise BundleError(f"{folder} is a file, not a folder" if folder.exists() else
                          f"{folder} is not there: is the USB stick plugged in, or the shared folder connected?")
    trust.refuse_other(passphrase)
    entries, others = _scan(folder)  # an OSError (a stick pulled) is the caller's one line (sync/trouble.py)
    me = device_id()
    key = folder_key(folder)
    report = FolderReport()
    # For each laptop, the seq up to which this laptop has read its files here
    # without a gap, as their manifests said (a file it covers is passed over).
    coverage = {d: n for d, n in _memo(key, "folder").items() if isinstance(n, int)}
    tried = opened = 0
    # Files that could not be read are tried again only once they change (a
    # copy still arriving grows): a folder of junk costs one look, not one a sync.
    failed, failed_now = _memo(key, "failed"), {}
    key_check = trust.check_value(passphrase)
    passed_over: list[Path] = []  # other laptops' files read before: one may vouch for the passphrase

    def refused(path: Path, why: str, encrypted: bool) -> None:
        nonlocal tried
        tried += encrypted
        report.skipped.append((path.name, why))
        try:
            stat = path.stat()
            failed_now[path.name] = [stat.st_size, stat.st_mtime_ns, why, encrypted, key_check]
        except OSError:
            pass

    def unchanged_failure(path: Path) -> bool:
        nonlocal tried
        before = failed.get(path.name)
        try:
            stat = path.stat()
        except OSError:
            return False
        # The same file, tried under the same passphrase (a new passphrase tries everything again).
        if not isinstance(before, list) or len(before) != 5 or before[:2] != [stat.st_size, stat.st_mtime_ns] \
                or before[4] != key_check:
            return False
        failed_now[path.name] = before
        tried += bool(before[3])
        report.skipped.append((path.name, f"{before[2]} (as at the last sync: unchanged since)"))
        return True

    def apply(path: Path, expect: dict | None = None) -> bool:
        nonlocal opened
        if unchanged_failure(path):
            return False
        try:
            bundle.manifest_of(path, passphrase)  # does it open? (its key is kept for the merge)
        except BundleError as exc:
            refused(path, str(exc), _encrypted(path))
            return False
        opened += 1
        trust.remember(passphrase)  # another laptop's bundle opened: this is the trust's passphrase
        try:
            _backup_if_due(backups, path)
            report.imported.append(merge.merge(path, passphrase, commit=True, backups=backups, take_backup=False,
                                               expect=expect, progress=progress and progress(f"reading {path.name}")))
        except BundleError as exc:
            refused(path, str(exc), False)
            return False
        return True

    by_device: dict[str, list[Entry]] = {}
    for e in entries:
        by_device.setdefault(e.device, []).append(e)
    for device, files in sorted(by_device.items()):
        if device == me:
            continue
        have = coverage.get(device, 0)
        # The parts of one bundle share SINCE and UPTO: `have` moves past them once all are in.
        groups: dict[tuple[int, int], list[Entry]] = {}
        for e in files:
            groups.setdefault((e.since, e.upto), []).append(e)
        for (since, upto), group in sorted(groups.items()):
            if upto <= have:
                report.known += len(group)
                passed_over.extend(e.path for e in group)
                continue
            whole = {e.part for e in group} == set(range(1, group[0].parts + 1)) and \
                all(e.parts == group[0].parts for e in group)
            for e in group:
                seen_before = _applied(e)
                if seen_before:
                    report.known += 1
                    passed_over.append(e.path)
                    whole = whole and seen_before == "same"
                elif not apply(e.path, {"device": device, "since": e.since, "upto": e.upto, "bundle_id": e.bid}):
                    whole = False
            if whole and since <= have:
                have = upto
        coverage[device] = have
    # Version-1 bundles, and files named otherwise: their manifest says whose
    # they are. One read before is known by its name, size and time.
    seen = _memo(key, "seen")
    for p in others:
        if p.name == own_name():
            continue
        if p.name.startswith(".") or CONFLICT_COPY.search(p.stem):
            report.skipped.append((p.name, "a sync tool's copy or a hidden file"))
            continue
        stat = p.stat()
        mark = [stat.st_size, stat.st_mtime_ns]
        if seen.get(p.name) == mark:
            report.known += 1
            continue
        if unchanged_failure(p):
            continue
        try:
            m = bundle.manifest_of(p, passphrase)
        except BundleError as exc:
            refused(p, str(exc), _encrypted(p))
            continue
        opened += 1
        trust.remember(passphrase)
        if m.device == me:
            report.skipped.append((p.name, "written by this laptop"))
        elif Applied.get_or_none(Applied.bundle_id == m.bundle_id):
            report.known += 1
            seen[p.name] = mark
        elif apply(p):
            seen[p.name] = mark
    _keep_memo(key, "seen", {n: seen[n] for n in seen if n in {p.name for p in others}})
    _keep_memo(key, "folder", coverage)
    _keep_memo(key, "failed", failed_now)
    if new_passphrase:
        trust.remember(passphrase)
    elif tried and not opened and not trust.known() and not _opens_one(passed_over, passphrase):
        # Not one bundle opens, and none ever did here: the passphrase is
        # surely wrong, and a bundle written under it would open nowhere.
        raise BundleError(f"{'the one bundle' if tried == 1 else f'none of the {tried} bundles'} in {folder} "
                          f"{'does not open' if tried == 1 else 'opens'} with this passphrase (mistyped?): nothing "
                          f"was written. Only if the trust has changed its passphrase, this laptop is the first to "
                          f"use the new one, and you have checked it with whoever changed it: "
                          f"coachtui sync --new-passphrase")
    mine = _own_files(folder, key, [e for e in entries if e.device == me], passphrase, report)
    present: dict[str, int] = {}
    for e in entries:
        present[e.device] = max(present.get(e.device, 0), e.upto)
    _write_ours(folder, key, mine, coverage, present, passphrase, device_name, report, progress)
    return report


def _is_ours(path: Path, passphrase: str) -> bool:
    """A version-1 bundle of this laptop (named so, and saying so)?"""
    try:
        return path.exists() and bundle.manifest_of(path, passphrase).device == device_id()
    except BundleError:
        return False


def _opens_one(paths: list[Path], passphrase: str) -> bool:
    """Does one of these files (read here before) open with this passphrase?
    Then it is the trust's (remembered), whatever the unread files are: junk,
    or a copy still arriving. At most three are tried."""
    for path in paths[-3:]:
        try:
            bundle.manifest_of(path, passphrase)
        except BundleError:
            continue
        trust.remember(passphrase)
        return True
    return False


def _encrypted(path: Path) -> bool:
    """Is it an encrypted bundle (one a wrong passphrase would fail to open)?"""
    try:
        with open(path, "rb") as f:
            return is_encrypted(f.read(8))
    except OSError:
        return False


def _backup_if_due(backups: Path, incoming: Path) -> None:
    try:
        big = incoming.stat().st_size > BACKUP_SHARE * Path(database.database).stat().st_size
    except OSError:
        big = True
    if not store_backups.taken_within(backups, hours=0.5 if big else BACKUP_EVERY_HOURS):
        store_backups.take(backups)


def _own_files(folder: Path, key: str, named: list[Entry], passphrase: str,
               report: FolderReport) -> tuple[list[Entry], bool]:
    """This laptop's files in the folder: those it wrote there (noted when
    written), and those that open under the trust's key with its device and
    the part of its history their name says (written before this database was
    restored from a backup). A file merely named as ours proves nothing: it is
    left alone and counts for nothing. Also: must ours be written again? (the
    newest was written under a key other than the trust's, now known)."""
    wrote = _memo(key, "wrote")
    future = (now_ms() + FUTURE_SLACK_MS) * 100000
    mine = []
    for e in named:
        noted = wrote.get(e.bid)
        if isinstance(noted, list) and noted[:2] == [e.since, e.upto]:
            mine.append(e)
            continue
        try:
            m = bundle.manifest_of(e.path, passphrase)
            ours = (m.device, m.since, m.upto) == (e.device, e.since, e.upto) and m.bundle_id.startswith(e.bid) \
                and e.upto <= future
        except BundleError:
            ours = False
        if ours:
            mine.append(e)
            wrote[e.bid] = [e.since, e.upto, trust.check_value(passphrase)]  # it opened under this one
        else:
            report.skipped.append((e.path.name, "named as this laptop's, but not written by it: left alone"))
    current = trust.check_value(passphrase)
    newest = max(mine, key=lambda e: e.upto) if mine else None
    newest_key = (wrote.get(newest.bid) or [0, 0, current])[2:3] if newest else []
    # What this laptop wrote here before, even if its files are hidden now (renamed as a sync tool's copies).
    before = {v[2] for v in wrote.values() if isinstance(v, list) and len(v) > 2}
    if (newest_key in ([current], []) and (not before or current in before)) or trust.known():
        return mine, bool(newest_key) and newest_key != [current]  # known: ours are written again under it
    raise BundleError(f"this laptop wrote its bundles in {folder} under another passphrase, and no other "
                      f"laptop's opens with this one (mistyped?): nothing was written")


def _write_ours(folder: Path, key: str, own: tuple[list[Entry], bool], coverage: dict[str, int],
                present: dict[str, int], passphrase: str, device_name: str, report: FolderReport,
                progress: Callable[[str], Progress] | None = None) -> None:
    """Write what the folder does not hold from this laptop: a small bundle of
    what changed here since our newest file there, or a whole one (both less
    what the folder holds from other laptops: a row lives in the files of the
    laptops that wrote it, not in every laptop's) when the folder has none of ours, when
    our small ones outweigh our whole one, when a person was erased since our
    whole one (no copy of them may stay in the folder), or when ours were
    written under another key (then our older files go)."""
    me = device_id()
    mine, rewrite = own
    since = max((e.upto for e in mine), default=0)
    last = store_db.get_meta("hlc_last")
    if last and since > seq_of(last):
        # Our files there are newer than this database (it was restored from a
        # backup): move our clock past them, and start again with a whole bundle.
        with store_db.transaction():
            store_db.observe(f"{since // 100000:013d}-{since % 100000:05d}-{me}")
        since = 0
    newest = max((e.upto for e in mine if e.since == 0), default=None)
    whole = sum(e.size for e in mine if e.since == 0 and e.upto == newest)  # all its parts
    small = sum(e.size for e in mine if e.since > 0)
    if since and (rewrite or newest is None or small > max(whole, 1 << 20) or len(mine) > COMPACT_FILES
                  or Purged.select().where(Purged.seq > newest).exists()
                  or any(present.get(d, 0) < n for d, n in coverage.items() if d != me)):
        # Compact: one whole bundle instead of ours so far. (The last reason:
        # a laptop's files we had read are gone from the folder, deleted by
        # hand; ours then carry its rows, so no newcomer misses them.)
        since = 0
    # What the folder holds from each laptop: what we read of its files there,
    # and no more than its files still there reach (if someone deleted a
    # laptop's files, ours carry its rows again).
    known = {d: min(n, present.get(d, 0)) for d, n in coverage.items()}
    known[me] = since
    bundle_id = bundle.new_bundle_id()
    for left in folder.glob(f".coachtui-{me}-*{SUFFIX}*"):
        # A write of ours cut short (a stick pulled): not one still being written by a sync running beside this one.
        try:
            if time.time() - left.stat().st_mtime > 3600:
                left.unlink(missing_ok=True)
        except OSError:
            pass
    tmp = folder / f".coachtui-{me}-{bundle_id[:12]}{SUFFIX}"
    _check_room(folder, whole, since)

    def part_name(path: Path, k: int, n: int, bid: str, upto: int) -> Path:
        return folder / file_name(me, since, upto, bid, k, n)

    try:
        counts = bundle.export(tmp, passphrase, device_name=device_name, since=since,
                               known=known, bundle_id=bundle_id, part_name=part_name,
                               progress=progress and progress("writing this laptop's bundle"))
    except BundleError as exc:
        read = f"{plural(len(report.imported), 'bundle')} from other laptops imported first; " if report.imported \
            else ""
        raise BundleError(f"this laptop's bundle could not be written into {folder} (read-only, or full?): "
                          f"{read}{exc}") from None
    if since and not counts["rows"] and not counts["purged"]:
        tmp.unlink(missing_ok=True)  # nothing new: the folder has all we hold
        return
    if counts["files"] == [tmp]:
        final = folder / file_name(me, since, counts["upto"], bundle_id)
        tmp.replace(final)
        counts["files"] = [final]
    report.written = ", ".join(str(p) for p in counts["files"])
    wrote = _memo(key, "wrote")
    for p in counts["files"]:
        m = NAME.fullmatch(p.name)
        wrote[m[4]] = [int(m[2]), int(m[3]), trust.check_value(passphrase)]
    if since == 0:
        # The whole bundle holds everything our older files did (and a
        # version-1 bundle of ours, from before incremental bundles).
        current = trust.check_value(passphrase)
        # Files under the trust's old passphrase stay while laptops still on it
        # read them: they go at this laptop's next compaction.
        gone = [e for e in mine if not rewrite or (wrote.get(e.bid) or [0, 0, current])[2:3] == [current]]
        old_style = folder / own_name()
        for path in [e.path for e in gone] + ([old_style] if _is_ours(old_style, passphrase) else []):
            path.unlink(missing_ok=True)
            report.removed.append(path.name)
        for e in gone:
            wrote.pop(e.bid, None)
    _keep_memo(key, "wrote", wrote)


def _check_room(folder: Path, whole: int, since: int) -> None:
    """One clear line before anything is written when the stick is full (or
    nearly): a whole bundle needs about the room of our last whole one."""
    need = (whole if since == 0 else 0) + (1 << 20)
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if free < need:
        raise BundleError(f"{folder} has {free // (1 << 20)} MB free, and this laptop's bundle needs about "
                          f"{need // (1 << 20)} MB: make room there first; nothing was written")
