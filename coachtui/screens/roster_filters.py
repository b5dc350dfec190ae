"""The roster's filters: site, role, support level, coach, archived."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.widgets import Label, Select

from coachtui.roster import staff
from coachtui.roster.staff import LISTED_LEVELS, ROLES, SUPPORT_LABELS
from coachtui.widgets.form import FormScreen
from coachtui.widgets.inputs import Tick


class FilterForm(FormScreen):
    """Dismisses with the chosen staff.Filters, or None when cancelled."""

    HELP = """\
Roster filters

Choose a site, role, support level or coach to narrow the roster. "Teachers
with no coach" answers the coverage question. Tick "archived" to see
leavers (select one and press x to restore). Ctrl+S applies, Esc cancels,
Ctrl+L clears every filter. Formal support is never a filter: in lists it
counts as structured support, and shows only on the teacher's own pages.
"""
    ASK_BEFORE_LEAVING = False  # choices, not anyone's text
    BINDINGS = [
        Binding("ctrl+s", "save", "Apply", priority=True),
        Binding("ctrl+l", "clear", "Clear all"),
        Binding("escape", "cancel", "Cancel"),
    ]
    BUTTONS = (("save", "Apply (Ctrl+S)", "primary"), ("clear", "Clear (Ctrl+L)", "default"))

    def __init__(self, current) -> None:
        super().__init__()
        self.current = current

    def form_title(self) -> str:
        return "Filter the roster"

    def compose_fields(self) -> ComposeResult:
        c = self.current
        with Grid(classes="form-grid"):
            yield Label("Site")
            yield Select([(Text(s.name), s.id) for s in staff.sites()], value=c.site_id or Select.NULL,
                         prompt="Any site", id="f-site", compact=True)
            yield Label("Role")
            yield Select([(r, r) for r in ROLES], value=c.role or Select.NULL, prompt="Any role", id="f-role",
                         compact=True)
            yield Label("Support")
            yield Select([(SUPPORT_LABELS[s], s) for s in LISTED_LEVELS], value=c.support or Select.NULL,
                         prompt="Any support level", id="f-support", compact=True)
            yield Label("Coach")
            opts = [("Teachers with no coach", "none")] + [(Text(x.name), x.id) for x in staff.coaches()]
            value = c.coach_id if c.coach_id in {v for _, v in opts} else Select.NULL
            yield Select(opts, value=value, prompt="Any coach", id="f-coach", compact=True)
            yield Label("Archived")
            yield Tick("show archived staff instead", c.archived, id="f-archived", compact=True)

    def _value(self, wid: str):
        v = self.query_one(wid, Select).value
        return None if v is Select.NULL else v

    def _label(self, wid: str) -> str:
        sel = self.query_one(wid, Select)
        if sel.value is Select.NULL:
            return ""
        for prompt, value in sel._options:
            if value == sel.value:
                return str(prompt.plain if hasattr(prompt, "plain") else prompt)
        return ""

    def submit(self) -> staff.Filters:
        f = staff.Filters(
            site_id=self._value("#f-site"),
            role=self._value("#f-role"),
            support=self._value("#f-support"),
            coach_id=self._value("#f-coach"),
            archived=self.query_one("#f-archived", Tick).value,
        )
        f.labels = {"site": self._label("#f-site"), "role": self._label("#f-role"),
                    "support": self._label("#f-support"), "coach": self._label("#f-coach")}
        return f

    def action_clear(self) -> None:
        self.dismiss(staff.Filters())
