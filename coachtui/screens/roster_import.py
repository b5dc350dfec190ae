"""Import staff from a CSV file: preview first (nothing changes), then apply."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from coachtui.roster import csv_import
from coachtui.screens.file_import import FileImport


class RosterImport(FileImport):
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
    ID = "csv"

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static("Import staff from a CSV file", classes="form-title")
            yield Input(placeholder="path to the .csv file, then Enter", id="csv-path", compact=True)
            yield Static("", id="csv-summary", markup=False)
            with VerticalScroll(id="csv-lines"):
                yield Static("", id="csv-detail", markup=False)
            yield Static("Enter: preview · Ctrl+S: import · Esc: close", classes="hint")

    def read(self, path: str, dry_run: bool) -> csv_import.Report:
        return csv_import.import_file(path, dry_run=dry_run)
