"""The teaching framework as a TOML file, in the shape of data/framework.toml:
export it for a trust to share, import one back (matched by code).

An import adds, rewords, moves and reorders items, and retires or restores
them as the file says; it never deletes. Items this database has and the file
lacks are left as they are, after the file's items among their siblings;
an item without a `criteria` key keeps the criteria it has here.
The whole file is checked before anything is written: a bad file changes nothing.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

from coachtui.base.atomic_write import write_text
from coachtui.base.errors import UserError
from coachtui.base.user_files import read_bytes
from coachtui.store import db as store_db
from coachtui.store import write as w
from coachtui.store.models import FrameworkItem
from coachtui.teaching import framework

MAX_BYTES = 2_000_000
MAX_ITEMS = 5000
# Which child table each kind holds in the file.
CHILD_KEY = {"domain": "strand", "strand": "step", "step": None}
KEYS = {"code", "title", "criteria", "retired"}

HEADER = """\
# The common-language teaching framework, exported by coachtui.
# Domains hold strands; strands hold action steps; each step has success criteria.
# `code` is permanent: it names the item on every laptop. Import this file with
# `coachtui framework import FILE`: items are matched by code; none is deleted.
# `retired = true` keeps an item for history but stops offering it.
# `criteria = []` clears a step's success criteria; leaving the key out keeps them.

"""


class FrameworkFileError(UserError):
    """A framework file that cannot be used; nothing was changed."""


@dataclass
class Node:
    kind: str
    code: str
    title: str
    detail: str | None  # None: the file has no criteria for it (keep what is here)
    retired: bool
    parent: str | None  # parent's code


@dataclass
class Report:
    path: str
    applied: bool = False
    added: list[str] = field(default_factory=list)
    reworded: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        verb = "imported" if self.applied else "would import"
        return (f"{Path(self.path).name}: {verb}: {len(self.added)} added, {len(self.reworded)} reworded, "
                f"{len(self.moved)} moved, {len(self.retired)} retired, {len(self.restored)} restored, "
                f"{self.unchanged} unchanged")

    def lines(self) -> list[str]:
        out = []
        for what in ("added", "reworded", "moved", "retired", "restored"):
            codes = getattr(self, what)
            if codes:
                shown = ", ".join(codes[:20]) + (f" and {len(codes) - 20} more" if len(codes) > 20 else "")
                out.append(f"{what}: {shown}")
        return out


# --- export -------------------------------------------------------------------------


def to_doc() -> dict:
    """The framework as a TOML document (a dict), retired items flagged."""
    domains: list[dict] = []
    nodes: dict[str, tuple[str, dict]] = {}  # id -> (kind, table)
    for item, _ in framework.tree():
        node: dict = {"code": item.code, "title": item.title}
        if item.retired:
            node["retired"] = True
        if item.detail or item.kind == "step":
            # Always for a step: an empty list clears criteria, a missing key keeps them.
            node["criteria"] = item.detail.splitlines()
        nodes[item.id] = (item.kind, node)
        if item.kind == "domain" and item.parent_id is None:
            domains.append(node)
            continue
        parent_kind, parent = nodes.get(item.parent_id, (None, None))
        if parent is not None and CHILD_KEY[parent_kind] == item.kind:
            parent.setdefault(item.kind, []).append(node)
        # An item whose parent is gone has no place in the file's shape: left out.
    return {"version": int(framework._shipped_version()), "domain": domains}


def to_text(doc: dict | None = None) -> str:
    return HEADER + tomli_w.dumps(doc if doc is not None else to_doc())


@store_db.reading()
def export(path: str | Path) -> int:
    """Write the framework to `path` safely (NAME.partial, fsync, rename).
    Returns the number of items written."""
    doc = to_doc()
    write_text(path, to_text(doc), FrameworkFileError)
    return sum(1 for _ in _walk(doc))


# --- import -------------------------------------------------------------------------


def _walk(doc: dict):
    for d in doc.get("domain", []):
        yield d
        for s in d.get("strand", []):
            yield s
            yield from s.get("step", [])


def read(path: str | Path) -> list[Node]:
    """Parse and check a framework file; every problem is one line."""
    p = Path(path).expanduser()
    name = p.name
    raw = read_bytes(p, what="a framework file (TOML)", limit=MAX_BYTES, error=FrameworkFileError)
    try:
        doc = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FrameworkFileError(f"{name} is not a text file (UTF-8)") from None
    except tomllib.TOMLDecodeError as exc:
        raise FrameworkFileError(f"{name} is not valid TOML: {exc}") from None
    return parse(doc, name)


def parse(doc: dict, name: str = "the file") -> list[Node]:
    """Flatten a framework document into nodes, parents before children, in file order."""
    domains = doc.get("domain")
    if not isinstance(domains, list) or not domains:
        raise FrameworkFileError(f"{name} has no [[domain]] tables: not a framework file")
    unknown = set(doc) - {"domain", "version"}
    if unknown:
        raise FrameworkFileError(f"{name} has unknown top-level key(s): {', '.join(sorted(unknown))}")
    nodes: list[Node] = []
    seen: dict[str, str] = {}

    def visit(kind: str, table: object, parent: Node | None, where: str) -> None:
        if not isinstance(table, dict):
            raise FrameworkFileError(f"{name}: {where} is not a table")
        code = table.get("code")
        label = f"{kind} {code}" if isinstance(code, str) and code else f"a {kind} in {where}"
        if not isinstance(code, str) or not code.strip():
            raise FrameworkFileError(f"{name}: {label} has no code")
        try:
            code = framework.check_code(code)
        except UserError as exc:
            raise FrameworkFileError(f"{name}: {exc}") from None
        if code in seen:
            raise FrameworkFileError(f"{name}: code {code} is used twice")
        seen[code] = kind
        title = table.get("title")
        if not isinstance(title, str) or not title.strip():
            raise FrameworkFileError(f"{name}: {kind} {code} has no title")
        criteria = table.get("criteria")
        if isinstance(criteria, str):
            criteria = criteria.splitlines()
        if criteria is not None and (not isinstance(criteria, list)
                                     or not all(isinstance(c, str) for c in criteria)):
            raise FrameworkFileError(f"{name}: {kind} {code}: criteria must be a list of lines")
        retired = table.get("retired", False)
        if not isinstance(retired, bool):
            raise FrameworkFileError(f"{name}: {kind} {code}: retired must be true or false")
        child = framework.CHILD_KIND[kind]
        for key in table:
            if key in KEYS or key == child:
                continue
            if key in framework.CHILD_KIND:
                raise FrameworkFileError(f"{name}: a {key} inside {kind} {code} must be inside a "
                                         f"{framework.PARENT_KIND[key]}")
            raise FrameworkFileError(f"{name}: {kind} {code} has an unknown key {key!r}")
        try:
            detail = None if criteria is None else framework.clean_criteria(criteria)
            node = Node(kind, code, framework.check_title(title), detail, retired, parent.code if parent else None)
        except UserError as exc:
            raise FrameworkFileError(f"{name}: {kind} {code}: {exc}") from None
        nodes.append(node)
        if len(nodes) > MAX_ITEMS:
            raise FrameworkFileError(f"{name} has more than {MAX_ITEMS} items")
        if child:
            children = table.get(child, [])
            if not isinstance(children, list):
                raise FrameworkFileError(f"{name}: {kind} {code}: {child} must be [[...]] tables")
            for c in children:
                visit(child, c, node, f"{kind} {code}")

    for n, d in enumerate(domains):
        visit("domain", d, None, f"domain number {n + 1}")
    return nodes


def _state() -> dict[str, tuple]:
    """{code: (title, criteria, parent id, retired)} of every item, for the report."""
    return {i.code: (i.title, i.detail, i.parent_id, i.retired) for i, _ in framework.tree()}


def _sibling_orders() -> dict[str | None, list[str]]:
    out: dict[str | None, list[str]] = {}
    for item, _ in framework.tree():
        out.setdefault(item.parent_id, []).append(item.code)
    return out


def apply(nodes: list[Node], report: Report) -> None:
    """Write the file's items. Call inside write.action() or write.rehearsal()."""
    name = Path(report.path).name
    before, orders_before = _state(), _sibling_orders()
    for node in nodes:
        row = framework.get(framework.item_id(node.code))
        if row is not None and not row.deleted and row.kind != node.kind:
            raise FrameworkFileError(f"{name}: {node.code} is a {node.kind} in the file but a {row.kind} here; "
                                     f"a code cannot change kind")
    order: dict[str | None, list[str]] = {}  # parent id -> child ids in file order
    for node in nodes:
        rid = framework.item_id(node.code)
        parent_id = framework.item_id(node.parent) if node.parent else None
        order.setdefault(parent_id, []).append(rid)
        values = dict(kind=node.kind, parent_id=parent_id, code=node.code, title=node.title,
                      retired=node.retired, deleted=False)
        if node.detail is not None:
            values["detail"] = node.detail
        row = framework.get(rid)
        if row is None or row.deleted:
            values.setdefault("detail", "")
            values["position"] = len(order[parent_id]) - 1  # renumbered with its siblings below
        w.write(FrameworkItem, rid, **values)
    # Siblings: the file's order first, then what only this database has, as it was.
    for parent_id, file_ids in order.items():
        children = framework._children(parent_id)
        in_file = set(file_ids)
        wanted = file_ids + [c.id for c in children if c.id not in in_file]
        position = {c.id: c.position for c in children}
        if [c.id for c in children] != wanted or len(set(position.values())) < len(wanted):
            for n, rid in enumerate(wanted):
                if position[rid] != n:
                    w.write(FrameworkItem, rid, position=n)
    _report(nodes, before, orders_before, report)


