"""Horizontal bar charts drawn with unicode blocks (or # in ASCII mode), as literal rich Text (labels
are user data: never markup). Redrawn to the widget's width on resize."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.widget import Widget

from coachtui.base.glyphs import glyph


def bar(value: float, most: float, width: int) -> str:
    """A bar `width` cells long at `most`, in eighths of a cell."""
    if most <= 0 or width <= 0 or value <= 0:
        return ""
    eighths = max(1, round(8 * width * min(value, most) / most))  # never invisible when above zero
    full, part = divmod(eighths, 8)
    return glyph("bar") * full + (glyph("eighths")[part] if part else "").rstrip()


def bar_lines(items: list[tuple[str, float | str]], width: int, label_width: int | None = None,
              most: float | None = None, fmt=lambda v: f"{v:g}") -> Text:
    """One line per (label, value): label, bar, value. `most` fixes the scale
    (e.g. 100 for percentages); by default the largest value fills the bar.
    A value given as text (a hidden small count: "<3") is shown with no bar."""
    out = Text(no_wrap=True, overflow="crop")
    if not items:
        out.append("(nothing yet)", style="dim")
        return out
    values = [v if isinstance(v, str) else fmt(v) for _, v in items]
    value_width = max(cell_len(v) for v in values)
    if label_width is None:
        # Labels take what the bars can spare (a bar keeps a quarter of the width, at least 10).
        room = width - value_width - 3 - max(10, width // 4)
        label_width = min(max(cell_len(label) for label, _ in items), max(8, room))
    bar_width = max(1, width - label_width - value_width - 3)
    top = most if most is not None else max((v for _, v in items if not isinstance(v, str)), default=0)
    for n, ((label, value), shown) in enumerate(zip(items, values, strict=True)):
        if isinstance(value, str):
            value = 0
        if n:
            out.append("\n")
        name = label.replace("\n", " ")
        if cell_len(name) > label_width:
            name = set_cell_size(name, label_width - 1) + "…"
        out.append(set_cell_size(name, label_width), style="dim")
        out.append(" ")
        out.append(set_cell_size(bar(value, top, bar_width), bar_width), style="bold")
        out.append(" " + shown.rjust(value_width))
    return out


class BarChart(Widget):
    """A bar chart sized to its items; set `items` (and `most`) with `show`."""

    DEFAULT_CSS = "BarChart { height: auto; width: 1fr; }"

    def __init__(self, *, label_width: int | None = None, fmt=lambda v: f"{v:g}", id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: list[tuple[str, float | str]] | None = None  # None: not read yet
        self.most: float | None = None
        self.label_width = label_width
        self.fmt = fmt

    def show(self, items: list[tuple[str, float | str]], most: float | None = None) -> None:
        self.items, self.most = items, most
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return max(1, len(self.items or ()))

    def render(self) -> Text:
        if self.items is None:
            return Text("Reading…", style="dim")
        return bar_lines(self.items, self.content_size.width or 40, self.label_width, self.most, self.fmt)


LEVELS = " ▁▂▃▄▅▆▇█"
MIN_SLOT = 5  # a bar 4 wide, a gap: room for "Aut1" and "<3" under and over it


def column_lines(items: list[tuple[str, float | str]], width: int, height: int = 5, fmt=lambda v: f"{v:g}") -> Text:
    """Vertical bars over time, one slot per (label, value): the value above its
    bar (0 says 0 and draws no bar; a hidden small count, given as text, draws
    none either), the label's first word under it, and its second word (a
    school year) once, under the first slot that has it. Where the slots would
    be too narrow for a label, the oldest items are left out."""
    out = Text(no_wrap=True, overflow="crop")
    if not items:
        out.append("(nothing yet)", style="dim")
        return out
    items = items[-max(1, width // MIN_SLOT):]
    slot = max(MIN_SLOT, width // len(items))
    bar_width = max(1, slot - 1)
    numbers = [0 if isinstance(v, str) else v for _, v in items]
    top = max(numbers, default=0)
    eighths = [0 if v <= 0 or top <= 0 else max(1, round(8 * height * v / top)) for v in numbers]
    out.append("".join(set_cell_size((v if isinstance(v, str) else fmt(v)).center(bar_width), slot)
                       for _, v in items))
    for level in range(height, 0, -1):
        line = ""
        for e in eighths:
            filled = min(8, max(0, e - (level - 1) * 8))
            line += set_cell_size(LEVELS[filled] * bar_width, slot)
        out.append("\n" + line, style="bold")
    firsts, seconds, last = "", "", None
    for label, _ in items:
        first, _, second = label.partition(" ")
        firsts += set_cell_size(first.center(bar_width), slot)
        if second and second != last and cell_len(seconds) <= cell_len(firsts) - slot:
            seconds = set_cell_size(seconds, cell_len(firsts) - slot) + second
            last = second
    out.append("\n" + firsts, style="dim")
    out.append("\n" + seconds, style="dim")
    return out


class ColumnChart(Widget):
    """Vertical bars with a label under each (values over time); set with `show`."""

    DEFAULT_CSS = "ColumnChart { height: auto; width: 1fr; }"
    BAR_HEIGHT = 5

    def __init__(self, *, fmt=lambda v: f"{v:g}", id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: list[tuple[str, float | str]] | None = None
        self.fmt = fmt

    def show(self, items: list[tuple[str, float | str]]) -> None:
        self.items = items
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return self.BAR_HEIGHT + 3 if self.items else 1

    def render(self) -> Text:
        if self.items is None:
            return Text("Reading…", style="dim")
        return column_lines(self.items, self.content_size.width or 60, self.BAR_HEIGHT, self.fmt)
