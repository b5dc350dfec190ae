"""Dates as the store keeps them: ISO text (YYYY-MM-DD), checked on the way in."""

from __future__ import annotations

import datetime as dt

from coachtui.base.errors import UserError


def today() -> dt.date:
    return dt.date.today()


def check_date(text: str | None, what: str) -> str:
    """'' stays ''; anything else must be a real date. Returns it as YYYY-MM-DD."""
    text = (text or "").strip()
    if not text:
        return ""
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise UserError(f"{what}: {text!r} is not a date like 2026-12-01") from None
