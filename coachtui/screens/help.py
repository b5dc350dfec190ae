"""F1: help for the current screen: its HELP text, its own keys (with the
screen's meaning where it takes over an app key, as the join does F5-F8) and
the places, laid out for the help's width so each entry reads whole."""

from __future__ import annotations

import re
import textwrap

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

KEY_NAMES = {"escape": "Esc", "enter": "Enter", "space": "Space", "slash": "/", "delete": "Delete", "tab": "Tab",
             "backspace": "Backspace", "left_square_bracket": "[", "right_square_bracket": "]", "question_mark": "?",
             "plus": "+", "minus": "-", "up": "Up", "down": "Down", "left": "Left", "right": "Right",
             "pageup": "PgUp", "pagedown": "PgDn", "home": "Home", "end": "End", "ctrl": "Ctrl", "shift": "Shift"}


def key_name(key: str) -> str:
    """"ctrl+z" -> "Ctrl+Z", "f5" -> "F5", "left_square_bracket" -> "["; a letter stays as typed."""
    parts = key.split("+")
    out = []
    for part in parts:
        if part in KEY_NAMES:
            out.append(KEY_NAMES[part])
        elif re.fullmatch(r"f\d+", part):
            out.append(part.upper())
        elif len(part) == 1:
            out.append(part.upper() if len(parts) > 1 else part)
        else:
            out.append(part.replace("_", " ").capitalize())
    return "+".join(out)


def _own_bindings(screen: Screen) -> list[Binding]:
    """The screen's own keys: bindings declared by coachtui's classes (the
    screen and its bases), plus the shown keys of coachtui widgets on it. Not
    Textual's generic keys (text editing, focus moves)."""
    found: list[Binding] = []
    for cls in reversed(type(screen).__mro__):
        if cls.__module__.startswith("coachtui") and "BINDINGS" in vars(cls):
            found += [b for b in vars(cls)["BINDINGS"] if isinstance(b, Binding)]
    seen_classes = set()
    for widget in screen.query("*"):
        cls = type(widget)
        if cls in seen_classes or not cls.__module__.startswith("coachtui"):
            continue
        seen_classes.add(cls)
        found += [b for c in reversed(cls.__mro__) if c.__module__.startswith("coachtui")
                  for b in vars(c).get("BINDINGS", []) if isinstance(b, Binding) and b.show]
    return [b for b in found if b.description]


def _keys_of(b: Binding) -> list[str]:
    return [k.strip() for k in b.key.split(",") if k.strip()]


def screen_keys(screen: Screen) -> list[tuple[str, str]]:
    """(keys, what) for the screen's own keys, one entry per action; numbered
    runs ("Tally 1" ... "Tally 9" on 1-9) as one entry."""
    entries: list[tuple[str, str]] = []
    seen: set[str] = set()
    run: list[tuple[str, str]] = []  # (digit, description) of a numbered run

    def end_run() -> None:
        if run:
            what = re.sub(r"\s*\d+$", "", run[0][1]) or run[0][1]
            keys = run[0][0] if len(run) == 1 else f"{run[0][0]}-{run[-1][0]}"
            entries.append((keys, what))
            run.clear()

    for b in _own_bindings(screen):
        if b.action in seen:
            continue
        seen.add(b.action)
        keys = _keys_of(b)
        numbered = re.fullmatch(r".*\s(\d)", b.description)
        if len(keys) == 1 and keys[0].isdigit() and numbered and numbered.group(1) == keys[0]:
            run.append((keys[0], b.description))
            continue
        end_run()
        entries.append((" / ".join(key_name(k) for k in keys), b.description))
    end_run()
    return entries


def everywhere_keys(screen: Screen) -> list[tuple[str, str]]:
    """The app's keys, less those the screen takes over (listed with its keys)."""
    from coachtui.screens.places import PLACES

    taken = {k for b in _own_bindings(screen) for k in _keys_of(b)}
    entries = [("f1", "help for this screen")]
    entries += [(key, title) for _, key, title, _ in PLACES]
    entries += [("f9", "settings"), ("ctrl+p", "commands (every action, by name)"),
                ("ctrl+z", "undo the last change"), ("ctrl+r", "redo what was undone"),
                ("ctrl+t", "light / dark theme"), ("ctrl+q", "quit")]
    return [(key_name(k), what) for k, what in entries if k not in taken]


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


