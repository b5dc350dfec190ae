"""Version vectors of free-text fields: enough of each version's history to
tell a later version from a concurrent one (docs/bundle-format.md §4).

A row's clocks hold, for each free-text field edited after its creation,
`_vv[field]`: {device: newest stamp of that device in this version's
ancestry}, the version's own stamp included. Version A descends from version
B (stamp b) when A's vector holds b's device at b or later. Rows written
before vectors carry `_base[field]` (the version an edit was made on top of)
or nothing: their ancestry is that base and their own stamp.
"""

from __future__ import annotations

import json

from coachtui.store.hlc import GENESIS
from coachtui.store.models import Conflict, database, derived_id

_VERSIONED: dict = {}


def versioned(model) -> frozenset[str]:
    """The fields of `model` that may carry a version vector: its free text
    (a conflict row keeps its losing version's vector under `value`)."""
    found = _VERSIONED.get(model)
    if found is None:
        found = _VERSIONED[model] = frozenset(("value",) if model is Conflict else model.FREE_TEXT)
    return found


def device_of(stamp: str) -> str:
    return stamp.rsplit("-", 1)[-1]


def vector(clocks: dict, field: str) -> dict[str, str]:
    """The ancestry of a row's current version of `field`."""
    vv = clocks.get("_vv", {}).get(field)
    if vv is not None:
        return vv
    return of_stamps(clocks.get(field, ""), clocks.get("_base", {}).get(field, ""))


def of_stamps(*stamps: str) -> dict[str, str]:
    """A vector holding these stamps (the shipped framework's stamp is in every
    laptop's history: never stored)."""
    vv: dict[str, str] = {}
    for s in stamps:
        if s and s != GENESIS:
            d = device_of(s)
            if s > vv.get(d, ""):
                vv[d] = s
    return vv


def descends(vv: dict[str, str], stamp: str) -> bool:
    """Is the version stamped `stamp` in the ancestry `vv` (or is it its own)?"""
    if not stamp or stamp == GENESIS:
        return True
    return vv.get(device_of(stamp), "") >= stamp


def after_edit(clocks: dict, field: str, stamp: str) -> None:
    """Record in `clocks` that a new version of `field`, stamped `stamp`, was
    written on top of the current one (before clocks[field] is set)."""
    vv = dict(vector(clocks, field))
    vv[device_of(stamp)] = stamp
    clocks.setdefault("_vv", {})[field] = vv
    bases = clocks.get("_base")
    if bases is not None:
        bases.pop(field, None)
        if not bases:
            del clocks["_base"]


def take(clocks: dict, incoming: dict, field: str) -> None:
    """The incoming version of `field` won: its history comes with it, as it is."""
    for key in ("_vv", "_base"):
        value = incoming.get(key, {}).get(field)
        if value is not None:
            clocks.setdefault(key, {})[field] = value
        elif key in clocks:
            clocks[key].pop(field, None)
            if not clocks[key]:
                del clocks[key]


def newest(clocks: dict) -> str:
    """The newest stamp of a row's own fields (not the history)."""
    return max(s for k, s in clocks.items() if k[0] != "_")


# --- the losing versions a laptop keeps (conflict rows) -----------------------------------
#
# A field's versions that no other version here descends from are its winner
# (the highest stamp) and its conflicts. Which those are depends only on which
# versions a laptop has met, never on the order it met them: so every laptop
# that has met the same versions holds the same conflict rows. A version
# something here descends from is no conflict: its row goes (the versions it
# lost to were written on top of it).


def conflict_vector(clocks: dict, stamp: str) -> dict[str, str]:
    """A conflict row keeps the losing version's vector as `_vv.value`."""
    return clocks.get("_vv", {}).get("value") or of_stamps(stamp)


def _known(table: str, record_id: str, field: str) -> list[tuple[str, str, dict]]:
    rows = database.execute_sql("SELECT id, stamp, clocks FROM conflict WHERE record_id = ? AND table_name = ? "
                                "AND field_name = ?", (record_id, table, field)).fetchall()
    return [(cid, stamp, conflict_vector(json.loads(clocks), stamp)) for cid, stamp, clocks in rows]


def drop_descended(table: str, record_id: str, field: str, vv: dict[str, str]) -> list[str]:
    """Remove the conflicts of a field that the version `vv` descends from;
    returns their ids."""
    gone = [cid for cid, stamp, _ in _known(table, record_id, field) if descends(vv, stamp)]
    if gone:
        Conflict.delete().where(Conflict.id.in_(gone)).execute()
    return gone


def known_or_older(table: str, record_id: str, field: str, stamp: str) -> bool:
    """Is the version `stamp` a conflict here already, or one a conflict descends from?"""
    return any(descends(vv, stamp) for _, _, vv in _known(table, record_id, field))


def keep_loser(seq: int, table: str, record_id: str, field: str, value, stamp: str, vv: dict[str, str]) -> bool:
    """Keep a losing version as a conflict row, unless it is one already (or
    older than one). True if it is new here. Every laptop that meets this
    version makes the very same row: its id and every clock come from the
    losing version alone."""
    if known_or_older(table, record_id, field, stamp):
        return False
    drop_descended(table, record_id, field, vv)
    fields = Conflict.content_fields()
    clocks = dict.fromkeys(fields, stamp)
    if vv != of_stamps(stamp):
        clocks["_vv"] = {"value": vv}
    Conflict.insert(id=derived_id("conflict", table, record_id, field, stamp), clocks=json.dumps(clocks, sort_keys=True),
                    hlc=stamp, seq=seq, deleted=False, table_name=table, record_id=record_id, field_name=field,
                    value=str(value or ""), stamp=stamp, winner_stamp="", resolved=False).execute()
    return True
