"""Sync from the app: export a bundle, import one (preview first), swap
through a shared folder, and settle conflicts. Work runs in a thread."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Input, Label, Static, TextArea

from coachtui.base.errors import UserError
from coachtui.base.glyphs import glyph
from coachtui.base.text import for_terminal, plural
from coachtui.base.user_files import typed_path
from coachtui.screens.common import guarded
from coachtui.sync import bundle, conflicts, folder, merge
from coachtui.sync.changes import device_id
from coachtui.sync.trouble import one_line
from coachtui.widgets.form import UnsavedModal
from coachtui.widgets.table import Column, RowTable

CONFLICT_COLUMNS = [Column("where", "Record", 14), Column("field", "Field", 10),
                    Column("theirs", "Other version (kept aside)", 20, weight=1),
                    Column("ours", "Current version", 20, weight=1)]


class SyncScreen(Screen):
    HELP = """\
Sync with other laptops

Bundles are files you carry on a USB stick or leave in a shared folder.
They are encrypted with the trust's passphrase: type it here, or keep it in
the OS keyring with `coachtui passphrase set` (see the README; where there is
no keyring it goes in config.toml, readable by you only). Private notes
never leave this laptop.
Only encrypted bundles are applied: a plain one is refused, with why.

  Ctrl+E   export: write this laptop's data to the file in "Path"
  Ctrl+O   import: preview the bundle in "Path" (nothing changes yet)
  Ctrl+S   apply the previewed import (a backup is taken first)
  Ctrl+F   sync folder: "Path" is a shared folder or USB stick; write our
           bundle there and import every other laptop's
  Enter    on a conflict: settle it (keep one version, or merge them)

A conflict is a note or feedback field changed on two laptops while apart:
the newer version is in place everywhere, the other is kept here for you.
"""
    BINDINGS = [
        Binding("ctrl+e", "export", "Export", priority=True),
        Binding("ctrl+o", "preview", "Import", priority=True),
        Binding("ctrl+s", "apply", "Apply import", priority=True),
        Binding("ctrl+f", "sync_folder", "Sync folder", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.previewed: str | None = None
        self.table = RowTable(CONFLICT_COLUMNS, self._cells, empty_text="No conflicts.", id="conflicts")

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="sync-form"):
            with Grid(classes="form-grid"):
                yield Label("Path")
                yield Input(placeholder="bundle file (.ctb) or shared folder", id="sync-path", compact=True)
                yield Label("Passphrase")
                yield Input(placeholder="(from the config if set there)", id="sync-pass", password=True,
                            compact=True)
            yield Static("", id="sync-status", markup=False)
        yield Static("Conflicts to settle", classes="form-title", id="conflicts-title")
        yield self.table
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Sync"
        name = self.app.config.device_name or "(no name: set it with F9)"
        self._status(f"This laptop: {name} · device {device_id()}")
        self.refresh_data()
        self.query_one("#sync-path", Input).focus()

    def _cells(self, c) -> list[str]:
        return [c.table_name, c.field_name, c.value, conflicts.current_value(c)]

    def refresh_data(self) -> None:
        self.table.set_rows(conflicts.open_conflicts(), keep=lambda c: c.id)

    def _status(self, text: str, error: bool = False) -> None:
        """Show `text` (its lines escaped: file and device names come from outside)."""
        s = self.query_one("#sync-status", Static)
        s.update(Text("\n".join(for_terminal(line) for line in text.split("\n"))))
        s.set_class(error, "error")

    def _inputs(self) -> tuple[str, str | None]:
        path = typed_path(self.query_one("#sync-path", Input).value)  # "Copy as path" quotes, Finder's escapes
        secret = self.query_one("#sync-pass", Input).value or self.app.config.passphrase or None
        if not path:
            raise UserError("type a file or folder in Path first")
        return path, secret

    def _ask_passphrase(self) -> None:
        # The next keys are the passphrase: they go into its box (hidden), never in clear into Path.
        self.query_one("#sync-pass", Input).focus()

    @guarded
    def action_export(self) -> None:
        path, secret = self._inputs()
        if secret is None:
            self._ask_passphrase()
            raise UserError("a passphrase is needed to export (bundles are encrypted): type it in Passphrase")
        self._status("Exporting…")
        self._run("export", path, secret)

    @guarded
    def action_preview(self) -> None:
        path, secret = self._inputs()
        self.previewed = None
        self._status("Reading the bundle…")
        self._run("preview", path, secret)

    @guarded
    def action_apply(self) -> None:
        if not self.previewed:
            raise UserError("preview a bundle first (Ctrl+O)")
        _, secret = self._inputs()
        self._status("Importing…")
        self._run("apply", self.previewed, secret)

    @guarded
    def action_sync_folder(self) -> None:
        path, secret = self._inputs()
        if secret is None:
            self._ask_passphrase()
            raise UserError("a passphrase is needed to sync (bundles are encrypted): type it in Passphrase")
        self._status("Syncing with the folder…")
        self._run("folder", path, secret)

    @work(thread=True, exclusive=True, group="sync")
    def _run(self, what: str, path: str, secret: str | None) -> None:
        paths = self.app.ctx.paths
        try:
            with one_line(path):
                text = self._work(what, path, secret, paths)
        except UserError as exc:
            self.app.call_from_thread(self._status, f"{glyph('error')} {exc}", True)
            return
        except Exception as exc:  # a worker's error would close the app: one line instead
            self.app.call_from_thread(self._status, f"{glyph('error')} the sync stopped: {type(exc).__name__}: "
                                      f"{exc}; nothing more was changed", True)
            return
        self.app.call_from_thread(self._done, text)

    def _work(self, what: str, path: str, secret: str | None, paths) -> str:
        if what == "export":
            counts = bundle.export(path, secret, device_name=self.app.config.device_name)
            text = f"{glyph('ok')} Wrote {path}: {plural(counts['rows'], 'record')}, encrypted."
        elif what == "preview":
            s = merge.merge(path, secret, commit=False)
            text = s.headline() + ("\n" + "\n".join(s.lines()) if s.lines() else "")
            if not s.already_applied:
                text += "\nCtrl+S applies it (a backup is taken first)."
                self.previewed = path
        elif what == "apply":
            s = merge.merge(path, secret, commit=True, backups=paths.backups)
            self.previewed = None
            text = f"{glyph('ok')} " + s.headline()
        else:
            r = folder.sync(path, secret, paths.backups, device_name=self.app.config.device_name)
            lines = [s.headline() for s in r.imported] + [f"skipped {for_terminal(n)}: {why}" for n, why in r.skipped]
            text = f"{glyph('ok')} Synced. " + (" · ".join(lines) if lines else "Nothing new there.") + f"\nWrote {r.written}"
        return text

    def _done(self, text: str) -> None:
        self._status(text)
        self.app.refresh_screens()

    def on_row_table_selected(self, event: RowTable.Selected) -> None:
        self.app.push_screen(ResolveConflict(event.row), lambda done: done and self.refresh_data())


class ResolveConflict(ModalScreen[bool]):
    HELP = """\
