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
    for active in screen.active_bindings.values():
        b = active.binding
        if not b.description or b.action in seen:
            continue
        seen.add(b.action)
        lines.append(f"  {active.binding.key_display or screen.app.get_key_display(b):<12} {b.description}")
    return "\n".join(lines)


def reflow(text: str) -> str:
    """Join the lines of each prose paragraph so the help wraps to the screen's
    width; indented lines (key tables) keep their line breaks."""
    out: list[str] = []
    for line in text.splitlines():
        prose = line and not line[0].isspace()
        if prose and out and out[-1] and not out[-1][0].isspace() and not out[-1].endswith(":"):
            out[-1] += " " + line
        else:
            out.append(line)
    return "\n".join(out)


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.for_screen = screen

    def compose(self) -> ComposeResult:
        text = reflow(getattr(self.for_screen, "HELP", None) or (self.for_screen.__doc__ or "").strip())
        keys = keys_text(self.for_screen)
        from coachtui.screens.places import PLACES

        places = " · ".join(f"{key.upper()} {title.lower()}" for _, key, title, _ in PLACES)
        everywhere = (f"F1 help · {places} · F9 settings · Ctrl+P commands · Ctrl+Z undo · Ctrl+R redo · Ctrl+T light/dark · "
                      "Ctrl+Q quit")
        body = f"{text.rstrip()}\n\nKeys here:\n{keys}\n\nEverywhere: {everywhere}\n\nEsc closes this help."
        with VerticalScroll(id="help"):
            yield Static(Text(body), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
