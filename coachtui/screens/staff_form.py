"""Add or edit one member of staff. Validates through the staff service."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Select

from coachtui.roster import staff
from coachtui.roster.staff import ROLES, SUPPORT_LABELS, SUPPORT_LEVELS
from coachtui.widgets.form import FormScreen
from coachtui.widgets.inputs import Tick


class StaffForm(FormScreen):
    """Dismisses with the saved staff id, or None when cancelled."""

    HELP = """\
Add or edit a member of staff

Tab / Shift+Tab move between fields. Ctrl+S saves, Esc cancels (asking
first when something was changed).
Name is required. Email may be empty, but must look like an email.
Site: type a site's name; a new name creates the site.
Coach: only staff with the coach role can be chosen.
"""

    def __init__(self, staff_id: str | None) -> None:
        super().__init__()
        self.staff_id = staff_id
        self.person = staff.get(staff_id) if staff_id else None

    def form_title(self) -> str:
        return "Edit " + self.person.name if self.person else "Add a member of staff"

    def compose_fields(self) -> ComposeResult:
        p = self.person
        site_names = [s.name for s in staff.sites()]
        site_name = ""
        if p and p.site_id:
            site_name = next((s.name for s in staff.sites() if s.id == p.site_id), "")
        elif not p:
            site_name = self.app.config.home_site if hasattr(self.app, "config") else ""
        teams = sorted({r.team for r in staff.roster_rows() if r.team})
        coach_opts = [(Text(c.name), c.id) for c in staff.coaches() if c.id != self.staff_id]
        coach_value = p.coach_id if p and p.coach_id in {v for _, v in coach_opts} else Select.NULL
        with Grid(classes="form-grid"):
            yield Label("Name")
            yield Input(p.name if p else "", id="name", compact=True, max_length=staff.MAX_NAME)
            yield Label("Email")
            yield Input(p.email if p else "", id="email", compact=True, max_length=staff.MAX_FIELD)
            yield Label("Roles")
            with Horizontal(id="roles"):
                chosen = p.role_list if p else ["teacher"]
                for role in ROLES:
                    yield Tick(role, role in chosen, id=f"role-{role}", compact=True)
            yield Label("Site")
            yield Input(site_name, id="site", compact=True, suggester=SuggestFromList(site_names, case_sensitive=False))
            yield Label("Team")
            yield Input(p.team if p else "", id="team", compact=True, suggester=SuggestFromList(teams, case_sensitive=False))
            yield Label("Support")
            yield Select(
                [(SUPPORT_LABELS[s], s) for s in SUPPORT_LEVELS],
                value=p.support if p else "none",
                allow_blank=False,
                id="support",
                compact=True,
            )
            yield Label("Why")
            yield Input("", id="support-why", compact=True, max_length=staff.MAX_NAME,
                        placeholder="why the support level changes (only then)")
            yield Label("Coach")
            yield Select(coach_opts, value=coach_value, prompt="No coach", id="coach", compact=True)

    def submit(self) -> str:
        roles = [r for r in ROLES if self.query_one(f"#role-{r}", Tick).value]
        coach = self.query_one("#coach", Select).value
        site_text = self.query_one("#site", Input).value.strip()
        site_id = staff.site_named(site_text) if site_text else None
        return staff.save(
            self.staff_id,
            name=self.query_one("#name", Input).value,
            email=self.query_one("#email", Input).value,
            roles=roles or ["teacher"],
            site_id=site_id,
            team=self.query_one("#team", Input).value,
            support=self.query_one("#support", Select).value,
            coach_id=None if coach is Select.NULL else coach,
            support_reason=self.query_one("#support-why", Input).value,
            changed_by=getattr(getattr(self.app, "config", None), "device_name", ""),
        )
