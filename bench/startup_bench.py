"""Start-up to an interactive roster, as a ratio of a bare Textual app.

    uv run python bench/startup_bench.py [--runs N]

Each run is a fresh subprocess, so imports count. Three variants, interleaved
so machine noise hits them alike; the first round is a discarded warm-up:

  bare    a Textual app with Header, an empty DataTable and Footer
  demo    coachtui on the demo database (140 staff)      target <= 1.3x bare
  big     coachtui on a database with 5,000 staff        target <= 1.5x bare

"ready" is measured inside the child from its first line (before any import)
until the screen is mounted, idle and interactive: for coachtui, the roster
table holds its rows and the find box has focus. "wall" is the whole process,
interpreter start and shutdown included. Ratios use medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TARGETS = {"demo": 1.3, "big": 1.5}

CHILD = r'''
import time
t0 = time.perf_counter()
import asyncio, json, sys
variant, data_dir = sys.argv[1], sys.argv[2]

if variant == "bare":
    from textual.app import App
    from textual.widgets import DataTable, Footer, Header

    class Bare(App):
        def compose(self):
            yield Header()
            yield DataTable()
            yield Footer()

    app = Bare()

    def ready():
        return app.screen.query_one(DataTable).is_mounted
else:
    from coachtui.app import CoachApp
    from coachtui.launch import open_data

    app = CoachApp(open_data(data_dir, demo=variant == "demo"))

    def ready():
        from coachtui.screens.roster import RosterScreen
        screen = app.screen
        return (isinstance(screen, RosterScreen) and len(screen.table.rows) > 0
                and app.focused is not None and app.focused.id == "roster-filter")

async def main():
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for _ in range(500):
            if ready():
                break
            await pilot.pause(0.001)
        else:
            raise SystemExit("never became interactive")
        t = time.perf_counter() - t0
        print(json.dumps({"ready": t}), flush=True)

asyncio.run(main())
'''


def run_child(variant: str, data_dir: str, env: dict[str, str]) -> tuple[float, float]:
    import time

    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD, variant, data_dir], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if out.returncode != 0:
        raise SystemExit(f"{variant} run failed:\n{out.stderr}")
    ready = json.loads(out.stdout.strip().splitlines()[-1])["ready"]
    return ready, wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="keep PYTHONDONTWRITEBYTECODE as set: every run compiles every module from source")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="coachtui-bench-") as tmp:
        env = dict(os.environ)
        if not args.no_bytecode_cache:
            # An installed app has .pyc files. Where PYTHONDONTWRITEBYTECODE is
            # set (as on our dev machines) every run would compile textual and
            # peewee from source; the warm-up round writes .pyc here instead,
            # leaving the checkout and .venv alone.
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        demo_dir = Path(tmp) / "demo-home"  # --demo makes its database in demo-home/demo
        big_dir = Path(tmp) / "big"
        fill = subprocess.run([sys.executable, "-m", "coachtui", "demo", "--staff", "5000", "--data-dir", str(big_dir)],
                              capture_output=True, text=True, env=env)
        if fill.returncode != 0:
            raise SystemExit(fill.stderr)
        dirs = {"bare": tmp, "demo": str(demo_dir), "big": str(big_dir)}
        results: dict[str, list[tuple[float, float]]] = {v: [] for v in dirs}
        for round_no in range(args.runs + 1):  # round 0 warms caches (and fills the demo db)
            for variant, d in dirs.items():
                r = run_child(variant, d, env)
                if round_no:
                    results[variant].append(r)

    med = {v: (statistics.median(r for r, _ in rs), statistics.median(w for _, w in rs)) for v, rs in results.items()}
    base_ready, base_wall = med["bare"]
    cache = "no .pyc cache" if args.no_bytecode_cache else ".pyc cached"
    print(f"start-up, median of {args.runs} runs (python {sys.version.split()[0]}, {cache})")
    print(f"{'variant':8} {'ready s':>8} {'wall s':>8} {'ready x':>8} {'wall x':>8}  target")
    ok = True
    for v, (ready, wall) in med.items():
        target = TARGETS.get(v)
        ratio = ready / base_ready
        verdict = ""
        if target:
            passed = ratio <= target
            ok &= passed
            verdict = f"<= {target}x {'ok' if passed else 'MISSED'}"
        print(f"{v:8} {ready:8.3f} {wall:8.3f} {ratio:8.2f} {wall / base_wall:8.2f}  {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
