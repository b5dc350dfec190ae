"""Forms and pick lists most screens need: the base every form is built on, a
form of fields that saves through a service function, and a type-to-narrow
pick list.

The form's `save(values)` does the validation (the service is the one judge):
a UserError or a failed write shows one line in the form and leaves it open,
with nothing changed; success dismisses with whatever `save` returned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from coachtui.base.errors import UserError
from coachtui.base.fuzzy import fuzzy_score, split_query
from coachtui.base.glyphs import glyph
from coachtui.base.text import fold


@dataclass
class Field:
    key: str
    label: str
    kind: str = "input"  # input | area | select
    options: Sequence[tuple[str, str]] = ()  # (label, value) for a select
    suggestions: Sequence[str] = ()  # type-ahead for an input
    placeholder: str = ""
    max_length: int = 0
    height: int = 3  # lines, for an area
    replace: bool = False  # a suggestion likely replaced (a date): selected, so typing replaces it


@dataclass
class FormSpec:
    title: str
    fields: list[Field]
    values: dict[str, Any] = field(default_factory=dict)
    help: str = ""


FIELDS = "Input, TextArea, Select, Checkbox"


def typed_values(screen: Any, selector: str = FIELDS) -> tuple:
    """What the fields of a screen hold now, to compare with what they held."""
    return tuple((w.id, w.text if isinstance(w, TextArea) else w.value) for w in screen.query(selector))


class UnsavedModal(ModalScreen[str | None]):
    """Asked on the way out of a screen with unsaved text: dismisses with
    "save", "discard", or None to keep editing."""

    BINDINGS = [Binding("s", "choose('save')", "Save"), Binding("d", "choose('discard')", "Discard"),
                Binding("escape", "choose('')", "Keep editing")]

    def __init__(self, what: str = "This form has unsaved changes.", save: str = "save and close") -> None:
        super().__init__()
        self.what = what
        self.save = save

    def compose(self) -> ComposeResult:
        yield Static(Text(f"{self.what}\n\n  s    {self.save}\n  d    discard the changes\n  Esc  keep editing"),
                     id="picker")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice or None)


class FormScreen(ModalScreen[Any]):
    """What every form shares: a title, the fields a subclass composes, one
    error line and the buttons. Ctrl+S saves, Esc cancels, Enter in a one-line
    box saves. `submit()` returns what the form dismisses with, or raises
    UserError: the form stays open with that one line, and nothing changed.

    Leaving a form with changed fields (Esc, Cancel, and the app's Ctrl+Q
    through `has_unsaved`) asks first. Fields never select their text on
    focus: a key typed into a field adds to what is there; except a field
    with the class "replace" (a suggested date), whose text typing replaces."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]
    # (action, label, variant) for each button; the button runs the action.
    BUTTONS: Sequence[tuple[str, str, str]] = (("save", "Save (Ctrl+S)", "primary"), ("cancel", "Cancel (Esc)", "default"))
    HINT = ""  # a line under the buttons
    FORM_CLASSES = ""
    FIRST_FIELD = ""  # selector of the field focused on opening (default: the first field)
    ASK_BEFORE_LEAVING = True  # False where the fields hold no one's work (filters, a typed confirmation)
    _opened: tuple | None = None

    def form_title(self) -> str:
        return ""

    def compose_fields(self) -> ComposeResult:
        raise NotImplementedError

    def submit(self) -> Any:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(id="form", classes=self.FORM_CLASSES):
            yield Static(Text(self.form_title()), classes="form-title")
            yield from self.compose_fields()
            yield Static("", id="form-error", markup=False)
            if self.BUTTONS:
                with Horizontal(classes="form-buttons"):
                    for action, label, variant in self.BUTTONS:
                        yield Button(label, variant=variant, id=action)
            if self.HINT:
                yield Static(self.HINT, classes="hint", markup=False)

    def on_mount(self) -> None:
        for box in self.query(Input):
            box.select_on_focus = box.has_class("replace")
            if box.select_on_focus:
                box.select_all()
            else:
                box.cursor_position = len(box.value)  # nothing selected, even if focused already
        self._opened = typed_values(self)
        if self.FIRST_FIELD:
            self.query_one(self.FIRST_FIELD).focus()
            return
        fields = self.query("#form Input, #form Select, #form TextArea, #form Checkbox")
        if fields:
            fields.first().focus()

    def has_unsaved(self) -> bool:
        """Fields changed since the form opened (asked about on the way out)."""
        return self.ASK_BEFORE_LEAVING and self._opened is not None and typed_values(self) != self._opened

    def unsaved_label(self) -> str:
        return self.form_title() or "a form"

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        getattr(self, f"action_{event.button.id or 'cancel'}")()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def show_error(self, message: str) -> None:
        error = self.query_one("#form-error", Static)
        error.update(Text(f"{glyph('error')} {message}"))
        error.add_class("error")

    def action_save(self) -> None:
        try:
            result = self.submit()
        except UserError as exc:
            self.show_error(str(exc))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        if self.has_unsaved():
            self.app.push_screen(UnsavedModal(), self._after_unsaved)
        else:
            self.dismiss(None)

    def _after_unsaved(self, choice: str | None) -> None:
        if choice == "save":
            self.action_save()
        elif choice == "discard":
            self.dismiss(None)


