"""One teacher's coaching history: joins, notes, action steps and targets."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from coachtui.lessons import feedback, history, joins
from coachtui.roster import staff
from coachtui.screens.common import ReloadOnResume, guarded
from coachtui.widgets.table import Column, RowTable

COLUMNS = [Column("date", "Date", 10), Column("what", "What", 11), Column("detail", "Detail", 30, weight=1)]


def open_join(screen: Screen, join_id: str) -> None:
    """A join's own page; the join running on this laptop is gone back into instead."""
    from coachtui.screens.join_page import JoinPage

    running = joins.running_join()
    if running is not None and running.id == join_id:
        screen.app.show_join(join_id)  # back into it
        return
    screen.app.push_screen(JoinPage(join_id))


class HistoryScreen(ReloadOnResume, Screen):
    DEFAULT_CSS = """
    HistoryScreen #history-detail { height: auto; max-height: 4; padding: 0 1; background: $panel; }
    """

    HELP = """\
History

Everything coached with this teacher, newest first: lesson joins (with the
focus, length and number of notes), action steps (in progress or mastered)
and SMART targets.
  Enter   open the selected join's page: its notes, tallies and feedback
  m       mark the selected action step mastered (again: back in progress)
  Esc     back
"""
    BINDINGS = [
        Binding("m", "mastered", "Mastered"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(self, staff_id: str) -> None:
        super().__init__()
        self.staff_id = staff_id
        self.table = RowTable(COLUMNS, lambda e: [e.date, e.what, e.detail], dim=lambda e: e.mastered,
                              empty_text="Nothing yet: press Esc, then j on the roster to join a lesson.",
                              id="history-table")

    def compose(self) -> ComposeResult:
        person = staff.record(self.staff_id)
        yield Header()
        yield Static(Text(f"History: {person.name}"), id="page-title")
        yield self.table
        yield Static("", id="history-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "History"
        self.refresh_data()
        self.table.focus()

    def refresh_data(self) -> None:
        self.mark_loaded()
        self.table.set_rows(history.entries(self.staff_id), keep=lambda e: (e.join_id, e.step_id, e.what))
        self._show_detail(self.table.current_row)

    def _show_detail(self, entry: history.Entry | None) -> None:
        """The selected line whole, wrapped: a narrow terminal cuts the Detail column short."""
        self.query_one("#history-detail", Static).update(Text(entry.detail) if entry else "")

    def on_row_table_highlighted(self, event: RowTable.Highlighted) -> None:
        self._show_detail(event.row)

    def on_row_table_selected(self, event: RowTable.Selected) -> None:
        if event.row.join_id:
            open_join(self, event.row.join_id)

    @guarded
    def action_mastered(self) -> None:
        e = self.table.current_row
        if e is None or not e.step_id:
            self.notify("Select an action step first.", severity="warning")
            return
        feedback.set_mastered(e.step_id, not e.mastered)
        self.refresh_data()

    def action_close(self) -> None:
        self.dismiss()
