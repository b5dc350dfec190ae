"""Before joining a lesson: the agreed focus (pre-filled), class, room, length."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from coachtui.base.errors import UserError
from coachtui.base.fuzzy import fuzzy_score, split_query
from coachtui.base.glyphs import glyph
from coachtui.base.text import fold
from coachtui.lessons import joins, waiting
from coachtui.roster import staff
from coachtui.teaching import framework
from coachtui.widgets.form import UnsavedModal, typed_values
from coachtui.widgets.inputs import NumberInput


class Suggestions(OptionList, can_focus=False):
    """The framework steps matching the focus box: driven from the box (Up/Down,
    Enter or Tab chooses), so Tab goes on to Class, never into the list."""


class JoinSetup(ModalScreen[str | None]):
    """Dismisses with the new join's id, or None."""

    HELP = """\
Join a lesson

The agreed focus is filled in from the teacher's current action step or
first development area. Type to find another step of the framework: Up/Down
highlight a suggestion and Enter or Tab chooses it; with none highlighted,
what you typed is your own focus. Class, room and length are optional; the
length (1 to 240 minutes) comes from the settings (20 unless changed). Tallies are
what you will count, separated by commas (up to 9; keys 1-9 in the join).
Ctrl+S or Enter in the last box starts the join: you can type your first
note straight away. If another program is writing to the database (an
import), the join starts as soon as it is free. Esc cancels (what you
typed here is asked about first).
"""
    # Enter and Tab too act at once (priority), in the order typed: as plain
    # bindings they would run after the keys typed behind them went into the box.
    BINDINGS = [Binding("ctrl+s", "start", "Start join", priority=True), Binding("escape", "cancel", "Cancel"),
                Binding("enter", "enter", "Next", show=False, priority=True),
                Binding("tab", "tab", "Next field", show=False, priority=True),
                Binding("shift+tab", "back_tab", "Previous field", show=False, priority=True)]

    def __init__(self, staff_id: str) -> None:
        super().__init__()
        self.staff_id = staff_id
        self.teacher = staff.record(staff_id)
        self.item_id, self.focus_title = joins.suggested_focus(staff_id)
        self.steps = framework.steps()

    def compose(self) -> ComposeResult:
        minutes = getattr(self.app, "config", None).join_minutes if hasattr(self.app, "config") else 20
        with Vertical(id="form"):
            yield Static(Text(f"Join a lesson: {self.teacher.name}"), classes="form-title")
            yield Label("", id="join-focus-label")
            yield Input(self.focus_title, id="join-focus", compact=True, select_on_focus=False, max_length=500)
            yield Suggestions(id="join-steps")
            with Grid(classes="form-grid"):
                yield Label("Class", id="label-join-group")
                yield Input("", id="join-group", compact=True, max_length=100, placeholder="e.g. 9X2")
                yield Label("Room", id="label-join-room")
                yield Input("", id="join-room", compact=True, max_length=100)
                yield Label("Minutes", id="label-join-minutes")
                yield NumberInput(str(minutes), id="join-minutes", compact=True, max_length=10)
                yield Label("Tallies", id="label-join-tallies")
                yield Input(", ".join(joins.tally_labels_for(self.item_id)), id="join-tallies", compact=True,
                            max_length=400)
            yield Static("", id="form-error", markup=False)
            yield Static("Ctrl+S start · Esc cancel · F1 help", id="join-now", classes="hint")

    def on_mount(self) -> None:
        self._fill(initial=True)
        self._tallies_of = self.item_id
        self._opened = typed_values(self, "Input")
        self.query_one("#join-focus", Input).focus()
        self._show_chosen()

    # Where the keys go, in sight: Enter moves on, and a coach must see to where.
    NAMES = {"join-focus": "the focus", "join-group": "Class", "join-room": "Room", "join-minutes": "Minutes",
             "join-tallies": "Tallies"}

    def on_descendant_focus(self, event) -> None:
        fid = getattr(event.widget, "id", None)
        for label in self.query(".form-grid Label"):
            label.set_class(label.id == f"label-{fid}", "-current")
        if fid not in self.NAMES:
            return
        order = list(self.NAMES)
        after = "starts the join" if fid == "join-tallies" else f"on to {self.NAMES[order[order.index(fid) + 1]]}"
        self.query_one("#join-now", Static).update(
            Text(f"Typing in: {self.NAMES[fid]} · Enter {after} · Ctrl+S start · Esc cancel",
                 no_wrap=True, overflow="ellipsis"))

    def _show_chosen(self) -> None:
        """The label above the focus box says whether a framework step is chosen, and which."""
        item = framework.get(self.item_id) if self.item_id else None
        label = (f"Agreed focus: {item.code} chosen {glyph('ok')} (type to find another)" if item
                 else "Agreed focus (type to find a framework step, or write your own)")
        self.query_one("#join-focus-label", Label).update(Text(label, no_wrap=True, overflow="ellipsis"))

    def has_unsaved(self) -> bool:
        """Typed or chosen since it opened (asked about on Esc and on Ctrl+Q)."""
        return self.is_mounted and typed_values(self, "Input") != self._opened

    def unsaved_label(self) -> str:
        return f"Join a lesson: {self.teacher.name}"

    _filled_for: str | None = None

    def _fresh(self) -> None:
        """Keys typed fast (a burst, Down and Enter straight after the letters)
        reach here before the box's Changed message: the list must match the box first."""
        if self._filled_for is not None and self.query_one("#join-focus", Input).value != self._filled_for:
            self._changed(self.query_one("#join-focus", Input).value)

    def _fill(self, initial: bool = False) -> None:
        text = self.query_one("#join-focus", Input).value
        self._filled_for = text
        words = [] if initial else split_query(text)
        scored = []
        for n, s in enumerate(self.steps):
            score = fuzzy_score(words, fold(f"{s.code} {s.title}")) if words else 0
            if score is not None:
                scored.append((score, n, s))
        scored.sort(key=lambda x: (x[0], x[1]))
        ol = self.query_one("#join-steps", OptionList)
        ol.clear_options()
        ol.add_options([Option(Text(f"{s.code} {s.title}"), id=s.id) for _, _, s in scored[:50]])
        ids = [s.id for _, _, s in scored[:50]]
        # Highlighted only when it is the focus chosen, or when Up/Down pick one:
        # Enter must never take a suggestion the coach did not pick.
        ol.highlighted = ids.index(self.item_id) if self.item_id in ids else None

    def on_input_changed(self, event: Input.Changed) -> None:
        # The box as it is now, not as it was for this (maybe late) message: a
        # burst of keys has moved on, and the list already follows it.
        if event.input.id == "join-focus" and event.input.value != self._filled_for:
            self._changed(event.input.value)

    def _changed(self, value: str) -> None:
        if value == self.focus_title and not getattr(self, "_edited", False):
            return  # the pre-filled focus: keep the whole list on show
        self._edited = True
        # Typed text is a focus of its own until a step is chosen from the list.
        chosen = framework.get(self.item_id) if self.item_id else None
        if chosen is None or value != chosen.title:
            self.item_id = None
        self._fill()
        self._show_chosen()

    def on_key(self, event) -> None:
        if self.focused is not self.query_one("#join-focus", Input):
            return
        ol = self.query_one("#join-steps", OptionList)
        if event.key in ("up", "down"):
            self._fresh()
            if ol.highlighted is None and ol.option_count:
                ol.highlighted = 0 if event.key == "down" else ol.option_count - 1
            else:
                ol.action_cursor_down() if event.key == "down" else ol.action_cursor_up()
            event.stop()

    def _highlighted_step(self, ol: OptionList) -> str | None:
        """The suggestion Enter or Tab would choose: the one highlighted, if
        it is not already the chosen focus."""
        if ol.highlighted is None:
            return None
        option_id = ol.get_option_at_index(ol.highlighted).id
        return None if option_id == self.item_id else option_id

    def _choose(self, option_id: str) -> None:
        item = framework.get(option_id)
        tallies = self.query_one("#join-tallies", Input)
        untouched = tallies.value == ", ".join(joins.tally_labels_for(self.item_id or self._tallies_of))
        self.item_id = item.id
        self.query_one("#join-focus", Input).value = item.title
        self.item_id = item.id  # the Changed event above must not clear it
        if untouched:  # tallies typed by hand stay
            tallies.value = ", ".join(joins.tally_labels_for(item.id))
        self._tallies_of = item.id
        self._show_chosen()
        self.set_focus(self.query_one("#join-group", Input))  # at once: keys typed next go there

    _tallies_of: str | None = None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _in_order(self, then) -> None:
        """Run `then` once the keys typed before this one have been through the
        focused box and this screen (Enter and Tab act at once, as priority
        keys, ahead of letters and Down still queued for the box); keys typed
        after it wait meanwhile, then go where the focus is by then."""
        focused = self.focused
        hold = getattr(self.app, "hold_keys", None)
        if focused is None or hold is None:
            then()
            return
        hold()

        def done() -> None:
            try:
                then()
            finally:
                self.app.release_keys()

        # Through each queue a key bubbles through (the box, its containers,
        # this screen), so it comes after every message those keys made.
        path = [focused, *(n for n in focused.ancestors if n is not self.app)]
        path = path[:path.index(self) + 1] if self in path else [focused, self]

        def step(n: int) -> None:
            if n == len(path):
                done()
            else:
                path[n].call_later(step, n + 1)

        step(0)

    def action_tab(self) -> None:
        if self.focused is self.query_one("#join-focus", Input):
            self._in_order(self._tab_now)
        else:
            self.focus_next()

    def _tab_now(self) -> None:
        self._fresh()
        step = self._highlighted_step(self.query_one("#join-steps", OptionList))
        if self.focused is self.query_one("#join-focus", Input) and step is not None:
            self._choose(step)  # Tab on a highlighted suggestion takes it, as Enter does
        else:
            self.focus_next()

    def action_back_tab(self) -> None:
        self.focus_previous()

    def action_enter(self) -> None:
        focused = self.focused
        if isinstance(focused, OptionList):
            if focused.highlighted is not None:
                self._choose(focused.get_option_at_index(focused.highlighted).id)
            return
        if not isinstance(focused, Input):
            return
        if focused.id == "join-focus":
            self._in_order(self._enter_in_focus)
        elif focused.id == "join-tallies":
            self.action_start()
        else:
            self.focus_next()

    def _enter_in_focus(self) -> None:
        self._fresh()
        # A highlighted suggestion is chosen; with none, the typed text is the focus.
        step = self._highlighted_step(self.query_one("#join-steps", OptionList))
        if step is not None:
            self._choose(step)
        else:
            self.set_focus(self.query_one("#join-group", Input))  # at once: keys typed next go there

    def action_start(self) -> None:
        if self._started:
            return  # a retry already queued when the join started
        error = self.query_one("#form-error", Static)
        tallies = [t.strip() for t in self.query_one("#join-tallies", Input).value.split(",") if t.strip()]
        focus_text = self.query_one("#join-focus", Input).value
        item = framework.get(self.item_id) if self.item_id else None
        try:
            minutes = self.query_one("#join-minutes", NumberInput).number("the length in minutes", 1,
                                                                          joins.MAX_MINUTES)
            # Waits only a moment for the database: a busy one (an import) is
            # tried again below, the screen alive meanwhile.
            with waiting.briefly():
                jid = joins.start(
                    self.staff_id,
                    focus_item_id=self.item_id,
                    focus_text="" if item and focus_text == item.title else focus_text,
                    group=self.query_one("#join-group", Input).value,
                    room=self.query_one("#join-room", Input).value,
                    minutes=minutes,
                    coach_id=self.teacher.coach_id,
                    tallies=tallies,
                )
        except waiting.Busy:
            error.update(Text("Another program is writing to the database (an import?): the join starts as soon "
                              "as it is free. Esc cancels."))
            error.remove_class("error")
            if self._retry is None:
                self._retry = self.set_interval(0.3, self._start_again)
            return
        except UserError as exc:
            self._stop_retrying()
            error.update(Text(f"{glyph('error')} {exc}"))
            error.add_class("error")
            return
        self._stop_retrying()
        self._started = True
        hold = getattr(self.app, "hold_keys", None)
        if hold:
            hold()  # what is typed next goes into the join's note box
        self.dismiss(jid)

    _retry = None
    _started = False

    def _start_again(self) -> None:
        # From the app's queue, as Ctrl+S runs: started from this screen's own
        # timer or queue, the join screen is mounted while this one closes,
        # and part of it may never mount (seen in tests: on_mount without its widgets).
        if self.is_current:
            self.app.call_later(self.action_start)

    def _stop_retrying(self) -> None:
        if self._retry is not None:
            self._retry.stop()
            self._retry = None

    def action_cancel(self) -> None:
        if self.has_unsaved():
            self.app.push_screen(UnsavedModal("This join is not started yet.", save="start it"),
                                 self._after_unsaved)
        else:
            self.dismiss(None)

    def _after_unsaved(self, choice: str | None) -> None:
        if choice == "save":
            self.action_start()
        elif choice == "discard":
            self.dismiss(None)
