"""The teaching framework editor: add, reword, reorder and retire items, and
import or export the framework as a TOML file. Writes go through the
framework services; file work runs in a thread."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Select, Static, TextArea

from coachtui.base.errors import UserError
from coachtui.base.fuzzy import fuzzy_score, split_query
from coachtui.base.glyphs import glyph
from coachtui.base.text import fold, plural
from coachtui.base.user_files import export_path, typed_path
from coachtui.screens.common import guarded
from coachtui.screens.file_import import FileImport
from coachtui.teaching import framework, framework_toml
from coachtui.widgets.form import FormScreen
from coachtui.widgets.inputs import FindBox
from coachtui.widgets.table import Column, RowTable

COLUMNS = [Column("code", "Code", 9), Column("title", "Title", 30, weight=1), Column("state", "", 12)]
INDENT = "  "


@dataclass
class Row:
    item: framework.FrameworkItem
    depth: int
    # Retired itself, or inside a retired domain or strand: not offered.
    dimmed: bool

    @property
    def id(self) -> str:
        return self.item.id


def cells(row: Row) -> list[str]:
    state = "retired" if row.item.retired else "(in retired)" if row.dimmed else ""
    return [row.item.code, INDENT * row.depth + row.item.title, state]


def load_rows() -> list[Row]:
    offered = {i.id for i in framework.offered()}
    return [Row(item, depth, item.id not in offered) for item, depth in framework.tree()]


class FrameworkScreen(Screen):
    HELP = """\
Teaching framework

The trust's common language: domains hold strands, strands hold action
steps, each step with its success criteria. Edit it to fit your school;
changes sync to every laptop like everything else.

  a           add an item (asks: a domain, a strand or a step, and where)
  Enter / r   reword the selected item: title and success criteria
  [ / ]       move it up / down among its siblings (also Shift+Up/Down)
  x           retire it, or bring a retired item back
  /           find by code or title (Esc clears, Down returns to the list)
  i           import a framework TOML file (preview first, then Ctrl+S)
  e           export the framework to a TOML file
  Ctrl+Z      undo the last change

