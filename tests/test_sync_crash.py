"""An import killed half-way leaves the database exactly as before; another
copy of coachtui writing during an import neither corrupts nor locks up."""

import hashlib
import subprocess
import sys
import textwrap

import pytest

from coachtui.demo import school
from coachtui.launch import open_database
from coachtui.store.db import close_store
from coachtui.store.models import Staff, database
from coachtui.sync import bundle

pytestmark = pytest.mark.slow  # kills child processes

SLOW_IMPORT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from coachtui.launch import open_database
    from coachtui.sync import merge
    open_database(Path(sys.argv[1]))
    real = merge.apply_rows
    def slow(*a, **k):
        real(*a, **k)
        print("batch", flush=True)
        time.sleep(0.2)   # widen the window in which we get killed
    merge.apply_rows = slow
    merge.merge(sys.argv[2], None, commit=True, allow_plain=True)
    print("done", flush=True)
    """
)


def snapshot():
    rows = database.execute_sql("SELECT id, clocks FROM staff ORDER BY id").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest(), len(rows)


def make_bundle(tmp_path, n):
    open_database(tmp_path / "src" / "c.db")
    school.fill(n, seed=9)
    out = tmp_path / "big.ctb"
    bundle.export(out, None)
    close_store()
    return out


def test_killed_import_leaves_database_unchanged(tmp_path):
    out = make_bundle(tmp_path, 3000)
    target = tmp_path / "dst" / "c.db"
    open_database(target)
    school.fill(20, seed=1)
    before = snapshot()
    close_store()
    proc = subprocess.Popen([sys.executable, "-c", SLOW_IMPORT, str(target), str(out)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "batch"  # it is mid-apply
    proc.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no cleanup either way
    proc.wait(timeout=10)
    open_database(target)
    try:
        assert snapshot() == before
        assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        close_store()


# `coachtui import`, whole, with its first applied batch held a moment so that
# the other writer surely meets the import's transaction (and waits for it).
CLI_IMPORT = textwrap.dedent(
    """
    import sys, time
    from coachtui.cli.main import main
    from coachtui.sync import merge
    real = merge.apply_rows
    def held(*a, **k):
        real(*a, **k)
        if merge.apply_rows is held:
            merge.apply_rows = real
            print("batch", flush=True)
            time.sleep(0.5)
    merge.apply_rows = held
    code = main(["import", sys.argv[1], "--allow-plain", "--data-dir", sys.argv[2]])
    print("done", time.time(), flush=True)
    sys.exit(code)
    """
)


def test_writes_from_another_copy_during_an_import(tmp_path):
    out = make_bundle(tmp_path, 3000)
    target = tmp_path / "dst" / "coachtui.db"
    open_database(target)
    close_store()
    importer = subprocess.Popen([sys.executable, "-c", CLI_IMPORT, str(out), str(target.parent)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = iter(importer.stdout.readline, "")
    assert next(line for line in lines if line.startswith(("batch", "done"))).startswith("batch")  # mid-import
    writer_code = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from coachtui.launch import open_database
        from coachtui.roster import staff
        print("start", time.time(), flush=True)  # opening writes too: it meets the import's lock
        open_database(Path({str(target)!r}))
        for i in range(40):
            staff.save(name=f"Written meanwhile {{i}}")
        """
    )
    writer = subprocess.run([sys.executable, "-c", writer_code], capture_output=True, text=True, timeout=120)
    rest, e = importer.communicate(timeout=120)
    assert importer.returncode == 0, e
    assert writer.returncode == 0, writer.stderr
    import_done = float(next(line for line in rest.splitlines() if line.startswith("done")).split()[1])
    writer_start = float(writer.stdout.split()[1])
    assert writer_start < import_done, "the writer never overlapped the import"
    open_database(target)
    try:
        assert Staff.select().where(Staff.name.startswith("Written meanwhile")).count() == 40
        assert Staff.select().count() == 3040
        assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        close_store()
