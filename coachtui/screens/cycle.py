"""One teacher's coaching cycle: where it stands, its initial meeting, what
happened when, the support level and its changes, and what to suggest next."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from coachtui.base.glyphs import glyph
from coachtui.coaching import cadence, cycles
from coachtui.coaching.cycles import CYCLE_STAGE_LABELS, CYCLE_STAGES, SUPPORT_LABELS, SUPPORT_LEVELS
from coachtui.lessons import joins
from coachtui.plcs import plc
from coachtui.roster import staff
from coachtui.screens.common import ReloadOnResume, guarded
from coachtui.teaching import framework
from coachtui.widgets.form import Field, FormModal, FormSpec, PickModal
from coachtui.widgets.table import Column, RowTable

SHORT = {"initial": "initial meeting", "join": "join", "feedback": "feedback", "research": "research",
         "practice": "practice"}
COLUMNS = [Column("date", "Date", 10), Column("what", "What", 14), Column("detail", "Detail", 20, weight=1)]


def timeline(staff_id: str, c) -> list[tuple[str, str, str, str | None, str | None]]:
    """(date, what, detail, planned join id, join id), newest first: the
    cycle's stages, its joins, joins planned, and the support-level changes."""
    rows = []
    for p in cadence.planned_joins(staff_id):
        rows.append((p.on, "planned join", p.note or "a join is planned", p.id, None))
    if c is not None:
        for e in cycles.events(c.id):
            rows.append((e.on, "stage", f"{CYCLE_STAGE_LABELS.get(e.stage, e.stage)} (round {e.round})"
                         + (f" · {e.note}" if e.note else ""), None, None))
        for j in cycles.joins_in(c):
            day = dt.date.fromtimestamp(j.started_at / 1000).isoformat()
            rows.append((day, "join", joins.focus_title(j) or "lesson joined", None, j.id))
        if c.ended_on:
            rows.append((c.ended_on, "closed", "cycle closed", None, None))
    for ch in cycles.support_changes(staff_id):
        who = f" · by {ch.by_name}" if ch.by_name else ""
        rows.append((ch.on, f"support {cycles.direction(ch)}",
                     f"{SUPPORT_LABELS[ch.from_level]} → {SUPPORT_LABELS[ch.to_level]}: {ch.reason}{who}", None, None))
    # Newest first; on the same day, the later entry first.
    return [r for _, r in sorted(enumerate(rows), key=lambda p: (p[1][0], p[0]), reverse=True)]


