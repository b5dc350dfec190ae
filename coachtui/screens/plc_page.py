"""A PLC's page (who is in it, its meetings over time) and the session screen
where a meeting's attendance, notes and next tries are kept. With no PLC, the
page lists every session: staff surgeries and What Works Well workshops too."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from coachtui.base.dates import today
from coachtui.base.glyphs import glyph
from coachtui.plcs import meetings, plc
from coachtui.plcs.meetings import SESSION_KINDS, SESSION_LABELS
from coachtui.roster import staff
from coachtui.screens.common import ReloadOnResume, guarded
from coachtui.widgets.form import Field, FormModal, FormSpec, PickModal
from coachtui.widgets.table import Column, RowTable

SESSION_COLUMNS = [
    Column("held_on", "Date", 10),
    Column("kind", "Kind", 13, weight=1, priority=1),
    Column("topic", "Topic", 16, weight=3),
    Column("came", "Came", 4),
]


def session_form(s=None, plc_id: str | None = None) -> FormSpec:
    kinds = [(SESSION_LABELS[k], k) for k in SESSION_KINDS]
    return FormSpec(
        "Edit session" if s else "New session",
        [Field("held_on", "Date (YYYY-MM-DD)", placeholder=today().isoformat()),
         Field("kind", "Kind", "select", kinds),
         Field("topic", "Topic", max_length=staff.MAX_NAME),
         Field("notes", "Notes", "area", height=5)],
        {"held_on": s.held_on if s else today().isoformat(),
         "kind": s.kind if s else ("plc meeting" if plc_id else "staff surgery"),
         "topic": s.topic if s else "", "notes": s.notes if s else ""},
    )


def save_session(session_id: str | None, plc_id: str | None, values: dict) -> str:
    return meetings.save(session_id, plc_id=plc_id, **values)


class PlcPage(ReloadOnResume, Screen):
    HELP = """\
A PLC's page: its focus, leader and members, and every meeting it has held,
newest first. With no PLC chosen it lists every session (PLC meetings, staff
surgeries, What Works Well workshops).

  n        record a new meeting or session
  Enter    open a session: who came, notes, what each will try next
  Delete   delete a session (Ctrl+Z brings it back)
  Esc      back to the board
"""
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("n", "new", "New session"),
        Binding("delete,d", "delete", "Delete", show=False),
    ]

    def __init__(self, plc_id: str | None) -> None:
        super().__init__()
        self.plc_id = plc_id
        self.table = RowTable(SESSION_COLUMNS, self._cells, id="plc-sessions",
                              empty_text="No sessions yet: press n to record one.")
        self._came: dict[str, int] = {}

    def _cells(self, s) -> list[str]:
        return [s.held_on, SESSION_LABELS.get(s.kind, s.kind), s.topic or (s.notes.splitlines() or [""])[0],
                str(self._came.get(s.id, 0))]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="plc-head", markup=False)
        yield self.table
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_data()
        self.table.focus()

    def refresh_data(self) -> None:
        self.mark_loaded()
        if self.plc_id:
            p = plc.get(self.plc_id)
            if p is None:
                if self.is_current:  # deleted on another laptop: leave
                    self.app.pop_screen()
                return
            self.sub_title = p.name
            members = plc.members(self.plc_id)
            leader = next((m.name for m in members if m.id == p.leader_id), "")
            lines = [f"{p.name}" + (" (archived)" if p.archived else ""),
                     f"Focus: {plc.focus_title(p) or 'none set'}",
                     f"Leader: {leader or 'none: choose one on the board (l)'}",
                     f"Members ({len(members)}): " + (", ".join(m.name for m in members[:30]) or "none yet")
                     + (" …" if len(members) > 30 else "")]
            self.query_one("#plc-head", Static).update(Text("\n".join(lines), overflow="ellipsis"))
        else:
            self.sub_title = "All sessions"
            self.query_one("#plc-head", Static).update(
                Text("Every PLC meeting, staff surgery and What Works Well workshop, newest first."))
        rows = meetings.sessions(self.plc_id)
        self._came = {s.id: meetings.count_came(s.id) for s in rows}
        self.table.set_rows(rows, keep=lambda s: s.id)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_new(self) -> None:
        def done(sid):
            if sid:
                self.app.push_screen(SessionScreen(sid))

        self.app.push_screen(FormModal(session_form(None, self.plc_id),
                                       lambda v: save_session(None, self.plc_id, v)), done)

    def on_row_table_selected(self, event: RowTable.Selected) -> None:
        self.app.push_screen(SessionScreen(event.row.id))

    @guarded
    def action_delete(self) -> None:
        s = self.table.current_row
        if s is not None:
            meetings.delete(s.id)
            self.notify("Session deleted. Ctrl+Z brings it back.", markup=False)
            self.refresh_data()


ATTENDEE_COLUMNS = [
    Column("came", "Came", 4),
    Column("name", "Name", 18, weight=1),
    Column("try", "Will try next", 20, weight=3),
]


class SessionScreen(Screen):
    HELP = """\
