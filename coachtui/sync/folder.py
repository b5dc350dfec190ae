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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from coachtui.store import backups as store_backups
from coachtui.store import db as store_db
from coachtui.store.db import device_id
from coachtui.store.hlc import seq_of
from coachtui.store.models import Applied
from coachtui.sync import bundle, merge, trust
from coachtui.sync.bundle import BundleError
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
# its small ones add up to more than it, so a folder holds at most about two
# copies of each laptop's data, and a newcomer reads few files.
COMPACT_FILES = 30
# A folder sync takes a backup before importing, unless one is this recent:
# a day's small bundles are not worth a copy of a trust's database each.
BACKUP_EVERY_HOURS = 12


@dataclass
class FolderReport:
    written: str = ""  # "" when there was nothing new to write
    imported: list[merge.Summary] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    known: int = 0  # files read before: passed over by name, unopened
    removed: list[str] = field(default_factory=list)  # our own older files, replaced by a whole bundle


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


def _coverage(key: str) -> dict[str, int]:
    """For each laptop, the seq up to which this laptop has read its files in
    this folder without a gap (a file is passed over once that covers it)."""
    try:
        value = json.loads(store_db.get_meta(f"folder:{key}") or "{}")
    except ValueError:
        return {}
    return {d: n for d, n in value.items() if isinstance(n, int)} if isinstance(value, dict) else {}


def _save_coverage(key: str, coverage: dict[str, int]) -> None:
    with store_db.transaction():
        store_db.set_meta(f"folder:{key}", json.dumps(coverage, sort_keys=True))


