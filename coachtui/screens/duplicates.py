"""Possible duplicate staff (the same person made on two laptops) and merging them."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from coachtui.base.text import plural
from coachtui.roster import duplicates
from coachtui.screens.common import guarded


class DuplicatesScreen(ModalScreen[bool]):
    HELP = """\
Possible duplicates

People who look like the same person: the same email, the same MIS id, or the
same name written another way (titles, accents, word order). This happens
when two laptops add the same teacher before they sync.
  m   merge: keep the first, move everything of the second onto it
  w   swap which one is kept
Merging moves coach links, strengths and every other record, then deletes the
second. Ctrl+Z undoes a merge. Esc closes.
"""
    BINDINGS = [
        Binding("m", "merge", "Merge"),
        Binding("w", "swap", "Swap kept"),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.swapped: set[int] = set()
        self.merged = False

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static("Possible duplicates", classes="form-title")
            yield OptionList(id="dup-list")
            yield Static("m merge (keep first) · w swap · Esc close", classes="hint")

    def on_mount(self) -> None:
        self._fill()

    def _fill(self) -> None:
        self.pairs = duplicates.find_duplicates()
        ol = self.query_one("#dup-list", OptionList)
        ol.clear_options()
        if not self.pairs:
            ol.add_option(Option(Text("No likely duplicates."), disabled=True))
            return
        for i, p in enumerate(self.pairs):
            keep, other = (p.other, p.keep) if i in self.swapped else (p.keep, p.other)
            label = Text(f"keep {keep.name} ({keep.email or 'no email'})\n  ← {other.name} "
                         f"({other.email or 'no email'}) · {p.reason}")
            ol.add_option(Option(label, id=str(i)))
        ol.highlighted = 0
        ol.focus()

    def _current(self) -> int | None:
        ol = self.query_one("#dup-list", OptionList)
        if ol.highlighted is None or not self.pairs:
            return None
        return int(ol.get_option_at_index(ol.highlighted).id)

    def action_swap(self) -> None:
        i = self._current()
        if i is not None:
            self.swapped ^= {i}
            self._fill()
            self.query_one("#dup-list", OptionList).highlighted = i

    @guarded
    def action_merge(self) -> None:
        i = self._current()
        if i is None:
            return
        p = self.pairs[i]
        keep, other = (p.other, p.keep) if i in self.swapped else (p.keep, p.other)
        moved = duplicates.merge(keep.id, other.id)
        self.merged = True
        self.notify(f"Merged {other.name} into {keep.name} ({plural(moved, 'record')} moved). Ctrl+Z undoes.",
                    markup=False, timeout=4)
        self.swapped.clear()
        self._fill()

    def refresh_data(self) -> None:
        self._fill()

    def action_close(self) -> None:
        self.dismiss(self.merged)
