"""A simulated week of three laptops syncing through one folder, as whole
`coachtui sync` processes: the bytes each writes and the time each takes,
round by round, and whether they end identical.

    uv run python bench/sync_week.py [--staff 400] [--days 7] [--joins 40]

Each laptop starts as its own school (`coachtui demo --staff N`, a year of
history); every day each makes `--joins` joins with notes and feedback
(bench/sync_day_bench.a_day), then all three sync in turn.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path


def run(data: Path, *args: str) -> float:
    from sync_day_bench import coachtui

    return coachtui(data, *args)[0]


def contents(data: Path) -> dict[str, int]:
    from coachtui.launch import open_data
    from coachtui.store.db import close_store
    from coachtui.store.models import REPLICATED_MODELS

    open_data(str(data))
    counts = {m._meta.table_name: m.select().count() for m in REPLICATED_MODELS}
    close_store()
    return counts


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=400)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--joins", type=int, default=40)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from sync_day_bench import a_day

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        usb = tmp / "usb"
        usb.mkdir()
        laptops = {n: tmp / n for n in "ABC"}
        for i, d in enumerate(laptops.values()):
            run(d, "demo", "--staff", str(args.staff), "--seed", str(i + 1))
        print(f"{'round':>5} {'laptop':>6} {'wrote':>10} {'seconds':>8} {'folder':>10}")
        for day in range(args.days + 1):
            for name, d in laptops.items():
                if day:
                    a_day(d, args.joins)
                before = {p.name: p.stat().st_size for p in usb.iterdir()}
                took = run(d, "sync", str(usb))
                after = {p.name: p.stat().st_size for p in usb.iterdir()}
                wrote = sum(size for n, size in after.items() if n not in before)
                print(f"{day:>5} {name:>6} {wrote / 1e3:>8.0f}kB {took:>8.2f} {sum(after.values()) / 1e6:>8.1f}MB")
        # A last round so each has read what the others wrote after it.
        for d in laptops.values():
            run(d, "sync", str(usb))
        states = [contents(d) for d in laptops.values()]
        same = states[0] == states[1] == states[2]
        print(f"identical row counts on all three: {same}; {sum(states[0].values()):,} rows; "
              f"files in the folder: {len(list(usb.iterdir()))}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
