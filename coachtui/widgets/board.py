"""A board of columns with cards, drawn line by line (Textual's line API).

One widget paints every visible column itself, so 60 columns and 5,000 cards
cost no more to open than one column of ten: nothing is mounted per card.
Left/Right pick a column, Up/Down a card; each column scrolls on its own.
"""

from __future__ import annotations

from typing import Protocol, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from coachtui.base.glyphs import glyph
from coachtui.base.text import plural


class Card(Protocol):
    """What the board shows of a card (plcs.plc.Card is one)."""

    staff_id: str
    name: str
    leader: bool


class Column(Protocol):
    """What the board shows of a column (plcs.plc.Column is one); plc_id None: the unplaced."""

    plc_id: str | None
    name: str
    focus: str
    leader: str
    leader_missing: str
    archived: bool
    last_met: str
    cards: Sequence[Card]

COLUMN_WIDTH = 26  # 3 columns at 80 wide; the least a column gets
MAX_WIDTH = 60  # the most: fewer columns than fit share the width up to this
HEAD = 4  # name, focus, leader, count


def _line(value: str) -> str:
    return value.replace("\r", " ").replace("\n", " ").replace("\t", " ")


class Board(Widget, can_focus=True):
    COMPONENT_CLASSES = {"board--title", "board--muted", "board--warn", "board--cursor", "board--here",
                         "board--leader"}
    DEFAULT_CSS = """
    Board { height: 1fr; background: $surface; }
    Board > .board--title { text-style: bold; background: $panel; color: $foreground; }
    Board > .board--here { text-style: bold; background: $accent 30%; color: $foreground; }
    Board > .board--muted { color: $text-muted; }
    Board > .board--warn { color: $warning; text-style: bold; }
    Board > .board--leader { text-style: bold; }
    Board > .board--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
    Board:blur > .board--cursor { background: $block-cursor-blurred-background; color: $foreground; text-style: none; }
    """
    BINDINGS = [
        Binding("left", "column(-1)", "Left", show=False),
        Binding("right", "column(1)", "Right", show=False),
        Binding("up", "card(-1)", "Up", show=False),
        Binding("down", "card(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "first", "First column", show=False),
        Binding("end", "last", "Last column", show=False),
    ]

    col = reactive(0, always_update=True, repaint=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns: list[Column] = []
        self.rows: list[int] = []  # cursor card per column
        self.tops: list[int] = []  # first card shown per column
        self.first = 0  # first column shown

    # --- data -------------------------------------------------------------------

    def set_columns(self, columns: list[Column], keep: tuple[str | None, str | None] | None = None) -> None:
        """Replace the board. `keep` = (plc id, staff id) to put the cursor on."""
        old_rows = {c.plc_id: r for c, r in zip(self.columns, self.rows, strict=True)}
        self.columns = columns
        self.rows = [min(old_rows.get(c.plc_id, 0), max(0, len(c.cards) - 1)) for c in columns]
        self.tops = [0] * len(columns)
        if keep is not None:
            self.focus_on(*keep)
        else:
            self.col = min(self.col, max(0, len(columns) - 1))
            self._into_view()
        self.refresh()

    def focus_on(self, plc_id: str | None, staff_id: str | None = None) -> bool:
        for ci, c in enumerate(self.columns):
            if c.plc_id == plc_id:
                self.col = ci
                if staff_id is not None:
                    for ri, card in enumerate(c.cards):
                        if card.staff_id == staff_id:
                            self.rows[ci] = ri
                            break
                self._into_view()
                self.refresh()
                return True
        return False

    @property
    def column(self) -> Column | None:
        return self.columns[self.col] if 0 <= self.col < len(self.columns) else None

    @property
    def card(self) -> Card | None:
        c = self.column
        if c is None or not c.cards:
            return None
        return c.cards[min(self.rows[self.col], len(c.cards) - 1)]

    # --- moving ---------------------------------------------------------------------

    def _shown(self) -> int:
        return max(1, self.size.width // COLUMN_WIDTH) if self.size.width else 3

    def _card_lines(self) -> int:
        return max(1, self.size.height - HEAD)

    def _into_view(self) -> None:
        shown = self._shown()
        if self.col < self.first:
            self.first = self.col
        elif self.col >= self.first + shown:
            self.first = self.col - shown + 1
        self.first = max(0, min(self.first, max(0, len(self.columns) - shown)))
        if self.columns:
            r, lines = self.rows[self.col], self._card_lines()
            if r < self.tops[self.col]:
                self.tops[self.col] = r
            elif r >= self.tops[self.col] + lines:
                self.tops[self.col] = r - lines + 1

    def watch_col(self) -> None:
        self.refresh()

    def action_column(self, delta: int) -> None:
        if self.columns:
            self.col = max(0, min(self.col + delta, len(self.columns) - 1))
            self._into_view()

    def action_card(self, delta: int) -> None:
        c = self.column
        if c is None or not c.cards:
            return
        self.rows[self.col] = max(0, min(self.rows[self.col] + delta, len(c.cards) - 1))
        self._into_view()
        self.refresh()

    def action_page(self, direction: int) -> None:
        self.action_card(direction * max(1, self._card_lines() - 1))

    def action_first(self) -> None:
        self.col = 0
        self._into_view()

    def action_last(self) -> None:
        self.col = max(0, len(self.columns) - 1)
        self._into_view()

    def on_resize(self, event: events.Resize) -> None:
        self._into_view()

    def on_click(self, event: events.Click) -> None:
        x, ci = event.x, self.first
        for w in self._widths():
            if x < w:
                break
            x -= w
            ci += 1
        if 0 <= ci < len(self.columns):
            self.col = ci
            ri = self.tops[ci] + event.y - HEAD
            if event.y >= HEAD and 0 <= ri < len(self.columns[ci].cards):
                self.rows[ci] = ri
            self._into_view()
            self.refresh()

    # --- drawing ---------------------------------------------------------------------

    def _widths(self) -> list[int]:
        """The shown columns' widths: the screen's width shared among them
        (the last ones get the odd cells), no more than MAX_WIDTH each."""
        width = self.size.width
        n = max(1, min(self._shown(), len(self.columns) - self.first))
        each, odd = divmod(width, n)
        if each >= MAX_WIDTH:
            return [MAX_WIDTH] * n
        return [each + (1 if i >= n - odd else 0) for i in range(n)]

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        segments: list[Segment] = []
        used = 0
        for ci, w in zip(range(self.first, len(self.columns)), self._widths(), strict=False):
            text, style = self._cell(ci, y, base)
            w = min(w, width - used)
            if w <= 0:
                break
            text = _line(text)
            if cell_len(text) > w - 2 and text.strip("─"):
                text = set_cell_size(text, w - 3) + "…"  # a cut name must look cut
            segments.append(Segment(set_cell_size(" " + text, w - 1), style))
            segments.append(Segment(" ", base))
            used += w
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments, width).crop(0, width)

    def _cell(self, ci: int, y: int, base: Style) -> tuple[str, Style]:
        c = self.columns[ci]
        here = ci == self.col
        style = self.get_component_rich_style
        if y == 0:
            # Archived first, in words: a long name is cut at its end.
            title = ("(archived) " if c.archived else "") + c.name
            return title, base + style("board--here" if here else "board--title")
        if y == 1:
            return c.focus or "no focus set", base + style("board--muted")
        if y == 2:
            if c.plc_id is None:
                return plural(len(c.cards), "teacher"), base + style("board--muted")
            if c.leader_missing:
                return "! " + c.leader_missing, base + style("board--warn")
            return "led by " + c.leader, base + style("board--muted")
        if y == 3:
            n = len(c.cards)
            count = plural(n, "member") if c.plc_id else "─" * (MAX_WIDTH - 2)
            if c.plc_id:
                count += f" · met {c.last_met[5:]}" if c.last_met else " · not met yet"
            return count, base + style("board--muted")
        ri = self.tops[ci] + y - HEAD
        if ri >= len(c.cards):
            if ri == 0:
                return "(nobody yet)" if c.plc_id else "(everyone is in a PLC)", base + style("board--muted")
            return "", base
        card = c.cards[ri]
        s = base + style("board--leader") if card.leader else base
        if here and ri == self.rows[ci]:
            s = s + style("board--cursor")
        return (glyph("leader") + " " if card.leader else "  ") + card.name, s  # "led by" says it in words
