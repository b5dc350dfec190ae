"""Hybrid logical clocks, as sortable strings.

A stamp is "WWWWWWWWWWWWW-CCCCC-DEVICE": wall milliseconds (13 digits),
a counter (5 digits) and the device id. Plain string comparison orders
stamps by wall time, then counter, then device (the tie-break), so SQL can
compare them too.
"""

from __future__ import annotations

import time
from typing import Callable, NamedTuple

ZERO = "0000000000000-00000-"
# Rows shipped with the app (the framework) carry this stamp on every device,
# so identical shipped rows never differ between laptops.
GENESIS = "0000000000000-00000-genesis"
MAX_COUNTER = 99999


class Stamp(NamedTuple):
    wall: int
    counter: int
    device: str

    def __str__(self) -> str:
        return f"{self.wall:013d}-{self.counter:05d}-{self.device}"


def parse(stamp: str) -> Stamp:
    wall, counter, device = stamp.split("-", 2)
    if len(wall) != 13 or len(counter) != 5 or not wall.isdigit() or not counter.isdigit():
        raise ValueError(f"not a clock stamp: {stamp!r}")
    return Stamp(int(wall), int(counter), device)


def is_stamp(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parse(value)
    except ValueError:
        return False
    return True


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class Clock:
    """One device's clock. `last` is persisted by the store after each tick."""

    def __init__(self, device: str, last: str | None = None, wall: Callable[[], int] = now_ms):
        if "-" in device or not device:
            raise ValueError("device id must be non-empty and contain no '-'")
        self.device = device
        self.wall = wall
        self.last = parse(last) if last else Stamp(0, 0, device)

    def tick(self) -> str:
        """A new stamp, later than every stamp this clock has issued or seen."""
        wall = self.wall()
        if wall > self.last.wall:
            stamp = Stamp(wall, 0, self.device)
        else:
            counter = self.last.counter + 1
            base = self.last.wall
            if counter > MAX_COUNTER:  # more than 100k writes in one ms: borrow a ms
                base, counter = base + 1, 0
            stamp = Stamp(base, counter, self.device)
        self.last = stamp
        return str(stamp)

    def observe(self, remote: str) -> None:
        """Move past a stamp seen in imported data, so later local writes win over it."""
        r = parse(remote)
        if (r.wall, r.counter) > (self.last.wall, self.last.counter):
            self.last = Stamp(r.wall, r.counter, self.device)


def seq_of(stamp: str) -> int:
    """A stamp of this laptop's clock as one increasing integer (wall ms and
    counter; the device part is always ours): the `seq` of the rows it changed."""
    return int(stamp[:13]) * (MAX_COUNTER + 1) + int(stamp[14:19])
