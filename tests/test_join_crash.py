"""Kill a child process in the middle of a join (SIGKILL, no cleanup), then
check that a restart shows the running join, every note, every tally and the
half-typed draft, with the elapsed time still counted from the stored start."""

import subprocess
import sys
import textwrap
import time

import pytest

from coachtui.launch import open_database
from coachtui.lessons import joins
from coachtui.store.db import close_store

pytestmark = pytest.mark.slow  # kills child processes

CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from coachtui.launch import open_database
    from coachtui.lessons import joins
    from coachtui.roster import staff
    from coachtui.store.models import Join
    open_database(Path(sys.argv[1]))
    t = staff.save(name="Tia")
    jid = joins.start(t, focus_item_id=None, focus_text="Routines", minutes=20)
    j = Join.get_by_id(jid)
    for i in range(5):
        joins.add_note(j, f"note {i}")
        joins.tally(j, "pupils off task")
    joins.save_draft(jid, "the teacher then ", "observation")
    print("ready", flush=True)
    # Keep typing: the draft is overwritten while we are killed mid-stream.
    n = 0
    while True:
        n += 1
        joins.save_draft(jid, "the teacher then " + "x" * (n % 50), "observation")
        if n == 20:
            print("typing", flush=True)
    """
)


def test_kill_9_mid_typing_loses_nothing(tmp_path):
    db = tmp_path / "crash.db"
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(db)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    assert proc.stdout.readline().strip() == "typing"  # killed mid-stream of draft writes
    proc.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no cleanup either way
    proc.wait(timeout=10)
    open_database(db)
    try:
        j = joins.running_join()
        assert j is not None, "the running join was lost"
        # The clock runs from the stored start, through the crash: once a second
        # has passed since then, the timer shows it.
        time.sleep(max(0.0, 1.05 - (time.time() - j.started_at / 1000)))
        assert [n.text for n in joins.notes(j.id)] == [f"note {i}" for i in range(5)]
        assert len(joins.tallies(j)["pupils off task"]) == 5
        text, kind = joins.draft(j.id)
        assert text.startswith("the teacher then ") and kind == "observation"
        assert joins.timing(j).elapsed >= 1  # counted from the stored start, through the crash
        from coachtui.store.models import database

        assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        close_store()
