"""A progress bar for `import`, `export` and `sync` on a terminal (rich,
which Textual brings): what is done, of how much, and the time left. On
stderr, and only when stderr is a terminal: piped or redirected, nothing
extra is printed."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator

Step = Callable[[int, int], None]


@contextmanager
def bars() -> Iterator[Callable[[str, str], Step] | None]:
    """Yields `new(what, unit)` -> a (done, total) callback for one step's bar
    (unit "bytes" or "rows"), or None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[done]}"),
                  TimeRemainingColumn(), console=console, transient=True) as progress:
        sizes = DownloadColumn()
        counts = MofNCompleteColumn()

        def new(what: str, unit: str = "rows") -> Step:
            from coachtui.base.text import for_terminal

            task = progress.add_task(for_terminal(what)[:40], total=None, done="")

            def step(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)
                t = progress.tasks[task]
                column = sizes if unit == "bytes" else counts
                progress.update(task, done=column.render(t).plain + ("" if unit == "bytes" else " records"))
            return step

        yield new

