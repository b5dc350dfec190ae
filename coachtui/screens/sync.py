"""Sync from the app: export a bundle, import one (preview first), swap
through a shared folder, and settle conflicts. Work runs in a thread."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Input, Label, ProgressBar, Select, Static, TextArea

from coachtui.base.errors import UserError
from coachtui.base.glyphs import glyph
from coachtui.base.text import for_terminal, plural
from coachtui.base.user_files import typed_path
from coachtui.roster import staff
from coachtui.screens.common import guarded
from coachtui.sync import bundle, conflicts, folder, merge, words
from coachtui.sync.changes import device_id
from coachtui.sync.suffix import SUFFIX, with_suffix
from coachtui.sync.trouble import one_line
from coachtui.widgets.form import UnsavedModal
from coachtui.widgets.table import Column, RowTable

CONFLICT_COLUMNS = [Column("record", "Record", 20, weight=2), Column("field", "Field", 8),
                    Column("theirs", "Other version (kept aside)", 14, weight=1),
                    Column("ours", "Current version", 14, weight=1, priority=1)]
CHANGE_COLUMNS = [Column("what", "Records", 14), Column("how", "Changes", 20, weight=1)]
ALL_SITES = ""


class SyncScreen(Screen):
    HELP = """\
Sync with other laptops

Bundles are files you carry on a USB stick or leave in a shared folder.
They are encrypted with the trust's passphrase: type it here, or keep it in
the OS keyring with `coachtui passphrase set` (see the README; where there is
no keyring it goes in config.toml, readable by you only). Private notes
never leave this laptop.
Only encrypted bundles are applied: a plain one is refused, with why.

  Ctrl+E   export: write this laptop's data to the file in "Path" (.ctb is
           added to its name if missing); Site limits it to one site
  Ctrl+O   import: preview the bundle in "Path" (nothing changes yet)
  Ctrl+S   apply the previewed import (a backup is taken first)
  Ctrl+F   sync folder: "Path" is a shared folder or USB stick; write our
           bundle there and import every other laptop's
  Enter    on a conflict: settle it (keep one version, or merge them)

Path and Site are remembered for next time (never the passphrase). The
line under them says when this laptop last synced, and when data last came
from each other laptop. What an import or a sync changed is listed by kind
of record.

