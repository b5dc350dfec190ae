"""Leaving the app with unsaved text: Ctrl+Q asks first.

A screen holding text that is not saved says so through `has_unsaved()`
(and names itself with `unsaved_label()`); a screen that keeps what is typed
as a draft writes it at once through `keep_draft()`. The app asks every
screen of every place before it quits."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from coachtui.base.errors import UserError


def screens_of(app: App) -> list[tuple[str, Screen]]:
    """Every screen in every place (mode), as (mode, screen)."""
    return [(mode, s) for mode, stack in app._screen_stacks.items() for s in stack]


def unsaved(app: App) -> list[tuple[str, Screen, str]]:
    """Screens holding unsaved text, as (mode, screen, label), after every
    screen that keeps drafts has written them (a draft that cannot be
    written counts as unsaved)."""
    out = []
    for mode, screen in screens_of(app):
        keep = getattr(screen, "keep_draft", None)
        try:
            if keep is not None:
                keep()
            ask = getattr(screen, "has_unsaved", None)
            if ask is None or not ask():
                continue
        except UserError:
            pass  # not written: ask about it
        label = getattr(screen, "unsaved_label", None)
        out.append((mode, screen, label() if label else (screen.sub_title or "a screen")))
    return out


class QuitModal(ModalScreen[bool]):
    """Dismisses with True to quit anyway, False to go back to the text."""

    HELP = """\
Quit?

Some text is not saved yet (listed). q quits anyway and that text is lost;
Esc goes back to it, so that you can save it (Ctrl+S) first.
"""
    BINDINGS = [Binding("q", "choose(True)", "Quit anyway"), Binding("escape", "choose(False)", "Go back to it")]

    def __init__(self, labels: list[str]) -> None:
        super().__init__()
        self.labels = labels

    def compose(self) -> ComposeResult:
        listed = "\n".join(f"  · {label}" for label in self.labels)
        with Vertical(id="picker"):
            yield Static(Text("Quit? Not saved yet:"), classes="form-title")
            yield Static(Text(f"{listed}\n\n  q    quit anyway: this is lost\n  Esc  go back to it"), id="quit-what")

    def action_choose(self, quit_anyway: bool) -> None:
        self.dismiss(quit_anyway)
