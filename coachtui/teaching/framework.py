"""The teaching framework: the shipped one, loaded into the store as
replicated rows, and the service functions that let a school adapt it.

Ids come from the item code (uuid5), and shipped rows carry the GENESIS clock,
so every laptop holds identical rows and sync sees no difference between them.
A newer shipped file only adds what is missing: a school's edits are kept.

Items are never deleted: retiring one keeps its row, so joins, feedback and
history that point at it still show its title, but it is no longer offered
for new choices. A code names one item on every laptop (the id is made from
it), so an item added with the same code on two laptops is one item.
"""

from __future__ import annotations

import json
import re
import tomllib

from coachtui.base.errors import UserError
from coachtui.base.resources import read_text
from coachtui.store import db as store_db
from coachtui.store import hlc
from coachtui.store import write as w
from coachtui.store.db import get_meta, set_meta
from coachtui.store.models import FrameworkItem, database, derived_id


def item_id(code: str) -> str:
    return derived_id("framework", code)


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
                retired=False,
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
    with store_db.transaction():
        for row in shipped_items():
            FrameworkItem.insert(clocks=clocks, hlc=hlc.GENESIS, **row).on_conflict_ignore().execute()
        set_meta("framework_version", version)


# --- reading -------------------------------------------------------------------

PARENT_KIND = {"domain": None, "strand": "domain", "step": "strand"}
CHILD_KIND = {"domain": "strand", "strand": "step", "step": None}


def _sort_key(item: FrameworkItem) -> tuple[int, str]:
    # Positions order siblings; two laptops may give two siblings the same one.
    return (item.position, item.code)


def tree() -> list[tuple[FrameworkItem, int]]:
    """Every item that is not deleted, retired ones included, in framework
    order: each domain, then its strands, each followed by its steps.
    Returns (item, depth). Items whose parent is missing come last, so an
    editor can still show (and fix) them."""
    items = list(FrameworkItem.select().where(FrameworkItem.live()))
    by_parent: dict[str | None, list[FrameworkItem]] = {}
    ids = {i.id for i in items}
    for item in items:
        parent = item.parent_id if item.parent_id in ids else None
        if item.parent_id is not None and parent is None:
            parent = "?"  # orphan
        by_parent.setdefault(parent, []).append(item)
    out: list[tuple[FrameworkItem, int]] = []

    def walk(parent: str | None, depth: int) -> None:
        for child in sorted(by_parent.get(parent, []), key=_sort_key):
            out.append((child, depth))
            walk(child.id, depth + 1)

    walk(None, 0)
    for orphan in sorted(by_parent.get("?", []), key=_sort_key):
        depth = 2 if orphan.kind == "step" else 1
        out.append((orphan, depth))
        walk(orphan.id, depth + 1)
    return out


def offered() -> list[FrameworkItem]:
    """Items that may be chosen for something new: not retired, and not
    inside a retired domain or strand."""
    out, live = [], set()
    for item, _ in tree():
        if item.retired or (item.parent_id is not None and item.parent_id not in live):
            continue
        live.add(item.id)
        out.append(item)
    return out


def steps() -> list[FrameworkItem]:
    """The action steps to offer for a new join, feedback or focus area."""
    return [i for i in offered() if i.kind == "step"]


def rank() -> dict[str, int]:
    """{item id: place in framework order}, for sorting a few items."""
    return {item.id: n for n, (item, _) in enumerate(tree())}


def get(item_id: str) -> FrameworkItem | None:
    return FrameworkItem.get_or_none(FrameworkItem.id == item_id)


def label(item: FrameworkItem) -> str:
    return f"{item.code} {item.title}"


# --- editing --------------------------------------------------------------------

MAX_CODE = 24
MAX_TITLE = 300
MAX_CRITERIA = 4000
CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def check_code(code: str) -> str:
    code = code.strip()
    if not code:
        raise UserError("a code is needed")
    if len(code) > MAX_CODE or not CODE_RE.fullmatch(code):
        raise UserError(f"code {code[:MAX_CODE]!r} is not valid: letters, digits, '.', '-' or '_', "
                        f"at most {MAX_CODE}")
    return code


def check_title(title: str) -> str:
    title = " ".join(title.split())  # one line, single spaces
    if not title:
        raise UserError("a title is needed")
    if len(title) > MAX_TITLE:
        raise UserError(f"the title is too long ({len(title)} characters; at most {MAX_TITLE})")
    return title


def clean_criteria(criteria: str | list[str]) -> str:
    """Success criteria as stored: one per line, no blank lines."""
    lines = criteria.splitlines() if isinstance(criteria, str) else list(criteria)
    text = "\n".join(" ".join(line.split()) for line in lines if line.strip())
    if len(text) > MAX_CRITERIA:
        raise UserError(f"the success criteria are too long ({len(text)} characters; at most {MAX_CRITERIA})")
    return text


def _children(parent_id: str | None) -> list[FrameworkItem]:
    query = FrameworkItem.select().where(FrameworkItem.live())
    query = query.where(FrameworkItem.parent_id.is_null() if parent_id is None else
                        FrameworkItem.parent_id == parent_id)
    return sorted(query, key=_sort_key)