Settle a conflict

Two laptops changed this text while apart. Edit the box to the version you
want (it starts as the current one, with the other below it), then Ctrl+S.
  Ctrl+K  keep the current version as it is
  Ctrl+O  take the other version instead
  Esc     decide later
"""
    BINDINGS = [
        Binding("ctrl+s", "save", "Save this", priority=True),
        Binding("ctrl+k", "keep", "Keep current"),
        Binding("ctrl+o", "other", "Take other"),
        Binding("escape", "cancel", "Later"),
    ]

    def __init__(self, conflict) -> None:
        super().__init__()
        self.conflict = conflict

    def compose(self) -> ComposeResult:
        current = conflicts.current_value(self.conflict)
        with Vertical(id="form"):
            yield Static(Text(f"{self.conflict.table_name} · {self.conflict.field_name}"), classes="form-title")
            yield Label("Current version (edit to merge both):")
            yield TextArea(current + "\n\n" + self.conflict.value, id="resolve-text", soft_wrap=True)
            yield Static(Text(f"Other version: {self.conflict.value}"), classes="hint")

    @guarded
    def action_save(self) -> None:
        conflicts.resolve(self.conflict.id, self.query_one("#resolve-text", TextArea).text.strip())
        self.dismiss(True)

    @guarded
    def action_keep(self) -> None:
        conflicts.resolve(self.conflict.id, None)
        self.dismiss(True)

    @guarded
    def action_other(self) -> None:
        conflicts.resolve(self.conflict.id, self.conflict.value)
        self.dismiss(True)

    def on_mount(self) -> None:
        self._opened = self.query_one("#resolve-text", TextArea).text

    def has_unsaved(self) -> bool:
        """The box edited and not saved (asked about on Esc and on Ctrl+Q)."""
        return self.is_mounted and self.query_one("#resolve-text", TextArea).text != self._opened

    def unsaved_label(self) -> str:
        return f"Conflict in {self.conflict.table_name} · {self.conflict.field_name}"

    def action_cancel(self) -> None:
        if self.has_unsaved():
            self.app.push_screen(UnsavedModal("This text is not saved."), self._after_unsaved)
        else:
            self.dismiss(False)

    def _after_unsaved(self, choice: str | None) -> None:
        if choice == "save":
            self.action_save()
        elif choice == "discard":
            self.dismiss(False)