A conflict is a note or feedback field changed on two laptops while apart:
the newer version is in place everywhere, the other is kept here for you.
The line under the list says which laptop wrote each version, and when.
"""
    BINDINGS = [
        Binding("ctrl+e", "export", "Export", priority=True),
        Binding("ctrl+o", "preview", "Import", priority=True),
        Binding("ctrl+s", "apply", "Apply import", priority=True),
        Binding("ctrl+f", "sync_folder", "Sync folder", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.previewed: tuple[str, str | None] | None = None  # (path, passphrase) shown in the preview
        self.table = RowTable(CONFLICT_COLUMNS, self._cells, empty_text="No conflicts.", id="conflicts")
        self.changes = RowTable(CHANGE_COLUMNS, list, empty_text="", id="sync-changes")

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="sync-form"):
            with Grid(classes="form-grid"):
                yield Label("Path")
                # Nothing selected on the way in: a passphrase typed after a Tab too many
                # would replace the path (and show in clear), not go after it.
                yield Input(self.app.config.sync_path, placeholder="bundle file (.ctb) or shared folder",
                            id="sync-path", compact=True, select_on_focus=False)
                yield Label("Site")
                yield Select(self._site_options(), value=self._site_value(), allow_blank=False, id="sync-site",
                             compact=True)
                yield Label("Passphrase")
                yield Input(placeholder="(from the keyring or config if kept there)", id="sync-pass",
                            password=True, compact=True)
            yield Static("", id="sync-last", markup=False)
            yield Static("", id="sync-status", markup=False)
            yield ProgressBar(id="sync-progress", show_eta=True)
        yield self.changes
        yield Static("Conflicts to settle", classes="form-title", id="conflicts-title")
        yield self.table
        yield Static("", id="conflict-detail", markup=False)
        yield Footer()

    def _site_options(self) -> list:
        return [("every site", ALL_SITES)] + [(Text(s.name), s.name) for s in staff.sites() if s.name]

    def _site_value(self) -> str:
        wanted = self.app.config.sync_site
        return wanted if wanted in {v for _, v in self._site_options()} else ALL_SITES

    def on_mount(self) -> None:
        self.sub_title = "Sync"
        name = self.app.config.device_name or "(no name: set it with F9)"
        self._status(f"This laptop: {name} · device {device_id()}")
        self.query_one("#sync-progress").display = False
        self.changes.display = False
        self.refresh_data()
        self.query_one("#sync-path", Input).focus()

    def _cells(self, v: words.ConflictView) -> list[str]:
        return [v.record, v.field, v.other, v.current]

    def refresh_data(self) -> None:
        self.table.set_rows([words.conflict_view(c) for c in conflicts.open_conflicts()], keep=lambda v: v.id)
        self.query_one("#sync-last", Static).update(Text(words.last_sync(), style="dim"))
        self._show_detail(self.table.current_row)

    def _show_detail(self, v: words.ConflictView | None) -> None:
        detail = self.query_one("#conflict-detail", Static)
        detail.display = v is not None
        if v is not None:
            detail.update(Text(f"Other: {v.other_by or 'unknown'} · current: {v.current_by or 'unknown'} · "
                               f"Enter settles it", style="dim"))

    def on_row_table_highlighted(self, event: RowTable.Highlighted) -> None:
        if event.table is self.table:
            self._show_detail(event.row)

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

    def _site(self) -> str | None:
        value = self.query_one("#sync-site", Select).value
        return value if isinstance(value, str) and value else None

    def _ask_passphrase(self) -> None:
        # The next keys are the passphrase: they go into its box (hidden), never in clear into Path.
        self.query_one("#sync-pass", Input).focus()

    def _start(self, what: str, path: str, secret: str | None, status: str) -> None:
        self._status(status)
        self.changes.display = False
        self._run(what, path, secret, self._site())

    @guarded
    def action_export(self) -> None:
        path, secret = self._inputs()
        if secret is None:
            self._ask_passphrase()
            raise UserError("a passphrase is needed to export (bundles are encrypted): type it in Passphrase")
        self._start("export", path, secret, "Exporting…")

    @guarded
    def action_preview(self) -> None:
        path, secret = self._inputs()
        self.previewed = None
        self._start("preview", path, secret, "Reading the bundle…")

    @guarded
    def action_apply(self) -> None:
        if not self.previewed:
            raise UserError("preview a bundle first (Ctrl+O)")
        path, secret = self._inputs()
        if (path, secret) != self.previewed:
            # What is applied is what the preview showed: never another file typed since.
            self.previewed = None
            raise UserError("Path or Passphrase changed since the preview: Ctrl+O to preview this bundle first")
        self._start("apply", path, secret, "Importing…")

    @guarded
    def action_sync_folder(self) -> None:
        path, secret = self._inputs()
        if secret is None:
            self._ask_passphrase()
            raise UserError("a passphrase is needed to sync (bundles are encrypted): type it in Passphrase")
        self._start("folder", path, secret, "Syncing with the folder…")

    @work(thread=True, exclusive=True, group="sync")
    def _run(self, what: str, path: str, secret: str | None, site: str | None) -> None:
        paths = self.app.ctx.paths
        try:
            with one_line(path):
                text, summaries = self._work(what, path, secret, site, paths)
        except UserError as exc:
            self.app.call_from_thread(self._failed, f"{glyph('error')} {exc}")
            return
        except Exception as exc:  # a worker's error would close the app: one line instead
            self.app.call_from_thread(self._failed, f"{glyph('error')} the sync stopped: {type(exc).__name__}: "
                                      f"{exc}; nothing more was changed")
            return
        self.app.call_from_thread(self._done, what, path, site, text, summaries)

    def _progress(self, what: str):
        """A (done, total) callback for the worker, drawn on the screen (the sync layer throttles it)."""
        def step(done: int, total: int) -> None:
            self.app.call_from_thread(self._show_progress, what, done, total)
        return step

    def _show_progress(self, what: str, done: int, total: int) -> None:
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.display = True
        bar.update(total=total, progress=done)
        self._status(f"{what.capitalize()}…")

    def _work(self, what: str, path: str, secret: str | None, site: str | None, paths) -> tuple[str, list]:
        if what == "export":
            path, added = with_suffix(path)
            counts = bundle.export(path, secret, site=site, device_name=self.app.config.device_name,
                                   progress=self._progress(f"writing {Path(path).name}"))
            scope = f" of {site}" if site else ""
            note = f"\n{SUFFIX} was added to the name: folder sync reads only {SUFFIX} files." if added else ""
            if len(counts["files"]) > 1:  # too big for one file on a FAT32 stick
                path = f"{len(counts['files'])} parts (import them all): " + ", ".join(map(str, counts["files"]))
            return (f"{glyph('ok')} Wrote {path}: {plural(counts['rows'], 'record')}{scope}, encrypted.{note}",
                    [])
        if what == "preview":
            s = merge.merge(path, secret, commit=False, progress=self._progress(f"reading {Path(path).name}"))
            text = s.headline()
            if not s.already_applied:
                text += "\nCtrl+S applies it (a backup is taken first)."
                self.previewed = (path, secret)
            return text, [s]
        if what == "apply":
            s = merge.merge(path, secret, commit=True, backups=paths.backups,
                            progress=self._progress(f"importing {Path(path).name}"))
            self.previewed = None
            words.remember([s], path)
            return f"{glyph('ok')} " + s.headline(), [s]
        r = folder.sync(path, secret, paths.backups, device_name=self.app.config.device_name,
                        progress=self._progress)
        words.remember(r.imported, path)
        lines = [s.headline() for s in r.imported] + [_skipped(n, why) for n, why in r.skipped]
        if r.known:
            lines.append(f"{plural(r.known, 'file')} read before, passed over")
        wrote = f"Wrote {r.written}" if r.written else "Nothing new to write: the folder holds all this laptop has."
        # A file that could not be read is worth a look: not a plain tick.
        mark = f"{glyph('warning')} Synced, but {plural(len(r.skipped), 'file')} could not be read (below)." \
            if r.skipped else f"{glyph('ok')} Synced."
        # What matters first; then one line per file (the box scrolls).
        text = "\n".join([mark, wrote, *(lines or ["Nothing new there."])])
        return text, r.imported

    def _failed(self, text: str) -> None:
        self.query_one("#sync-progress").display = False
        self._status(text, True)

    def _done(self, what: str, path: str, site: str | None, text: str, summaries: list) -> None:
        self.query_one("#sync-progress").display = False
        self._status(text)
        rows = []
        for s in summaries:
            if len(summaries) > 1:
                rows.append((f"from {s.manifest.device_name or 'another laptop'}" if s.manifest else "", ""))
            rows.extend(words.change_rows(s))
        self.changes.set_rows(rows)
        self.changes.display = bool(rows)
        remembered = {"sync_path": path if what != "export" else self.app.config.sync_path or path,
                      "sync_site": site or ""}
        changed = {k: v for k, v in remembered.items() if getattr(self.app.config, k) != v}
        if changed:
            self.app.save_settings(changed, "Path and site", severity="warning")
        self.app.refresh_screens()

    def on_row_table_selected(self, event: RowTable.Selected) -> None:
        if event.table is self.table:
            self.app.push_screen(ResolveConflict(event.row), self._settled)

    def _settled(self, how: str | None) -> None:
        if how:
            self.app.notify(f"Conflict settled: {how}.", timeout=4, markup=False)
            self.app.refresh_screens()


def _skipped(name: str, why: str) -> str:
    """A skipped file in a line the box can show: the reason whole, the file's
    long name cut to its end (its id), said once."""
    reason = why[len(name):].lstrip(": ") if why.startswith(name) else why
    short = name if len(name) <= 24 else "…" + name[-17:]
    return for_terminal(f"skipped {short}: {reason}")


class ResolveConflict(ModalScreen[str | None]):
    """Dismisses with how it was settled, in words, or None (later)."""

    HELP = """\