def _live(item_id: str | None) -> FrameworkItem:
    item = get(item_id) if item_id else None
    if item is None or item.deleted:
        raise UserError("that framework item is gone")
    return item


def next_code(kind: str, parent: FrameworkItem | None, title: str = "") -> str:
    """A free code: the parent's code and the next number (BR.2 -> BR.2.3);
    a domain takes the initials of its title (Feedback and marking -> FM)."""
    taken = {r[0] for r in FrameworkItem.select(FrameworkItem.code).tuples()}
    if parent is not None:
        stem, n = parent.code + ".", 1
    else:
        stem = "".join(w[0] for w in re.findall(r"[A-Za-z0-9]+", title)[:3]).upper() or "D"
        if stem not in taken:
            return stem[:MAX_CODE]
        n = 2
    while f"{stem}{n}" in taken:
        n += 1
    return f"{stem}{n}"[:MAX_CODE]


def add(kind: str, parent_id: str | None, title: str, criteria: str | list[str] = "",
        code: str | None = None) -> str:
    """Add a domain, strand or step at the end of its parent. Returns its id."""
    if kind not in PARENT_KIND:
        raise UserError(f"unknown kind {kind!r}: domain, strand or step")
    parent = None
    if PARENT_KIND[kind] is None:
        if parent_id is not None:
            raise UserError("a domain has no parent")
    else:
        parent = _live(parent_id) if parent_id else None
        if parent is None or parent.kind != PARENT_KIND[kind]:
            raise UserError(f"a {kind} belongs inside a {PARENT_KIND[kind]}")
    title = check_title(title)
    detail = clean_criteria(criteria)
    code = check_code(code) if code else next_code(kind, parent, title)
    rid = item_id(code)
    existing = get(rid)
    # An item whose adding was undone may come back under its old code.
    if existing is not None and not existing.deleted:
        raise UserError(f"code {code} is already used by {existing.title!r}")
    siblings = _children(parent.id if parent else None)
    position = max((s.position for s in siblings), default=-1) + 1
    with w.action(f"add {code}"):
        w.write(FrameworkItem, rid, kind=kind, parent_id=parent.id if parent else None, code=code,
                title=title, detail=detail, position=position, retired=False, deleted=False)
    return rid


def reword(item_id: str, title: str | None = None, criteria: str | list[str] | None = None) -> bool:
    """Change an item's title and/or success criteria. Returns whether anything changed."""
    item = _live(item_id)
    values = {}
    if title is not None and check_title(title) != item.title:
        values["title"] = check_title(title)
    if criteria is not None and clean_criteria(criteria) != item.detail:
        values["detail"] = clean_criteria(criteria)
    if not values:
        return False
    with w.action(f"reword {item.code}"):
        w.write(FrameworkItem, item.id, **values)
    return True


def _renumber(ordered: list[FrameworkItem]) -> None:
    """Give siblings increasing positions in this order, writing as few rows
    as can be: keep each position that is already in order."""
    last = None
    for n, item in enumerate(ordered):
        if last is not None and item.position <= last:
            # Out of order from here: number the rest one after another.
            for m, rest in enumerate(ordered[n:]):
                if rest.position != last + 1 + m:
                    w.write(FrameworkItem, rest.id, position=last + 1 + m)
            return
        last = item.position


def move(item_id: str, delta: int) -> bool:
    """Move an item up (delta -1) or down (+1) among its siblings. Returns
    whether it moved (not past the first or last)."""
    item = _live(item_id)
    siblings = _children(item.parent_id)
    i = next(n for n, s in enumerate(siblings) if s.id == item.id)
    j = i + delta
    if not 0 <= j < len(siblings):
        return False
    other = siblings[j]
    with w.action(f"move {item.code} {'up' if delta < 0 else 'down'}"):
        if item.position != other.position:
            # The usual case: swap the two positions, two writes.
            w.write(FrameworkItem, item.id, position=other.position)
            w.write(FrameworkItem, other.id, position=item.position)
        else:
            siblings[i], siblings[j] = siblings[j], siblings[i]
            _renumber(siblings)
    return True


def set_retired(item_id: str, retired: bool) -> bool:
    """Retire an item (kept, no longer offered) or bring it back. Returns whether it changed."""
    item = _live(item_id)
    if item.retired == retired:
        return False
    with w.action(f"{'retire' if retired else 'restore'} {item.code}"):
        w.write(FrameworkItem, item.id, retired=retired)
    return True


def related(item_id: str) -> set[str]:
    """The item, everything above it and everything under it: a teacher working
    on a step matches a PLC or a colleague's strength about its strand, and
    the other way round."""
    parent = dict(database.execute_sql("SELECT id, parent_id FROM framework_item WHERE deleted = 0").fetchall())

    def under(i: str | None) -> bool:
        while i:
            if i == item_id:
                return True
            i = parent.get(i)
        return False

    found = {i for i in parent if under(i)}
    up = parent.get(item_id)
    while up and up not in found:
        found.add(up)
        up = parent.get(up)
    return found
