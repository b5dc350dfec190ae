"""A day's sync on a trust, as whole `coachtui` processes, against a full
copy in the same run.

    uv run python bench/sync_day_bench.py [--staff 5000] [--sites 50] [--weeks 156] [--joins 200]

Builds a trust (as bench/review_bench.py does: 5,000 staff at 50 sites,
three years of weekly joins) on laptop A, in a temporary folder.

1. A's first `coachtui sync USB` (its whole bundle), then a new laptop B's
   first `coachtui sync USB`: the whole trust. B's time against the raw floor
   for the same rows (json.loads of each line of a plain copy and one
   executemany per table, in one transaction): target <= 3x; B's peak memory:
   target < 200 MB.
2. One school's day on A (`--joins` joins, each with notes and feedback),
   then `coachtui sync USB` on A (writes the day) and on B (reads it); twice:
   on day 1 A imports for the first time ever, so it takes its first backup.
   Against a full export plus a full import of the trust:
   bytes written <= 1% of the whole bundle; each time <= 5%.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PASS = "bench passphrase for a trust"


# `coachtui ARGS`, then its own peak RSS (kB) as the last line on stderr. From
# /proc (VmHWM), not getrusage: Linux carries the forking parent's peak into a
# child's ru_maxrss across exec, and this parent has just built a trust.
MEASURED = """
import runpy, sys
sys.argv = ["coachtui", *sys.argv[1:]]
try:
    runpy.run_module("coachtui", run_name="__main__")
finally:
    hwm = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")]
    print(hwm[0] if hwm else 0, file=sys.stderr)
"""


def coachtui(data: Path, *args: str) -> tuple[float, int]:
    """Run `coachtui` as a user does; return the seconds it took and its peak RSS in MB."""
    env = dict(os.environ, COACHTUI_PASSPHRASE=PASS)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURED, *args, "--data-dir", str(data)], env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    took = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"coachtui {' '.join(args)} failed: {done.stderr or done.stdout}")
    return took, int(done.stderr.strip().splitlines()[-1]) // 1024


def raw_floor(plain: Path, db: Path) -> float:
    """json.loads of each line, then one executemany per table in one transaction."""
    start = time.perf_counter()
    tables: dict[str, list] = {}
    with open(plain, "rb") as f:
        for line in f:
            obj = json.loads(line)
            if obj.get("type") == "row":
                v = obj["values"]
                tables.setdefault(obj["table"], []).append((obj["id"], json.dumps(obj["clocks"]), *v.values()))
    con = sqlite3.connect(db)
    with con:
        for table, rows in tables.items():
            width = len(rows[0])
            cols = ", ".join(f"c{i}" for i in range(width))
            con.execute(f'CREATE TABLE "{table}" ({cols})')
            con.executemany(f'INSERT INTO "{table}" VALUES ({", ".join("?" * width)})', rows)
    con.close()
    return time.perf_counter() - start


def a_day(data: Path, joins: int) -> None:
    """One school's day: `joins` joins with notes and feedback, through the services."""
    from coachtui.launch import open_data
    from coachtui.lessons import feedback
    from coachtui.lessons import joins as lesson_joins
    from coachtui.store.db import close_store
    from coachtui.store.models import Join, Staff, database

    open_data(str(data))
    site = database.execute_sql("SELECT site_id FROM staff WHERE site_id IS NOT NULL LIMIT 1").fetchone()[0]
    teachers = [s.id for s in Staff.select().where((Staff.site_id == site) & Staff.coach_id.is_null(False)
                                                   & Staff.live() & (Staff.archived == False))]  # noqa: E712
    for i in range(joins):
        jid = lesson_joins.start(teachers[i % len(teachers)], focus_item_id=None, focus_text="Questioning")
        join = Join.get_by_id(jid)
        for n in range(4):
            lesson_joins.add_note(join, f"Note {n}: cold call reached the back row; wait time about three seconds")
        lesson_joins.end(join)
        feedback.save(Join.get_by_id(jid), {"strengths": ("Clear routines and warm tone", False),
                                             "action_step": ("Pose, pause, pounce: wait three seconds", False)})
    close_store()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=5000)
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--weeks", type=int, default=156)
    parser.add_argument("--joins", type=int, default=200)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from review_bench import make

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        a, b, usb = tmp / "a", tmp / "b", tmp / "usb"
        usb.mkdir()
        t0 = time.perf_counter()
        counts = make(a, args.staff, args.sites, args.weeks, 1.2)
        print(f"built in {time.perf_counter() - t0:.0f} s: {counts['staff']:,} staff, {counts['joins']:,} joins, "
              f"{counts['feedback']:,} feedbacks; database {(a / 'coachtui.db').stat().st_size / 1e6:.0f} MB")

        full = tmp / "full.ctb"
        t_export, _ = coachtui(a, "export", "--out", str(full))
        plain = tmp / "plain.ctb"
        coachtui(a, "export", "--out", str(plain), "--no-encrypt")
        t_import, _ = coachtui(tmp / "imported", "import", str(full))
        t_raw = raw_floor(plain, tmp / "raw.db")
        whole = full.stat().st_size

        t_a_first, _ = coachtui(a, "sync", str(usb))
        t_b_first, b_peak = coachtui(b, "sync", str(usb))
        print(f"full export {t_export:.1f} s, full import {t_import:.1f} s, whole bundle {whole / 1e6:.0f} MB, "
              f"raw floor {t_raw:.1f} s")
        print(f"first sync: A writes its whole bundle in {t_a_first:.1f} s; "
              f"B reads the whole trust in {t_b_first:.1f} s = {t_b_first / t_raw:.2f}x raw (target <= 3x), "
              f"peak {b_peak} MB (target < 200 MB)")

        for day in (1, 2):
            # Day 1: A's first import ever, so it takes its first backup; day 2 is any later day.
            a_day(a, args.joins)
            before = {p.name for p in usb.iterdir()}
            t_a_day, _ = coachtui(a, "sync", str(usb))
            new = [p for p in usb.iterdir() if p.name not in before]
            written = sum(p.stat().st_size for p in new)
            t_b_day, _ = coachtui(b, "sync", str(usb))
            from collections import Counter

            from coachtui.sync import bundle

            tables = Counter(obj["table"] for p in new for obj in bundle.read(p, PASS) if obj["type"] == "row")
            copy = t_export + t_import
            print(f"day {day} ({args.joins} joins with notes and feedback): {dict(tables)}")
            print(f"  bytes written {written / 1e3:.0f} kB = {100 * written / whole:.3f}% of the whole bundle "
                  f"(target <= 1%)")
            print(f"  A's sync {t_a_day:.2f} s = {100 * t_a_day / copy:.2f}% of export + import {copy:.1f} s "
                  f"(target <= 5%)")
            print(f"  B's sync {t_b_day:.2f} s = {100 * t_b_day / copy:.2f}% (target <= 5%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
