"""Filter-as-you-type matching. Every word of the query must match the row's
text: as a substring, or else as initials/prefixes of consecutive-ish words
("jsm" finds "Jane SMith", "yr6" does not need to be exact). Letters scattered
across the middle of words do not count: that matched almost everything."""

from __future__ import annotations

import re
from functools import lru_cache

from coachtui.base.text import fold

_WORD = re.compile(r"[^\W_]+")  # runs of str.isalnum() characters


@lru_cache(maxsize=20_000)
def _tokens(haystack: str) -> list[str]:
    # Cached: the roster asks again for the same rows at every keystroke.
    return _WORD.findall(haystack)


def _prefix_match(word: str, tokens: list[str]) -> int | None:
    """Match `word` as a run of token prefixes (tokens may be skipped).
    Returns the number of tokens skipped, or None."""
    best = None
    first = word[0]
    for start in range(len(tokens)):
        if tokens[start][0] != first:
            continue
        rest, skipped, i = word, 0, start
        while rest and i < len(tokens):
            tok = tokens[i]
            n = 0
            while n < len(rest) and n < len(tok) and rest[n] == tok[n]:
                n += 1
            if n:
                rest = rest[n:]
            elif i > start:
                skipped += 1
            else:
                break
            i += 1
        if not rest:
            best = skipped if best is None else min(best, skipped)
    return best


def fuzzy_score(query_words: list[str], haystack: str) -> int | None:
    """Lower is better; None means no match. `haystack` must be `fold()`ed."""
    score = 0
    tokens: list[str] | None = None
    for word in query_words:
        pos = haystack.find(word)
        if pos >= 0:
            # Prefer matches at the start of a word.
            score += 0 if pos == 0 or not haystack[pos - 1].isalnum() else 1
            continue
        if word[0] not in haystack:
            return None  # a prefix match starts on a token, so its first letter is there
        if tokens is None:
            tokens = _tokens(haystack)
        skipped = _prefix_match(word, tokens)
        if skipped is None:
            return None
        score += 10 + skipped
    return score


def split_query(query: str) -> list[str]:
    return fold(query).split()
