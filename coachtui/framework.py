"""The shipped teaching framework, loaded into the store as replicated rows.

Ids come from the item code (uuid5), and shipped rows carry the GENESIS clock,
so every laptop holds identical rows and sync sees no difference between them.
A newer shipped file only adds what is missing: a school's edits are kept.
"""

from __future__ import annotations

import json
import re
import tomllib
import uuid

from coachtui import hlc
from coachtui.resources import read_text
from coachtui.store.db import get_meta, set_meta
from coachtui.store.models import FrameworkItem, database

NAMESPACE = uuid.UUID("6f1c1e4e-3c57-4d55-9a8e-2f0c0ac0c0a1")


def item_id(code: str) -> str:
    return uuid.uuid5(NAMESPACE, f"framework:{code}").hex


def shipped_items() -> list[dict]:
    """Flatten data/framework.toml into rows in display order."""
    doc = tomllib.loads(read_text("data", "framework.toml"))
    rows: list[dict] = []

    def add(kind: str, node: dict, parent: str | None) -> str:
        rid = item_id(node["code"])
        rows.append(
            dict(
                id=rid,
                kind=kind,
                parent_id=parent,
                code=node["code"],
                title=node["title"],
                detail="\n".join(node.get("criteria", [])),
                position=len(rows),
                deleted=False,
            )
        )
        return rid

    for domain in doc["domain"]:
        d = add("domain", domain, None)
        for strand in domain.get("strand", []):
            s = add("strand", strand, d)
            for step in strand.get("step", []):
                add("step", step, s)
    return rows


def _shipped_version() -> str:
    # Read at every start: a regex over the file, not a full TOML parse.
    match = re.search(r"^version\s*=\s*(\d+)", read_text("data", "framework.toml"), re.M)
    return match.group(1) if match else "0"


def ensure_loaded() -> None:
    """Insert shipped items this database lacks (cheap no-op once loaded)."""
    version = _shipped_version()
    if get_meta("framework_version") == version:
        return
    fields = FrameworkItem.content_fields()
    clocks = json.dumps({f: hlc.GENESIS for f in fields}, sort_keys=True)
    with database.atomic("IMMEDIATE"):
        for row in shipped_items():
            FrameworkItem.insert(clocks=clocks, hlc=hlc.GENESIS, **row).on_conflict_ignore().execute()
        set_meta("framework_version", version)


def steps() -> list[FrameworkItem]:
    return list(
        FrameworkItem.select()
        .where((FrameworkItem.kind == "step") & (FrameworkItem.deleted == False))  # noqa: E712
        .order_by(FrameworkItem.position)
    )


def label(item: FrameworkItem) -> str:
    return f"{item.code} {item.title}"
