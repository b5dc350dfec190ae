"""Numbers as people read them: the one way a share becomes a percentage, so
the roster, the leader's review and the reports all say the same figure."""

from __future__ import annotations


def share(part: int, whole: int) -> int | None:
    """`part` of `whole` as a whole percentage, rounded half up (6 of 7: 86),
    but never 0 while some are counted nor 100 while some are missing: "100%
    coached" must mean everyone. None when `whole` is 0."""
    if whole <= 0:
        return None
    value = (200 * part + whole) // (2 * whole)  # half up, in integers: no float ties
    if 0 < part < whole:
        value = min(99, max(1, value))
    return value


def percent(part: int, whole: int, none: str = "n/a") -> str:
    """`share` as text: "86%", or `none` when there is no whole."""
    value = share(part, whole)
    return none if value is None else f"{value}%"