Retired items stay (joins, feedback and history still show them) but are
no longer offered for new joins, feedback or focus areas. Nothing is ever
deleted. An item's code is permanent: it names the item on every laptop.
"""
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("r,enter", "reword", "Reword", key_display="r"),
        Binding("left_square_bracket,shift+up", "move(-1)", "Up", key_display="["),
        Binding("right_square_bracket,shift+down", "move(1)", "Down", key_display="]"),
        Binding("x", "retire", "Retire/restore"),
        Binding("i", "import_file", "Import"),
        Binding("e", "export_file", "Export"),
        Binding("slash", "find", "Find", show=False),
        Binding("escape", "clear_find", "Clear find", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self.table = RowTable(COLUMNS, cells, dim=lambda r: r.dimmed, empty_text="Nothing matches.",
                              id="fw-table")

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="fw-top"):
            yield Static("Find", id="fw-find-label")
            yield FindBox(self.table, placeholder="code or title…", id="fw-find")
            yield Static("", id="fw-count", markup=False)
        yield self.table
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Teaching framework"
        self.refresh_data()
        self.table.focus()

    # --- data -----------------------------------------------------------------

    def refresh_data(self, keep: str | None = None) -> None:
        self.rows = load_rows()
        self._show(keep)

    def _show(self, keep: str | None = None) -> None:
        words = split_query(self.query_one("#fw-find", Input).value)
        if words:
            # Matches keep framework order, so a step is still seen under its strand.
            rows = [r for r in self.rows if fuzzy_score(words, fold(f"{r.item.code} {r.item.title}")) is not None]
        else:
            rows = self.rows
        current = keep or (self.table.current_row.id if self.table.current_row else None)
        self.table.set_rows(rows)
        if current is not None:
            self._go_to(current)
        retired = sum(1 for r in self.rows if r.item.retired)
        self.query_one("#fw-count", Static).update(
            f"{len(rows)} of {len(self.rows)}" + (f" · {retired} retired" if retired else ""), layout=False)

    def _go_to(self, item_id: str) -> None:
        for n, r in enumerate(self.table.rows):
            if r.id == item_id:
                self.table.move_to(n)
                return

    def _selected(self) -> framework.FrameworkItem | None:
        row = self.table.current_row
        if row is None:
            self.notify("Nothing selected.", severity="warning")
            return None
        return row.item

    # --- events -----------------------------------------------------------------

    @on(Input.Changed, "#fw-find")
    def _find_changed(self) -> None:
        self._show()

    @on(RowTable.Selected, "#fw-table")
    def _open_row(self) -> None:
        self.action_reword()

    def on_key(self, event) -> None:
        # In the list, a character that is not a command starts a new search.
        if (self.focused is self.table and event.is_printable and event.character
                and event.key not in self.active_bindings):
            box = self.query_one("#fw-find", Input)
            box.value = event.character
            box.cursor_position = len(box.value)
            self.set_focus(box)
            event.stop()
            event.prevent_default()

    # --- actions ----------------------------------------------------------------

    def action_find(self) -> None:
        self.query_one("#fw-find", Input).focus()

    def action_clear_find(self) -> None:
        box = self.query_one("#fw-find", Input)
        if box.value:
            box.value = ""
        self.table.focus()

    def action_add(self) -> None:
        self.app.push_screen(ItemForm(None, self.table.current_row.item if self.table.current_row else None),
                             self._after_edit)

    def action_reword(self) -> None:
        item = self._selected()
        if item is not None:
            self.app.push_screen(ItemForm(item.id), self._after_edit)

    def _after_edit(self, saved_id: str | None) -> None:
        if saved_id:
            self.refresh_data(keep=saved_id)
            self.table.focus()

    @guarded
    def action_move(self, delta: int) -> None:
        item = self._selected()
        if item is None:
            return
        if not framework.move(item.id, delta):
            self.notify(f"{item.code} is already {'first' if delta < 0 else 'last'} in its group.", timeout=2,
                        markup=False)
            return
        self.refresh_data(keep=item.id)

    @guarded
    def action_retire(self) -> None:
        item = self._selected()
        if item is None:
            return
        framework.set_retired(item.id, not item.retired)
        what = "Restored" if item.retired else "Retired"
        self.notify(f"{what} {item.code} (Ctrl+Z to undo).", timeout=3, markup=False)
        self.refresh_data(keep=item.id)

    def action_import_file(self) -> None:
        self.app.push_screen(FrameworkFile("import"), self._after_file)

    def action_export_file(self) -> None:
        self.app.push_screen(FrameworkFile("export"), self._after_file)

    def _after_file(self, changed: bool | None) -> None:
        if changed:
            self.refresh_data()


class ItemForm(FormScreen):
    """Add an item (item_id None; `near` is the selected item) or reword one.
    Dismisses with the saved item's id, or None when cancelled."""

    HELP = """\
Add or reword a framework item

Tab / Shift+Tab move between fields. Ctrl+S saves, Esc cancels (asking
first when something was changed).
Adding: choose what to add and where (next to the selected item, or inside
it). Leave Code empty for the next free one (BR.2 -> BR.2.3); a code is
permanent once saved. Success criteria: one per line.
"""
    BUTTONS = ()
    HINT = "Ctrl+S save · Esc cancel · F1 help"
    FORM_CLASSES = "fw-form"
    FIRST_FIELD = "#fw-title"

    def __init__(self, item_id: str | None, near: framework.FrameworkItem | None = None) -> None:
        super().__init__()
        self.item = framework.get(item_id) if item_id else None
        self.choices = _add_choices(near) if self.item is None else []

    def form_title(self) -> str:
        return f"Reword {self.item.kind} {self.item.code}" if self.item is not None else "Add to the framework"

    def compose_fields(self) -> ComposeResult:
        item = self.item
        with Grid(classes="form-grid"):
            if item is None:
                yield Label("Add")
                yield Select([(Text(label), key) for key, label in self.choices], value=self.choices[0][0],
                             allow_blank=False, id="fw-kind", compact=True)
                yield Label("Code")
                yield Input("", id="fw-code", compact=True, max_length=framework.MAX_CODE,
                            placeholder="(empty: the next free code)")
            yield Label("Title")
            yield Input(item.title if item else "", id="fw-title", compact=True, max_length=framework.MAX_TITLE)
        yield Label("Success criteria, one per line", classes="fw-criteria-label")
        yield TextArea(item.detail if item else "", id="fw-criteria", soft_wrap=True, tab_behavior="focus")

    def submit(self) -> str:
        title = self.query_one("#fw-title", Input).value
        criteria = self.query_one("#fw-criteria", TextArea).text
        if self.item is not None:
            framework.reword(self.item.id, title, criteria)
            return self.item.id
        kind, _, parent = str(self.query_one("#fw-kind", Select).value).partition("|")
        code = self.query_one("#fw-code", Input).value.strip() or None
        return framework.add(kind, parent or None, title, criteria, code=code)