Settle a conflict

Two laptops changed this text while apart. Edit the box to the version you
want (it starts as the current one, with the other below it), then Ctrl+S.
  Ctrl+S  save the box as the version everywhere
  Ctrl+K  keep the current version as it is
  Ctrl+O  take the other version instead
  Esc     decide later
"""
    BINDINGS = [
        Binding("ctrl+s", "save", "Save this", priority=True),
        Binding("ctrl+k", "keep", "Keep current", priority=True),
        Binding("ctrl+o", "other", "Take other", priority=True),
        Binding("escape", "cancel", "Later"),
    ]

    def __init__(self, view: words.ConflictView) -> None:
        super().__init__()
        self.view = view
        self.conflict = view.conflict

    def compose(self) -> ComposeResult:
        v = self.view
        with Vertical(id="form", classes="resolve"):
            yield Static(Text(f"{v.record} · {v.field}"), classes="form-title")
            with VerticalScroll(id="resolve-versions"):
                yield Static(Text.assemble(("Current version", "bold"), f" ({v.current_by or 'here'}):\n",
                                           v.current or "(empty)"), id="resolve-current")
                yield Static(Text.assemble(("Other version", "bold"), f" ({v.other_by or 'unknown'}):\n",
                                           v.other or "(empty)"), id="resolve-other")
            yield Label("Your version (edit to merge both):")
            yield TextArea(v.current + "\n\n" + v.other, id="resolve-text", soft_wrap=True)
            yield Static("Ctrl+S save this · Ctrl+K keep current · Ctrl+O take other · Esc later",
                         classes="hint", id="resolve-keys", markup=False)
        yield Footer()

    @guarded
    def action_save(self) -> None:
        conflicts.resolve(self.conflict.id, self.query_one("#resolve-text", TextArea).text.strip())
        self.dismiss("your version saved")

    @guarded
    def action_keep(self) -> None:
        conflicts.resolve(self.conflict.id, None)
        self.dismiss("the current version kept")

    @guarded
    def action_other(self) -> None:
        conflicts.resolve(self.conflict.id, self.conflict.value)
        self.dismiss("the other version taken")

    def on_mount(self) -> None:
        self._opened = self.query_one("#resolve-text", TextArea).text
        self.query_one("#resolve-text", TextArea).focus()

    def has_unsaved(self) -> bool:
        """The box edited and not saved (asked about on Esc and on Ctrl+Q)."""
        return self.is_mounted and self.query_one("#resolve-text", TextArea).text != self._opened

    def unsaved_label(self) -> str:
        return f"Conflict in {self.view.record} · {self.view.field}"

    def action_cancel(self) -> None:
        if self.has_unsaved():
            self.app.push_screen(UnsavedModal("This text is not saved."), self._after_unsaved)
        else:
            self.dismiss(None)

    def _after_unsaved(self, choice: str | None) -> None:
        if choice == "save":
            self.action_save()
        elif choice == "discard":
            self.dismiss(None)