class CycleScreen(ReloadOnResume, Screen):
    DEFAULT_CSS = """
    CycleScreen #cycle-detail { height: auto; max-height: 3; padding: 0 1; background: $panel; }
    """
    HELP = """\
A teacher's coaching cycle

The stages: initial meeting (strengths, development areas, the evidence the
teacher brought, agreed outcomes, the "in"), joining a lesson, reflection and
feedback, research and collaboration (visits to colleagues who show the
practice well), practice, and round again. Joins and feedback move the cycle
on by themselves.

  n        start a cycle (its initial meeting)
  i        edit the initial meeting and the focus
  Space    move on to the next stage (after practice: round again)
  t        choose a stage
  v        colleagues to visit (the focus is among their strengths)
  l        change the support level (with the reason)
  p        plan a join for a date (d or Delete on a planned join cancels it)
  c        close the cycle (or reopen it)
  Enter    on a join: its page (notes, tallies, feedback)
  Esc      back
"""
    BINDINGS = [
        # The footer holds the keys used most once a cycle runs (the screen
        # says "press n" when there is none); F1 and Ctrl+P name them all.
        Binding("escape", "back", "Back", show=False),
        Binding("n", "new", "New cycle", show=False),
        Binding("space", "advance", "Next stage"),
        Binding("i", "initial", "Initial meeting"),
        Binding("v", "visits", "Visits", show=False),
        Binding("l", "support", "Support level"),
        Binding("t", "stage", "Stage", show=False),
        Binding("p", "plan", "Plan join"),
        Binding("delete,d", "cancel_plan", "Cancel plan", show=False),  # d: a Mac's Delete is Backspace
        Binding("c", "close", "Close/reopen", show=False),
    ]

    def __init__(self, staff_id: str) -> None:
        super().__init__()
        self.staff_id = staff_id
        self.cycle = None
        self.table = RowTable(COLUMNS, lambda r: list(r[:3]), id="cycle-timeline",
                              empty_text="Nothing yet: press n to start a cycle with its initial meeting.")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="cycle-head", markup=False)
        yield Static("", id="cycle-stages", markup=False)
        yield Static("", id="cycle-initial", markup=False)
        yield self.table
        yield Static("", id="cycle-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Coaching cycle"
        self.refresh_data()
        self.table.focus()

    def refresh_data(self) -> None:
        self.mark_loaded()
        t = staff.get(self.staff_id)
        if t is None:
            if self.is_current:  # deleted on another laptop: leave
                self.app.pop_screen()
            return
        open_cycle = cycles.current(self.staff_id)
        self.cycle = open_cycle or next(iter(cycles.cycles_of(self.staff_id)), None)
        c = self.cycle
        coach = staff.get(c.coach_id) if c and c.coach_id else staff.get(t.coach_id) if t.coach_id else None
        level = SUPPORT_LABELS.get(t.support, t.support) + (f"  {glyph('flag')} formal: kept out of every overview" if
                                                              t.support == "formal" else "")
        due = cadence.dues().get(self.staff_id)
        head = [f"{t.name} · coach: {coach.name if coach else 'none'} · support level: {level}"]
        if due:
            head.append(f"Next: {due.due_on} ({due.why}) · {due.state}"
                        + (f" · last joined {due.last_joined}" if due.last_joined else " · not joined yet"))
        nxt = cycles.suggest_next_step(self.staff_id)
        if nxt:
            head.append(f"Suggested next action step: {nxt.code} {nxt.title}")
        self.query_one("#cycle-head", Static).update(Text("\n".join(head), overflow="ellipsis", no_wrap=True))
        stages = self.query_one("#cycle-stages", Static)
        initial = self.query_one("#cycle-initial", Static)
        if c is None:
            stages.update(Text("No coaching cycle yet: press n to start one with an initial meeting."))
            initial.update("")
        else:
            strip = Text(f"Round {c.round}" + (f" · closed {c.ended_on}" if c.ended_on else "")
                         + f" · focus: {cycles.focus_title(c) or 'not set'}")
            strip.truncate(max(20, self.size.width - 2), overflow="ellipsis")  # one line, however long
            strip.append("\n")
            for n, stage in enumerate(CYCLE_STAGES):
                if n:
                    strip.append(" › ", style="dim")
                here = stage == c.stage and not c.ended_on
                strip.append(SHORT[stage].upper() if here else SHORT[stage], style="bold reverse" if here else "")
            stages.update(strip)
            parts = [(lbl, getattr(c, key)) for key, lbl in cycles.INITIAL_FIELDS]
            lines = [f"{lbl}: {val.replace(chr(10), ' / ')}" for lbl, val in parts if val]
            if not lines:  # said until it is written, visits or not
                lines = ["Initial meeting not written yet: press i."]
            if c.visits:
                lines.append(f"Visits: {c.visits.replace(chr(10), ' / ')}")
            initial.update(Text("\n".join(lines), overflow="ellipsis", no_wrap=True))
        self.table.set_rows(timeline(self.staff_id, c))
        self._show_detail(self.table.current_row)

    def _show_detail(self, row) -> None:
        """The selected line whole, wrapped: a narrow terminal cuts the Detail column short."""
        self.query_one("#cycle-detail", Static).update(Text(row[2]) if row else "")

    def on_row_table_highlighted(self, event: RowTable.Highlighted) -> None:
        self._show_detail(event.row)

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_row_table_selected(self, event: RowTable.Selected) -> None:
        from coachtui.screens.history import open_join

        if event.row[4]:
            open_join(self, event.row[4])

    def _need_open(self):
        if self.cycle is None or self.cycle.ended_on:
            self.notify("No open cycle: press n to start one.", severity="warning", markup=False)
            return None
        return self.cycle

    def _initial_form(self, c=None) -> FormSpec:
        fields = [Field("focus", "Focus (a framework step: type its code or title; or your own words)",
                        suggestions=plc.focus_choices())]
        fields += [Field(key, label, "area", height=2) for key, label in cycles.INITIAL_FIELDS]
        values = {key: getattr(c, key) if c else "" for key, _ in cycles.INITIAL_FIELDS}
        focus = ""
        if c is not None:
            item = framework.get(c.focus_item_id) if c.focus_item_id else None
            focus = f"{item.code} {item.title}" if item else c.focus_text
        else:
            nxt = cycles.suggest_next_step(self.staff_id)
            focus = f"{nxt.code} {nxt.title}" if nxt else ""
        values["focus"] = focus
        return FormSpec("Initial meeting" if c is None else "Edit the initial meeting", fields, values)

    def action_new(self) -> None:
        if cycles.current(self.staff_id) is not None:
            self.notify("There is an open cycle already: c closes it first.", severity="warning", markup=False)
            return

        def save(v):
            item, text = plc.resolve_focus(v.pop("focus"))
            return cycles.start(self.staff_id, focus_item_id=item, focus_text=text, **v)

        self.app.push_screen(FormModal(self._initial_form(), save), lambda ok: ok and self.refresh_data())

    def action_initial(self) -> None:
        c = self._need_open()
        if c is None:
            return

        def save(v):
            item, text = plc.resolve_focus(v.pop("focus"))
            cycles.save_initial(c.id, focus_item_id=item, focus_text=text, **v)
            return True

        self.app.push_screen(FormModal(self._initial_form(c), save), lambda ok: ok and self.refresh_data())

    @guarded
    def action_advance(self) -> None:
        c = self._need_open()
        if c is not None:
            stage = cycles.advance(c.id)
            self.notify(f"Now: {CYCLE_STAGE_LABELS[stage]}. Ctrl+Z takes it back.", markup=False)
            self.refresh_data()

    def action_stage(self) -> None:
        c = self._need_open()
        if c is None:
            return

        @guarded
        def done(self, stage):
            if stage:
                cycles.advance(c.id, stage)
                self.refresh_data()

        items = [(CYCLE_STAGE_LABELS[s], s) for s in CYCLE_STAGES]
        self.app.push_screen(PickModal("Move the cycle to…", items), lambda s: done(self, s))

    def action_visits(self) -> None:
        c = self._need_open()
        if c is None:
            return
        people = cycles.suggest_visits(c.id)
        items = [(f"{p.name} · {p.site or 'no site'}" + (" (same site)" if p.same_site else ""), p.name)
                 for p in people]

        @guarded
        def done(self, name):
            if name:
                cycles.add_visit(c.id, name)
                self.notify(f"Added a visit to {name} to the cycle.", markup=False)
                self.refresh_data()

        self.app.push_screen(PickModal("Colleagues who show this focus well", items,
                                       "Nobody has this focus among their strengths yet (roster: s)."),
                             lambda n: done(self, n))

    def action_support(self) -> None:
        t = staff.get(self.staff_id)
        if t is None:
            return
        others = [(SUPPORT_LABELS[s], s) for s in SUPPORT_LEVELS if s != t.support]
        spec = FormSpec(f"Support level for {t.name} (now: {SUPPORT_LABELS[t.support]})",
                        [Field("level", "New level", "select", others),
                         Field("reason", "Why", max_length=staff.MAX_NAME),
                         Field("by", "Decided by", max_length=staff.MAX_NAME)],
                        {"level": others[0][1], "by": getattr(getattr(self.app, "config", None), "device_name", "")})
        self.app.push_screen(
            FormModal(spec, lambda v: cycles.set_support(self.staff_id, v["level"], v["reason"], by_name=v["by"]) or True),
            lambda ok: ok and self.refresh_data())

    @guarded
    def action_close(self) -> None:
        c = self.cycle
        if c is None:
            return
        if c.ended_on:
            cycles.reopen(c.id)
            self.notify("Cycle reopened.", markup=False)
        else:
            cycles.close(c.id)
            self.notify("Cycle closed. Ctrl+Z takes it back; n starts the next one.", markup=False)
        self.refresh_data()

    def action_plan(self) -> None:
        t = staff.get(self.staff_id)
        if t is None:
            return
        tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
        spec = FormSpec(f"Plan a join with {t.name}", [Field("on", "Date (YYYY-MM-DD)", replace=True), Field("note", "Note")],
                        {"on": tomorrow, "note": ""})
        self.app.push_screen(FormModal(spec, lambda v: cadence.plan_join(self.staff_id, v["on"], v["note"])),
                             lambda ok: ok and self.refresh_data())

    @guarded
    def action_cancel_plan(self) -> None:
        row = self.table.current_row
        if row is None or row[3] is None:
            self.notify("Choose a planned join in the list first.", severity="warning", markup=False)
            return
        cadence.cancel_plan(row[3])
        self.notify("Planned join cancelled. Ctrl+Z brings it back.", markup=False)
        self.refresh_data()