def _seen(key: str) -> dict[str, list[int]]:
    """Other files of this folder read here before: name -> [size, mtime]."""
    try:
        value = json.loads(store_db.get_meta(f"seen:{key}") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _applied(bid: str) -> bool:
    """Was a bundle whose id starts with `bid` imported here?"""
    return Applied.select().where((Applied.bundle_id >= bid) & (Applied.bundle_id < bid + "g")).exists()


def sync(folder: str | Path, passphrase: str | None, backups: Path, device_name: str = "",
         progress: Callable[[str], Progress] | None = None) -> FolderReport:
    """Import every other laptop's encrypted bundles in `folder` that are new
    here, then write ours there (encrypted). A plain bundle is never applied
    here: it is skipped, with why; anyone can drop a file into a shared folder.
    `progress("reading NAME")` gives the callback for each step (merge.merge's
    and bundle.export's)."""
    if not passphrase:
        raise BundleError("a passphrase is needed to sync (bundles in a shared folder are encrypted)")
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise BundleError(f"{folder} is a file, not a folder" if folder.exists() else
                          f"{folder} is not there: is the USB stick plugged in, or the shared folder connected?")
    trust.refuse_other(passphrase)
    entries, others = _scan(folder)  # an OSError (a stick pulled) is the caller's one line (sync/trouble.py)
    me = device_id()
    key = folder_key(folder)
    report = FolderReport()
    coverage = _coverage(key)
    tried = opened = 0

    def apply(path: Path, expect: dict | None = None) -> bool:
        nonlocal tried, opened
        try:
            bundle.manifest_of(path, passphrase)  # does it open? (its key is kept for the merge)
        except BundleError as exc:
            tried += _encrypted(path)
            report.skipped.append((path.name, str(exc)))
            return False
        opened += 1
        try:
            _backup_if_due(backups)
            report.imported.append(merge.merge(path, passphrase, commit=True, backups=backups, take_backup=False,
                                               expect=expect, progress=progress and progress(f"reading {path.name}")))
        except BundleError as exc:
            report.skipped.append((path.name, str(exc)))
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
                continue
            whole = {e.part for e in group} == set(range(1, group[0].parts + 1)) and \
                all(e.parts == group[0].parts for e in group)
            for e in group:
                if _applied(e.bid):
                    report.known += 1
                elif not apply(e.path, {"device": device, "since": e.since, "upto": e.upto, "bundle_id": e.bid}):
                    whole = False
            if whole and since <= have:
                have = upto
        coverage[device] = have
    # Version-1 bundles, and files named otherwise: their manifest says whose
    # they are. One read before is known by its name, size and time.
    seen = _seen(key)
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
        try:
            m = bundle.manifest_of(p, passphrase)
        except BundleError as exc:
            tried += _encrypted(p)
            report.skipped.append((p.name, str(exc)))
            continue
        opened += 1
        if m.device == me:
            report.skipped.append((p.name, "written by this laptop"))
        elif Applied.get_or_none(Applied.bundle_id == m.bundle_id):
            report.known += 1
            seen[p.name] = mark
        elif apply(p):
            seen[p.name] = mark
    with store_db.transaction():
        store_db.set_meta(f"seen:{key}", json.dumps({n: seen[n] for n in seen if n in {p.name for p in others}}))
    _save_coverage(key, coverage)
    if tried and not opened and not trust.known():
        # Not one bundle opens, and none ever did here: the passphrase is
        # surely wrong, and a bundle written under it would open nowhere.
        raise BundleError(f"none of the {tried} bundles in {folder} could be read (wrong passphrase?): "
                          f"nothing was written. {report.skipped[0][0]}: {report.skipped[0][1]}")
    if opened:
        trust.remember(passphrase)
    _write_ours(folder, [e for e in entries if e.device == me], coverage, passphrase, device_name, report, progress)
    return report


def _encrypted(path: Path) -> bool:
    """Is it an encrypted bundle (one a wrong passphrase would fail to open)?"""
    try:
        with open(path, "rb") as f:
            return is_encrypted(f.read(8))
    except OSError:
        return False


def _backup_if_due(backups: Path) -> None:
    if not store_backups.taken_within(backups, hours=BACKUP_EVERY_HOURS):
        store_backups.take(backups)


def _write_ours(folder: Path, mine: list[Entry], coverage: dict[str, int], passphrase: str, device_name: str,
                report: FolderReport, progress: Callable[[str], Progress] | None = None) -> None:
    """Write what the folder does not hold from this laptop: a small bundle of
    what changed here since our newest file there (less what the folder holds
    from other laptops), or a whole one when the folder has none of ours, or
    when our small ones outweigh our whole one (then the older files go)."""
    me = device_id()
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
    if since and newest is not None and (small > whole or len(mine) > COMPACT_FILES):
        since = 0  # compact: one whole bundle instead of ours so far
    known = dict(coverage)
    known[me] = since
    bundle_id = bundle.new_bundle_id()
    for left in folder.glob(f".coachtui-{me}-*{SUFFIX}*"):
        left.unlink(missing_ok=True)  # a write of ours cut short before (a stick pulled)
    tmp = folder / f".coachtui-{me}-{bundle_id[:12]}{SUFFIX}"
    _check_room(folder, whole, since)

    def part_name(path: Path, k: int, n: int, bid: str, upto: int) -> Path:
        return folder / file_name(me, since, upto, bid, k, n)

    counts = bundle.export(tmp, passphrase, device_name=device_name, since=since,
                           known=known if since else None, bundle_id=bundle_id, part_name=part_name,
                           progress=progress and progress("writing this laptop's bundle"))
    if since and not counts["rows"] and not counts["purged"]:
        tmp.unlink(missing_ok=True)  # nothing new: the folder has all we hold
        return
    if counts["files"] == [tmp]:
        final = folder / file_name(me, since, counts["upto"], bundle_id)
        tmp.replace(final)
        counts["files"] = [final]
    report.written = ", ".join(str(p) for p in counts["files"])
    if since == 0:
        # The whole bundle holds everything our older files did (and a
        # version-1 bundle of ours, from before incremental bundles).
        for old in [e.path for e in mine] + [folder / own_name()]:
            if old.exists():
                old.unlink(missing_ok=True)
                report.removed.append(old.name)


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