class FormModal(FormScreen):
    """A form of fields from a FormSpec; `save(values)` is the service call.
    Dismisses with what `save` returned, or None when cancelled."""

    HELP = """\
A form

Tab / Shift+Tab move between fields; Ctrl+S saves; Esc cancels and changes
nothing (when something was typed it asks first: s save, d discard, Esc keep
editing; so does Ctrl+Q, from any place). Where a field suggests text (a name, a framework step), Right
accepts the suggestion. Dates are written YYYY-MM-DD.
"""

    def __init__(self, spec: FormSpec, save: Callable[[dict[str, Any]], Any]) -> None:
        super().__init__()
        self.spec = spec
        self.save = save
        if spec.help:
            self.HELP = spec.help

    def form_title(self) -> str:
        return self.spec.title

    def compose_fields(self) -> ComposeResult:
        with VerticalScroll(id="form-fields"):
            for f in self.spec.fields:
                value = self.spec.values.get(f.key)
                yield Label(f.label, classes="form-label")
                if f.kind == "area":
                    area = TextArea(str(value or ""), id=f"f-{f.key}", soft_wrap=True, compact=True,
                                    show_line_numbers=False, tab_behavior="focus")
                    area.styles.height = f.height
                    yield area
                elif f.kind == "select":
                    yield Select([(Text(lbl), val) for lbl, val in f.options], id=f"f-{f.key}", compact=True,
                                 allow_blank=False, value=value if value is not None else f.options[0][1])
                else:
                    yield Input(str(value or ""), id=f"f-{f.key}", compact=True, placeholder=f.placeholder,
                                max_length=f.max_length, classes="replace" if f.replace else "",
                                suggester=SuggestFromList(f.suggestions, case_sensitive=False)
                                if f.suggestions else None)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.spec.fields:
            widget = self.query_one(f"#f-{f.key}")
            out[f.key] = widget.text if isinstance(widget, TextArea) else widget.value
        return out

    def submit(self) -> Any:
        return self.save(self.values())


class PickModal(ModalScreen[Any]):
    """Type to narrow a list, Up/Down, Enter picks; dismisses with the value or None."""

    HELP = """\
Pick from a list

Type a few letters to narrow the list (initials work: "jb" finds Jo Bloggs),
Up/Down to move, Enter to pick, Esc to cancel.
"""
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    LIMIT = 200  # options shown at once: typing narrows the rest

    def __init__(self, title: str, items: Sequence[tuple[str, Any]], empty: str = "Nothing to pick.") -> None:
        super().__init__()
        self.title_text = title
        self.items = list(items)
        self.empty = empty
        self._values: list[Any] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(Text(self.title_text), classes="form-title")
            yield Input(placeholder="type to narrow, Enter picks", id="pick-filter", compact=True)
            yield OptionList(id="picker-list")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#pick-filter", Input).focus()

    def _fill(self, query: str) -> None:
        words = split_query(query)
        matches = []
        for i, (label, value) in enumerate(self.items):
            score = fuzzy_score(words, fold(label)) if words else 0
            if score is not None:
                matches.append((score, i, label, value))
        if words:
            matches.sort(key=lambda m: (m[0], m[1]))  # lower score is better
        shown = matches[: self.LIMIT]
        ol = self.query_one("#picker-list", OptionList)
        ol.clear_options()
        self._values = [m[3] for m in shown]
        ol.add_options([Option(Text(m[2]), id=str(n)) for n, m in enumerate(shown)])
        if len(matches) > len(shown):
            ol.add_option(Option(Text(f"… {len(matches) - len(shown)} more: type to narrow"), disabled=True))
        if not matches:
            ol.add_option(Option(Text(self.empty if not words else "No match."), disabled=True))
        ol.highlighted = 0 if shown else None

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_key(self, event) -> None:
        if event.key in ("down", "up", "pagedown", "pageup"):
            ol = self.query_one("#picker-list", OptionList)
            {"down": ol.action_cursor_down, "up": ol.action_cursor_up,
             "pagedown": ol.action_page_down, "pageup": ol.action_page_up}[event.key]()
            event.stop()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        ol = self.query_one("#picker-list", OptionList)
        if ol.highlighted is not None and ol.highlighted < len(self._values):
            self.dismiss(self._values[ol.highlighted])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(self._values[int(event.option.id)])

    def action_cancel(self) -> None:
        self.dismiss(None)
