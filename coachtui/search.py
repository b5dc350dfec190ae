"""Filter-as-you-type matching: every word of the query must appear in the
row's text, either as a substring or as an in-order subsequence (fuzzy)."""

from __future__ import annotations


def fuzzy_score(query_words: list[str], haystack: str) -> int | None:
    """Lower is better; None means no match. `haystack` must be lower-case."""
    score = 0
    for word in query_words:
        pos = haystack.find(word)
        if pos >= 0:
            # Prefer matches at the start of a word.
            score += 0 if pos == 0 or haystack[pos - 1] == " " else 1
            continue
        # Subsequence: "jsm" matches "jane smith".
        i = 0
        gaps = 0
        for ch in word:
            j = haystack.find(ch, i)
            if j < 0:
                return None
            gaps += j - i
            i = j + 1
        score += 10 + gaps
    return score


def split_query(query: str) -> list[str]:
    return query.lower().split()
