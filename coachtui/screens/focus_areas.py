"""Strengths and development areas for one person, from the teaching framework."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from coachtui.base.fuzzy import fuzzy_score, split_query
from coachtui.base.text import fold
from coachtui.roster import focus_areas
from coachtui.screens.common import guarded
from coachtui.teaching import framework

MARK = {"strength": "S", "development": "D", None: " "}
CYCLE = {None: "development", "development": "strength", "strength": None}


class FocusAreas(ModalScreen[bool]):
    HELP = """\
Strengths and development areas

The common-language teaching framework, domain by domain. On an action step:
  d      mark it a development area (D)
  s      mark it a strength (S)
  x      clear it
  Enter  cycle: development, strength, neither
Type in the box at the top to find a step; Down moves into the list.
Ctrl+Z undoes the last change. Esc closes.
"""
    BINDINGS = [
        Binding("d", "mark('development')", "Development"),
        Binding("s", "mark('strength')", "Strength"),
        Binding("x", "mark('')", "Clear"),
        Binding("escape", "close", "Close"),
        Binding("slash", "find", "Find", show=False),
    ]

    def __init__(self, staff_id: str, name: str) -> None:
        super().__init__()
        self.staff_id = staff_id
        self.person = name
        # What can be chosen, plus any retired item this person still carries
        # (so it can be seen and cleared).
        keep = {i.id for i in framework.offered()}
        everything = framework.tree()
        parent = {i.id: i.parent_id for i, _ in everything}
        for item_id in focus_areas.focus_of(staff_id):
            while item_id is not None and item_id not in keep:
                keep.add(item_id)
                item_id = parent.get(item_id)
        self.items = [i for i, _ in everything if i.id in keep]
        self.by_id = {i.id: i for i in self.items}
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(Text(f"Strengths (S) and development areas (D): {self.person}"), classes="form-title")
            yield Input(placeholder="find a step…", id="focus-filter", compact=True)
            yield OptionList(id="focus-list")
            yield Static("d development · s strength · x clear · Esc close", classes="hint")

    def on_mount(self) -> None:
        self._fill()
        self.query_one("#focus-list", OptionList).focus()

    def _fill(self, keep: str | None = None) -> None:
        words = split_query(self.query_one("#focus-filter", Input).value)
        current = focus_areas.focus_of(self.staff_id)
        options: list[Option] = []
        scored = []
        for n, item in enumerate(self.items):
            if item.kind == "step":
                score = fuzzy_score(words, fold(f"{item.code} {item.title}")) if words else 0
                if score is None:
                    continue
                mark = MARK[current.get(item.id)]
                retired = " (retired)" if item.retired else ""
                scored.append((score, n, Option(Text(f" [{mark}] {item.code} {item.title}{retired}"), id=item.id)))
            elif not words:
                indent = "" if item.kind == "domain" else "  "
                scored.append((0, n, Option(Text(f"{indent}{item.title}", style="bold"), id=item.id, disabled=True)))
        # Unfiltered: framework order under its headings. Filtered: best match first.
        options = [o for _, _, o in sorted(scored, key=lambda x: (x[0], x[1]))]
        ol = self.query_one("#focus-list", OptionList)
        old = keep or (ol.get_option_at_index(ol.highlighted).id if ol.highlighted is not None else None)
        ol.clear_options()
        ol.add_options(options)
        ids = [o.id for o in options]
        if old in ids:
            ol.highlighted = ids.index(old)
        else:
            ol.highlighted = next((i for i, o in enumerate(options) if not o.disabled), None)

    def on_input_changed(self) -> None:
        self._fill()

    def on_input_submitted(self) -> None:
        self.query_one("#focus-list", OptionList).focus()

    def _highlighted(self) -> str | None:
        ol = self.query_one("#focus-list", OptionList)
        if ol.highlighted is None:
            return None
        opt = ol.get_option_at_index(ol.highlighted)
        return None if opt.disabled else opt.id

    @guarded
    def action_mark(self, kind: str) -> None:
        item_id = self._highlighted()
        if item_id is None:
            return
        focus_areas.set_focus(self.staff_id, item_id, kind or None)
        self.changed = True
        self._fill(keep=item_id)

    @guarded
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        current = focus_areas.focus_of(self.staff_id).get(event.option.id)
        focus_areas.set_focus(self.staff_id, event.option.id, CYCLE[current])
        self.changed = True
        self._fill(keep=event.option.id)

    def refresh_data(self) -> None:
        self._fill()

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return False

    def action_find(self) -> None:
        self.query_one("#focus-filter", Input).focus()

    def action_close(self) -> None:
        self.dismiss(self.changed)
