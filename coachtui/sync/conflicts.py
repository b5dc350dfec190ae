"""Conflicts: the losing versions of free-text fields, for the user to settle."""

from __future__ import annotations

from coachtui.base.errors import UserError
from coachtui.store import write as w
from coachtui.store.models import Conflict, model_for_table
from coachtui.sync.cleaning import BLOCK_FIELDS, TextError, clean_text


def open_conflicts() -> list[Conflict]:
    return list(Conflict.select().where((Conflict.resolved == False) & Conflict.live())  # noqa: E712
                .order_by(Conflict.hlc))


def current_value(c: Conflict) -> str:
    model = model_for_table(c.table_name)
    row = model.get_or_none(model.id == c.record_id) if model else None
    return str(getattr(row, c.field_name, "") or "") if row else ""


def resolve(conflict_id: str, value: str | None) -> None:
    """Keep `value` (the winner, the loser or a merge of both); None keeps the
    current one. Either way the conflict is settled, on every laptop it reaches."""
    c = Conflict.get_or_none(Conflict.id == conflict_id)
    if c is None:
        raise UserError("that conflict is gone")
    model = model_for_table(c.table_name)
    if value is not None:
        value = _cleaned(c.table_name, c.field_name, value)
    with w.action("resolve conflict"):
        # Settled first: the new version may go past this one, and then its row goes.
        w.write(Conflict, c.id, resolved=True)
        if value is not None and model is not None and model.get_or_none(model.id == c.record_id):
            w.write(model, c.record_id, **{c.field_name: value})


def _cleaned(table: str, field: str, value: str) -> str:
    """The settled text cleaned as a bundle's will be on every other laptop
    (else this laptop would keep a value the others never hold). A one-line
    field offered as "current + other" on two lines becomes one line."""
    block = field in BLOCK_FIELDS.get(table, frozenset())
    if not block:
        value = " ".join(part.strip() for part in value.splitlines() if part.strip())
    try:
        return clean_text(value, field.replace("_", " "), block=block)
    except TextError as exc:
        raise UserError(str(exc)) from None
