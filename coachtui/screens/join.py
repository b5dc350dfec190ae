"""A running lesson join: the timer, the focus, timed notes and tallies.

Built for the back of a classroom: a timer that grows with the terminal, a
silent time-up (a coloured band and the words TIME UP),
every note written the moment Enter is pressed, and the half-typed note saved
as a draft within a second, so a flat battery loses nothing.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from coachtui.base.errors import UserError
from coachtui.base.glyphs import glyph
from coachtui.lessons import joins, waiting
from coachtui.lessons.joins import NOTE_LABELS
from coachtui.roster import staff
from coachtui.screens.common import guarded, polled
from coachtui.widgets.clock import BigClock, block_size
from coachtui.widgets.inputs import FixedInput
from coachtui.widgets.table import Column, RowTable

KIND_KEYS = {"f5": "observation", "f6": "strength", "f7": "next", "f8": "question"}
PREFIXES = {"+": "strength", ">": "next", "?": "question"}
NOTE_COLUMNS = [Column("time", "Time", 6), Column("kind", "Kind", 11), Column("text", "Note", 20, weight=1)]


def tally_lines(counts: list[tuple[str, int]], width: int) -> list[str]:
    """The tallies as "1 label: count", packed into lines of width: none is cut
    off, and a label too long for a line is shortened, never its key or count."""
    lines: list[str] = []
    line = ""
    for n, (label, count) in enumerate(counts, 1):
        head, tail = f"{n} ", f": {count}"
        room = max(1, width - len(head) - len(tail))
        part = head + (label if len(label) <= room else label[:room - 1] + "…") + tail
        if line and len(line) + 2 + len(part) <= width:
            line += "  " + part
        else:
            if line:
                lines.append(line)
            line = part
    return lines + [line] if line else lines


def clock_scale(width: int, height: int, text: str) -> int:
    """How large the timer is drawn: compact (3 lines) on a small terminal so
    the notes keep their room, larger as the terminal grows."""
    for scale, min_height in ((4, 40), (3, 32), (2, 24)):
        if height >= min_height and block_size(text, scale).width + 30 <= width:
            return scale
    return 1


def note_cells(note) -> list[str]:
    # The mark leads the text column, the one never cut short, and is a word
    # as well as a sign: it must read at any width, in both themes and with NO_COLOR.
    text = f"{glyph('private')}PRIVATE · {note.text}" if note.private else note.text
    if getattr(note, "waiting", False):  # typed while the database was busy: kept, landing soon
        text = f"NOT SAVED YET · {note.text}" if note.problem else f"saving… · {note.text}"
    return [joins.fmt(note.elapsed), NOTE_LABELS.get(note.kind, note.kind), text]


class NoteBox(FixedInput):
    """The note being typed. Esc leaves it for the notes list (tally keys work there).

    Its keys act in the order they were typed, even when they arrive faster
    than the screen keeps up (a busy moment, a fast typist, a paste): Enter,
    F5-F8, Ctrl+Z and the editing keys are handled here in the key handler.
    As bindings they would run only once the key had bubbled up to the app,
    after the keys typed behind them had already gone into the box (Enter
    would then save the next note's text too, once per Enter).

    Ctrl+Z here undoes typing in the box (a word at a time); in an empty box,
    with nothing typed since the last note, it takes back the last change."""

    BINDINGS = [Binding("escape", "leave", "Tally/keys", show=True)]
    UNDOES_TYPING = True  # the app's Ctrl+Z (undo the last change) leaves this box be
    UNDO_DEPTH = 100

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._undo: list[tuple[str, int]] = []
        self._last_edit = ""
        self._typed = False

    def action_leave(self) -> None:
        self.screen.leave_typing()

    def set_text(self, text: str) -> None:
        """Put text in the box from outside (a draft, a note to correct): a fresh start for Ctrl+Z."""
        self.value = text
        self.cursor_position = len(text)
        self._undo.clear()
        self._last_edit = ""
        self._typed = False  # typed into since the box was set: Ctrl+Z undoes that first

    def _remember(self, edit: str) -> None:
        """Keep what the box held before an edit, once per word typed or per run of deletes."""
        self._typed = True
        starts_word = edit == "type" and self.value[self.cursor_position - 1:self.cursor_position] == " "
        if edit != self._last_edit or starts_word or edit == "paste":
            if not self._undo or self._undo[-1][0] != self.value:
                self._undo.append((self.value, self.cursor_position))
                del self._undo[:-self.UNDO_DEPTH]
        self._last_edit = edit

    def action_undo_typing(self) -> None:
        if not self._undo and not self.value and not self._typed:
            self.app.action_undo()  # nothing typed since the last note: Ctrl+Z takes back the last change
            return
        if not self._undo:
            self.screen.notify("Nothing more to undo in the note box: Ctrl+Z again takes back the last change.")
            self._typed = False
            return
        value, cursor = self._undo.pop()
        self.value = value
        self.cursor_position = cursor
        self._last_edit = ""

    def submit_now(self) -> None:
        """Enter: the text leaves the box at once and becomes one note; if it
        cannot be saved or kept, it comes back, with the message saying why."""
        text, cursor = self.value, self.cursor_position
        self.set_text("")
        if not self.screen.take_note(text):
            self.value = text
            self.cursor_position = cursor

    async def _on_key(self, event: events.Key) -> None:
        key = event.key
        if key == "enter":
            event.stop()
            event.prevent_default()
            self.submit_now()
            return
        if key in KIND_KEYS:
            event.stop()
            event.prevent_default()
            self.screen.action_kind(KIND_KEYS[key])
            return
        if key == "ctrl+z":
            event.stop()
            event.prevent_default()
            self.action_undo_typing()
            return
        if event.is_printable:
            if not self.value:
                self.screen.typing_began()
            self._remember("type")
            await super()._on_key(event)
            return
        bindings = self._bindings.key_to_bindings.get(key)
        if bindings and key != "escape":
            action = bindings[0].action
            if action.startswith("delete") or action == "cut":
                self._remember("delete")
            event.stop()
            event.prevent_default()
            await self.run_action(action)
            return
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        """A paste keeps every line: each line break acts as Enter (one note per
        line); what follows the last one stays in the box. Correcting a note,
        the lines are joined with spaces (a correction is one note)."""
        event.stop()
        event.prevent_default()  # Input's own handler would paste the first line again
        if not event.text:
            return
        lines = event.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if not self.value:
            self.screen.typing_began()
        self._remember("paste")
        if self.screen.editing:
            lines = [" ".join(line.strip() for line in lines if line.strip())]
        for n, line in enumerate(lines):
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(line)
            else:
                self.replace(line, *selection)
            if n < len(lines) - 1:
                before = self.value
                self.submit_now()
                if self.value == before and before.strip():  # not taken: keep the rest in the box too
                    rest = " ".join(x for x in lines[n + 1:] if x.strip())
                    self.insert_text_at_cursor((" " if rest else "") + rest)
                    return


class JoinScreen(Screen):
    HELP = """\
Joining a lesson

Typing: write a note and press Enter; it is stamped with the time into the
join. Start it with + for a strength, > for a next step, ? for a question,
or choose the kind with F5 observation, F6 strength, F7 next step,
F8 question. Esc leaves the note box for the keys below.
Pasting: each line break in the pasted text acts as Enter, so three pasted
lines make three notes (a line may start with + > or ?); text after the last
line break stays in the box. Ctrl+Z in the box undoes typing there; in an
empty box it takes back the last change (the last note, or the start).
A key pressed quickly after Esc (a terminal sends the two as Alt+key)
counts as Esc, then that key.
Messages show on the line above the note box, never over the notes.
When another program (another coachtui, an import) is writing to the
database, notes show "saving…" and are saved, in order, as soon as it is
free; they are kept on disk meanwhile. Text that cannot be saved at all
(a full disk) stays in the box and the message says why.

Keys (after Esc):
  1-9     count a tally (the line above the notes shows them)
  u       undo the last tally press
  p       pause / resume (stepping out of the room)
  Enter   correct the selected note     d   delete it
  v       make the selected note private to you (never shared or synced)
  i or /  back to typing
  e       end the join and go to feedback
In the last two minutes (the last fifth of a join under 10 minutes) the top
band turns amber (NEARLY UP); at time-up it turns red and says TIME UP: no
sound. You may carry on past it. F2 waits until the join has ended.
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
        self._saved_draft: tuple[str, str] | None = ("", "observation")
        self._join: joins.Join | None = None
        self._has_waiting = False  # notes or tallies kept until the database takes them
        self._ending = False  # e was pressed: end once what waits has landed
        self._end_at: int | None = None
        self._said: str | None = None
        self._began: int | None = None  # when the note in the box was begun: its time
        self._pending_say: tuple | None = None
        self._say_timer = None

    @property
    def join(self) -> joins.Join:
        # Cached: the timer reads it every second. Dropped whenever we write.
        if self._join is None:
            self._join = joins.get(self.join_id)
        return self._join

    def compose(self) -> ComposeResult:
        # No title bar here: at the back of a room every line goes to the timer and notes.
        with Horizontal(id="join-top"):
            yield BigClock("00:00", id="join-clock")
            with Vertical(id="join-side"):
                yield Static("", id="join-who", markup=False)
                yield Static("", id="join-left", markup=False)
                yield Static("", id="join-state", markup=False)
        yield Static("", id="join-focus-line", markup=False)
        yield Static("", id="join-criteria", markup=False)
        yield Static("", id="join-last-step", markup=False)
        yield Static("", id="join-tallies", markup=False)
        yield self.notes_table
        yield Static("", id="join-note-whole", markup=False)
        yield Static("", id="join-say", markup=False)
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
        # A neutral bullet: a tick would read as "met" before anything is seen.
        self.query_one("#join-criteria", Static).update(
            Text("\n".join(f"  {glyph('bullet')} {c}" for c in criteria[:3]), no_wrap=True, overflow="ellipsis"))
        self.query_one("#join-criteria", Static).display = bool(criteria)
        step = joins.current_action_step(j.staff_id)
        last = self.query_one("#join-last-step", Static)
        last.update(Text(f"Last action step: {step.text}", no_wrap=True, overflow="ellipsis") if step else Text(""))
        last.display = bool(step)
        text, kind = waiting.draft(j.id)
        box = self.query_one("#join-note", NoteBox)
        box.set_text(text)
        self.kind = kind
        self._began = waiting.draft_started(j.id) if text else None
        self._saved_draft = (text, kind)
        self._has_waiting = bool(waiting.waiting(j.id))
        self.refresh_data()
        self.tick()
        self._shown = True
        self.set_interval(1.0, self.tick)
        self.set_interval(0.5, self._keep_typing_safe)
        # At once, not box.focus() (later): keys typed as the screen opens go into the box.
        self.set_focus(box)
        release = getattr(self.app, "release_keys", None)
        if release:
            release()
        if self._pending_say:
            self.notify(*self._pending_say)
        if joins.is_stale(j):
            self.notify("This join has been running for over 12 hours. Press e to end it at its planned time.",
                        severity="warning", timeout=10)

    # --- display --------------------------------------------------------------

    def notify(self, message: str, *, title: str = "", severity: str = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Messages in a join go to one line above the note box, never a toast
        over the notes; each stays a few seconds (errors longer)."""
        if not self._shown:  # before the screen is up: said once it is
            self._pending_say = (message,)
            return
        line = self.query_one("#join-say", Static)
        line.update(Text(" ".join(str(message).split())))  # wrapped, never cut: a message is read whole
        line.set_class(severity == "error", "-error")
        line.set_class(severity == "warning", "-warning")
        line.display = True
        if self._say_timer is not None:
            self._say_timer.stop()
        self._say_timer = self.set_timer(timeout or (8 if severity == "error" else 5), self._unsay)

    def _unsay(self) -> None:
        self.query_one("#join-say", Static).display = False
        self._said = None

    def on_row_table_highlighted(self, event: RowTable.Highlighted) -> None:
        self._show_whole(event.row)

    def _show_whole(self, note) -> None:
        """The selected note whole, wrapped, under the list, when the list cuts it short."""
        whole = self.query_one("#join-note-whole", Static)
        room = dict(self.notes_table._widths).get(2, 0) or max(10, self.app.size.width - 22)
        text = note_cells(note)[2] if note is not None else ""
        cut = len(text) > room
        if cut:
            whole.update(Text(text))
        whole.display = cut

    def place_refused(self) -> None:
        """F2 (or Go to: Staff roster) while the join runs: the roster is under it."""
        self.notify("In a join: e ends it, p pauses; F2 (the roster) works once it has ended.",
                    severity="warning")

    @polled
    def tick(self) -> None:
        """Redraw the timer from stored times (never a counter)."""
        j = self.join
        if j is None:  # erased meanwhile: refresh_data closes the screen
            return
        t = self._timing_now(j)
        clock = self.query_one("#join-clock", BigClock)
        clock.update(joins.fmt(t.elapsed))
        self._fit_clock()
        left = f"of {joins.fmt(t.planned)} · " + (f"{joins.fmt(t.remaining)} left" if not t.over
                                                   else f"{joins.fmt(-t.remaining)} over")
        self.query_one("#join-left", Static).update(left, layout=False)
        # In words as well as colour: a colour alone is lost in a bright room or to colour blindness.
        if t.paused:
            state = "PAUSED (p resumes)"
        elif t.over:
            state = "TIME UP: carry on or press e"
        elif t.nearly_up:
            state = f"NEARLY UP: {joins.fmt(t.remaining)} left"
        else:
            state = "joining"
        self.query_one("#join-state", Static).update(state, layout=False)
        self.set_class(t.over and not t.paused, "-over")
        self.set_class(t.nearly_up and not t.paused, "-soon")
        self.set_class(t.paused, "-paused")

    def _fit_clock(self) -> None:
        clock = self.query_one("#join-clock", BigClock)
        clock.scale = clock_scale(self.app.size.width, self.app.size.height, clock.value)

    def on_resize(self) -> None:
        if self._shown:  # a resize may come before on_mount has filled the screen
            self._fit_clock()
            self._show_tallies()

    _shown = False

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
        self.notes_table.set_rows(waiting.notes(j) if self._has_waiting else joins.notes(j.id), keep=lambda n: n.id)
        if follow:
            self.notes_table.move_to(len(self.notes_table.rows) - 1)
        self._show_whole(self.notes_table.current_row)
        counts = waiting.tallies(j) if self._has_waiting else joins.tallies(j)
        self._counts = [(label, len(times)) for label, times in counts.items()]
        self._show_tallies()
        self._show_kind()

    _counts: list[tuple[str, int]] = []

    def _show_tallies(self) -> None:
        """Every tally and its count, on as many lines as the width needs (a
        re-layout only when that number of lines changes, not per press)."""
        box = self.query_one("#join-tallies", Static)
        lines = tally_lines(self._counts, max(10, self.app.size.width - 2)) or ["No tallies set."]
        grew = len(lines) != getattr(self, "_tally_rows", 0)
        self._tally_rows = len(lines)
        box.update(Text("\n".join(lines), no_wrap=True), layout=grew)

    def _show_kind(self) -> None:
        label = "editing" if self.editing else NOTE_LABELS[self.kind]
        self.query_one("#join-kind", Static).update(f"[{label}]", layout=False)

    # --- typing -----------------------------------------------------------------

    def leave_typing(self) -> None:
        if self.editing:
            self.editing = None
            self.query_one("#join-note", NoteBox).set_text("")
            self._show_kind()
        self.set_focus(self.notes_table)

    def typing_began(self) -> None:
        """The first key of a note (not of a correction): the note is stamped with this moment."""
        if not self.editing:
            self._began = joins.now_ms()

    def action_type(self) -> None:
        self.set_focus(self.query_one("#join-note", Input))

    def action_kind(self, kind: str) -> None:
        self.kind = kind
        self._show_kind()
        self._keep_typing_safe()

    def _say(self, text: str, severity: str = "warning") -> None:
        """One message per new one (the timer would repeat it every half second)."""
        if text != self._said:
            self._said = text
            self.notify(text, severity=severity, timeout=30, markup=False)

    @polled
    def _keep_typing_safe(self) -> None:
        """Every half second: land what waits for the database, and keep the
        half-typed note on disk (within a second, for a crash). Polled rather
        than per keystroke, which keeps typing cheap. Never waits more than a
        moment for the database, never crashes on it."""
        busy = False
        if self._has_waiting:
            landing = waiting.land(self.join_id)
            busy = landing.busy
            self._has_waiting = landing.left > 0
            if landing.landed or landing.problem:
                self.refresh_data(follow=False)
            if landing.problem:
                self._say(f"{landing.problem} Your notes are kept and shown; they are saved once it is fixed.",
                          "error")
            elif not self._has_waiting:
                self._said = None
        value = self.query_one("#join-note", Input).value
        if not self.editing and (value, self.kind) != self._saved_draft:
            waiting.save_draft(self.join_id, value, self.kind, busy=busy, started=self._began)
            self._saved_draft = (value, self.kind)
        if self._ending:
            # From the app's queue, as the e key runs: switched to from this
            # screen's own timer, the feedback screen may mount while this
            # one closes and miss part of itself.
            self.app.call_later(self._try_end_guarded)

    @polled
    def _try_end_guarded(self) -> None:
        if self._ending:
            self._try_end()

    def take_note(self, raw: str) -> bool:
        """Enter in the note box, whose text has just left it. True when the
        note is saved or kept (it shows in the list); False puts the text
        back (nothing to save, or it could not be kept: the message says why)."""
        kind, text = self.kind, raw
        if text[:1] in PREFIXES:
            kind, text = PREFIXES[text[0]], text[1:]
        try:
            if self.editing:
                with waiting.briefly():
                    joins.edit_note(self.editing, text, kind if kind != self.kind or text != raw else None)
                self.editing = None
                self._saved_draft = None  # the box was holding the note, not a draft: store the empty one
            else:
                outcome = waiting.note(self.join, text, kind, started=self._began)
                if outcome is None:
                    return False
                self._began = None
                if outcome == "waiting":
                    self._has_waiting = True
                self._saved_draft = ("", "observation")  # the note's write emptied the stored draft
        except UserError as exc:
            self.notify(f"{exc} The text is still in the box.", severity="error", timeout=8, markup=False)
            return False
        self.kind = "observation"
        self.refresh_data()
        return True

    # --- keys in the list ---------------------------------------------------------

    def _still_saving(self, note) -> bool:
        if getattr(note, "waiting", False):
            self.notify("That note is still being saved: try again in a moment.", timeout=3)
            return True
        return False

    @on(RowTable.Selected, "#join-notes")
    def _edit_note(self, event: RowTable.Selected) -> None:
        if self._still_saving(event.row):
            return
        self.editing = event.row.id
        box = self.query_one("#join-note", NoteBox)
        box.set_text(event.row.text)
        self.kind = event.row.kind
        self._show_kind()
        self.set_focus(box)

    @guarded
    def action_tally(self, n: int) -> None:
        labels = list(joins.tallies(self.join))
        if n > len(labels):
            self.notify(f"No tally {n}: this join counts {len(labels)} things.", severity="warning")
            return
        if waiting.tally(self.join, labels[n - 1]) == "waiting":
            self._has_waiting = True
        self.refresh_data()

    @guarded
    def action_untally(self) -> None:
        label = waiting.untally(self.join)
        self.notify(f"Took back one: {label}" if label else "No tally to take back.", markup=False, timeout=2)
        self.refresh_data()

    @guarded
    def action_pause(self) -> None:
        j = self.join
        with waiting.briefly():
            joins.resume(j) if joins.timing(j).paused else joins.pause(j)
        self._events = None
        self.tick()

    @guarded
    def action_delete_note(self) -> None:
        note = self.notes_table.current_row
        if note is not None and not self._still_saving(note):
            with waiting.briefly():
                joins.delete_note(note.id)
            self.notify("Note deleted (Ctrl+Z brings it back).", timeout=3)
            self.refresh_data()

    @guarded
    def action_private(self) -> None:
        note = self.notes_table.current_row
        if note is not None and not self._still_saving(note):
            with waiting.briefly():
                new_id = joins.set_private(note.id, not note.private)
            self.refresh_data(follow=False)
            rows = self.notes_table.rows
            self.notes_table.move_to(next((i for i, n in enumerate(rows) if n.id == new_id), self.notes_table.cursor))

    @guarded
    def action_end(self) -> None:
        box = self.query_one("#join-note", NoteBox)
        if box.value.strip() and not self.editing:
            box.submit_now()  # a half-typed note is kept, not dropped, its + > ? read as on Enter
            if box.value:
                return  # it could not be saved: the message says why, and the join goes on
        self._ending = True
        self._end_at = joins.now_ms()
        self._try_end()

    def _try_end(self) -> None:
        """End the join, once every note typed in it is in the database (the
        feedback starts from them). The timer calls again while it waits."""
        from coachtui.screens.feedback import FeedbackScreen

        if self._has_waiting:
            self._say("Saving the notes typed while the database was busy: the join ends once they are in.")
            return
        j = self.join
        at = joins.planned_end(j) if joins.is_stale(j) else self._end_at
        try:
            with waiting.briefly():
                joins.end(j, at=at)
        except waiting.Busy:
            self._say("Another program is writing to the database: the join ends as soon as it is free.")
            return
        except UserError:
            self._ending = False  # a full disk: say so (the caller does), and let the coach carry on
            raise
        self._ending = False
        waiting.forget_draft(self.join_id)
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

            self.app.notify("The join has ended: here is its feedback.", timeout=4)
            self._to_feedback(FeedbackScreen)
            return True
        if j is None:
            self.app.notify("That join was erased: nothing more is written to it.", severity="warning", timeout=6)
        else:
            self._save_draft()
            teacher = staff.record(j.staff_id)
            self.app.notify(f"The join with {teacher.name if teacher else '?'} was undone (Ctrl+R brings it back): "
                        "nothing more is written to it.", severity="warning", timeout=6, markup=False)
        self.dismiss()
        return True

    def on_screen_resume(self) -> None:
        self.leave_if_gone()

    # --- before the app quits --------------------------------------------------------

    def _save_draft(self) -> None:
        """The half-typed note to disk now, whatever the half-second timer last
        wrote (it comes back with the join)."""
        value = self.query_one("#join-note", Input).value
        if not self.editing:
            waiting.save_draft(self.join_id, value, self.kind, started=self._began)
            self._saved_draft = (value, self.kind)

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
