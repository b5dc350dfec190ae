"""Sync speed and memory, as ratios against raw sqlite3 in the same run.

    uv run python bench/sync_bench.py [--records 100000]

- export N records (plain body) vs raw sqlite3 SELECT + json.dumps of each row: target <= 2x
- import N new records into an empty database vs json.loads of each line +
  sqlite3.executemany of the same rows in one transaction: target <= 2x
- re-import the same bundle (nothing changes): target <= 1x that baseline
- `coachtui import --allow-plain` of the bundle as a whole process (`python -m coachtui`), new
  rows and then the same rows again, vs the raw import above run as a whole process too
- peak memory (max RSS of a child process) importing the bundle: target < 200 MB
Encryption is measured too (the default), but the targets are on plain bundles:
the cost under test is the write path (plain bundles are imported with allow_plain=True,
as `coachtui import --allow-plain` does).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def raw_import(plain: str | Path, db: str | Path) -> None:
    """The floor: json.loads of each line + one executemany of the same rows, in one transaction."""
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE staff (id TEXT PRIMARY KEY, clocks TEXT, hlc TEXT, deleted INT, name TEXT, "
                "email TEXT, roles TEXT, site_id TEXT, team TEXT, support TEXT, coach_id TEXT, "
                "archived INT, external_id TEXT)")
    rows = []
    with open(plain, "rb") as f:
        for line in f:
            obj = json.loads(line)
            if obj.get("type") == "row" and obj["table"] == "staff":
                v = obj["values"]
                rows.append((obj["id"], json.dumps(obj["clocks"]), "", v["deleted"], v["name"], v["email"],
                             v["roles"], v["site_id"], v["team"], v["support"], v["coach_id"],
                             v["archived"], v["external_id"]))
    with con:
        con.executemany("INSERT INTO staff VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    con.close()


# The same floor as a whole process (against `coachtui import` as a whole process).
CHILD_RAW = f"""
import sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
from sync_bench import raw_import
raw_import(sys.argv[1], sys.argv[2])
"""

# Peak memory from /proc (VmHWM): Linux carries the forking parent's peak
# into a child's getrusage ru_maxrss across exec.
CHILD_IMPORT = """
import sys
from pathlib import Path
from coachtui.launch import open_database
from coachtui.sync import merge
open_database(Path(sys.argv[1]))
merge.merge(sys.argv[2], sys.argv[3] or None, commit=True, allow_plain=True)
print(int([l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")][0]) // 1024)
"""


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    n = args.records
    from coachtui.launch import open_database
    from coachtui.store import write
    from coachtui.store.db import close_store
    from coachtui.store.models import Staff
    from coachtui.sync import bundle, merge

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "src.db"
        open_database(src)
        write.insert_new(Staff, [{"name": f"Person {i}", "email": f"p{i}@school.example", "team": "Maths",
                                  "roles": "teacher", "support": "support"} for i in range(n)])
        close_store()

        # Export: baseline is raw sqlite3 + json.dumps of the same rows.
        def raw_export():
            con = sqlite3.connect(src)
            cur = con.execute("SELECT * FROM staff")
            names = [d[0] for d in cur.description]
            with open(tmp / "raw.jsonl", "w") as f:
                for row in cur:
                    f.write(json.dumps(dict(zip(names, row, strict=True))) + "\n")
            con.close()

        t_raw_export, _ = timed(raw_export)
        open_database(src)
        plain = tmp / "plain.ctb"
        t_export, _ = timed(lambda: bundle.export(plain, None))
        secret = tmp / "secret.ctb"
        t_export_enc, _ = timed(lambda: bundle.export(secret, "bench passphrase"))
        close_store()

        # Import: baseline is json.loads of each line + one executemany.
        t_raw_import, _ = timed(lambda: raw_import(plain, tmp / "raw.db"))
        dst = tmp / "dst.db"
        open_database(dst)
        t_import, summary = timed(lambda: merge.merge(plain, None, commit=True, allow_plain=True))
        from coachtui.store.models import database

        t_same, same = timed(lambda: merge.merge(plain, None, commit=True, allow_plain=True))  # recognised by its bundle id
        assert same.already_applied
        database.execute_sql("DELETE FROM applied")  # make it look new, so it is merged row by row again
        t_reimport, again = timed(lambda: merge.merge(plain, None, commit=True, allow_plain=True))
        close_store()
        assert summary.tables["staff"].new == n and again.tables["staff"].unchanged == n

        # Whole processes, as a user runs them: `coachtui import` against the raw floor in its own process.
        def run(*argv):
            subprocess.run([sys.executable, *argv], check=True, capture_output=True, stdin=subprocess.DEVNULL)

        t_raw_proc, _ = timed(lambda: run("-c", CHILD_RAW, str(plain), str(tmp / "raw-proc.db")))
        cli_dir = tmp / "cli"
        t_cli, _ = timed(lambda: run("-m", "coachtui", "import", "--allow-plain", "--data-dir", str(cli_dir),
                                     str(plain)))
        con = sqlite3.connect(cli_dir / "coachtui.db")
        with con:
            con.execute("DELETE FROM applied")  # the same rows again, every row compared
        con.close()
        t_cli_again, _ = timed(lambda: run("-m", "coachtui", "import", "--allow-plain", "--data-dir", str(cli_dir),
                                           str(plain)))

        mem_db = tmp / "mem.db"
        out = subprocess.run([sys.executable, "-c", CHILD_IMPORT, str(mem_db), str(secret), "bench passphrase"],
                             capture_output=True, text=True, check=True)
        peak_mb = int(out.stdout.strip().splitlines()[-1])
        size_mb = secret.stat().st_size / 1e6

    print(f"{n} records (bundle {size_mb:.0f} MB encrypted)")
    print(f"export     {t_export:6.2f} s  raw {t_raw_export:6.2f} s  ratio {t_export / t_raw_export:4.2f}x "
          f"(target <= 2x)   encrypted {t_export_enc:6.2f} s")
    print(f"import     {t_import:6.2f} s  raw {t_raw_import:6.2f} s  ratio {t_import / t_raw_import:4.2f}x "
          f"(target <= 2x)")
    print(f"re-import  {t_same:6.2f} s  raw {t_raw_import:6.2f} s  ratio {t_same / t_raw_import:4.2f}x "
          f"(target <= 1x): the same file again, known by its bundle id")
    print(f"re-merge   {t_reimport:6.2f} s  raw {t_raw_import:6.2f} s  ratio {t_reimport / t_raw_import:4.2f}x "
          f"(target <= 1x): the same rows merged again, every row compared")
    print(f"coachtui import, whole process   {t_cli:6.2f} s  raw process {t_raw_proc:6.2f} s  "
          f"ratio {t_cli / t_raw_proc:4.2f}x (target <= 2x)")
    print(f"coachtui import, same rows again {t_cli_again:6.2f} s  raw process {t_raw_proc:6.2f} s  "
          f"ratio {t_cli_again / t_raw_proc:4.2f}x (target <= 1x)")
    print(f"peak memory importing (encrypted, child process): {peak_mb} MB (target < 200 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
