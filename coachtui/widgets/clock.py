"""A clock readable from the back of a classroom: Textual's Digits (3 rows)
where space is short, a larger block font when the terminal has room."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.widgets import Digits

# A 3x5 pixel font ('#' lit). Drawn with half blocks, two pixel rows per line,
# so each pixel is about square on a terminal's tall cells.
FONT = {
    "0": ["###", "#.#", "#.#", "#.#", "###"],
    "1": [".#.", "##.", ".#.", ".#.", "###"],
    "2": ["###", "..#", "###", "#..", "###"],
    "3": ["###", "..#", "###", "..#", "###"],
    "4": ["#.#", "#.#", "###", "..#", "..#"],
    "5": ["###", "#..", "###", "..#", "###"],
    "6": ["###", "#..", "###", "#.#", "###"],
    "7": ["###", "..#", "..#", "..#", "..#"],
    "8": ["###", "#.#", "###", "#.#", "###"],
    "9": ["###", "#.#", "###", "..#", "###"],
    ":": [".", "#", ".", "#", "."],
    "-": ["...", "...", "###", "...", "..."],
    " ": ["...", "...", "...", "...", "..."],
}
HALVES = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def pixels(text: str, scale: int) -> list[list[bool]]:
    """The lit pixels of text at a scale: each font pixel becomes scale x scale."""
    rows: list[list[bool]] = [[] for _ in range(5 * scale)]
    for n, ch in enumerate(text):
        glyph = FONT.get(ch, FONT[" "])
        for y, line in enumerate(glyph):
            lit = [c == "#" for c in line for _ in range(scale)]
            gap = [False] * (scale if n else 0)
            for k in range(scale):
                rows[y * scale + k] += gap + lit
    return rows


def block_lines(text: str, scale: int) -> list[str]:
    grid = pixels(text, scale)
    if len(grid) % 2:
        grid.append([False] * len(grid[0]))
    pairs = zip(grid[::2], grid[1::2], strict=True)
    return ["".join(HALVES[(a, b)] for a, b in zip(top, bottom, strict=True)) for top, bottom in pairs]


def block_size(text: str, scale: int) -> Size:
    """Columns and lines the block font takes for text at scale."""
    lines = block_lines(text, scale)
    return Size(len(lines[0]) if lines else 0, len(lines))


class BigClock(Digits):
    """Digits at scale 1; the half-block font, `scale` times larger, above it."""

    def __init__(self, value: str = "", *, scale: int = 1, **kwargs) -> None:
        super().__init__(value, **kwargs)
        self._scale = scale

    @property
    def scale(self) -> int:
        return self._scale

    @scale.setter
    def scale(self, scale: int) -> None:
        if scale != self._scale:
            self._scale = scale
            self.refresh(layout=True)

    def render(self):
        if self._scale < 2:
            return super().render()
        style = self.rich_style
        lines = block_lines(self.value, self._scale)
        return Text("\n".join(lines), style=style, no_wrap=True, end="")

    def get_content_width(self, container: Size, viewport: Size) -> int:
        if self._scale < 2:
            return super().get_content_width(container, viewport)
        return block_size(self.value, self._scale).width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if self._scale < 2:
            return super().get_content_height(container, viewport, width)
        return block_size(self.value, self._scale).height

