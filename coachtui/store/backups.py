"""Copies of the database taken before an import (VACUUM INTO), kept in the
data folder's backups/, newest few only. After an erasure the old copies
still hold the person: they are replaced by one copy without them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from coachtui.store.models import database

KEEP = 5


def take(folder: Path) -> Path:
    """VACUUM INTO a dated copy (0600); keep the newest KEEP."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / f"coachtui-{dt.datetime.now().strftime('%Y%m%d-%H%M%S-%f')}.db"
    database.execute_sql("VACUUM INTO ?", (str(target),))
    target.chmod(0o600)
    for old in sorted(folder.glob("coachtui-*.db"))[:-KEEP]:
        old.unlink(missing_ok=True)
    return target


def replace_all(folder: Path) -> int:
    """Drop every backup and take one of the database as it is now (after an
    erasure: no copy may keep the person). Returns how many were dropped."""
    old = sorted(folder.glob("coachtui-*.db")) if folder.exists() else []
    for path in old:
        path.unlink(missing_ok=True)
    take(folder)
    return len(old)
