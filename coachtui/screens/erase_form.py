"""Erase a leaver for good: what goes, and their name typed to confirm."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Label, Static

from coachtui.base.errors import UserError
from coachtui.roster import erase
from coachtui.widgets.form import FormScreen


class EraseForm(FormScreen):
    """Dismisses with what was erased (an erase.Erasure), or None when cancelled."""

    HELP = """\
Erase a leaver (GDPR)

Erasing removes the person and every record about them for good: joins,
notes, feedback, action steps, cycles, PLC memberships and the rest, on this
laptop and, at the next sync, on every laptop of the trust. Where they were
someone else's coach or a PLC's leader, that record stays and shows
"(erased)". Their name is wiped from other texts, and the backups in the data
folder are replaced by one without them. There is no undo.

To archive someone instead (hidden, kept), press Esc, then x.
Type their name exactly and press Enter (or Ctrl+S) to erase. Esc cancels.
"""
    ASK_BEFORE_LEAVING = False  # a typed confirmation is no one's work
    BUTTONS = (("save", "Erase for good (Ctrl+S)", "error"), ("cancel", "Cancel (Esc)", "default"))
    FIRST_FIELD = "#erase-name"

    def __init__(self, staff_id: str, name: str, data_dir: Path) -> None:
        super().__init__()
        self.staff_id = staff_id
        self.person_name = name
        self.data_dir = data_dir
        self.what = erase.plan(staff_id)

    def form_title(self) -> str:
        return f"Erase {self.person_name} for good"

    def compose_fields(self) -> ComposeResult:
        lines = self.what.lines() + ["every backup in the data folder (replaced by one without them)"]
        yield Static(Text("This removes, on every laptop that syncs:\n" + "\n".join(f"  {x}" for x in lines)),
                     id="erase-what")
        yield Label("Type their name to erase them (there is no undo)")
        yield Input("", id="erase-name", compact=True, placeholder=self.person_name, max_length=300)

    def submit(self) -> erase.Erasure:
        if self.query_one("#erase-name", Input).value.strip() != self.person_name.strip():
            raise UserError("the name typed does not match: nothing was erased")
        return erase.erase(self.staff_id, data_dir=self.data_dir)
