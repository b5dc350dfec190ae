"""A running lesson join: the timer, the focus, timed notes and tallies.

Built for the back of a classroom: big timer, silent time-up (colour only),
every note written the moment Enter is pressed, and the half-typed note saved
as a draft within a second, so a flat battery loses nothing.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Digits, Footer, Input, Static

from coachtui.lessons import joins
from coachtui.lessons.joins import NOTE_LABELS
from coachtui.roster import staff
from coachtui.screens.common import guarded
from coachtui.widgets.inputs import FixedInput
from coachtui.widgets.table import Column, RowTable

KIND_KEYS = {"f5": "observation", "f6": "strength", "f7": "next", "f8": "question"}
PREFIXES = {"+": "strength", ">": "next", "?": "question"}
NOTE_COLUMNS = [Column("time", "Time", 6), Column("kind", "Kind", 11), Column("text", "Note", 20, weight=1)]


def note_cells(note) -> list[str]:
    # The mark leads the text column, the one never cut short, and is a word
    # as well as a sign: it must read at any width, in both themes and with NO_COLOR.
    text = f"🔒 PRIVATE · {note.text}" if note.private else note.text
    return [joins.fmt(note.elapsed), NOTE_LABELS.get(note.kind, note.kind), text]


class NoteBox(FixedInput):
    """The note being typed. Esc leaves it for the notes list (tally keys work there)."""

    BINDINGS = [Binding("escape", "leave", "Tally/keys", show=True)]

    def action_leave(self) -> None:
        self.screen.leave_typing()


class JoinScreen(Screen):
    HELP = """\
Joining a lesson

Typing: write a note and press Enter; it is stamped with the time into the
join. Start it with + for a strength, > for a next step, ? for a question,
or choose the kind with F5 observation, F6 strength, F7 next step,
F8 question. Esc leaves the note box for the keys below.

Keys (after Esc):
  1-9     count a tally (the line above the notes shows them)
  u       undo the last tally press
  p       pause / resume (stepping out of the room)
  Enter   correct the selected note     d   delete it
  v       make the selected note private to you (never shared or synced)
  i or /  back to typing
  e       end the join and go to feedback
