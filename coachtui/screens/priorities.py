"""F4: priority plans. A team or one teacher picks a top priority, answers the
four questions, keeps a roadmap of actions, logs evidence, and coaches peers
on it two or three times a year. Due and overdue items show in red and amber."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from coachtui.base.dates import today
from coachtui.base.errors import UserError
from coachtui.plcs import plans
from coachtui.plcs.plans import ACTION_STATUSES, EVIDENCE_KINDS
from coachtui.roster import staff
from coachtui.screens.common import ReloadOnResume, guarded
from coachtui.widgets.form import Field, FormModal, FormSpec
from coachtui.widgets.table import Column, RowTable

PLAN_COLUMNS = [
    Column("title", "Priority", 18, weight=3),
    Column("owner", "Team / teacher", 12, weight=1),
    Column("roadmap", "Done", 5),
    Column("overdue", "Late", 4),
    Column("peer", "Next peer", 15, priority=1),
]


def _plan_cells(r: plans.PlanRow) -> list[str]:
    peer = r.next_peer + (" LATE" if r.peer_overdue else "") if r.next_peer else "—"
    title = r.plan.title + (" (closed)" if r.plan.status == "closed" else "")
    return [title, r.owner, f"{r.done}/{r.total}", str(r.overdue or ""), peer]


def plan_form(p=None) -> FormSpec:
    teams = sorted({r.team for r in staff.roster_rows() if r.team})
    site = ""
    if p and p.site_id:
        site = next((s.name for s in staff.sites() if s.id == p.site_id), "")
    teacher = ""
    if p and p.staff_id:
        person = staff.record(p.staff_id)
        teacher = person.name if person else ""
    values = {"title": p.title if p else "", "team": p.team if p else "", "teacher": teacher, "site": site}
    fields = [Field("title", "The top priority, in a line", max_length=staff.MAX_NAME),
              Field("team", "Team (department or year group)…", suggestions=teams),
              Field("teacher", "…or one teacher (their name)", suggestions=staff.active_names()),
              Field("site", "Site", suggestions=[s.name for s in staff.sites()])]
    for key, question in plans.QUESTIONS:
        fields.append(Field(key, question, "area", height=3))
        values[key] = getattr(p, key) if p else ""
    return FormSpec("Edit the priority plan" if p else "New priority plan", fields, values)


def save_plan(plan_id: str | None, v: dict) -> str:
    site = v.pop("site").strip()
    teacher = staff.id_named(v.pop("teacher"), "teacher")
    p = plans.get(plan_id) if plan_id else None
    return plans.save(plan_id, staff_id=teacher, site_id=staff.site_named(site) if site else None,
                      status=p.status if p else "active", **v)


class PrioritiesScreen(ReloadOnResume, Screen):
    HELP = """\
Priority plans: teachers coaching teachers on a top priority

Each team (or one teacher) works a top priority through four questions:
what is the problem, what evidence shows it, what will we try, how will we
know. Then a roadmap of actions with owners and deadlines, an evidence log,
and two or three peer coaching sessions a year.

  n        start a new plan
  Enter    open a plan
  c        close the chosen plan (or reopen it)
  C        show closed plans too
"Late" counts roadmap actions past their deadline; "Next peer" is the next
peer coaching session not yet held (LATE when its date has passed).
"""
    BINDINGS = [
        Binding("n", "new", "New plan"),
        Binding("enter", "open", "Open", show=False),
        Binding("c", "close", "Close/reopen"),
        Binding("C", "show_closed", "Show closed", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_closed = False
        self.table = RowTable(PLAN_COLUMNS, _plan_cells, dim=lambda r: r.plan.status == "closed", id="plans",
                              empty_text="No priority plans yet: press n to start one.")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="plans-summary", markup=False)
        yield self.table
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Priority plans"
        self.refresh_data()
        self.table.focus()

    def refresh_data(self) -> None:
        self.mark_loaded()
        rows = plans.plan_rows(self.show_closed)
        self.table.set_rows(rows, keep=lambda r: r.id)
        late = sum(r.overdue for r in rows)
        peer_late = sum(r.peer_overdue for r in rows)
        self.query_one("#plans-summary", Static).update(
            f"{len(rows)} plan{'s' if len(rows) != 1 else ''} · {late} overdue action{'s' if late != 1 else ''}"
            f" · {peer_late} overdue peer session{'s' if peer_late != 1 else ''}")

    def action_new(self) -> None:
        self.app.push_screen(FormModal(plan_form(), lambda v: save_plan(None, v)),
                             lambda pid: pid and self.app.push_screen(PlanScreen(pid)))

    def action_open(self) -> None:
        r = self.table.current_row
        if r is not None:
            self.app.push_screen(PlanScreen(r.id))

    def on_row_table_selected(self, event: RowTable.Selected) -> None:
        self.app.push_screen(PlanScreen(event.row.id))

    @guarded
    def action_close(self) -> None:
        r = self.table.current_row
        if r is not None:
            closing = r.plan.status == "active"
            plans.set_status(r.id, "closed" if closing else "active")
            self.notify(f"{'Closed' if closing else 'Reopened'} {r.plan.title}. Ctrl+Z takes it back.", markup=False)
            self.refresh_data()

    def action_show_closed(self) -> None:
        self.show_closed = not self.show_closed
        self.refresh_data()


ACTION_COLUMNS = [
    Column("status", "Status", 7),
    Column("due", "Due", 15),
    Column("text", "Action", 16, weight=3),
    Column("owner", "Owner", 10, weight=1, priority=1),
]
EVIDENCE_COLUMNS = [Column("on", "Date", 10), Column("kind", "Kind", 11, priority=1), Column("text", "Evidence", 20, weight=1)]
PEER_COLUMNS = [
    Column("due", "Planned", 15),
    Column("held", "Held", 10),
    Column("with", "With", 12, weight=1),
    Column("shared", "Shared / feedback", 16, weight=2, priority=1),
]
TABS = ("plan", "roadmap", "evidence", "peers")


class PlanScreen(Screen):
    HELP = """\
