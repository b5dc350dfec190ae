"""Lesson join speed, as ratios against baselines measured in the same run.

    uv run python bench/join_bench.py [--rounds 3]

1. Typing: 200 characters and 20 notes (Enter after each 10 characters) into
   a running join, against the same keystrokes into a bare Textual app that
   holds one Input and a list that each Enter appends to. CPU time of the
   process (the pilot's idle waits would swamp wall time). Target <= 1.2x.
2. History: opening a teacher's history with 200 past joins (notes, feedback,
   action steps), against opening an empty one. Target <= 1.5x.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from textual import events
from textual.app import App
from textual.widgets import Input, OptionList

TEXT = "pupils settle quickly"  # cycled to make 200 characters


def keystrokes() -> list[str]:
    keys = []
    chars = (TEXT * 20)[:200]
    for i, ch in enumerate(chars):
        keys.append("space" if ch == " " else ch)
        if i % 10 == 9:
            keys.append("enter")
    return keys


class Bare(App):
    def compose(self):
        yield OptionList(id="list")
        yield Input(id="box")

    def on_mount(self):
        self.query_one(Input).focus()

    def on_input_submitted(self, event):
        self.query_one(OptionList).add_option(event.value)
        event.input.value = ""


async def type_into(app, keys) -> float:
    """CPU time to handle the keys. Wall time would mostly measure the test
    pilot's idle waits between keys (about 65 ms a key), not the app.

    Keys are posted to the app as a terminal would send them, each followed
    by a turn of the event loop, not through `pilot.press`: after every key
    the pilot pings each widget on the screen and waits for it, a cost of the
    test harness that grows with the number of widgets (the join has about
    fifteen, the bare app four) and that no real terminal pays."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        start = time.process_time()
        for k in keys:
            char = " " if k == "space" else "\r" if k == "enter" else k
            app.post_message(events.Key(k, char))
            await asyncio.sleep(0.005)  # a fast typist: 200 keys a second
        await pilot.pause()
        spent = time.process_time() - start
        assert notes_made(app) == keys.count("enter"), "not every key arrived"
        return spent


def notes_made(app) -> int:
    if isinstance(app, Bare):
        return app.query_one(OptionList).option_count
    from coachtui.lessons import joins

    return len(joins.notes(app.screen.join_id))


def setup_join(data: Path):
    from coachtui.app import CoachApp
    from coachtui.launch import open_data
    from coachtui.lessons import joins
    from coachtui.roster import staff

    ctx = open_data(str(data))
    t = staff.save(name="Tia Teacher")
    joins.start(t, focus_item_id=None, focus_text="Routines")
    return CoachApp(ctx)


def fill_history(n: int) -> str:
    from coachtui.lessons import feedback, joins
    from coachtui.roster import staff
    from coachtui.store.models import Join

    t = staff.save(name=f"History {n}")
    base = joins.now_ms() - n * 7 * 86400_000
    for i in range(n):
        joins.now_ms = lambda i=i: base + i * 7 * 86400_000
        jid = joins.start(t, focus_item_id=None, focus_text=f"Focus {i % 5}")
        j = Join.get_by_id(jid)
        for k in range(3):
            joins.add_note(j, f"note {k} of join {i}", "strength" if k == 0 else "next")
        joins.end(j, at=base + i * 7 * 86400_000 + 20 * 60_000)
        feedback.save(Join.get_by_id(jid), feedback.prefill(Join.get_by_id(jid)))
    joins.now_ms = lambda: time.time_ns() // 1_000_000
    return t


async def open_history(app, staff_id) -> float:
    from coachtui.screens.history import HistoryScreen

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        start = time.perf_counter()
        screen = HistoryScreen(staff_id)
        await app.push_screen(screen)
        await pilot.pause()  # mounted, rows loaded in on_mount, and painted
        return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    keys = keystrokes()
    typing_bare, typing_join, hist_empty, hist_full = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        from coachtui.app import CoachApp
        from coachtui.launch import open_data
        from coachtui.store.db import close_store

        hist_dir = Path(tmp) / "history"
        open_data(str(hist_dir))
        from coachtui.roster import staff

        empty_id = staff.save(name="Empty History")
        full_id = fill_history(200)
        close_store()
        for r in range(args.rounds + 1):
            b = asyncio.run(type_into(Bare(), keys))
            app = setup_join(Path(tmp) / f"join{r}")
            j = asyncio.run(type_into(app, keys))
            close_store()
            ctx_app = CoachApp(open_data(str(hist_dir)))
            e = asyncio.run(open_history(ctx_app, empty_id))
            ctx_app = CoachApp(open_data(str(hist_dir)))
            f = asyncio.run(open_history(ctx_app, full_id))
            close_store()
            if r:  # round 0 warms up
                typing_bare.append(b)
                typing_join.append(j)
                hist_empty.append(e)
                hist_full.append(f)
    tb, tj = statistics.median(typing_bare), statistics.median(typing_join)
    he, hf = statistics.median(hist_empty), statistics.median(hist_full)
    print(f"typing {len(keys)} keys (200 chars, 20 notes), median of {args.rounds}:")
    print(f"  bare Input + list   {tb * 1000:8.1f} ms")
    print(f"  running join        {tj * 1000:8.1f} ms   ratio {tj / tb:.2f}x (target <= 1.2x)")
    print("opening a teacher's history:")
    print(f"  empty               {he * 1000:8.1f} ms")
    print(f"  200 past joins      {hf * 1000:8.1f} ms   ratio {hf / he:.2f}x (target <= 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
