"""Progress of long sync work, for a bar on a terminal or in the app:
`progress(done, total)` callbacks, called at most about ten times a second
(and once at the end), so a million rows do not mean a million redraws."""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Iterator

Progress = Callable[[int, int], None]
EVERY = 0.1  # seconds between calls

# The reader's hook (bundle._lines) is set around a merge's read, not passed
# through the reader's signature.
reading: ContextVar[Progress | None] = ContextVar("reading", default=None)


class Throttle:
    """Calls `progress` when EVERY seconds have passed since the last call, or when done == total."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last >= EVERY or done >= total:
            self.last = now
            self.progress(done, total)


@contextmanager
def reading_with(progress: Progress | None) -> Iterator[None]:
    """While the block reads a bundle, report (bytes read, file size) to `progress`."""
    token = reading.set(Throttle(progress) if progress else None)
    try:
        yield
    finally:
        reading.reset(token)


class Metered:
    """A binary file that reports how much of it has been read."""

    def __init__(self, f, total: int, progress: Progress) -> None:
        self.f, self.total, self.progress, self.done = f, total, progress, 0

    def read(self, n: int = -1) -> bytes:
        data = self.f.read(n)
        self.done += len(data)
        self.progress(min(self.done, self.total), self.total)
        return data

    def seek(self, *args) -> int:
        self.done = self.f.seek(*args)
        return self.done

    def __getattr__(self, name: str):
        return getattr(self.f, name)
