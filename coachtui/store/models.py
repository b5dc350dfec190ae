"""Tables. Replicated rows have a UUID text id, per-field clocks and `deleted`.

No UNIQUE constraints on natural keys and no declared foreign keys between
replicated tables: two laptops create the same person, and sync applies rows
in any order. Services check references; duplicates are found and merged.
"""

from __future__ import annotations

import uuid

from peewee import BooleanField, IntegerField, Model, SqliteDatabase, TextField

# Deferred: opened by coachtui.store.db.open_store, never at import time.
database = SqliteDatabase(None)


def new_id() -> str:
    return uuid.uuid4().hex


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Replicated(BaseModel):
    """A row that travels in sync bundles."""

    id = TextField(primary_key=True, default=new_id)
    clocks = TextField(default="{}")  # JSON {field: hlc stamp}
    hlc = TextField(default="", index=True)  # newest stamp in `clocks`
    deleted = BooleanField(default=False)

    # Fields that are machinery, not content: never stamped.
    MACHINERY = ("id", "clocks", "hlc")

    @classmethod
    def content_fields(cls) -> list[str]:
        return [n for n in cls._meta.sorted_field_names if n not in cls.MACHINERY]


# --- local-only tables (never exported) ---------------------------------------


class Meta(BaseModel):
    """Per-database facts: device id, last clock stamp, framework version."""

    key = TextField(primary_key=True)
    value = TextField()


class Purged(BaseModel):
    """Erased ids. Any later write for them is ignored whatever its clock.

    Replicated by sync as tombstones (they carry no content).
    """

    id = TextField(primary_key=True)
    table = TextField()
    stamp = TextField()


# --- replicated content -------------------------------------------------------


class Site(Replicated):
    name = TextField(default="")


SUPPORT_LEVELS = ("none", "support", "structured", "formal")
SUPPORT_LABELS = {
    "none": "none",
    "support": "support",
    "structured": "structured support",
    "formal": "formal support",
}
ROLES = ("teacher", "coach", "leader")


class Staff(Replicated):
    name = TextField(default="")
    email = TextField(default="")
    roles = TextField(default="teacher")  # comma-separated, from ROLES
    site_id = TextField(null=True, index=True)
    team = TextField(default="")  # department or year group
    support = TextField(default="none")  # from SUPPORT_LEVELS
    coach_id = TextField(null=True, index=True)
    archived = BooleanField(default=False)
    external_id = TextField(default="")  # the school's MIS id, from CSV imports

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]


FRAMEWORK_KINDS = ("domain", "strand", "step")


class FrameworkItem(Replicated):
    """The common-language teaching framework: domain > strand > action step."""

    kind = TextField(default="step")
    parent_id = TextField(null=True, index=True)
    code = TextField(default="")
    title = TextField(default="")
    detail = TextField(default="")  # success criteria, one per line
    position = IntegerField(default=0)


FOCUS_KINDS = ("strength", "development")


class StaffFocus(Replicated):
    """A framework item a member of staff carries as a strength or development area."""

    staff_id = TextField(index=True)
    item_id = TextField()
    kind = TextField(default="development")


LOCAL_MODELS: list[type[BaseModel]] = [Meta, Purged]
# Every replicated table, in the order sync should apply them.
REPLICATED_MODELS: list[type[Replicated]] = [Site, Staff, FrameworkItem, StaffFocus]


def register(model: type[Replicated]) -> type[Replicated]:
    """Class decorator for replicated tables defined in other modules."""
    if model not in REPLICATED_MODELS:
        REPLICATED_MODELS.append(model)
    return model


def model_for_table(name: str) -> type[Replicated] | None:
    for m in REPLICATED_MODELS:
        if m._meta.table_name == name:
            return m
    return None