Time-up is shown in colour only: no sound. You may carry on past it.
"""
    BINDINGS = [
        Binding("f5", "kind('observation')", "Obs", show=False),
        Binding("f6", "kind('strength')", "Strength", show=False),
        Binding("f7", "kind('next')", "Next step", show=False),
        Binding("f8", "kind('question')", "Question", show=False),
        Binding("u", "untally", "Undo tally"),
        Binding("p", "pause", "Pause/resume"),
        Binding("e", "end", "End join"),
        Binding("d", "delete_note", "Delete note", show=False),
        Binding("v", "private", "Private", show=False),
        Binding("i,slash", "type", "Type note"),
    ] + [Binding(str(n), f"tally({n})", f"Tally {n}", show=False) for n in range(1, 10)]

    def __init__(self, join_id: str) -> None:
        super().__init__()
        self.join_id = join_id
        self.kind = "observation"
        self.editing: str | None = None
        self.notes_table = RowTable(NOTE_COLUMNS, note_cells, dim=lambda n: n.private,
                                    empty_text="No notes yet: type below and press Enter.", id="join-notes")
        self._saved_draft: tuple[str, str] = ("", "observation")
        self._join: joins.Join | None = None

    @property
    def join(self) -> joins.Join:
        # Cached: the timer reads it every second. Dropped whenever we write.
        if self._join is None:
            self._join = joins.get(self.join_id)
        return self._join

    def compose(self) -> ComposeResult:
        # No title bar here: at the back of a room every line goes to the timer and notes.
        with Horizontal(id="join-top"):
            yield Digits("00:00", id="join-clock")
            with Vertical(id="join-side"):
                yield Static("", id="join-who", markup=False)
                yield Static("", id="join-left", markup=False)
                yield Static("", id="join-state", markup=False)
        yield Static("", id="join-focus-line", markup=False)
        yield Static("", id="join-criteria", markup=False)
        yield Static("", id="join-last-step", markup=False)
        yield Static("", id="join-tallies", markup=False)
        yield self.notes_table
        with Horizontal(id="join-input-row"):
            yield Static("", id="join-kind", markup=False)
            yield NoteBox(placeholder="type a note, Enter saves it", id="join-note", compact=True,
                          max_length=joins.MAX_NOTE, select_on_focus=False)
        yield Footer()

    def on_mount(self) -> None:
        j = self.join
        teacher = staff.record(j.staff_id)
        self.sub_title = "Joining a lesson"
        who = (teacher.name if teacher else "?") + (f" · {j.group}" if j.group else "") + (
            f" · room {j.room}" if j.room else "")
        if teacher and teacher.archived:
            who += " (archived)"
        self.query_one("#join-who", Static).update(Text(who))
        title, criteria = joins.focus_of(j)
        self.query_one("#join-focus-line", Static).update(Text(f"Focus: {title}"))
        self.query_one("#join-criteria", Static).update(Text("  ✓ " + "\n  ✓ ".join(criteria[:3])) if criteria
                                                        else Text(""))
        self.query_one("#join-criteria", Static).display = bool(criteria)
        step = joins.current_action_step(j.staff_id)
        last = self.query_one("#join-last-step", Static)
        last.update(Text(f"Last action step: {step.text}") if step else Text(""))
        last.display = bool(step)
        text, kind = joins.draft(j.id)
        box = self.query_one("#join-note", Input)
        box.value = text
        self.kind = kind
        self._saved_draft = (text, kind)
        self.refresh_data()
        self.tick()
        self.set_interval(1.0, self.tick)
        self.set_interval(0.5, self._save_draft_if_changed)
        box.focus()
        if joins.is_stale(j):
            self.notify("This join has been running for over 12 hours. Press e to end it at its planned time.",
                        severity="warning", timeout=10)

    # --- display --------------------------------------------------------------

    def tick(self) -> None:
        """Redraw the timer from stored times (never a counter)."""
        j = self.join
        if j is None:  # erased meanwhile: refresh_data closes the screen
            return
        t = self._timing_now(j)
        self.query_one("#join-clock", Digits).update(joins.fmt(t.elapsed))
        left = f"of {joins.fmt(t.planned)} · " + (f"{joins.fmt(t.remaining)} left" if not t.over
                                                   else f"{joins.fmt(-t.remaining)} over")
        self.query_one("#join-left", Static).update(left, layout=False)
        state = "PAUSED (p resumes)" if t.paused else ("TIME UP: carry on or press e" if t.over else "joining")
        self.query_one("#join-state", Static).update(state, layout=False)
        self.set_class(t.over, "-over")
        self.set_class(t.paused, "-paused")

    def _timing_now(self, j: joins.Join) -> joins.Timing:
        # Pause/resume moments change only when we write them: read them once.
        if getattr(self, "_events", None) is None:
            self._events = joins.pause_events(j.id)
        return joins.timing(j, events=self._events)

    def refresh_data(self, follow: bool = True) -> None:
        """Re-read the join. `follow`: select the newest note (after typing one);
        else the selection stays on the note it was on."""
        self._join = None
        self._events = None
        if self.leave_if_gone():
            return
        j = self.join
        self.notes_table.set_rows(joins.notes(j.id), keep=lambda n: n.id)
        if follow:
            self.notes_table.move_to(len(self.notes_table.rows) - 1)
        counts = joins.tallies(j)
        parts = [f"{n} {label}: {len(times)}" for n, (label, times) in enumerate(counts.items(), 1)]
        # One fixed line (no re-layout per press); long label lists are cut at the edge.
        self.query_one("#join-tallies", Static).update(Text("  ".join(parts) if parts else "No tallies set.",
                                                            no_wrap=True, overflow="ellipsis"), layout=False)
        self._show_kind()

    def _show_kind(self) -> None:
        label = "editing" if self.editing else NOTE_LABELS[self.kind]
        self.query_one("#join-kind", Static).update(f"[{label}]", layout=False)

    # --- typing -----------------------------------------------------------------

    def leave_typing(self) -> None:
        if self.editing:
            self.editing = None
            self.query_one("#join-note", Input).value = ""
            self._show_kind()
        self.set_focus(self.notes_table)

    def action_type(self) -> None:
        self.set_focus(self.query_one("#join-note", Input))

    def action_kind(self, kind: str) -> None:
        self.kind = kind
        self._show_kind()
        self._save_draft()

    def _save_draft_if_changed(self) -> None:
        # Every half second, so what is typed is on disk within a second, for
        # a crash. Polled rather than per keystroke, which keeps typing cheap.
        if (self.query_one("#join-note", Input).value, self.kind) != self._saved_draft:
            self._save_draft()

    def _save_draft(self) -> None:
        if not self.editing:
            value = self.query_one("#join-note", Input).value
            joins.save_draft(self.join_id, value, self.kind)
            self._saved_draft = (value, self.kind)

    @on(Input.Submitted, "#join-note")
    @guarded
    def _submit(self, event: Input.Submitted) -> None:
        text = event.value
        kind = self.kind
        if text[:1] in PREFIXES:
            kind, text = PREFIXES[text[0]], text[1:]
        if self.editing:
            joins.edit_note(self.editing, text, kind if kind != self.kind or text != event.value else None)
            self.editing = None
        elif not joins.add_note(self.join, text, kind):
            return
        event.input.value = ""
        self.kind = "observation"
        self._save_draft()
        self.refresh_data()

    # --- keys in the list ---------------------------------------------------------

    @on(RowTable.Selected, "#join-notes")
    def _edit_note(self, event: RowTable.Selected) -> None:
        self.editing = event.row.id
        box = self.query_one("#join-note", Input)
        box.value = event.row.text
        self.kind = event.row.kind
        self._show_kind()
        self.set_focus(box)

    @guarded
    def action_tally(self, n: int) -> None:
        labels = list(joins.tallies(self.join))
        if n > len(labels):
            self.notify(f"No tally {n}: this join counts {len(labels)} things.", severity="warning")
            return
        joins.tally(self.join, labels[n - 1])
        self.refresh_data()

    @guarded
    def action_untally(self) -> None:
        label = joins.untally(self.join)
        self.notify(f"Took back one: {label}" if label else "No tally to take back.", markup=False, timeout=2)
        self.refresh_data()

    @guarded
    def action_pause(self) -> None:
        j = self.join
        joins.resume(j) if joins.timing(j).paused else joins.pause(j)
        self._events = None
        self.tick()

    @guarded
    def action_delete_note(self) -> None:
        note = self.notes_table.current_row
        if note is not None:
            joins.delete_note(note.id)
            self.notify("Note deleted (Ctrl+Z brings it back).", timeout=3)
            self.refresh_data()

    @guarded
    def action_private(self) -> None:
        note = self.notes_table.current_row
        if note is not None:
            new_id = joins.set_private(note.id, not note.private)
            self.refresh_data(follow=False)
            rows = self.notes_table.rows
            self.notes_table.move_to(next((i for i, n in enumerate(rows) if n.id == new_id), self.notes_table.cursor))

    @guarded
    def action_end(self) -> None:
        from coachtui.screens.feedback import FeedbackScreen

        j = self.join
        box = self.query_one("#join-note", Input)
        if box.value.strip() and not self.editing:
            joins.add_note(j, box.value, self.kind)  # a half-typed note is kept, not dropped
        at = joins.planned_end(j) if joins.is_stale(j) else None
        joins.end(j, at=at)
        self._to_feedback(FeedbackScreen)

    # --- when the join itself changes under the screen (undo, redo, sync) ----------

    leaving = False

    def leave_if_gone(self) -> bool:
        """The join was undone (or erased): close, keeping the half-typed note
        as its draft (a redo brings both back). It was ended (a redo of its
        end): go on to its feedback, as `e` does. True when the screen leaves.
        A screen not shown now leaves when it is shown again."""
        j = joins.get(self.join_id)
        if j is not None and not j.deleted and not j.ended_at:
            return False
        if self.leaving or not self.is_active:
            return True
        self.leaving = True
        if j is not None and j.ended_at:
            from coachtui.screens.feedback import FeedbackScreen

            self.notify("The join has ended: here is its feedback.", timeout=4)
            self._to_feedback(FeedbackScreen)
            return True
        if j is None:
            self.notify("That join was erased: nothing more is written to it.", severity="warning", timeout=6)
        else:
            self._save_draft()
            teacher = staff.record(j.staff_id)
            self.notify(f"The join with {teacher.name if teacher else '?'} was undone (Ctrl+R brings it back): "
                        "nothing more is written to it.", severity="warning", timeout=6, markup=False)
        self.dismiss()
        return True

    def on_screen_resume(self) -> None:
        self.leave_if_gone()

    # --- before the app quits --------------------------------------------------------

    def keep_draft(self) -> None:
        """What is typed goes to disk now, not at the next half-second."""
        self._save_draft()

    def has_unsaved(self) -> bool:
        """A correction being typed is not a draft: quitting asks about it."""
        if not self.editing:
            return False
        note = next((n for n in self.notes_table.rows if n.id == self.editing), None)
        return note is None or self.query_one("#join-note", Input).value != note.text

    def unsaved_label(self) -> str:
        return "A correction to a note in the join"

    def _to_feedback(self, feedback_screen) -> None:
        """On to the join's feedback: the one under this screen if there is one
        (its end was undone while it was open: what was typed there stays)."""
        stack = self.app.screen_stack
        below = stack[-2] if len(stack) > 1 and stack[-1] is self else None
        if isinstance(below, feedback_screen) and below.join_id == self.join_id:
            self.dismiss()
        else:
            self.app.switch_screen(feedback_screen(self.join_id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Single-letter keys act only when the note box is not being typed in.
        typing = isinstance(self.focused, Input)
        if typing and action in ("untally", "pause", "end", "delete_note", "private", "type", "tally"):
            return False
        return True
