"""Two laptops create the same person; a CSV import may too. Ids never clash
(UUIDs), so the same teacher can exist twice: find such pairs and merge them.

Merging keeps the row the user chooses and moves every reference to the other
onto it, then marks the other deleted (a mergeable field, so the merge syncs).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from peewee import TextField

from coachtui.store import write as w
from coachtui.store.models import REPLICATED_MODELS, Staff


def _norm_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\b(mr|mrs|ms|miss|mx|dr)\b\.?", " ", text)
    return " ".join(sorted(re.findall(r"[a-z0-9]+", text)))


@dataclass
class DuplicatePair:
    keep: Staff
    other: Staff
    reason: str


def find_duplicates() -> list[DuplicatePair]:
    """Pairs of active staff who look like the same person: same email, same
    MIS id, or the same name (ignoring titles, accents, word order)."""
    people = list(Staff.select().where(Staff.live()))
    groups: dict[tuple[str, str], list[Staff]] = defaultdict(list)
    for p in people:
        if p.email:
            groups[("email", p.email.strip().lower())].append(p)
        if p.external_id:
            groups[("MIS id", p.external_id.strip().lower())].append(p)
        key = _norm_name(p.name)
        if key:
            groups[("name", key)].append(p)
    pairs: list[DuplicatePair] = []
    seen: set[frozenset[str]] = set()
    for (reason, _), members in sorted(groups.items()):
        if len(members) < 2:
            continue
        members.sort(key=lambda s: s.hlc)  # the older record is the natural keeper
        for other in members[1:]:
            ids = frozenset((members[0].id, other.id))
            if ids not in seen:
                seen.add(ids)
                pairs.append(DuplicatePair(members[0], other, f"same {reason}"))
    return pairs


def staff_reference_fields() -> list[tuple[type, str]]:
    """Every (model, column) that holds a staff id, across all replicated tables.
    By convention such columns are named *staff_id, coach_id, leader_id,
    owner_id, partner_id or teacher_id."""
    names = ("coach_id", "leader_id", "owner_id", "partner_id", "teacher_id")
    found = []
    for model in REPLICATED_MODELS:
        for name, field in model._meta.fields.items():
            if isinstance(field, TextField) and (name.endswith("staff_id") or name in names):
                found.append((model, name))
    return found


def merge(keep_id: str, other_id: str) -> int:
    """Move every reference from `other_id` to `keep_id`, fill the keeper's
    empty fields from the other, and delete the other. Returns references moved."""
    if keep_id == other_id:
        raise ValueError("cannot merge someone with themselves")
    keep = Staff.get_by_id(keep_id)
    other = Staff.get_by_id(other_id)
    moved = 0
    with w.action(f"merge {other.name} into {keep.name}"):
        fill = {}
        for name in ("email", "team", "site_id", "coach_id", "external_id"):
            if not getattr(keep, name) and getattr(other, name) and getattr(other, name) != keep_id:
                fill[name] = getattr(other, name)
        roles = sorted(set(keep.role_list) | set(other.role_list))
        fill["roles"] = ",".join(r for r in ("teacher", "coach", "leader") if r in roles)
        w.write(Staff, keep_id, **fill)
        for model, column in staff_reference_fields():
            col = getattr(model, column)
            for row in model.select().where(col == other_id):
                if model is Staff and row.id == keep_id:
                    w.write(Staff, keep_id, coach_id=None)  # would coach themselves
                else:
                    w.write(model, row.id, **{column: keep_id})
                moved += 1
        w.write(Staff, other_id, deleted=True)
    return moved


def merge_same_mis_people() -> int:
    """One person made on two laptops from the same MIS export before they
    synced (same MIS id, same name): two rows. Keep the one with the smallest
    id (every laptop picks the same, so they converge) and merge the other into
    it. The name must match too: two schools' MIS systems may both have an
    "HS001". Runs inside every import. Returns people merged."""
    groups: dict[tuple[str, str], list[Staff]] = defaultdict(list)
    for p in Staff.select().where(Staff.live() & (Staff.external_id != "") & Staff.external_id.is_null(False)):
        groups[(p.external_id.strip().casefold(), p.name.strip().casefold())].append(p)
    merged = 0
    for group in groups.values():
        if len(group) > 1:
            keep, *others = sorted(group, key=lambda p: p.id)
            for other in others:
                merge(keep.id, other.id)
                merged += 1
    return merged
