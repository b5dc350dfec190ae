"""F1: help for the current screen, from its HELP text and its key bindings."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def keys_text(screen: Screen) -> str:
    lines = []
    seen = set()
    for key, active in screen.active_bindings.items():
        b = active.binding
        if not b.description or b.action in seen:
            continue
        seen.add(b.action)
        lines.append(f"  {active.binding.key_display or screen.app.get_key_display(b):<12} {b.description}")
    return "\n".join(lines)


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.for_screen = screen

    def compose(self) -> ComposeResult:
        text = getattr(self.for_screen, "HELP", None) or (self.for_screen.__doc__ or "").strip()
        keys = keys_text(self.for_screen)
        body = f"{text.rstrip()}\n\nKeys here:\n{keys}\n\nEverywhere: F1 help · F2 roster · F5 sync · F7 framework · F9 settings · Ctrl+P commands · Ctrl+Z undo · Ctrl+T light/dark · Ctrl+Q quit\n\nEsc closes this help."
        with VerticalScroll(id="help"):
            yield Static(Text(body), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
