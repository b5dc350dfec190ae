"""Filter-as-you-type matching. Every word of the query must match the row's
text: as a substring, or else as initials/prefixes of consecutive-ish words
("jsm" finds "Jane SMith", "yr6" does not need to be exact). Letters scattered
across the middle of words do not count: that matched almost everything."""

from __future__ import annotations


def _prefix_match(word: str, tokens: list[str]) -> int | None:
    """Match `word` as a run of token prefixes (tokens may be skipped).
    Returns the number of tokens skipped, or None."""
    best = None
    for start in range(len(tokens)):
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
    """Lower is better; None means no match. `haystack` must be lower-case."""
    score = 0
    tokens: list[str] | None = None
    for word in query_words:
        pos = haystack.find(word)
        if pos >= 0:
            # Prefer matches at the start of a word.
            score += 0 if pos == 0 or not haystack[pos - 1].isalnum() else 1
            continue
        if tokens is None:
            tokens = [t for t in "".join(c if c.isalnum() else " " for c in haystack).split()]
        skipped = _prefix_match(word, tokens)
        if skipped is None:
            return None
        score += 10 + skipped
    return score


def split_query(query: str) -> list[str]:
    return query.lower().split()