One session: who came, the notes, and what each person will try next.

  Space    mark the chosen person as came / did not come
  Enter    write what they will try next
  a        add someone who is not a member (a visitor)
  e        edit the date, kind, topic and notes
  Esc      back
Everything is saved as you go.
"""
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("space", "came", "Came"),
        Binding("enter", "try_next", "Will try next"),
        Binding("a", "add", "Add person"),
        Binding("e", "edit", "Edit notes"),
    ]

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id
        self.table = RowTable(ATTENDEE_COLUMNS, lambda a: [glyph("came") if a.came else glyph("absent"), a.name, a.try_next],
                              dim=lambda a: not a.came, id="session-people",
                              empty_text="Nobody listed yet: press a to add who came.")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="session-head", markup=False)
        yield Static("", id="session-notes", markup=False)
        yield self.table
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_data()
        self.table.focus()

    def refresh_data(self) -> None:
        s = meetings.get(self.session_id)
        if s is None:
            if self.is_current:  # deleted on another laptop: leave
                self.app.pop_screen()
            return
        owner = plc.get(s.plc_id).name if s.plc_id and plc.get(s.plc_id) else ""
        self.sub_title = SESSION_LABELS.get(s.kind, s.kind)
        head = f"{SESSION_LABELS.get(s.kind, s.kind)} · {s.held_on}" + (f" · {owner}" if owner else "")
        if s.topic:
            head += f" · {s.topic}"
        self.query_one("#session-head", Static).update(Text(head))
        self.query_one("#session-notes", Static).update(
            Text(s.notes or "No notes yet: press e to write them.", overflow="ellipsis"))
        people = meetings.attendees(self.session_id)
        came = sum(a.came for a in people)
        self.table.set_rows(people, keep=lambda a: a.staff_id)
        self.query_one("#session-head", Static).update(Text(head + f" · {came} came"))

    def action_back(self) -> None:
        self.app.pop_screen()

    @guarded
    def action_came(self) -> None:
        a = self.table.current_row
        if a is not None:
            meetings.set_came(self.session_id, a.staff_id, not a.came)
            self.refresh_data()

    def on_row_table_selected(self, event: RowTable.Selected) -> None:
        event.stop()
        self.action_try_next()

    def action_try_next(self) -> None:
        a = self.table.current_row
        if a is None:
            return
        spec = FormSpec(f"What will {a.name} try next?", [Field("text", "Will try next", "area", height=4)],
                        {"text": a.try_next})
        self.app.push_screen(
            FormModal(spec, lambda v: meetings.set_try_next(self.session_id, a.staff_id, v["text"]) or True),
            lambda ok: ok and self.refresh_data())

    def action_add(self) -> None:
        listed = {a.staff_id for a in self.table.rows}
        items = [(label, sid) for label, sid in staff.pick_items() if sid not in listed]

        @guarded
        def done(self, sid):
            if sid:
                meetings.set_came(self.session_id, sid, True)
                self.refresh_data()

        self.app.push_screen(PickModal("Who came?", items), lambda sid: done(self, sid))

    def action_edit(self) -> None:
        s = meetings.get(self.session_id)
        if s is None:
            return
        self.app.push_screen(FormModal(session_form(s, s.plc_id), lambda v: save_session(s.id, s.plc_id, v)),
                             lambda sid: sid and self.refresh_data())
