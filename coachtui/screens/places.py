"""The app's places (Textual modes), each with its own screen stack, reached by
F-keys and the command palette. Screens are imported when first shown, so
start-up loads only the roster."""

from __future__ import annotations

from typing import Callable

from textual.screen import Screen


def _roster():
    from coachtui.screens.roster import RosterScreen

    return RosterScreen()


def _plcs():
    from coachtui.screens.plc_board import PlcBoardScreen

    return PlcBoardScreen()


def _priorities():
    from coachtui.screens.priorities import PrioritiesScreen

    return PrioritiesScreen()


def _sync():
    from coachtui.screens.sync import SyncScreen

    return SyncScreen()


def _review():
    from coachtui.screens.review import ReviewScreen

    return ReviewScreen()


def _framework():
    from coachtui.screens.framework_edit import FrameworkScreen

    return FrameworkScreen()


# The app's places, each with its own screen stack (Textual modes), reached by
# F-keys and the command palette: (mode, key, title, factory).
PLACES: list[tuple[str, str, str, Callable[[], Screen]]] = [
    ("roster", "f2", "Staff roster", _roster),
    ("plcs", "f3", "PLC board", _plcs),
    ("priorities", "f4", "Priority plans", _priorities),
    ("sync", "f5", "Sync", _sync),
    ("review", "f6", "Leader review", _review),
    ("framework", "f7", "Framework", _framework),
]
PLACE_KEYS = {mode: key for mode, key, _, _ in PLACES}
