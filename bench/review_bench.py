"""The leader's review over a trust's data, as ratios against baselines
measured in the same run.

    uv run python bench/review_bench.py [--rounds 5] [--weeks 156]

Builds two databases in a temporary folder (deleted at the end; nothing is
committed): the demo (140 staff at 5 sites, a year of joins, as `coachtui
--demo` makes it) and a trust (5,000 staff at 50 sites, three years of about
weekly joins: ~600,000 joins, ~510,000 feedbacks, ~170,000 action steps,
~50,000 coaching cycles).

1. Opening the review screen (F6) until its figures are shown, over the
   trust against over the demo. Target <= 2x. The screen reads in a thread
   worker: coverage, sites, coaches and the overdue list when it opens, the
   patterns (years of joins) when their tab is first opened; the time to
   open that tab is printed too.
2. Writing the aggregate report (Markdown) over the trust, against running
   the same aggregate queries through bare sqlite3 (the SQL the review
   issues, fetched and nothing else). Target <= 2x.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path


def make(data: Path, n_staff: int, sites: int | None, weeks: int, join_rate: float) -> dict:
    from coachtui.demo import school
    from coachtui.demo.history import fill_history
    from coachtui.launch import open_data
    from coachtui.store.db import close_store

    open_data(str(data))
    counts = school.fill(n_staff, seed=7, sites=sites)
    counts.update(fill_history(weeks=weeks, join_rate=join_rate))
    close_store()
    return counts


async def open_review(data: Path) -> tuple[float, float]:
    from coachtui.app import CoachApp
    from coachtui.launch import open_data

    app = CoachApp(open_data(str(data)))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)  # the roster (the first place) has settled
        start = time.perf_counter()
        app.switch_mode("review")
        screen = app.screen
        # Poll with plain sleeps: pilot.pause() keeps the main thread busy,
        # and the worker would be fighting it for the GIL.
        while screen.loads == 0:  # read in a thread worker: coverage and who is due first
            await asyncio.sleep(0.002)
        await pilot.pause()  # and painted
        opened = time.perf_counter() - start
        # The patterns are read when their tab is opened: time that too.
        start = time.perf_counter()
        screen.action_tab("rv-patterns")
        while screen.pattern_loads == 0:
            await asyncio.sleep(0.002)
        await pilot.pause()
        complete = time.perf_counter() - start
        assert screen.coaches.rows and screen.data.coverage.teachers and screen.data.focus, "review did not load"
        return opened, complete


def raw_aggregates(db: Path, on: dt.date) -> int:
    """The review's queries through bare sqlite3: the floor for writing a report."""
    from coachtui.leader import review

    teacher = "s.deleted = 0 AND s.archived = 0 AND (',' || s.roles || ',') LIKE '%,teacher,%'"
    start = review._ms(on - dt.timedelta(weeks=review.PATTERN_WEEKS))
    end = review._ms(on + dt.timedelta(days=1))
    since = (on - dt.timedelta(weeks=review.PATTERN_WEEKS)).isoformat()
    queries = [
        ("SELECT site_id, kind, days FROM cadence WHERE deleted = 0", ()),
        ("SELECT id, name FROM site WHERE deleted = 0", ()),
        ("SELECT id, code, title FROM framework_item", ()),
        ("SELECT s.id, s.name, s.site_id FROM staff s WHERE s.deleted = 0 AND s.archived = 0 "
         "AND (',' || s.roles || ',') LIKE '%,coach,%'", ()),
        (f"SELECT s.id, s.name, s.site_id, s.team, s.coach_id, s.support FROM staff s WHERE {teacher}", ()),
        # cadence.dues: the latest join, feedback and cycle meeting per teacher.
        ("SELECT s.id, s.site_id, s.support, "
         '(SELECT MAX(j.started_at) FROM "join" j WHERE j.staff_id = s.id AND j.deleted = 0), '
         "(SELECT x.given_on || char(31) || x.next_join FROM feedback x WHERE x.staff_id = s.id "
         "AND x.deleted = 0 ORDER BY x.given_on DESC, x.hlc DESC LIMIT 1), "
         '(SELECT MAX(e."on") FROM coaching_cycle c JOIN cycle_event e ON e.cycle_id = c.id '
         f"WHERE c.staff_id = s.id AND c.deleted = 0 AND e.deleted = 0) FROM staff s WHERE {teacher}", ()),
        ("SELECT x.item, s.site_id, s.team, SUM(x.n), COUNT(*) FROM (SELECT staff_id AS sid, focus_item_id AS item, "
         'COUNT(*) AS n FROM "join" WHERE deleted = 0 AND started_at >= ? AND started_at < ? GROUP BY 1, 2) x '
         "JOIN staff s ON s.id = x.sid AND s.deleted = 0 GROUP BY 1, 2, 3", (start, end)),
        ("SELECT f.item_id, s.site_id, s.team, COUNT(DISTINCT f.staff_id) FROM staff_focus f JOIN staff s "
         f"ON s.id = f.staff_id WHERE f.deleted = 0 AND f.kind = 'development' AND {teacher} GROUP BY 1, 2, 3", ()),
        ("SELECT x.item, s.site_id, s.team, SUM(x.n), COUNT(*) FROM (SELECT staff_id AS sid, item_id AS item, "
         "COUNT(*) AS n FROM action_step WHERE deleted = 0 AND set_on >= ? AND set_on <= ? GROUP BY 1, 2) x "
         "JOIN staff s ON s.id = x.sid AND s.deleted = 0 GROUP BY 1, 2, 3", (since, on.isoformat())),
        ("SELECT julianday(ended_on) - julianday(started_on) FROM coaching_cycle WHERE deleted = 0 "
         "AND ended_on != '' AND ended_on >= ? AND ended_on <= ? AND started_on != ''",
         ((on - dt.timedelta(days=review.CYCLE_DAYS)).isoformat(), on.isoformat())),
        (f"SELECT COUNT(*) FROM coaching_cycle c JOIN staff s ON s.id = c.staff_id WHERE c.deleted = 0 "
         f"AND c.ended_on = '' AND c.started_on <= ? AND {teacher}", (on.isoformat(),)),
    ]
    queries += [("SELECT COUNT(*) FROM action_step WHERE deleted = 0 AND status = 'mastered' "
                 "AND mastered_on >= ? AND mastered_on < ?", (a.isoformat(), b.isoformat()))
                for _, a, b in review.half_terms(on)]
    con = sqlite3.connect(db)
    try:
        return sum(len(con.execute(sql, args).fetchall()) for sql, args in queries)
    finally:
        con.close()


