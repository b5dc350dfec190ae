"""Strengths and development areas: framework items a member of staff carries.

One row per (person, item) with an id derived from both, so two laptops that
give the same person the same area make the same row and sync merges them.
"""

from __future__ import annotations

from coachtui.store import write as w
from coachtui.store.models import FOCUS_KINDS, FrameworkItem, StaffFocus, derived_id
from coachtui.teaching import framework


def focus_id(staff_id: str, item_id: str) -> str:
    return derived_id("focus", staff_id, item_id)


def focus_of(staff_id: str) -> dict[str, str]:
    """{framework item id: "strength" | "development"} for one person."""
    rows = StaffFocus.select().where((StaffFocus.staff_id == staff_id) & StaffFocus.live())
    return {r.item_id: r.kind for r in rows}


def set_focus(staff_id: str, item_id: str, kind: str | None) -> None:
    """Make `item_id` a strength, a development area, or (None) neither."""
    if kind is not None and kind not in FOCUS_KINDS:
        raise ValueError(f"unknown focus kind {kind!r}")
    item = FrameworkItem.get_or_none(FrameworkItem.id == item_id)
    label = item.code if item else "item"
    with w.action(f"{kind or 'clear'} {label}"):
        if kind is None:
            if StaffFocus.get_or_none(StaffFocus.id == focus_id(staff_id, item_id)):
                w.write(StaffFocus, focus_id(staff_id, item_id), deleted=True)
        else:
            w.write(StaffFocus, focus_id(staff_id, item_id), staff_id=staff_id, item_id=item_id, kind=kind,
                    deleted=False)


def _items(staff_id: str, kind: str) -> list[FrameworkItem]:
    # Retired items stay: what a person carries is history until changed.
    ids = [i for i, k in focus_of(staff_id).items() if k == kind]
    if not ids:
        return []
    order = framework.rank()
    items = FrameworkItem.select().where(FrameworkItem.id.in_(ids))
    return sorted(items, key=lambda i: order.get(i.id, len(order)))


def development_areas(staff_id: str) -> list[FrameworkItem]:
    return _items(staff_id, "development")


def strengths(staff_id: str) -> list[FrameworkItem]:
    return _items(staff_id, "strength")
