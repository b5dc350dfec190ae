"""Cleaning text that people type, paste or import, before it is stored: the
one place that decides which characters a field may hold and how long it is."""

from __future__ import annotations

from coachtui.base.errors import ValidationError

MAX_NAME = 200
MAX_FIELD = 500


def _keep(ch: str, allowed: str) -> bool:
    # Control characters would garble a terminal (or drive it: ESC, BEL).
    return ch in allowed or (ord(ch) >= 32 and ord(ch) != 127)


def clean(value: str | None, what: str, limit: int = MAX_FIELD) -> str:
    """One line of text: trimmed, control characters (line breaks too) dropped.
    Too long: ValidationError naming `what`."""
    return _checked("".join(ch for ch in (value or "") if _keep(ch, "\t")).strip(), what, limit)


def clean_block(text: str | None, what: str, limit: int) -> str:
    """Text of several lines: keeps line breaks and tabs, drops other control characters."""
    text = (text or "").replace("\r\n", "\n")
    return _checked("".join(ch for ch in text if _keep(ch, "\n\t")).strip(), what, limit)


def _checked(text: str, what: str, limit: int) -> str:
    if len(text) > limit:
        raise ValidationError(f"{what} is too long ({len(text)} characters, at most {limit})")
    return text
