"""The symbols coachtui draws, in one table, and their ASCII stand-ins for a
terminal that cannot show them (Windows 10's old console shows boxes). Screens
and widgets read `glyph(name)` when they draw, so switching the mode (F9,
`symbols` in config.toml) takes effect at the next redraw. No glyph says
anything alone: each stands beside words ("✓ Wrote ...", "🔒 PRIVATE")."""

from __future__ import annotations

from typing import Mapping

UNICODE = {
    "ok": "✓",
    "bullet": "•",  # a list's point: says nothing of met or not
    "error": "✗",
    "warning": "⚠",
    "leader": "★",
    "flag": "⚑",
    "private": "🔒 ",
    "came": "✓",
    "absent": "·",
    "bar": "█",
    "eighths": " ▏▎▍▌▋▊▉",  # a bar's last cell, in eighths
}
ASCII = {
    "ok": "+",
    "bullet": "-",
    "error": "x",
    "warning": "!",
    "leader": "*",
    "flag": "!",
    "private": "",
    "came": "yes",
    "absent": "-",
    "bar": "#",
    "eighths": "    ++++",  # under half a cell: nothing; half or more: +
}
SYMBOLS = ("auto", "unicode", "ascii")  # the `symbols` setting

_table: Mapping[str, str] = UNICODE


def glyph(name: str) -> str:
    return _table[name]


def use_ascii(on: bool) -> None:
    global _table
    _table = ASCII if on else UNICODE


def ascii_on() -> bool:
    return _table is ASCII


def wants_ascii(setting: str, old_console: bool) -> bool:
    """ASCII for `symbols = "ascii"`, and for "auto" in the old Windows console."""
    return setting == "ascii" or (setting not in ("unicode", "ascii") and old_console)
