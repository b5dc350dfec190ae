"""Who this laptop is, and whether the data changed since a screen read it:
what screens and the app ask without touching the store themselves."""

from __future__ import annotations

from coachtui.store import db as store_db


def device_id() -> str:
    """This laptop's id, made at first run; every clock stamp it writes ends with it."""
    return store_db.device_id()


def generation() -> str:
    """Changes with every write by any copy of the app or an import."""
    return store_db.generation()


def is_damage(exc: BaseException) -> bool:
    """Is this the store's "the database file is damaged" (not a passing trouble)?"""
    return isinstance(exc, store_db.DamagedDatabase)


def data_version() -> int:
    """Changes whenever another connection commits to the database file."""
    return store_db.data_version()


def reading():
    """Around reads done for a screen or a poll: a database failure becomes a
    StoreError (a UserError), one line for the user instead of a crash."""
    return store_db.reading()