def time_report(data: Path, out: Path, on: dt.date, named: bool = False) -> float:
    from coachtui.launch import open_database
    from coachtui.leader.report import write_report
    from coachtui.store.db import close_store

    open_database(data / "coachtui.db")
    try:
        start = time.perf_counter()
        write_report(out, named=named, on=on)
        return time.perf_counter() - start
    finally:
        close_store()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--weeks", type=int, default=156, help="weeks of history in the trust (default three years)")
    args = parser.parse_args()
    from coachtui.store.db import close_store

    on = dt.date.today()
    with tempfile.TemporaryDirectory() as tmp:
        demo_dir, trust_dir = Path(tmp) / "demo", Path(tmp) / "trust"
        t0 = time.perf_counter()
        make(demo_dir, 140, None, 52, 0.85)
        counts = make(trust_dir, 5000, 50, args.weeks, 1.2)
        print(f"built in {time.perf_counter() - t0:.0f} s: trust of {counts['staff']:,} staff at {counts['sites']} "
              f"sites, {counts['joins']:,} joins, {counts['feedback']:,} feedbacks, "
              f"{counts['action_steps']:,} action steps, {counts['cycles']:,} cycles")
        opens_demo, opens_trust, full_demo, full_trust, raws, reports, named = [], [], [], [], [], [], []
        for r in range(args.rounds + 1):
            d, fd = asyncio.run(open_review(demo_dir))
            close_store()
            t, ft = asyncio.run(open_review(trust_dir))
            close_store()
            start = time.perf_counter()
            raw_aggregates(trust_dir / "coachtui.db", on)
            raw = time.perf_counter() - start
            rep = time_report(trust_dir, Path(tmp) / "review.md", on)
            nam = time_report(trust_dir, Path(tmp) / "review-named.md", on, named=True)
            if r:  # round 0 warms up
                opens_demo.append(d)
                opens_trust.append(t)
                full_demo.append(fd)
                full_trust.append(ft)
                raws.append(raw)
                reports.append(rep)
                named.append(nam)
    med = statistics.median
    d, t = med(opens_demo), med(opens_trust)
    fd, ft = med(full_demo), med(full_trust)
    print(f"opening the leader review (F6), median of {args.rounds}:")
    print("  until the first figures show (coverage, sites, coaches, the overdue list):")
    print(f"    demo (140 staff)               {d * 1000:8.1f} ms")
    print(f"    trust (5,000 staff, 50 sites)  {t * 1000:8.1f} ms   ratio {t / d:.2f}x (target <= 2x)")
    print("  then opening the Patterns tab (4) until its charts show:")
    print(f"    demo                           {fd * 1000:8.1f} ms")
    print(f"    trust                          {ft * 1000:8.1f} ms   ratio {ft / fd:.2f}x")
    raw, rep, nam = med(raws), med(reports), med(named)
    print(f"the report over the trust, median of {args.rounds}:")
    print(f"  raw sqlite3, the same queries    {raw * 1000:8.1f} ms")
    print(f"  coachtui report (aggregate .md)  {rep * 1000:8.1f} ms   ratio {rep / raw:.2f}x (target <= 2x)")
    print(f"  coachtui report --named (.md)    {nam * 1000:8.1f} ms   ratio {nam / raw:.2f}x (for scale)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
