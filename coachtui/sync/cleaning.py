"""Text in bundles. On the way in, every text field gets the cleaning typed,
pasted and CSV text gets (`coachtui.base.text`: `clean` for one-line fields,
`clean_block` for free text of several lines); on the way out to a terminal,
text that came from data is escaped (`shown`).

A bundle is refused, not truncated, when a value is too long: truncating
would store a value no laptop wrote, under the writer's clock stamp.
"""

from __future__ import annotations

from coachtui.base.errors import ValidationError
from coachtui.base.text import clean, clean_block

# Limits for text arriving in bundles: generous (several times what the forms
# allow) because a value may have grown where no form checks it, e.g. a
# conflict settled by merging both versions; but a bundle cannot fill the disk.
LINE_LIMIT = 2_000
BLOCK_LIMIT = 100_000
# A row id, a bundle id, a device id: short, printable ASCII, no spaces.
ID_LIMIT = 200

# Free text of several lines (line breaks kept); every other text field is one line.
BLOCK_FIELDS: dict[str, frozenset[str]] = {
    "framework_item": frozenset({"detail"}),  # success criteria, one per line
    "note": frozenset({"text"}),
    "feedback_item": frozenset({"text"}),
    "action_step": frozenset({"text", "criteria"}),
    "conflict": frozenset({"value"}),  # the losing version of any free-text field
    "session": frozenset({"notes"}),
    "attendance": frozenset({"try_next"}),
    "priority_plan": frozenset({"problem", "evidence", "approach", "measure"}),
    "plan_action": frozenset({"text"}),
    "evidence": frozenset({"text"}),
    "peer_session": frozenset({"shared", "feedback"}),
    "coaching_cycle": frozenset({"strengths", "development", "evidence", "outcomes", "way_in", "visits"}),
}
# Free-text fields (conflicts are kept for them) that are one line.
ONE_LINE_FREE_TEXT: dict[str, frozenset[str]] = {
    "framework_item": frozenset({"title"}),
    "join": frozenset({"focus_text"}),
    "session": frozenset({"topic"}),
    "priority_plan": frozenset({"title"}),
    "coaching_cycle": frozenset({"focus_text"}),
    "support_change": frozenset({"reason"}),
    "planned_join": frozenset({"note"}),
}

class TextError(ValueError):
    """A value that cannot be cleaned (too long); str() says which field."""


def is_id(value: object, limit: int = ID_LIMIT) -> bool:
    """A row, bundle or device id: non-empty printable ASCII without spaces."""
    return (isinstance(value, str) and 0 < len(value) <= limit and value.isascii() and value.isprintable()
            and " " not in value)


def clean_text(value: str, what: str, *, block: bool = False) -> str:
    """One text value from a bundle, cleaned like typed text; TextError if too long."""
    limit = BLOCK_LIMIT if block else LINE_LIMIT
    if _untouched(value, limit, block):
        return value
    if len(value) > limit:  # checked before cleaning too: a megabyte of ESC is no better
        raise TextError(f"{what} is too long ({len(value)} characters, at most {limit})")
    try:
        return clean_block(value, what, limit) if block else clean(value, what, limit)
    except ValidationError as exc:
        raise TextError(str(exc)) from None


def _untouched(value: str, limit: int, block: bool) -> bool:
    """Would cleaning leave `value` as it is? Answered at C speed for the usual
    case (short printable ASCII, no spaces at the ends: ids, dates, most names),
    so a bundle of a million rows is not cleaned character by character in
    Python. Anything else takes the full cleaning. (A test checks that the
    base cleaning indeed keeps such text as it is.)"""
    if len(value) > limit or not value.isascii():
        return False
    if block:
        if not value.replace("\n", "").isprintable():
            return False
    elif not value.isprintable():
        return False
    return not value or (value[0] not in " \n" and value[-1] not in " \n")


_FIELDS: dict = {}


def text_fields(model) -> list[tuple[str, bool, str]]:
    """(field, is block, "table.field") for each text content field of `model`, cached."""
    fields = _FIELDS.get(model)
    if fields is None:
        table = model._meta.table_name
        block = BLOCK_FIELDS.get(table, frozenset())
        fields = _FIELDS[model] = [(f, f in block, f"{table}.{f}") for f in model.content_fields()
                                   if model._meta.fields[f].field_type == "TEXT"]
    return fields


def clean_values(model, values: dict) -> None:
    """Clean, in place, every text value of a row from a bundle (None stays None:
    other types are the store's to refuse). TextError if one is too long."""
    for f, block, what in text_fields(model):
        value = values.get(f)
        if type(value) is not str:
            continue
        # The usual case inline (this runs for every field of every row): see _untouched.
        if value.isascii() and value.isprintable() and len(value) <= LINE_LIMIT \
                and (not value or (value[0] != " " and value[-1] != " ")):
            continue
        values[f] = clean_text(value, what, block=block)
