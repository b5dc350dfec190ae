"""Erasing a leaver (GDPR): the person and every record about them, from
every file of the data folder, on every laptop of the trust.

Irreversible. What goes: their staff record and every row whose staff_id is
theirs (joins, notes, feedback, action steps, cycles, support changes, planned
joins, strengths and development areas, PLC memberships, attendance, their
own priority plans), every row under those (tallies, pause moments, feedback
items, cycle events, plan actions, evidence, peer sessions) and the conflicts
about any of them. Erased rows are remembered only by a hash of their id.
Where they were someone else's coach, a PLC's leader, an action's owner or a
peer partner, that record stays and points at ERASED ("(erased)"). Their
name, email and MIS id are wiped from every other text. Then the WAL is
checkpointed and the backups are replaced by one copy without them.

It travels: the next bundle carries the erasures, and a laptop importing it
runs `erase_arrived` (registered in launch) for what it holds about them,
rows the erasing laptop never saw included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from peewee import TextField

from coachtui.base.errors import UserError
from coachtui.store import backups as store_backups
from coachtui.store import db as store_db
from coachtui.store import write as w
from coachtui.store.apply import PARENT_COLUMNS, REFERENCE_COLUMNS
from coachtui.store.models import (
    ERASED,
    LOCAL_MODELS,
    REPLICATED_MODELS,
    Draft,
    Join,
    Meta,
    Purged,
    Staff,
)

ERASED_TEXT = "(erased)"
_MACHINERY = {"id", "clocks", "hlc", "seq"}


@dataclass
class Erasure:
    """What an erasure takes (or took): rows per table, other records that
    will show "(erased)", and other texts their name is wiped from."""

    name: str
    rows: dict[str, int] = field(default_factory=dict)
    pointers: int = 0
    texts: int = 0
    backups_replaced: int = 0

    def lines(self) -> list[str]:
        out = [f"{table}: {n}" for table, n in sorted(self.rows.items()) if n]
        if self.pointers:
            out.append(f"other people's records that will show (erased): {self.pointers}")
        if self.texts:
            out.append(f"other texts their name or email is wiped from: {self.texts}")
        return out


def find(who: str) -> list[Staff]:
    """Everyone (archived too) whose whole name, email or MIS id is `who`,
    ignoring case and accents; never a part of a name: an erasure is for good."""
    from coachtui.roster.staff import lookup

    if not (who or "").strip():
        raise UserError("say who to erase: their name, email or MIS id")
    return lookup(who)


def _in_chunks(model, column: str, values: set[str]) -> list[str]:
    found: list[str] = []
    values_list = sorted(values)
    col = getattr(model, column)
    for start in range(0, len(values_list), 500):
        chunk = values_list[start:start + 500]
        found.extend(r[0] for r in model.select(model.id).where(col.in_(chunk)).tuples())
    return found


def _rows_about(staff_id: str) -> dict[type, set[str]]:
    """Every row about the person, deleted ones too (they still hold text):
    their own (staff_id), and rows under those, until nothing new turns up."""
    found: dict[type, set[str]] = {Staff: {staff_id}}
    frontier = {staff_id}
    while frontier:
        new: set[str] = set()
        for model in REPLICATED_MODELS:
            for column in PARENT_COLUMNS:
                if column in model._meta.fields:
                    ids = set(_in_chunks(model, column, frontier)) - found.get(model, set())
                    if ids:
                        found.setdefault(model, set()).update(ids)
                        new |= ids
        frontier = new
    return found


def _pointers(staff_id: str, gone: dict[type, set[str]]) -> list[tuple[type, str, str]]:
    """(model, row id, column) of other people's records that point at the person."""
    out = []
    for model in REPLICATED_MODELS:
        for column in REFERENCE_COLUMNS:
            if column in model._meta.fields:
                col = getattr(model, column)
                for (rid,) in model.select(model.id).where(col == staff_id).tuples():
                    if rid not in gone.get(model, set()):
                        out.append((model, rid, column))
    return out


TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Sir", "Madam")


def _terms(person: Staff) -> list[str]:
    """The forms that identify them in free text: their name as written,
    surname first ("Clarke Yasmin", "Clarke, Yasmin"), a title and surname
    ("Ms Clarke"), email, MIS id. Shorter than 4 characters: not safe to wipe.
    (A surname or first name alone would wipe other people's names too.)"""
    name = " ".join(person.name.split())
    forms = [name, person.email.strip(), (person.external_id or "").strip()]
    parts = name.split(" ")
    if len(parts) >= 2:
        first, last = parts[0], parts[-1]
        forms += [f"{last} {first}", f"{last}, {first}"] + [f"{t} {last}" for t in TITLES] \
            + [f"{t}. {last}" for t in TITLES]
    return [f for f in dict.fromkeys(forms) if len(f) >= 4]


