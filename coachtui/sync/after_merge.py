"""Steps the services register to run inside every import's transaction,
after its rows are merged (e.g. the roster joins sites of the same name).
Sync cannot import the services (they sit above it), so they register here;
`launch.open_database` does it. Kept apart from merge.py so that registering
costs no import of the bundle code (and its cryptography) at start-up."""

from __future__ import annotations

from typing import Callable

_STEPS: list[Callable[[], None]] = []


def register(step: Callable[[], None]) -> None:
    """Run `step()` inside every import, after its rows are merged (once per step)."""
    if step not in _STEPS:
        _STEPS.append(step)


def run_all() -> None:
    for step in _STEPS:
        step()


_ERASURE_STEPS: list[Callable[[list[str]], None]] = []


def on_erasure(step: Callable[[list[str]], None]) -> None:
    """Run `step(staff_ids)` inside an import that brought erasures of people
    held here (their local ids), so everything else about them goes too."""
    if step not in _ERASURE_STEPS:
        _ERASURE_STEPS.append(step)


def run_erasures(staff_ids: list[str]) -> None:
    if staff_ids:
        for step in _ERASURE_STEPS:
            step(staff_ids)