def _add_choices(near: framework.FrameworkItem | None) -> list[tuple[str, str]]:
    """What can be added next to or inside `near`: ("kind|parent id", label),
    the selected item's own level first."""
    out: list[tuple[str, str]] = []
    chain: list[framework.FrameworkItem] = []
    item = near
    while item is not None and len(chain) < 3:
        chain.append(item)
        item = framework.get(item.parent_id) if item.parent_id else None
    if near is not None:
        parent = chain[1] if len(chain) > 1 else None
        out.append((f"{near.kind}|{parent.id if parent else ''}",
                    f"a {near.kind} in {parent.code} {parent.title}" if parent else f"a {near.kind}"))
        child = framework.CHILD_KIND[near.kind]
        if child:
            out.append((f"{child}|{near.id}", f"a {child} in {near.code} {near.title}"))
        # Higher levels: a strand in this domain when a step is selected, and so on.
        for n, higher in enumerate(chain[1:], start=1):
            grand = chain[n + 1] if n + 1 < len(chain) else None
            key = f"{higher.kind}|{grand.id if grand else ''}"
            if key not in dict(out):
                out.append((key, f"a {higher.kind} in {grand.code} {grand.title}" if grand else f"a {higher.kind}"))
    if "domain|" not in dict(out):
        out.append(("domain|", "a domain"))
    return out


class FrameworkFile(FileImport):
    """Import (preview, then Ctrl+S) or export the framework as TOML. Dismisses
    with whether the framework changed."""

    HELP = """\
Framework file

Export writes the whole framework (retired items flagged) to a TOML file
in the shape of the one coachtui ships: share it across the trust.
Import reads such a file: Enter previews what it would change (nothing
changes yet), Ctrl+S imports it in one step (Ctrl+Z takes it back).
Items are matched by code; an import adds, rewords, reorders, retires and
restores, and never deletes. A bad file changes nothing.
"""
    ID = "fw"

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode

    def compose(self) -> ComposeResult:
        exporting = self.mode == "export"
        with Vertical(id="form"):
            yield Static("Export the framework to a TOML file" if exporting else
                         "Import a framework TOML file", classes="form-title")
            yield Input(str(export_path("framework", ".toml")) if exporting else "",
                        placeholder="path to the .toml file, then Enter", id="fw-path", compact=True)
            yield Static("", id="fw-summary", markup=False)
            with VerticalScroll(id="fw-lines"):
                yield Static("", id="fw-detail", markup=False)
            yield Static("Enter: write · Esc: close" if exporting else
                         "Enter: preview · Ctrl+S: import · Esc: close", classes="hint")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.mode == "import" if action == "apply" else True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.mode == "import":
            super().on_input_submitted(event)
            return
        path = typed_path(event.value)
        if path:
            self._show("Writing…", "")
            self._export(str(Path(path).absolute()))  # the full path shown when written

    @work(thread=True, exclusive=True, group="framework-file")
    def _export(self, path: str) -> None:
        try:
            n = framework_toml.export(path)
        except (UserError, OSError) as exc:
            self.app.call_from_thread(self._show, f"{glyph('error')} {exc}", "Nothing was changed.", True)
            return
        self.app.call_from_thread(self._show, f"{glyph('ok')} Wrote {path}: {plural(n, 'item')}.", "")

    def read(self, path: str, dry_run: bool) -> framework_toml.Report:
        return framework_toml.import_file(path, dry_run=dry_run)
