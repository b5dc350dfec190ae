"""F3: the PLC board. One column per PLC, its members beneath; the first
column lists everyone in no PLC, so a leader sees the whole school is included."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from coachtui.base.text import plural
from coachtui.plcs import plc
from coachtui.roster import staff
from coachtui.screens.common import ReloadOnResume, guarded
from coachtui.widgets.board import Board
from coachtui.widgets.form import Field, FormModal, FormSpec, PickModal


class PlcBoardScreen(ReloadOnResume, Screen):
    HELP = """\
The PLC board (professional learning communities)

Every teacher can lead one PLC and belong to several. The first column lists
staff in no PLC yet: the aim is that it empties.

Left/Right choose a PLC, Up/Down a teacher.
  n            new PLC (name, focus from the framework, site)
  r            rename the PLC or change its focus
  x            archive the PLC (or restore it, with archived shown: A)
  a            add a teacher to this PLC (type to find them)
  m            move the chosen teacher to another PLC
  Shift+←/→    move the chosen teacher to the PLC beside
  Delete       take the teacher out of this PLC
  l            make the chosen member the leader
  s            suggestions: members and leaders from development areas and
               strengths; on the first column, new PLCs worth starting
  /            find a teacher on the board
  Enter        open the PLC: members, meetings and their history
  w            all sessions (PLC meetings, staff surgeries, workshops)
