"""Choose a coach in two keystrokes: `c`, then a digit (or type to narrow, Enter)."""

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
from coachtui.roster import staff

NO_COACH = "__none__"


class CoachPicker(ModalScreen[tuple[str, str | None] | None]):
    """Dismisses with (staff id, coach id or None) or None when cancelled."""

    HELP = """\
Choose a coach

Coaches at the same site come first, then by lightest load. Press 1-9 to
pick a numbered coach at once, 0 for no coach, or type to narrow the list
and press Enter. Esc cancels.
"""
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, row: staff.RosterRow) -> None:
        super().__init__()
        self.row = row
        rows = staff.roster_rows()
        loads = {cid: n for cid, _, n in staff.coverage(rows, 10).loads}
        coaches = [c for c in staff.coaches() if c.id != row.id]
        coaches.sort(key=lambda c: (c.site_id != row.site_id, loads.get(c.id, 0), c.name.casefold()))
        self.coaches = coaches
        self.loads = loads
        self.site_names = {s.id: s.name for s in staff.sites()}

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(Text(f"Coach for {self.row.name}"), classes="form-title")
            yield Input(placeholder="Type to narrow, or press 1-9 / 0 for none", id="picker-filter", compact=True)
            yield OptionList(id="picker-list")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#picker-filter", Input).focus()

    def _fill(self, query: str) -> None:
        words = split_query(query)
        options = [Option(Text("0  No coach"), id=NO_COACH)]
        shown = 0
        for c in self.coaches:
            site = self.site_names.get(c.site_id, "")
            hay = fold(f"{c.name} {site}")
            if words and fuzzy_score(words, hay) is None:
                continue
            shown += 1
            key = f"{shown}  " if shown <= 9 else "   "
            # One line each, what matters first: the mark for the current coach
            # beside the name, the site last (cut with … when the line is short).
            current = " ← current" if c.id == self.row.coach_id else ""
            label = Text(f"{key}{c.name}{current} · coaching {self.loads.get(c.id, 0)} · {site or 'no site'}",
                         no_wrap=True, overflow="ellipsis")
            options.append(Option(label, id=c.id))
        ol = self.query_one("#picker-list", OptionList)
        ol.clear_options()
        ol.add_options(options)
        ol.highlighted = 1 if len(options) > 1 else 0
        self._numbered = [o.id for o in options[1:10]]

    def on_input_changed(self, event: Input.Changed) -> None:
        value = event.value
        if value.isdigit() and len(value) == 1:
            self._pick_number(int(value))
            return
        self._fill(value)

    def _pick_number(self, n: int) -> None:
        if n == 0:
            self.dismiss((self.row.id, None))
        elif n <= len(self._numbered):
            self.dismiss((self.row.id, self._numbered[n - 1]))
        else:
            self.query_one("#picker-filter", Input).value = ""
            self.notify(f"There is no coach {n}.", severity="warning", markup=False)

    def on_input_submitted(self) -> None:
        ol = self.query_one("#picker-list", OptionList)
        if ol.highlighted is not None:
            self._choose(ol.get_option_at_index(ol.highlighted).id)

    def on_key(self, event) -> None:
        if event.key in ("down", "up"):
            ol = self.query_one("#picker-list", OptionList)
            ol.action_cursor_down() if event.key == "down" else ol.action_cursor_up()
            event.stop()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        self.dismiss((self.row.id, None if option_id == NO_COACH else option_id))

    def action_cancel(self) -> None:
        self.dismiss(None)
