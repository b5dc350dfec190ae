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
        label_width = min(max(cell_len(label) for label, _ in items), max(8, width * 11 // 20))
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
