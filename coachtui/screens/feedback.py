"""The feedback meeting: the join's notes become strengths, one action step
with success criteria, a SMART target, a practice plan, the teacher's
reflection and the next join. Each field can be private to the coach."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Input, Label, Select, Static, TextArea

from coachtui.base.errors import UserError
from coachtui.base.glyphs import glyph
from coachtui.base.user_files import documents_folder
from coachtui.lessons import feedback, joins
from coachtui.lessons.feedback import FEEDBACK_FIELDS, FEEDBACK_LABELS
from coachtui.roster import staff
from coachtui.screens.common import copy_or_write, guarded
from coachtui.teaching import framework
from coachtui.widgets.form import UnsavedModal
from coachtui.widgets.inputs import Tick

MULTILINE = ("strengths", "criteria", "practice", "reflection")


class FeedbackScreen(Screen):
    HELP = """\
Feedback

Filled in from the join: strength notes become strengths, the first next-step
note (or the focus) becomes the action step, the focus's success criteria
come from the framework, and the next join is set by the teacher's support
level (weekly for structured support, else fortnightly, as the school sets).

Tab moves between fields; each field's switch, beside it, comes next and
reads "○ shared" or "🔒 private": Space (or a click) switches it. The next
join to be saved is on the top lines. Private fields never appear in the teacher's
summary and never leave this laptop in a sync bundle.
The feedback's id is on the top line: `coachtui feedback export ID --out
FILE` writes its summary from the command line (or give the teacher and
"latest" or the date instead of the id).
  Ctrl+S   save           Ctrl+G  GROW / STRIDE prompts and sentence starters
  Ctrl+E   export the teacher's summary (a new Markdown file each time;
           the message gives its full path)
  Ctrl+Y   copy the teacher's summary as plain text
  Esc      back to the roster (unsaved changes are asked about, as on Ctrl+Q)
"""
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+g", "prompts", "Prompts", priority=True),
        Binding("ctrl+e", "export", "Export", priority=True),
        Binding("ctrl+y", "copy", "Copy", show=False),
        Binding("escape", "close", "Close"),
    ] + [  # Esc and a key typed quickly arrive as Alt+key: Esc, then the key (s saves, d discards)
        Binding(f"alt+{c}", f"esc_then('{c}')", show=False, priority=True) for c in "abcdefghijklmnopqrstuvwxyz"
    ]

    def __init__(self, join_id: str) -> None:
        super().__init__()
        self.join_id = join_id
        self.saved_values: dict | None = None

    @property
    def join(self) -> joins.Join:
        return joins.get(self.join_id)

    def compose(self) -> ComposeResult:
        j = self.join
        teacher = staff.record(j.staff_id)
        fb = feedback.get(j.id)
        existing = feedback.items(fb.id) if fb else {}
        pre = feedback.prefill(j)
        yield Header()
        title, _ = joins.focus_of(j)
        focus = framework.get(j.focus_item_id) if j.focus_item_id else None
        when = dt.datetime.fromtimestamp(j.started_at / 1000).strftime("%a %d %b %H:%M")
        # The id first: it is what `coachtui feedback export ID` takes.
        yield Static(Text(f"Feedback {feedback.short_id(feedback.feedback_id(j.id))} · "
                          f"{teacher.name if teacher else '?'} · joined {when}"), id="page-title")
        yield Static(Text("Agreed focus: " + (f"{focus.code} " if focus else "") + title), id="fb-focus")
        # What will be saved as the next join, in sight: its field is the form's last, below the fold.
        yield Static("", id="fb-next", markup=False)
        with VerticalScroll(id="fb-form"):
            yield Label("Action step from the framework (or write your own below)")
            steps = framework.steps()
            chosen = (fb.action_item_id if fb else feedback.prefill_step(j)) or Select.NULL
            if chosen is not Select.NULL and chosen not in {s.id for s in steps}:
                # A step retired since: still shown for this feedback, not offered to new ones.
                old = feedback.framework_step(chosen)
                if old is not None and old.kind == "step":
                    steps.append(old)
                else:
                    chosen = Select.NULL
            yield Select([(Text(f"{s.code} {s.title}"), s.id) for s in steps], value=chosen,
                         prompt="(written fresh)", id="fb-step", compact=True)
            for part in FEEDBACK_FIELDS:
                item = existing.get(part)
                text, private = (item.text, item.private) if item else pre.get(part, ("", False))
                yield Label(FEEDBACK_LABELS[part], classes="fb-label")
                # The switch beside its field and after it (Tab: field, its switch, the next field).
                with Horizontal(classes="fb-row"):
                    if part in MULTILINE:
                        yield TextArea(text, id=f"fb-{part}", classes="fb-area", soft_wrap=True,
                                       tab_behavior="focus")
                    else:
                        # Tabbing in selects nothing: the next key adds to the text, as in every form.
                        yield Input(text, id=f"fb-{part}", compact=True, max_length=feedback.MAX_FIELD,
                                    select_on_focus=False)
                    yield Tick("private", private, off_label="shared", marks=("🔒", "○"),
                               id=f"fb-private-{part}", compact=True)
            yield Static("", id="form-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Feedback"
        self.opened_values = (self._values(), self._step())
        self.saved_values = self._values() if feedback.get(self.join_id) else None
        self.query_one("#fb-step", Select).focus()
        self._show_next()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "fb-next_join":
            self._show_next()

    def _show_next(self) -> None:
        date = self.query_one("#fb-next_join", Input).value.strip()
        self.query_one("#fb-next", Static).update(
            Text(f"Next join: {date or 'none agreed'} (the last field changes it)", no_wrap=True, overflow="ellipsis"))

    def edited(self) -> bool:
        """Anything changed since the screen opened (typed, ticked or chosen)."""
        return (self._values(), self._step()) != self.opened_values

    def on_resize(self) -> None:
        # The text boxes grow with the terminal: 4 lines at 80x24, more when there is room.
        lines = max(4, min(12, (self.app.size.height - 8) // 4))
        for area in self.query(".fb-area"):
            area.styles.height = lines + 2  # and its border

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "fb-step" or event.value is Select.NULL:
            return
        item = feedback.framework_step(event.value)
        if item is None:
            return
        action = self.query_one("#fb-action_step", Input)
        criteria = self.query_one("#fb-criteria", TextArea)
        steps = framework.steps()
        # The coach's own words stay (a `>` note); the step's criteria come
        # with it wherever no criteria of the coach's own are written.
        if not action.value.strip() or action.value in {s.title for s in steps}:
            action.value = item.title
        if not criteria.text.strip() or criteria.text in {s.detail for s in steps}:
            criteria.text = item.detail

    def _values(self) -> dict[str, tuple[str, bool]]:
        values = {}
        for part in FEEDBACK_FIELDS:
            widget = self.query_one(f"#fb-{part}")
            text = widget.text if isinstance(widget, TextArea) else widget.value
            values[part] = (text, self.query_one(f"#fb-private-{part}", Tick).value)
        return values

    def _step(self) -> str | None:
        v = self.query_one("#fb-step", Select).value
        return None if v is Select.NULL else v

    def action_save(self) -> bool:
        error = self.query_one("#form-error", Static)
        try:
            if self.join is None:
                raise UserError("that join was erased: this feedback cannot be saved")
            feedback.save(self.join, self._values(), action_item_id=self._step())
        except UserError as exc:
            error.update(Text(f"{glyph('error')} {exc}"))
            error.add_class("error")
            self.notify(str(exc), severity="error", markup=False)
            return False
        error.update("")
        self.saved_values = self._values()
        self.notify("Feedback saved.", timeout=2)
        self.app.refresh_screens()
        return True

    @guarded
    def action_export(self) -> None:
        if not self.action_save():
            return
        # Documents/coachtui, a new file each time: an earlier summary is never replaced.
        path = feedback.export_new(self.join_id, documents_folder())
        self.notify(f"Teacher's summary written to {path}", timeout=12, markup=False)

    @guarded
    def action_copy(self) -> None:
        if not self.action_save():
            return
        text = feedback.teacher_summary(self.join_id).replace("# ", "").replace("#", "")
        copy_or_write(self, text, "Teacher's summary", self.action_export)  # honest where a terminal cannot copy

    def action_prompts(self) -> None:
        self.app.push_screen(PromptsScreen())

    # Undoing the join's end goes back into the join; what is typed here comes
    # back when it ends again. Any other undo waits until this is saved or left.
    undo_keeps_unsaved = ("end join",)

    def has_unsaved(self) -> bool:
        """Not saved as it stands (asked about on Esc and by the app's Ctrl+Q)."""
        return self.is_mounted and self.saved_values != self._values()

    def unsaved_label(self) -> str:
        teacher = staff.record(self.join.staff_id) if self.join else None
        return f"Feedback for {teacher.name if teacher else '?'}"

    def action_esc_then(self, key: str) -> None:
        self.action_close()
        self.app.post_message(events.Key(key, key))

    def action_close(self) -> None:
        if self.has_unsaved():
            self.app.push_screen(UnsavedModal("This feedback has unsaved changes."), self._after_unsaved)
        else:
            self.dismiss()

    def _after_unsaved(self, choice: str | None) -> None:
        if choice == "save":
            if self.action_save():
                self.dismiss()
        elif choice == "discard":
            self.dismiss()

    def refresh_data(self) -> None:
        """After an undo, a redo or a sync: say so when the join can no longer
        take its feedback (what is typed here stays on screen)."""
        j = self.join
        if j is None or j.deleted:
            why = "This join was undone: its feedback cannot be saved (Ctrl+R redoes it)."
        elif not j.ended_at:
            why = "This join is running again: its feedback is saved once it has ended (Ctrl+R redoes the end)."
        else:
            why = ""
        error = self.query_one("#form-error", Static)
        if why or error.has_class("-join-state"):
            error.update(Text(f"{glyph('error')} {why}" if why else ""))
            error.set_class(bool(why), "error", "-join-state")


class PromptsScreen(ModalScreen):
    BINDINGS = [Binding("escape,ctrl+g,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        data = feedback.prompts()
        lines = []
        for model in data.get("model", []):
            lines.append(model["name"])
            for step in model.get("step", []):
                lines.append(f"  {step['title']}")
                lines += [f"    · {p}" for p in step.get("prompts", [])]
            lines.append("")
        for section, starters in data.get("starters", {}).items():
            lines.append(f"Sentence starters: {section}")
            lines += [f"    · {s}" for s in starters]
        with VerticalScroll(id="help"):
            yield Static(Text("\n".join(lines)))

    def action_close(self) -> None:
        self.dismiss()
