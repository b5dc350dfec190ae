"""Input boxes: one of fixed size (cheap to type into), the find box that
sits above a RowTable and hands over to it, a whole-number box, and a
checkbox whose look says its state."""

from __future__ import annotations

import re
from collections.abc import Callable

from textual import events
from textual.content import Content
from textual.widgets import Checkbox, Input

from coachtui.base.errors import UserError
from coachtui.base.glyphs import glyph
from coachtui.widgets.table import RowTable


class FixedInput(Input):
    """An Input whose size never depends on its text (it sits in a fixed-width
    slot). Input asks for a full-screen re-layout on every keystroke, for the
    sake of auto-sized inputs; on a busy screen that is most of a keystroke's
    cost, and for a fixed-size input it changes nothing, so skip it."""

    def refresh(self, *regions, repaint: bool = True, layout: bool = False, recompose: bool = False):
        return super().refresh(*regions, repaint=repaint, layout=False, recompose=recompose)


class FindBox(FixedInput):
    """A filter box above a RowTable. Enter or Down hands over to the table at
    once, in the key handler itself (a binding would run only after the key
    bubbles to the app, by which time the next keys are already queued here)."""

    def __init__(self, table: RowTable, on_change: Callable[[str], None] | None = None, **kwargs) -> None:
        super().__init__(compact=True, select_on_focus=False, **kwargs)
        self.table = table
        self.on_change = on_change

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        # Filter now, inside the key's own handling, so the box and the table
        # are repainted together: waiting for Input.Changed lands the table in
        # the screen's next update tick, up to two frames (~30 ms) later.
        if self.on_change is not None and self.is_mounted:
            self.on_change(value)

    def action_to_table(self) -> None:
        self.screen.set_focus(self.table)

    async def _on_key(self, event: events.Key) -> None:
        # Keys typed fast after Enter were queued here before focus moved:
        # send them back through the app so they reach the table's bindings.
        if self.screen.focused is not self:
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))
            return
        if event.key in ("enter", "down"):
            event.stop()
            event.prevent_default()
            self.action_to_table()
            return
        await super()._on_key(event)


class NumberInput(FixedInput):
    """A box for a whole number. It takes any text (a number box that silently
    drops letters turns "Scroll note number 4" into 4); `number()` then accepts
    only plain digits in range, else a one-line UserError."""

    def number(self, what: str, low: int, high: int) -> int:
        return whole_number(self.value, what, low, high)


def whole_number(text: str, what: str, low: int, high: int) -> int:
    raw = text.strip()
    if not re.fullmatch(r"[0-9]{1,6}", raw) or not low <= int(raw) <= high:
        raise UserError(f"{what} must be a whole number from {low} to {high}")
    return int(raw)


class Tick(Checkbox):
    """A checkbox whose look says its state: "[✓]" ticked, "[ ]" not (the
    stock one shows an X in both, told apart by colour only). Given
    `off_label`, the words change too, with their own `marks`."""

    def __init__(self, label: str, value: bool = False, *, off_label: str | None = None,
                 marks: tuple[str, str] | None = None, **kwargs) -> None:
        self._on_label, self._off_label = label, off_label
        self._marks = marks or (f"[{glyph('ok')}]", "[ ]")  # "[+]" in ASCII mode
        super().__init__(label if value or off_label is None else off_label, value, **kwargs)

    @property
    def _button(self) -> Content:
        return Content.styled(self._marks[0] if self.value else self._marks[1],
                              self.get_visual_style("toggle--button"))

    def watch_value(self) -> None:
        super().watch_value()
        if self._off_label is not None:
            self.label = self._on_label if self.value else self._off_label
        self.refresh(layout=True)
