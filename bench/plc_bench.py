"""PLC board speed, as ratios against baselines measured in the same run.

    uv run python bench/plc_bench.py [--rounds 5] [--moves 40]

1. Opening the board (F3) over 5,000 staff and 60 PLCs, against opening it
   over 10 staff and one PLC. Target <= 1.5x.
2. A move (Shift+Right: a teacher into the PLC beside) over the big board:
   the key's handler plus painting the board's visible lines, p95 in
   milliseconds. Target < 50 ms. Also shown: the same move through the test
   pilot (press until the screen settles) beside a plain cursor key, whose
   round trip (~80 ms here) is the pilot's own and not the app's.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path


def make(data: Path, n_staff: int, n_plcs: int) -> None:
    from coachtui.demo import school
    from coachtui.launch import open_data
    from coachtui.store.db import close_store

    open_data(str(data))
    school.fill(n_staff, seed=7, plcs=n_plcs)
    close_store()


async def open_board(data: Path, moves: int = 0) -> tuple[float, list[float], list[float]]:
    from coachtui.app import CoachApp
    from coachtui.launch import open_data

    app = CoachApp(open_data(str(data)))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)  # the roster (the first place) has settled
        start = time.perf_counter()
        app.switch_mode("plcs")
        await pilot.pause()  # mounted, board read, painted
        opened = time.perf_counter() - start
        assert app.screen.board.columns, "board did not load"
        times, cursor, pilot_moves = [], [], []
        board = app.screen.board
        for i in range(moves):
            # From "no PLC" into the first PLC, then back: the store changes each time.
            board.focus_on(board.columns[i % 2].plc_id)
            card = board.card
            # Our part, timed directly: the key's handler (write, update, redraw
            # request) and painting every visible line of the board.
            t0 = time.perf_counter()
            app.screen.action_shift(1 if i % 2 == 0 else -1)
            for y in range(board.size.height):
                board.render_line(y)
            times.append(time.perf_counter() - t0)
            assert all(k.staff_id != card.staff_id for k in board.columns[i % 2].cards), "the move did not show"
            await pilot.pause()
            # For scale, through the test pilot: a move and a plain cursor key, press to settled screen.
            board.focus_on(board.columns[(i + 1) % 2].plc_id)
            t0 = time.perf_counter()
            await pilot.press("shift+right" if i % 2 else "shift+left")
            await pilot.pause()
            pilot_moves.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            await pilot.press("down")
            await pilot.pause()
            cursor.append(time.perf_counter() - t0)
        return opened, times, (pilot_moves, cursor)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--moves", type=int, default=40)
    args = parser.parse_args()
    from coachtui.store.db import close_store

    with tempfile.TemporaryDirectory() as tmp:
        small, big = Path(tmp) / "small", Path(tmp) / "big"
        make(small, 10, 1)
        make(big, 5000, 60)
        opens_small, opens_big, moves, pilot_moves, cursor = [], [], [], [], []
        for r in range(args.rounds + 1):
            s, _, _ = asyncio.run(open_board(small))
            close_store()
            b, m, c = asyncio.run(open_board(big, args.moves if r == args.rounds else 0))
            close_store()
            if r:  # round 0 warms up
                opens_small.append(s)
                opens_big.append(b)
                moves += m
                pilot_moves += c[0] if c else []
                cursor += c[1] if c else []
    s, b = statistics.median(opens_small), statistics.median(opens_big)
    p95 = statistics.quantiles(moves, n=20)[-1] * 1000
    print(f"opening the PLC board, median of {args.rounds}:")
    print(f"  10 staff, 1 PLC          {s * 1000:8.1f} ms")
    print(f"  5,000 staff, 60 PLCs     {b * 1000:8.1f} ms   ratio {b / s:.2f}x (target <= 1.5x)")
    print(f"a move on the big board ({len(moves)} moves), key handler + repaint of the board's lines: "
          f"median {statistics.median(moves) * 1000:.1f} ms, p95 {p95:.1f} ms (target < 50 ms)")
    q = lambda xs: statistics.quantiles(xs, n=20)[-1] * 1000
    print(f"  through the test pilot (press to settled screen): move p95 {q(pilot_moves):.1f} ms, "
          f"a plain cursor key p95 {q(cursor):.1f} ms: the move adds {q(pilot_moves) - q(cursor):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