def _report(nodes: list[Node], before: dict, orders_before: dict, report: Report) -> None:
    after, orders_after = _state(), _sibling_orders()

    def rank(orders: dict, code: str, parent: str | None, among: set[str]) -> int:
        return [c for c in orders.get(parent, []) if c in among].index(code)

    for node in nodes:
        old, new = before.get(node.code), after[node.code]
        if old is None:
            report.added.append(node.code)
            continue
        changed = False
        if old[:2] != new[:2]:
            report.reworded.append(node.code)
            changed = True
        # Moved: another parent, or another place among the siblings it had.
        kept = set(orders_before.get(old[2], [])) & set(orders_after.get(new[2], []))
        if old[2] != new[2] or rank(orders_before, node.code, old[2], kept) != \
                rank(orders_after, node.code, new[2], kept):
            report.moved.append(node.code)
            changed = True
        if old[3] != new[3]:
            (report.retired if new[3] else report.restored).append(node.code)
            changed = True
        report.unchanged += not changed


def import_file(path: str | Path, *, dry_run: bool = False) -> Report:
    """Read and check the file, then apply it (with dry_run: report what would
    change and change nothing). Any problem raises before anything is written."""
    nodes = read(path)
    report = Report(str(path))
    with (w.rehearsal() if dry_run else w.action(f"import framework {Path(path).name}")):
        apply(nodes, report)
    report.applied = not dry_run
    return report


# --- command line -------------------------------------------------------------------
