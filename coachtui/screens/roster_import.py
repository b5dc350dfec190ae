"""Import staff from a CSV file: preview first (nothing changes), then apply."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from coachtui import roster_csv
from coachtui.errors import UserError


class RosterImport(ModalScreen[bool]):
    HELP = """\
Import staff from CSV

Type the path of a staff export (CSV from the MIS or a spreadsheet) and press
Enter: coachtui shows what it would do, changing nothing. Ctrl+S then imports
it all in one step (Ctrl+Z takes it back). People already on the roster are
updated, matched by staff id, then email, then name and school.

Columns are recognised by their usual names: First name / Forename,
Surname / Last name, or Name; Email; Role or Job title; School or Site;
Department, Team or Year group; Support; Coach (name or email); Staff ID.
UTF-8 or Excel (Windows) encoding; comma, semicolon or tab separated.
"""
    BINDINGS = [
        Binding("ctrl+s", "apply", "Import", priority=True),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.preview: roster_csv.Report | None = None
        self.imported = False

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static("Import staff from a CSV file", classes="form-title")
            yield Input(placeholder="path to the .csv file, then Enter", id="csv-path", compact=True)
            yield Static("", id="csv-summary", markup=False)
            with VerticalScroll(id="csv-lines"):
                yield Static("", id="csv-detail", markup=False)
            yield Static("Enter: preview · Ctrl+S: import · Esc: close", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if not path:
            return
        self.preview = None
        self._show("Reading…", "")
        self._run(str(Path(path).expanduser()), dry_run=True)

    @work(thread=True, exclusive=True, group="csv")
    def _run(self, path: str, dry_run: bool) -> None:
        try:
            report = roster_csv.import_file(path, dry_run=dry_run)
        except UserError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._done, report)

    def _failed(self, message: str) -> None:
        self._show(f"✗ {message}", "Nothing was changed.", error=True)

    def _done(self, report: roster_csv.Report) -> None:
        lines = report.lines()
        detail = "\n".join(lines) if lines else "No problems found."
        if report.applied:
            self.imported = True
            self.preview = None
            self._show(f"✓ {report.summary()}", detail + "\n\nCtrl+Z undoes the whole import.")
            self.app.refresh_screens()
        else:
            self.preview = report
            self._show(report.summary(), detail + "\n\nCtrl+S imports; Esc cancels.")

    def _show(self, summary: str, detail: str, error: bool = False) -> None:
        s = self.query_one("#csv-summary", Static)
        s.update(Text(summary))
        s.set_class(error, "error")
        self.query_one("#csv-detail", Static).update(Text(detail))

    def action_apply(self) -> None:
        if self.preview is None:
            self.notify("Preview a file first: type its path and press Enter.", severity="warning")
            return
        self._show("Importing…", "")
        self._run(self.preview.path, dry_run=False)
        self.preview = None

    def action_close(self) -> None:
        self.dismiss(self.imported)