def _text_columns(model) -> list[str]:
    return [name for name, f in model._meta.fields.items()
            if isinstance(f, TextField) and name not in _MACHINERY and not name.endswith("_id")]


def _wipe_texts(terms: list[str]) -> int:
    """Replace the terms in every text of every table (a write, so it travels)."""
    if not terms:
        return 0
    # Longest forms first, whole words only: "Ms Clarke" but not "Tom Clarkson".
    alternatives = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in sorted(terms, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    # What a row must contain to be looked at (LIKE is case-blind for ASCII):
    # every form holds the name's last word, the email or the MIS id.
    probes = {t.split(" ")[-1] if " " in t else t for t in terms}
    changed = 0
    for model in REPLICATED_MODELS + [m for m in LOCAL_MODELS if m is not Purged]:
        for column in _text_columns(model):
            col = getattr(model, column)
            cond = None
            for t in probes:
                c = col.contains(t)
                cond = c if cond is None else cond | c
            pk = model._meta.primary_key
            for row in model.select(pk, col).where(cond):
                old = getattr(row, column) or ""
                new = pattern.sub(ERASED_TEXT, old)
                if new == old:
                    continue
                key = getattr(row, pk.name)
                if model in REPLICATED_MODELS:
                    w.write(model, key, **{column: new})
                else:
                    model.update(**{column: new}).where(pk == key).execute()
                changed += 1
    return changed


def plan(staff_id: str) -> Erasure:
    """What erasing them would take; changes nothing."""
    person = Staff.get_or_none(Staff.id == staff_id)
    if person is None:
        raise UserError("that person is not on this laptop")
    gone = _rows_about(staff_id)
    out = Erasure(person.name, {m._meta.table_name: len(ids) for m, ids in gone.items()},
                  len(_pointers(staff_id, gone)))
    terms = _terms(person)
    if terms:
        with w.rehearsal():
            out.texts = _wipe_texts(terms)
    return out


def _erase_rows(person: Staff) -> Erasure:
    """Inside a transaction: purge, repoint, wipe. Returns what it took."""
    gone = _rows_about(person.id)
    out = Erasure(person.name, {m._meta.table_name: len(ids) for m, ids in gone.items()})
    pointers = _pointers(person.id, gone)
    for model, rid, column in pointers:
        w.write(model, rid, **{column: ERASED})
    out.pointers = len(pointers)
    Draft.delete().where(Draft.join_id.in_(sorted(gone.get(Join, set())) or [""])).execute()
    all_ids = set().union(*gone.values())
    Meta.delete().where(Meta.value.in_(sorted(all_ids))).execute()  # e.g. the running join
    terms = _terms(person)
    for model, ids in gone.items():
        w.purge_many(model, sorted(ids))
    out.texts = _wipe_texts(terms)
    return out


def erase(staff_id: str, data_dir: Path | None = None) -> Erasure:
    """Erase the person for good (see the module's docstring). `data_dir`: the
    data folder, whose backups are replaced and whose exports about them go."""
    person = Staff.get_or_none(Staff.id == staff_id)
    if person is None:
        raise UserError("that person is not on this laptop")
    terms = _terms(person)
    with w.unrecorded(), store_db.transaction():
        out = _erase_rows(person)
    w.clear_history()  # the undo history holds old values, their name among them
    finish(data_dir, terms)
    if data_dir is not None:
        out.backups_replaced = store_backups.replace_all(data_dir / "backups")
    return out


def finish(data_dir: Path | None, terms: list[str]) -> None:
    """After the transaction: no older copy keeps them (the WAL, exports)."""
    store_db.checkpoint()
    if data_dir is None or not terms:
        return
    exports = data_dir / "exports"
    if exports.is_dir():
        for path in exports.iterdir():
            try:
                text = path.read_text(encoding="utf-8", errors="replace").casefold()
            except OSError:
                continue
            if any(t.casefold() in text or t.casefold() in path.name.casefold() for t in terms):
                path.unlink(missing_ok=True)


def erase_arrived(staff_ids: list[str]) -> None:
    """Inside an import that erased these people elsewhere: the rest of what
    this laptop holds about them goes too (registered in launch)."""
    for sid in staff_ids:
        person = Staff.get_or_none(Staff.id == sid)
        if person is not None:
            _erase_rows(person)
    w.clear_history()  # its labels and old values may name them
