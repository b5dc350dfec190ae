"""A fast read-only table: renders only the visible lines (Textual's line API),
so 5,000 rows cost no more to show than 50. Cells are plain strings drawn as
literal text (never markup). Sorting and a row cursor built in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

SAMPLE = 300  # rows measured for column widths


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    min_width: int
    weight: int = 0  # share of spare width
    priority: int = 0  # higher drops first when the screen is narrow


class RowTable(ScrollView, can_focus=True):
    """Rows are any objects; `cells(row)` turns one into strings for the columns."""

    COMPONENT_CLASSES = {"rowtable--header", "rowtable--cursor", "rowtable--dim", "rowtable--sorted"}
    DEFAULT_CSS = """
    RowTable { background: $surface; height: 1fr; overflow-x: hidden; overflow-y: scroll; }
    RowTable > .rowtable--header { text-style: bold; background: $panel; color: $foreground; }
    RowTable > .rowtable--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
    RowTable:blur > .rowtable--cursor { background: $block-cursor-blurred-background; color: $foreground; text-style: none; }
    RowTable > .rowtable--dim { color: $text-muted; text-style: italic; }
    RowTable > .rowtable--sorted { text-style: bold underline; background: $panel; }
    """
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    cursor = reactive(0, always_update=True, repaint=False)

    class _RowMessage(Message):
        def __init__(self, table: "RowTable", row: Any) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> "RowTable":
            return self.table

    class Highlighted(_RowMessage):
        """The cursor moved onto `row`."""

    class Selected(_RowMessage):
        """Enter or a double click on `row`."""

    class HeaderClicked(_RowMessage):
        """A column title was clicked: `row` is the column's key."""

        @property
        def key(self) -> str:
            return self.row

    def __init__(
        self,
        columns: Sequence[Column],
        cells: Callable[[Any], Sequence[str]],
        *,
        dim: Callable[[Any], bool] = lambda row: False,
        empty_text: str = "Nothing to show.",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self._cells = cells
        self._dim = dim
        self.empty_text = empty_text
        self.rows: list[Any] = []
        self.sort_key: str | None = None
        self.sort_reverse = False
        self._widths: list[tuple[int, int]] = []  # (column index, width) of shown columns
        # Called with a typed character that is no key of the screen; True when
        # it took it (the roster starts a search with it). Here, in the table's
        # own key handler, so the keys queued behind it follow it in order.
        self.type_ahead: Callable[[str], bool] | None = None
        self._line_cache: dict[int, list[str]] = {}
        self._natural_widths: list[int] | None = None
        self._laid_out_for = -1

    # --- data -----------------------------------------------------------------

    def set_rows(self, rows: list[Any], keep: Callable[[Any], Any] | None = None) -> None:
        """Replace the rows, keeping the cursor on the same row where it can."""
        current = self.current_row
        self.rows = rows
        self._line_cache.clear()
        self._natural_widths = None
        self._fit()
        new = 0
        if current is not None and keep is not None:
            k = keep(current)
            for i, r in enumerate(rows):
                if keep(r) == k:
                    new = i
                    break
        self.cursor = min(new, max(0, len(rows) - 1))
        self._scroll_cursor_into_view()
        self.refresh()

    @property
    def current_row(self) -> Any | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    def cells_for(self, index: int) -> list[str]:
        cached = self._line_cache.get(index)
        if cached is None:
            cached = [str(c) for c in self._cells(self.rows[index])]
            self._line_cache[index] = cached
        return cached

    # --- layout ---------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        # Columns fill the width left beside the vertical scrollbar: no sideways scrolling.
        width = self.scrollable_content_region.width
        self._layout(width)
        new = Size(width, len(self.rows) + 1)
        if new.width == self.virtual_size.width and self.is_mounted:
            # Only the row count changed. The scrollbar is always shown
            # (overflow-y: scroll), so nothing else on screen moves: update the
            # scrollbar without the full-screen re-layout that assigning
            # virtual_size triggers (it costs ~10 ms per keystroke at 5,000 rows).
            self.set_reactive(RowTable.virtual_size, new)
            self._scroll_update(new)
            self.refresh()
        else:
            self.virtual_size = new

    def _natural(self) -> list[int]:
        """Per column, the widest of its title and its cells (over the first
        SAMPLE rows: a filter redone on each keystroke must stay quick)."""
        if self._natural_widths is None:
            widths = [cell_len(c.title) for c in self.columns]
            for index in range(min(len(self.rows), SAMPLE)):
                for i, value in enumerate(self.cells_for(index)):
                    n = cell_len(value)
                    if n > widths[i]:
                        widths[i] = n
            self._natural_widths = widths
        return self._natural_widths

    def _layout(self, width: int) -> None:
        """Widths for `width` cells: each column starts at its minimum (less,
        when nothing in it is that wide: an empty column takes no room), the
        spare width goes first to the columns whose text is cut, by weight,
        and only then to the weighted columns. A column drops (highest
        priority first) when the minimums do not fit."""
        self._laid_out_for = width
        natural = self._natural()
        cols = self.columns
        low = {i: min(c.min_width, natural[i] + (2 if c.key == self.sort_key else 0)) for i, c in enumerate(cols)}
        shown = [i for i in range(len(cols)) if low[i] > 0]
        # Drop the lowest-priority columns until the minimum widths fit.
        while shown and sum(low[i] + 1 for i in shown) > width:
            drop = max(shown, key=lambda i: (cols[i].priority, i))
            if cols[drop].priority == 0:
                break
            shown.remove(drop)
        widths = {i: low[i] for i in shown}
        spare = max(0, width - sum(w + 1 for w in widths.values()))
        spare = _share(spare, widths, {i: natural[i] - widths[i] for i in shown},
                       {i: cols[i].weight or 1 for i in shown})
        weighted = {i: cols[i].weight for i in shown if cols[i].weight}
        if spare and weighted:
            _share(spare, widths, dict.fromkeys(weighted, spare), weighted)
        self._widths = [(i, widths[i]) for i in shown]

    # --- rendering ------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._laid_out_for:
            self._layout(width)  # whatever the order of resize, show and set_rows: lay out for the width drawn
        base = self.rich_style
        if y == 0:
            return self._header(width)
        index = int(self.scroll_offset.y) + y - 1
        if index >= len(self.rows):
            if index == 0 and not self.rows:
                text = set_cell_size(" " + self.empty_text, width)
                return Strip([Segment(text, base + self.get_component_rich_style("rowtable--dim"))], width)
            return Strip.blank(width, base)
        style = base
        if self._dim(self.rows[index]):
            style = style + self.get_component_rich_style("rowtable--dim")
        if index == self.cursor:
            style = style + self.get_component_rich_style("rowtable--cursor")
        cells = self.cells_for(index)
        text = "".join(" " + _fit_cell(cells[i], w) for i, w in self._widths)
        return Strip([Segment(set_cell_size(text, width), style)], width)

    def _header(self, width: int) -> Strip:
        head = self.get_component_rich_style("rowtable--header")
        segments = []
        for i, w in self._widths:
            col = self.columns[i]
            title = col.title
            style = head
            if col.key == self.sort_key:
                mark = " ▼" if self.sort_reverse else " ▲"
                # The mark always shows: a title too long for its column is cut before it.
                if cell_len(title + mark) > w and w > len(mark):
                    title = _fit_cell(title, w - len(mark)).rstrip()
                title += mark
                style = head + self.get_component_rich_style("rowtable--sorted")
            segments.append(Segment(" " + _fit_cell(title, w), style))
        used = sum(w + 1 for _, w in self._widths)
        if used < width:
            segments.append(Segment(" " * (width - used), head))
        return Strip(segments, width).crop(0, width)

    # --- keys ---------------------------------------------------------------------

    async def _on_key(self, event: events.Key) -> None:
        # Keys typed fast are queued here while focus moves on (a letter that
        # started a search in the find box, a key that opened a form): send
        # them back through the app, to whatever has focus now, in order.
        if self.app.screen is not self.screen or self.screen.focused is not self:
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))
            return
        if (self.type_ahead is not None and event.is_printable and event.character
                and event.key not in self.screen.active_bindings and self.type_ahead(event.character)):
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    # --- cursor ---------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()
        row = self.current_row
        if row is not None:
            self.post_message(self.Highlighted(self, row))

    def _scroll_cursor_into_view(self) -> None:
        visible = max(1, self.size.height - 1)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False)

    def move_to(self, index: int) -> None:
        if not self.rows:
            return
        self.cursor = max(0, min(index, len(self.rows) - 1))
        self._scroll_cursor_into_view()

    def action_move(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.size.height - 2))

    def action_jump(self, where: int) -> None:
        self.move_to(0 if where == 0 else len(self.rows) - 1)

    def action_select(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.Selected(self, row))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            x = 0
            for i, w in self._widths:
                if x <= event.x < x + w + 1:
                    self.post_message(self.HeaderClicked(self, self.columns[i].key))
                    return
                x += w + 1
            return
        index = int(self.scroll_offset.y) + event.y - 1
        if 0 <= index < len(self.rows):
            if index == self.cursor and event.chain > 1:
                self.action_select()
            self.move_to(index)

    def visible_columns(self) -> list[str]:
        return [self.columns[i].key for i, _ in self._widths]


def _share(spare: int, widths: dict[int, int], want: dict[int, int], weights: dict[int, int]) -> int:
    """Give out `spare` cells to the columns that `want` more, in proportion to
    their weights, none beyond its want; returns what is left."""
    while spare > 0:
        takers = [i for i, n in want.items() if n > 0]
        if not takers:
            break
        total = sum(weights[i] for i in takers)
        given = 0
        for i in takers:
            n = min(want[i], max(1, spare * weights[i] // total), spare - given)
            widths[i] += n
            want[i] -= n
            given += n
        spare -= given
    return spare


def _fit_cell(value: str, width: int) -> str:
    """`value` in `width` cells, with "…" where it is cut (a cut name must look cut)."""
    text = _one_line(value)
    if cell_len(text) > width and width > 1:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def _one_line(value: str) -> str:
    # A cell is one line: newlines and tabs in user text must not break rows.
    return value.replace("\r", " ").replace("\n", " ").replace("\t", " ")
