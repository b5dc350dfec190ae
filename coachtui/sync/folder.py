"""The drop-folder workflow: write our bundle into a shared folder (a USB
stick, a network share, a Syncthing folder) and import every other one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from coachtui.store.db import device_id
from coachtui.store.models import Applied
from coachtui.sync import bundle, merge
from coachtui.sync.bundle import BundleError
from coachtui.sync.progress import Progress
from coachtui.sync.suffix import SUFFIX

# Copies that file-sync tools make when two writers collide: not ours to read.
CONFLICT_COPY = re.compile(r"(sync-conflict|conflicted copy|conflict|\(\d+\)|~$)", re.I)


@dataclass
class FolderReport:
    written: str = ""
    imported: list[merge.Summary] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)


def own_name() -> str:
    return f"coachtui-{device_id()}{SUFFIX}"


def candidates(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(SUFFIX))


def sync(folder: str | Path, passphrase: str | None, backups: Path, device_name: str = "",
         progress: Callable[[str], Progress] | None = None) -> FolderReport:
    """Import every other laptop's encrypted bundle in `folder`, then write ours
    there (encrypted). A plain bundle is never applied here: it is skipped, with
    why; anyone can drop a file into a shared folder. `progress("reading NAME")`
    gives the callback for each step (merge.merge's and bundle.export's)."""
    if not passphrase:
        raise BundleError("a passphrase is needed to sync (bundles in a shared folder are encrypted)")
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise BundleError(f"{folder} is a file, not a folder" if folder.exists() else
                          f"{folder} is not there: is the USB stick plugged in, or the shared folder connected?")
    report = FolderReport()
    mine = folder / own_name()
    for p in candidates(folder):
        if p.name == mine.name:
            continue
        if p.name.startswith(".") or CONFLICT_COPY.search(p.stem):
            report.skipped.append((p.name, "a sync tool's copy or a hidden file"))
            continue
        try:
            m = bundle.manifest_of(p, passphrase)
            if m.device == device_id():
                report.skipped.append((p.name, "written by this laptop"))
                continue
            if Applied.get_or_none(Applied.bundle_id == m.bundle_id):
                report.skipped.append((p.name, "already imported"))
                continue
            report.imported.append(merge.merge(p, passphrase, commit=True, backups=backups,
                                               progress=progress and progress(f"reading {p.name}")))
        except BundleError as exc:
            report.skipped.append((p.name, str(exc)))
    # Written after importing, so our bundle carries what the others sent too.
    bundle.export(mine, passphrase, device_name=device_name, progress=progress and progress(f"writing {mine.name}"))
    report.written = str(mine)
    return report
