"""docs/bundle-format.md is what an outsider implements from: it must list
every table a bundle carries, with every content field's type and default,
which fields are free text (conflict-tracked) and which keep line breaks, and
the current schema number. Read from the document itself, so it cannot drift."""

from __future__ import annotations

import json
import re
from pathlib import Path

from peewee import BooleanField, IntegerField

from coachtui.store import schema
from coachtui.store.models import REPLICATED_MODELS
from coachtui.sync.cleaning import BLOCK_FIELDS

DOC = Path(__file__).resolve().parents[1] / "docs" / "bundle-format.md"
ROW = re.compile(r"\| `(\w+)` \| ([^|]+) \| ([^|]+) \|([^|]*)\|")


def documented() -> dict[str, dict[str, tuple[str, str, str]]]:
    """{table: {field: (type, default, notes)}} from the document's field tables."""
    tables: dict = {}
    current = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            m = re.fullmatch(r"#### `(\w+)`.*", line)
            current = tables.setdefault(m[1], {}) if m else None
        elif current is not None and (m := ROW.fullmatch(line.strip())):
            current[m[1]] = (m[2].strip(), m[3].strip(), m[4].strip())
    return tables


def expected_type(field) -> str:
    kind = "boolean" if isinstance(field, BooleanField) else "integer" if isinstance(field, IntegerField) else "text"
    return f"{kind} or null" if field.null else kind


def expected_default(field) -> str:
    default = field.default() if callable(field.default) else field.default
    if default is None and not field.null:
        return "required"
    return f"`{json.dumps(default, ensure_ascii=False)}`"


def test_every_table_and_field_is_documented_with_its_type_and_default():
    doc = documented()
    tables = [m._meta.table_name for m in REPLICATED_MODELS]
    assert sorted(doc) == sorted(tables)
    for model in REPLICATED_MODELS:
        table = model._meta.table_name
        fields = model.content_fields()
        assert list(doc[table]) == fields, table  # in the order writers write them
        for name in fields:
            kind, default, notes = doc[table][name]
            field = model._meta.fields[name]
            assert kind == expected_type(field), f"{table}.{name}"
            assert default == expected_default(field), f"{table}.{name}"
            assert ("free text" in notes) == (name in model.FREE_TEXT), f"{table}.{name}"
            assert ("multi-line" in notes) == (name in BLOCK_FIELDS.get(table, ())), f"{table}.{name}"


def test_the_schema_number_is_the_current_one():
    m = re.search(r"current schema is \*\*(\d+)\*\*", DOC.read_text(encoding="utf-8"))
    assert m and int(m[1]) == schema.SCHEMA_VERSION


def test_the_lead_has_a_place_for_version_2():
    assert "\n## 8. Incremental bundles (version 2)\n" in DOC.read_text(encoding="utf-8")
