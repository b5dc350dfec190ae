"""Cleaning text that people type, paste or import, before it is stored: the
one place that decides which characters a field may hold and how long it is."""

from __future__ import annotations

import re
import unicodedata

from coachtui.base.errors import ValidationError

MAX_NAME = 200
MAX_FIELD = 500

# Bidirectional controls: embeddings and overrides (U+202A-U+202E), isolates
# (U+2066-U+2069) and the marks (U+200E, U+200F, U+061C). In a name they can
# make text read differently from what it holds ("Trojan Source"), in a report
# or a terminal alike. Right-to-left scripts need none of them to show right.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_NO_BIDI = dict.fromkeys(map(ord, BIDI_CONTROLS))


def strip_bidi(text: str) -> str:
    """`text` without bidirectional controls: for text already stored (reports),
    as `clean` and `clean_block` drop them from what is typed or imported."""
    return text.translate(_NO_BIDI)


def _keep(ch: str, allowed: str) -> bool:
    # Control characters would garble a terminal (or drive it: ESC, BEL, and
    # the C1 controls U+0080-U+009F, which some terminals obey as CSI and OSC);
    # bidi controls would make a name read as something else; a lone surrogate
    # cannot be stored or printed at all.
    code = ord(ch)
    return ch in allowed or (code >= 32 and not 127 <= code <= 159 and ch not in BIDI_CONTROLS
                             and not 0xD800 <= code <= 0xDFFF)


# What must not reach a terminal as it is: C0 and C1 controls, DEL, bidi
# controls, and lone surrogates (no UTF-8 can hold one: a JSON "\\ud800").
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def for_terminal(text: object, lines: bool = False) -> str:
    """`text` safe to print: control characters (line breaks too, unless `lines`)
    become visible escapes such as \\x1b, so a name, a file name or a bundle
    cannot drive the terminal."""
    def escape(m: re.Match) -> str:
        return m.group() if lines and m.group() == "\n" else ascii(m.group())[1:-1]

    return _UNSAFE.sub(escape, str(text))


# What `clean` and `clean_block` drop, as `_keep` says (at C speed: a bundle
# of a million rows is cleaned through these).
_DROP_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_DROP_BLOCK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def clean(value: str | None, what: str, limit: int = MAX_FIELD) -> str:
    """One line of text: trimmed, control characters (line breaks too) and bidi controls dropped.
    Too long: ValidationError naming `what`."""
    return _checked(_DROP_LINE.sub("", value or "").strip(), what, limit)


def clean_block(text: str | None, what: str, limit: int) -> str:
    """Text of several lines: keeps line breaks and tabs, drops other control characters and bidi controls."""
    text = (text or "").replace("\r\n", "\n")
    return _checked(_DROP_BLOCK.sub("", text).strip(), what, limit)


def _checked(text: str, what: str, limit: int) -> str:
    if len(text) > limit:
        raise ValidationError(f"{what} is too long ({len(text)} characters, at most {limit})")
    return text


def plural(n: int, word: str, many: str | None = None) -> str:
    """`n` and the word, singular for one: "1 note", "2 notes", "0 notes"
    (`many` where adding an s is wrong: "coaches", "staff")."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def fold(text: str) -> str:
    """`text` as a person would match it by eye: accents dropped (NFKD, then no
    combining marks, so composed and decomposed input are alike), case folded,
    spaces collapsed. "Aisha Ní Bhriain" and "aisha ni  bhriain" fold alike.
    Search folds every row's text and every query with it."""
    if text.isascii():
        return " ".join(text.lower().split())  # the common case, and much faster
    bare = unicodedata.normalize("NFKD", text).translate(_NO_MARKS)
    return " ".join(bare.casefold().split())


class _Marks(dict):
    """str.translate's table for dropping combining marks, filled as characters
    are met (in C after the first time: the roster folds every row at start)."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_NO_MARKS = _Marks()
