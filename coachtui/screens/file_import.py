"""What every "import a file" modal shares: Enter previews (nothing changes),
Ctrl+S applies in one undoable step, Esc closes. Dismisses with whether the
store changed. A subclass gives `ID` (the prefix of its widget ids) and
`read(path, dry_run)`, which returns a report with summary(), lines(),
`applied` and `path`, or raises UserError."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from coachtui.base.errors import UserError
from coachtui.base.glyphs import glyph
from coachtui.base.user_files import typed_path


class FileImport(ModalScreen[bool]):
    ID = "file"
    BINDINGS = [
        Binding("ctrl+s", "apply", "Import", priority=True),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.preview: Any = None
        self.changed = False

    def read(self, path: str, dry_run: bool) -> Any:
        raise NotImplementedError

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = typed_path(event.value)  # quoted by Explorer's "Copy as path", escaped by Finder
        if not path:
            return
        self.preview = None
        self._show("Reading…", "")
        self._run(path, dry_run=True)

    @work(thread=True, exclusive=True, group="file-import")
    def _run(self, path: str, dry_run: bool) -> None:
        from coachtui.sync.changes import reading

        try:
            with reading():  # a database that cannot be read is one line too, not a crash
                report = self.read(path, dry_run)
        except (UserError, OSError) as exc:  # a write that fails is rolled back
            self.app.call_from_thread(self._show, f"{glyph('error')} {exc}", "Nothing was changed.", True)
            return
        self.app.call_from_thread(self._done, report)

    def _done(self, report: Any) -> None:
        lines = report.lines()
        detail = "\n".join(lines) if lines else "No problems found."
        if report.applied:
            self.changed = True
            self.preview = None
            self._show(f"{glyph('ok')} {report.summary()}", detail + "\n\nCtrl+Z undoes the whole import.")
            self.app.refresh_screens()
        else:
            self.preview = report
            self._show(report.summary(), detail + "\n\nCtrl+S imports; Esc cancels.")

    def _show(self, summary: str, detail: str, error: bool = False) -> None:
        s = self.query_one(f"#{self.ID}-summary", Static)
        s.update(Text(summary))
        s.set_class(error, "error")
        self.query_one(f"#{self.ID}-detail", Static).update(Text(detail))

    def action_apply(self) -> None:
        if self.preview is None:
            self.notify("Preview a file first: type its path and press Enter.", severity="warning")
            return
        self._show("Importing…", "")
        self._run(self.preview.path, dry_run=False)
        self.preview = None

    def action_close(self) -> None:
        self.dismiss(self.changed)