# In a key table line, where a second entry starts: two or more spaces, a
# short key, one to three spaces, its text ("...person       a   add ...").
_SECOND_ENTRY = re.compile(r"\s{2,}(?=\S{1,5} {1,3}\S)")
_ENTRY = re.compile(r"^(\s+)(\S.*?)(\s{2,})(\S.*)$")


def _entry_lines(indent: int, key: str, what: str, width: int, key_width: int) -> list[str]:
    """One entry, its text wrapped under itself (a hanging indent)."""
    head = " " * indent + key.ljust(key_width) + "  "
    if len(head) > width // 2:  # a long key: its text on the lines below
        return [" " * indent + key] + textwrap.wrap(what, width, initial_indent=" " * (indent + 4),
                                                    subsequent_indent=" " * (indent + 4))
    return textwrap.wrap(what, width, initial_indent=head, subsequent_indent=" " * len(head)) or [head.rstrip()]


def layout(text: str, width: int) -> list[str]:
    """The help's text as lines of at most `width` cells, words never cut:
    prose wrapped; a key table line that does not fit split into one entry
    per line, each wrapped under its own text; a line that continues the
    entry above (indented to its text) joined to it first."""
    width = max(20, width)
    out: list[str] = []
    lines = reflow(text).splitlines()
    n = 0
    while n < len(lines):
        line = lines[n].rstrip()
        n += 1
        if not line or not line[0].isspace():
            out += textwrap.wrap(line, width) or [""]
            continue
        if len(line) <= width:
            out.append(line)
            continue
        m = _ENTRY.match(line)
        if m is None:
            indent = len(line) - len(line.lstrip())
            out += textwrap.wrap(line.strip(), width, initial_indent=" " * indent,
                                 subsequent_indent=" " * (indent + 2))
            continue
        indent, key = len(m.group(1)), m.group(2)
        column = len(line) - len(m.group(4))
        what = m.group(4)
        # The lines after it indented to its text continue it.
        while n < len(lines) and lines[n].startswith(" " * column) and lines[n][column:column + 1].strip():
            what += " " + lines[n].strip()
            n += 1
        parts = _SECOND_ENTRY.split(what, maxsplit=1)
        first, rest = parts[0], parts[1:]
        out += _entry_lines(indent, key, first, width, column - indent - 2)
        for extra in rest:
            k, _, w = extra.partition(" ")
            out += _entry_lines(indent, k, w.strip(), width, column - indent - 2)
    return out


def table(entries: list[tuple[str, str]], width: int) -> list[str]:
    key_width = min(12, max((len(k) for k, _ in entries), default=0))
    return [line for k, what in entries for line in _entry_lines(2, k, what, width, key_width)]


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.for_screen = screen
        self.text = getattr(screen, "HELP", None) or (screen.__doc__ or "").strip()
        self.keys = screen_keys(screen)
        self.everywhere = everywhere_keys(screen)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text(""), id="help-text")

    def on_mount(self) -> None:
        self._lay_out()

    def on_resize(self, event: events.Resize) -> None:
        self._lay_out()

    def _lay_out(self) -> None:
        # The width inside the box (80 wide at most: border, padding) less a
        # scrollbar: known from the screen's size before the first layout.
        width = min(80, self.app.size.width) - 2 - 2 - 2
        lines = layout(self.text.rstrip(), width)
        if self.keys:
            lines += ["", "Keys here:"] + table(self.keys, width)
        lines += ["", "Everywhere:"] + table(self.everywhere, width)
        lines += ["", "Esc closes this help; Up/Down/PgUp/PgDn scroll it."]
        self.query_one("#help-text", Static).update(Text("\n".join(lines), no_wrap=True, overflow="crop"))

    def action_close(self) -> None:
        closed = getattr(self.for_screen, "help_closed", None)
        if closed is not None:
            closed()  # the screen puts the keys back where they were (the roster: its list)
        self.dismiss(None)