Every move can be taken back with Ctrl+Z.
"""
    BINDINGS = [
        Binding("n", "new", "New"),
        Binding("a", "add", "Add"),
        Binding("m", "move", "Move"),
        Binding("l", "leader", "Leader"),
        Binding("s", "suggest", "Suggest"),
        Binding("enter", "open", "Open"),
        Binding("slash", "find", "Find"),
        Binding("r", "rename", "Rename", show=False),
        Binding("x", "archive", "Archive PLC", show=False),
        Binding("A", "show_archived", "Show archived", show=False),
        Binding("delete,d", "remove", "Take out", show=False),
        Binding("shift+right", "shift(1)", "Move right", show=False),
        Binding("shift+left", "shift(-1)", "Move left", show=False),
        Binding("w", "sessions", "Sessions", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_archived = False
        self.board = Board(id="plc-board")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="plc-summary", markup=False)
        yield self.board
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "PLC board"
        self.refresh_data()
        self.board.focus()

    def refresh_data(self, keep: tuple[str | None, str | None] | None = None) -> None:
        self.mark_loaded()
        if keep is None:
            card = self.board.card
            col = self.board.column
            keep = (col.plc_id if col else None, card.staff_id if card else None) if col else None
        self._show(plc.board(self.show_archived), keep)

    def _show(self, columns: list[plc.Column], keep: tuple[str | None, str | None] | None) -> None:
        self.board.set_columns(columns, keep)
        n_plc = len([c for c in columns if c.plc_id and not c.archived])
        no_leader = len([c for c in columns if c.plc_id and c.leader_missing and not c.archived])
        outside = len(columns[0].cards)
        parts = [f"{n_plc} PLC{'s' if n_plc != 1 else ''}", f"{outside} in no PLC"]
        if no_leader:
            parts.append(f"{no_leader} need a leader")
        summary = self.query_one("#plc-summary", Static)
        summary.update(" · ".join(parts) + "   (s: suggestions · F1: help)")
        summary.set_class(bool(no_leader), "warn")

    def _moved(self, staff_id: str, from_plc: str | None, to_plc: str | None, keep) -> None:
        """Show a move just written, without re-reading the whole board."""
        self.mark_loaded()
        plc.apply_move(self.board.columns, staff_id, from_plc, to_plc)
        self._show(self.board.columns, keep)

    # --- helpers -----------------------------------------------------------------

    def _plc_column(self):
        col = self.board.column
        if col is None or col.plc_id is None:
            self.notify("Choose a PLC column first (Right arrow).", severity="warning", markup=False)
            return None
        return col

    def _card(self):
        card = self.board.card
        if card is None:
            self.notify("Nobody chosen: this column is empty.", severity="warning", markup=False)
        return card

    def _plc_items(self, exclude: str | None = None) -> list[tuple[str, str | None]]:
        return [(f"{p.name} · {plc.focus_title(p) or 'no focus'}", p.id) for p in plc.plcs() if p.id != exclude]

    # --- PLCs ----------------------------------------------------------------------

    def _form(self, plc_id: str | None) -> FormSpec:
        p = plc.get(plc_id) if plc_id else None
        site = ""
        if p and p.site_id:
            site = next((s.name for s in staff.sites() if s.id == p.site_id), "")
        return FormSpec(
            f"Rename {p.name}" if p else "New PLC",
            [Field("name", "Name", max_length=staff.MAX_NAME, placeholder="e.g. Questioning"),
             Field("focus", "Focus (a framework item: type its code or title; or your own words)",
                   suggestions=plc.focus_choices()),
             Field("site", "Site (empty: open to the whole trust)", suggestions=[s.name for s in staff.sites()])],
            {"name": p.name if p else "", "focus": plc.focus_label(p) if p else "", "site": site},
        )

    def _save_plc(self, plc_id: str | None, values: dict) -> str:
        item, text = plc.resolve_focus(values["focus"])
        site = values["site"].strip()
        return plc.save(plc_id, name=values["name"], focus_item_id=item, focus_text=text,
                        site_id=staff.site_named(site) if site else None)

    def action_new(self) -> None:
        def done(pid):
            if pid:
                self.refresh_data((pid, None))
                self.notify("PLC created. Press a to add teachers, s for suggestions.", markup=False)

        self.app.push_screen(FormModal(self._form(None), lambda v: self._save_plc(None, v)), done)

    def action_rename(self) -> None:
        col = self._plc_column()
        if col:
            self.app.push_screen(FormModal(self._form(col.plc_id), lambda v: self._save_plc(col.plc_id, v)),
                                 lambda pid: pid and self.refresh_data())

    @guarded
    def action_archive(self) -> None:
        col = self._plc_column()
        if not col:
            return
        plc.set_archived(col.plc_id, not col.archived)
        verb = "Restored" if col.archived else "Archived"
        self.notify(f"{verb} {col.name}. Ctrl+Z takes it back.", markup=False)
        self.refresh_data((None, None) if not col.archived and not self.show_archived else None)

    def action_show_archived(self) -> None:
        self.show_archived = not self.show_archived
        self.notify("Showing archived PLCs." if self.show_archived else "Archived PLCs hidden.", markup=False)
        self.refresh_data()

    # --- members -----------------------------------------------------------------------

    def action_add(self) -> None:
        col = self._plc_column()
        if not col:
            return
        inside = {c.staff_id for c in col.cards}
        items = [(label, sid) for label, sid in staff.pick_items() if sid not in inside]

        @guarded
        def done(self, sid):
            if sid:
                plc.add_member(col.plc_id, sid)
                self._moved(sid, None, col.plc_id, (col.plc_id, sid))

        self.app.push_screen(PickModal(f"Add a teacher to {col.name}", items, "Everyone is already in it."),
                             lambda sid: done(self, sid))

    def action_move(self) -> None:
        col, card = self.board.column, self._card()
        if col is None or card is None:
            return
        items = self._plc_items(exclude=col.plc_id)
        if col.plc_id:
            items.append(("(no PLC: take them out of this one)", ""))  # "" = none; None = cancelled

        @guarded
        def done(self, target):
            if target is not None:
                plc.move_member(card.staff_id, col.plc_id, target or None)
                self._moved(card.staff_id, col.plc_id, target or None,
                            (target, card.staff_id) if target else (col.plc_id, None))

        self.app.push_screen(PickModal(f"Move {card.name} to…", items, "There is no other PLC yet: n makes one."),
                             lambda target: done(self, target))

    @guarded
    def action_shift(self, delta: int) -> None:
        col, card = self.board.column, self._card()
        if col is None or card is None:
            return
        ci = self.board.col + delta
        if not 0 <= ci < len(self.board.columns):
            return
        target = self.board.columns[ci]
        if target.archived:
            self.notify(f"{target.name} is archived.", severity="warning", markup=False)
            return
        if target.plc_id is None and col.plc_id is None:
            return
        # Already there too: moving just means leaving this column.
        to = None if any(c.staff_id == card.staff_id for c in target.cards) else target.plc_id
        plc.move_member(card.staff_id, col.plc_id, to)
        self._moved(card.staff_id, col.plc_id, to, (target.plc_id, card.staff_id))

    @guarded
    def action_remove(self) -> None:
        col, card = self._plc_column(), self._card()
        if col and card:
            plc.remove_member(col.plc_id, card.staff_id)
            self.notify(f"{card.name} left {col.name}. Ctrl+Z takes it back.", markup=False)
            self._moved(card.staff_id, col.plc_id, None, (col.plc_id, None))

    @guarded
    def action_leader(self) -> None:
        col, card = self._plc_column(), self._card()
        if col and card:
            plc.set_leader(col.plc_id, card.staff_id)
            self.notify(f"{card.name} now leads {col.name}.", markup=False)
            self.refresh_data()

    def action_find(self) -> None:
        items = []
        for col in self.board.columns:
            for card in col.cards:
                items.append((f"{card.name} · {col.name}", (col.plc_id, card.staff_id)))

        def done(where):
            if where:
                self.board.focus_on(*where)

        self.app.push_screen(PickModal("Find a teacher on the board", items), done)

    # --- suggestions ---------------------------------------------------------------------

    def action_suggest(self) -> None:
        col = self.board.column
        if col is None:
            return
        if col.plc_id is None:
            ideas = plc.suggest_new_plcs()
            items = [(f"New PLC: {i.title} · {i.site} · {plural(i.teachers, 'teacher')} developing it",
                      ("idea", i)) for i in ideas]
            title = "PLCs worth starting (shared development areas)"
        else:
            items = [(f"Leader: {s.name} ({s.why})", ("leader", s.staff_id)) for s in plc.suggest_leaders(col.plc_id)]
            items += [(f"Member: {s.name} ({s.why})", ("member", s.staff_id)) for s in plc.suggest_members(col.plc_id)]
            title = f"Suggestions for {col.name}"
        empty = ("No suggestions: give the PLC a framework focus, and teachers strengths and development "
                 "areas (roster: s).")
        self.app.push_screen(PickModal(title, items, empty), lambda v: self._take_suggestion(col, v))

    @guarded
    def _take_suggestion(self, col, value) -> None:
        if not value:
            return
        kind, what = value
        if kind == "idea":
            pid = plc.save(name=what.title[:60], focus_item_id=what.item_id, site_id=what.site_id)
            self.refresh_data((pid, None))
            self.notify(f"Started a PLC on {what.title}: press s again for members.", markup=False)
        elif kind == "leader":
            plc.set_leader(col.plc_id, what)
            self.refresh_data((col.plc_id, what))
        else:
            plc.add_member(col.plc_id, what)
            self.refresh_data((col.plc_id, what))

    # --- pages -----------------------------------------------------------------------------

    def action_open(self) -> None:
        col = self._plc_column()
        if col:
            from coachtui.screens.plc_page import PlcPage

            self.app.push_screen(PlcPage(col.plc_id))

    def action_sessions(self) -> None:
        from coachtui.screens.plc_page import PlcPage

        self.app.push_screen(PlcPage(None))