One priority plan. 1-4 switch between its parts:
  1 the plan (the four questions)   2 the roadmap of actions
  3 the evidence log                4 peer coaching sessions

  e        edit the plan's priority, owner and answers
  a        add an action, evidence or a peer session (on that part)
  Enter    edit the chosen row
  Space    step an action on: planned, doing, done
  Delete   delete the chosen row (Ctrl+Z brings it back)
  Esc      back to the list
"""
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("e", "edit_plan", "Edit plan"),
        Binding("a", "add", "Add"),
        Binding("space", "step", "Step on", show=False),
        Binding("delete,d", "delete", "Delete", show=False),
    ] + [Binding(str(i + 1), f"tab('{t}')", t.title(), show=False) for i, t in enumerate(TABS)]

    def __init__(self, plan_id: str) -> None:
        super().__init__()
        self.plan_id = plan_id
        self.names: dict[str, str] = {}
        self.actions = RowTable(ACTION_COLUMNS, self._action_cells, dim=lambda a: a.status in ("done", "dropped"),
                                id="plan-actions", empty_text="No actions yet: press a to add the first.")
        self.evidence = RowTable(EVIDENCE_COLUMNS, lambda e: [e.on, e.kind, e.text], id="plan-evidence",
                                 empty_text="No evidence yet: press a to log some (described in words).")
        self.peers = RowTable(PEER_COLUMNS, self._peer_cells, id="plan-peers",
                              empty_text="No peer coaching planned: press a (two or three a year).")

    def _action_cells(self, a) -> list[str]:
        state = plans.due_state(a.due, a.status in ("done", "dropped"))
        due = a.due + (" LATE" if state == "overdue" else "") if a.due else "—"
        return [a.status, due, a.text, self.names.get(a.owner_id, "")]

    def _peer_cells(self, s) -> list[str]:
        who = self.names.get(s.partner_id, "?") if s.mode == "pair" else f"team {s.partner_team}"
        late = plans.due_state(s.due_on, bool(s.held_on)) == "overdue"
        text = " / ".join(x for x in (s.shared, s.feedback) if x)
        return [s.due_on + (" LATE" if late else ""), s.held_on or "not yet", who, text]

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="plan-tabs"):
            with TabPane("1 Plan", id="plan"):
                with VerticalScroll():
                    yield Static("", id="plan-body", markup=False)
            with TabPane("2 Roadmap", id="roadmap"):
                yield self.actions
            with TabPane("3 Evidence", id="evidence"):
                yield self.evidence
            with TabPane("4 Peer coaching", id="peers"):
                yield self.peers
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        p = plans.get(self.plan_id)
        if p is None:
            if self.is_current:  # deleted on another laptop: leave
                self.app.pop_screen()
            return
        self.names = staff.names()
        self.sub_title = p.title
        lines = [p.title + (" (closed)" if p.status == "closed" else ""),
                 f"{plans.owner_label(p, self.names)} · started {p.started_on or '?'}", ""]
        for key, question in plans.QUESTIONS:
            lines += [question, "  " + (getattr(p, key) or "(not answered yet: e)").replace("\n", "\n  "), ""]
        self.query_one("#plan-body", Static).update(Text("\n".join(lines)))
        self.actions.set_rows(plans.actions(self.plan_id), keep=lambda a: a.id)
        self.evidence.set_rows(plans.evidence(self.plan_id), keep=lambda e: e.id)
        self.peers.set_rows(plans.peer_sessions(self.plan_id), keep=lambda s: s.id)

    @property
    def tab(self) -> str:
        return self.query_one(TabbedContent).active

    def action_tab(self, name: str) -> None:
        self.query_one(TabbedContent).active = name
        table = {"roadmap": self.actions, "evidence": self.evidence, "peers": self.peers}.get(name)
        if table is not None:
            table.focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_edit_plan(self) -> None:
        self.app.push_screen(FormModal(plan_form(plans.get(self.plan_id)), lambda v: save_plan(self.plan_id, v)),
                             lambda ok: ok and self.refresh_data())

    # --- forms for rows -------------------------------------------------------------------

    def _open(self, spec: FormSpec, save) -> None:
        self.app.push_screen(FormModal(spec, save), lambda ok: ok and self.refresh_data())

    def _action_form(self, a=None) -> None:
        spec = FormSpec(
            "Edit action" if a else "New roadmap action",
            [Field("text", "Action", "area", height=3),
             Field("owner", "Owner (a name; empty: the team)", suggestions=staff.active_names()),
             Field("due", "Deadline (YYYY-MM-DD)"),
             Field("status", "Status", "select", [(s, s) for s in ACTION_STATUSES])],
            {"text": a.text if a else "", "owner": self.names.get(a.owner_id, "") if a else "",
             "due": a.due if a else "", "status": a.status if a else "planned"})
        self._open(spec, lambda v: plans.save_action(
            a.id if a else None, plan_id=self.plan_id, text=v["text"],
            owner_id=staff.id_named(v["owner"], "owner"), due=v["due"], status=v["status"]))

    def _evidence_form(self, e=None) -> None:
        spec = FormSpec(
            "Edit evidence" if e else "Log evidence",
            [Field("on", "Date (YYYY-MM-DD)"), Field("kind", "Kind", "select", [(k, k) for k in EVIDENCE_KINDS]),
             Field("text", "What it shows (work samples, notes, data: described in words)", "area", height=5)],
            {"on": e.on if e else today().isoformat(), "kind": e.kind if e else "note", "text": e.text if e else ""})
        self._open(spec, lambda v: plans.save_evidence(e.id if e else None, plan_id=self.plan_id, **v))

    def _peer_form(self, s=None) -> None:
        teams = sorted({r.team for r in staff.roster_rows() if r.team})
        spec = FormSpec(
            "Edit peer coaching session" if s else "Plan a peer coaching session",
            [Field("partner", "Partner teacher (a pair)…", suggestions=staff.active_names()),
             Field("partner_team", "…or partner team (team to team)", suggestions=teams),
             Field("due_on", "Planned for (YYYY-MM-DD)"),
             Field("held_on", "Held on (YYYY-MM-DD, once it has happened)"),
             Field("shared", "What was shared", "area", height=3),
             Field("feedback", "Feedback given", "area", height=3)],
            {"partner": self.names.get(s.partner_id, "") if s else "",
             "partner_team": s.partner_team if s else "", "due_on": s.due_on if s else "",
             "held_on": s.held_on if s else "", "shared": s.shared if s else "", "feedback": s.feedback if s else ""})

        def save(v):
            if v["partner"].strip() and v["partner_team"].strip():
                raise UserError("a partner teacher or a partner team, not both")
            mode = "team" if v["partner_team"].strip() else "pair"
            partner = staff.id_named(v.pop("partner"), "partner")
            return plans.save_peer_session(s.id if s else None, plan_id=self.plan_id, mode=mode,
                                           partner_id=partner, **v)

        self._open(spec, save)

    def action_add(self) -> None:
        tab = self.tab
        if tab == "evidence":
            self._evidence_form()
        elif tab == "peers":
            self._peer_form()
        else:
            if tab == "plan":
                self.action_tab("roadmap")
            self._action_form()

    def on_row_table_selected(self, event: RowTable.Selected) -> None:
        {"plan-actions": self._action_form, "plan-evidence": self._evidence_form,
         "plan-peers": self._peer_form}[event.table.id](event.row)

    @guarded
    def action_step(self) -> None:
        if self.tab == "roadmap" and self.actions.current_row is not None:
            plans.next_status(self.actions.current_row.id)
            self.refresh_data()

    @guarded
    def action_delete(self) -> None:
        table, delete = {"roadmap": (self.actions, plans.delete_action),
                         "evidence": (self.evidence, plans.delete_evidence),
                         "peers": (self.peers, plans.delete_peer_session)}.get(self.tab, (None, None))
        if table is not None and table.current_row is not None:
            delete(table.current_row.id)
            self.notify("Deleted. Ctrl+Z brings it back.", markup=False)
            self.refresh_data()
