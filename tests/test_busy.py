"""Another writer is normal (DESIGN §3): a second program holding the write
lock, a full or read-only disk. Every Enter in a join makes exactly one note
with exactly the text typed; nothing crashes; nothing typed is lost."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time

import pytest
from textual import events
from textual.widgets import Input

from coachtui.lessons import joins
from coachtui.roster import staff
from coachtui.store.models import database


@pytest.fixture
def seed(ctx):
    t = staff.save(name="Tia Teacher")
    joins.start(t, focus_item_id=None, focus_text="Routines")


class Holder:
    """A second connection holding the write lock (`BEGIN IMMEDIATE`), as
    another copy of coachtui or a command-line import does, released after
    `seconds` from another thread."""

    def __init__(self, path, seconds: float) -> None:
        self.con = sqlite3.connect(path, timeout=0, check_same_thread=False, isolation_level=None)
        self.con.execute("BEGIN IMMEDIATE")
        self.released = threading.Event()
        self.timer = threading.Timer(seconds, self.release)
        self.timer.start()

    def release(self) -> None:
        if not self.released.is_set():
            self.con.execute("COMMIT")
            self.con.close()
            self.released.set()

    def stop(self) -> None:
        self.timer.cancel()
        self.release()


def key(ch: str) -> events.Key:
    return events.Key("enter" if ch == "\r" else "space" if ch == " " else ch, ch)


class Typist(threading.Thread):
    """A coach typing notes, each ended by Enter, `gap` seconds apart, from
    another thread as a terminal's input does: keys keep arriving while the
    app is busy (or blocked)."""

    def __init__(self, app, notes: list[str], gap: float = 0.4) -> None:
        super().__init__(daemon=True)
        self.app, self.notes, self.gap = app, notes, gap
        self.loop = asyncio.get_running_loop()

    def run(self) -> None:
        for note in self.notes:
            for ch in note + "\r":
                self.loop.call_soon_threadsafe(self.app.post_message, key(ch))
            time.sleep(self.gap)


async def in_the_note_box(app, pilot, until) -> None:
    await until(pilot, lambda: getattr(app.focused, "id", None) == "join-note", what="typing in the join")


def live_notes(jid):
    return [(n.kind, n.text) for n in joins.notes(jid)]


async def test_notes_typed_while_another_program_holds_the_lock_are_each_saved_once(app, until):
    jid = joins.running_join().id
    async with app.run_test(size=(80, 24)) as pilot:
        await in_the_note_box(app, pilot, until)
        holder = Holder(app.ctx.paths.db, 1.5)
        try:
            typist = Typist(app, [f"dup-{i}" for i in range(1, 6)])
            typist.start()
            await until(pilot, lambda: not typist.is_alive(), timeout=10)
            await until(pilot, lambda: holder.released.is_set(), timeout=10)
            await until(pilot, lambda: len(live_notes(jid)) >= 5, timeout=10, what="five notes")
            await pilot.pause(0.5)
        finally:
            holder.stop()
        held = live_notes(jid)
        assert held == [("observation", f"dup-{i}") for i in range(1, 6)], held
        assert app.screen.query_one("#join-note", Input).value == ""


def wait_ms(ms: int) -> None:
    """The app's connection waits this long for a write lock (5 s in use):
    a lock held longer than that, without a slow test."""
    database.execute_sql(f"PRAGMA busy_timeout = {ms}")


def shown(app) -> list[str]:
    from coachtui.screens.join import note_cells

    return [note_cells(n)[2] for n in app.screen.notes_table.rows]


def errors(app) -> list[str]:
    """Error messages shown: toasts, and the join's own message line (a join shows none as toasts)."""
    said = [n.message for n in app._notifications if n.severity == "error"]
    line = app.screen.query("#join-say.-error")
    return said + [line.first().render().plain] if line and line.first().display else said


async def test_a_lock_held_past_the_busy_timeout_neither_crashes_nor_loses_nor_doubles(app, until):
    """Locked for longer than the app waits: nothing crashes, each note shows
    "saving…" at once and is saved once, in order, when the lock goes."""
    jid = joins.running_join().id
    async with app.run_test(size=(80, 24)) as pilot:
        await in_the_note_box(app, pilot, until)
        wait_ms(300)
        holder = Holder(app.ctx.paths.db, 3.0)
        try:
            typist = Typist(app, [f"busy note {i}" for i in range(1, 6)], gap=0.3)
            typist.start()
            await until(pilot, lambda: not typist.is_alive(), timeout=10)
            await pilot.press(*"+half")
            await until(pilot, lambda: len(shown(app)) == 5, what="five notes on screen")
            assert not holder.released.is_set(), "the lock went before the check: make the holder longer"
            assert shown(app) == [f"saving… · busy note {i}" for i in range(1, 6)]
            assert live_notes(jid) == []
            assert app.screen.query_one("#join-note", Input).value == "+half"
            await until(pilot, lambda: holder.released.is_set(), timeout=10)
            await until(pilot, lambda: len(live_notes(jid)) >= 5, timeout=5, what="five notes saved")
            await pilot.pause(1.0)  # a few more turns of the timer: nothing lands twice
        finally:
            holder.stop()
        assert app.is_running
        assert live_notes(jid) == [("observation", f"busy note {i}") for i in range(1, 6)]
        assert shown(app) == [f"busy note {i}" for i in range(1, 6)]
        assert not errors(app), errors(app)
        from coachtui.lessons import waiting

        assert waiting.draft(jid) == ("+half", "observation")


async def test_the_draft_timer_survives_a_long_lock_and_keeps_the_text(app, until):
    jid = joins.running_join().id
    async with app.run_test(size=(80, 24)) as pilot:
        await in_the_note_box(app, pilot, until)
        wait_ms(200)
        holder = Holder(app.ctx.paths.db, 2.0)
        try:
            await pilot.press(*"half a thou")
            await pilot.pause(1.2)  # the draft timer runs twice meanwhile, against the lock
            assert app.is_running
            # On disk already, for a crash now (what a restart puts back in the box):
            from coachtui.lessons import waiting

            assert waiting.draft(jid) == ("half a thou", "observation")
            await until(pilot, lambda: holder.released.is_set(), timeout=10)
        finally:
            holder.stop()
        await pilot.press("enter")
        await until(pilot, lambda: live_notes(jid) == [("observation", "half a thou")])
        assert waiting.draft(jid) == ("", "observation")


async def test_starting_a_join_while_an_import_holds_the_lock_waits_then_starts(app, until):
    joins.end(joins.running_join())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"tia", "enter", "j")
        await until(pilot, lambda: app.screen.__class__.__name__ == "JoinSetup")
        app.screen.query_one("#join-focus", Input).value = "Routines"
        wait_ms(200)
        holder = Holder(app.ctx.paths.db, 1.5)
        try:
            await pilot.press("ctrl+s")
            await pilot.pause(0.5)
            assert app.is_running and app.screen.__class__.__name__ == "JoinSetup"
            assert "as soon as it is free" in str(app.screen.query_one("#form-error").render())
            await until(pilot, lambda: holder.released.is_set(), timeout=10)
        finally:
            holder.stop()
        await until(pilot, lambda: app.screen.__class__.__name__ == "JoinScreen", what="the join started")
        assert joins.running_join() is not None


def page_cap() -> None:
    """A full disk: the database may not grow past the pages it has now
    (and has no free page left inside: VACUUM)."""
    database.execute_sql("VACUUM")
    pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
    database.execute_sql(f"PRAGMA max_page_count = {pages}")


async def test_a_full_disk_keeps_the_text_and_says_why(app, until):
    jid = joins.running_join().id
    async with app.run_test(size=(80, 24)) as pilot:
        await in_the_note_box(app, pilot, until)
        page_cap()
        box = app.screen.query_one("#join-note", Input)
        long = "+" + "the whole class waited for the bell " * 250  # more than a page
        box.value = long
        await pilot.press("enter")
        await pilot.pause(1.2)  # and the draft timer meets the full disk too
        assert app.is_running
        assert box.value == long
        assert live_notes(jid) == []
        assert any("The disk is full: nothing was saved." in m for m in errors(app)), errors(app)
        database.execute_sql("PRAGMA max_page_count = 1073741823")  # space freed
        await pilot.press("enter")
        await until(pilot, lambda: len(live_notes(jid)) == 1)
        assert live_notes(jid) == [("strength", long[1:].strip())]


async def test_a_read_only_database_keeps_the_text_and_says_why(app, until):
    jid = joins.running_join().id
    async with app.run_test(size=(80, 24)) as pilot:
        await in_the_note_box(app, pilot, until)
        database.execute_sql("PRAGMA query_only = 1")
        await pilot.press(*"?why so quiet", "enter")
        await pilot.pause(1.2)
        assert app.is_running
        assert app.screen.query_one("#join-note", Input).value == "?why so quiet"
        assert any("read-only" in m for m in errors(app)), errors(app)
        database.execute_sql("PRAGMA query_only = 0")
        await pilot.press("enter")
        await until(pilot, lambda: live_notes(jid) == [("question", "why so quiet")])


async def test_the_other_writer_watch_survives_a_database_error(app, until, monkeypatch):
    from peewee import OperationalError

    from coachtui.app import CoachApp
    from coachtui.sync import changes

    def broken():
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(CoachApp, "WATCH_SECONDS", 0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await in_the_note_box(app, pilot, until)
        monkeypatch.setattr(changes, "data_version", broken)
        await pilot.pause(0.5)
        assert app.is_running
        assert any("disk I/O error" in m for m in errors(app)), errors(app)
        assert len(errors(app)) == 1  # said once, not every tenth of a second


async def test_a_refresh_that_cannot_read_does_not_crash(app, until, monkeypatch):
    from peewee import OperationalError

    from coachtui.app import CoachApp

    def broken(*args, **kwargs):
        raise OperationalError("database disk image is malformed")

    monkeypatch.setattr(CoachApp, "WATCH_SECONDS", 0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await in_the_note_box(app, pilot, until)
        monkeypatch.setattr(joins, "notes", broken)
        other = sqlite3.connect(app.ctx.paths.db, isolation_level=None)
        other.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('poke', '1')")  # another program wrote
        other.close()
        await pilot.pause(0.6)
        assert app.is_running
        assert any("malformed" in m for m in errors(app)), errors(app)


# --- the command line -------------------------------------------------------------


@pytest.fixture
def full_disk_cli(tmp_path, monkeypatch, capsys):
    """Run a command against a data folder whose database cannot grow."""
    from coachtui.cli.main import main
    from coachtui.store import db as store_db

    data = tmp_path / "cli"
    assert main(["demo", "--staff", "5", "--data-dir", str(data)]) == 0
    store_db.close_store()
    pages = sqlite3.connect(data / "coachtui.db").execute("PRAGMA page_count").fetchone()[0]
    capsys.readouterr()

    def run(*args, pragma=("max_page_count", pages)):
        monkeypatch.setitem(store_db.PRAGMAS, *pragma)
        try:
            code = main([*args, "--data-dir", str(data)])
        finally:
            store_db.close_store()
            monkeypatch.delitem(store_db.PRAGMAS, pragma[0])
        return code, capsys.readouterr().err

    run.data = data
    return run


def test_the_command_line_says_the_disk_is_full_in_one_line(full_disk_cli, tmp_path):
    from coachtui.cli.main import main
    from coachtui.store import db as store_db

    csv = tmp_path / "staff.csv"
    csv.write_text("Name,Email\n" + "".join(f"Person {i},p{i}@x.org\n" for i in range(500)))
    toml = tmp_path / "framework.toml"
    assert main(["framework", "export", "--out", str(toml), "--data-dir", str(full_disk_cli.data)]) == 0
    store_db.close_store()
    text = toml.read_text()
    toml.write_text(text.replace('title = "', 'title = "' + "reworded " * 10))
    for args in (["demo", "--force", "--staff", "300"], ["roster", "import", str(csv)],
                 ["framework", "import", str(toml)]):
        code, err = full_disk_cli(*args)
        assert code == 1, args
        assert err == "coachtui: The disk is full: nothing was saved.\n", (args, err)


def test_the_command_line_says_the_database_is_read_only_in_one_line(full_disk_cli):
    code, err = full_disk_cli("demo", "--force", "--staff", "30", pragma=("query_only", 1))
    assert code == 1
    assert err.count("\n") == 1 and "read-only" in err and err.startswith("coachtui: "), err


# --- kill -9 while notes wait -----------------------------------------------------------

CHILD = """
import asyncio, sqlite3, sys, threading, time
from textual import events
from coachtui.app import CoachApp
from coachtui.launch import open_data

ctx = open_data(sys.argv[1])
app = CoachApp(ctx)


def typist(loop):
    for ch in "first\\rsecond\\r+third\\rhalf":
        name = {"\\r": "enter", "+": "plus"}.get(ch, ch)
        loop.call_soon_threadsafe(app.post_message, events.Key(name, ch))
        time.sleep(0.03)
    time.sleep(1.5)  # the draft timer has run since
    print("typed", flush=True)


async def main():
    async with app.run_test(size=(80, 24)) as pilot:
        while getattr(app.focused, "id", None) != "join-note":
            await pilot.pause(0.02)
        holder = sqlite3.connect(ctx.paths.db, isolation_level=None, timeout=0)
        holder.execute("BEGIN IMMEDIATE")  # another program writes, and goes on writing
        threading.Thread(target=typist, args=(asyncio.get_running_loop(),), daemon=True).start()
        await asyncio.sleep(120)

asyncio.run(main())
"""


@pytest.mark.slow
async def test_kill_9_while_notes_wait_for_the_database_loses_nothing(app, until, tmp_path):
    import subprocess
    import sys

    jid = joins.running_join().id
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(app.ctx.paths.data_dir)], stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout.readline().strip() == "typed"
    finally:
        proc.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no cleanup either way
        proc.wait(timeout=10)
    # The killed copy's lock went with it. Reopening lands what it kept, once.
    async with app.run_test(size=(80, 24)) as pilot:
        await in_the_note_box(app, pilot, until)
        await until(pilot, lambda: len(live_notes(jid)) >= 3, what="the kept notes saved")
        await pilot.pause(1.0)
        assert live_notes(jid) == [("observation", "first"), ("observation", "second"), ("strength", "third")]
        assert app.screen.query_one("#join-note", Input).value == "half"


async def test_an_import_worker_that_cannot_read_does_not_crash(app, until, monkeypatch, tmp_path):
    from peewee import OperationalError

    from coachtui.roster import csv_import

    def broken(*args, **kwargs):
        raise OperationalError("disk I/O error")

    joins.end(joins.running_join())
    monkeypatch.setattr(csv_import, "import_file", broken)
    csv = tmp_path / "staff.csv"
    csv.write_text("Name\nNew Person\n")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "i")
        await until(pilot, lambda: app.screen.__class__.__name__ == "RosterImport")
        app.screen.query_one("#csv-path", Input).value = str(csv)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        assert "disk I/O error" in str(app.screen.query_one("#csv-summary").render())


def test_a_kept_note_found_in_the_database_is_not_written_twice(ctx, seed):
    """A crash after a kept note's commit but before the spool forgot it: the
    next landing finds its id and writes nothing."""
    from coachtui.lessons import waiting
    from coachtui.store import spool

    j = joins.running_join()
    holder = Holder(ctx.paths.db, 60)
    try:
        database.execute_sql("PRAGMA busy_timeout = 0")
        assert waiting.note(j, "+only once", "observation") == "waiting"
    finally:
        holder.stop()
    kept = spool.waiting(j.id)
    assert waiting.land(j.id).landed == 1
    joins.edit_note(kept[0].id, "only once, corrected")
    e = kept[0]
    spool.add(e.id, e.join_id, e.what, e.text, e.kind, e.at, e.elapsed)  # as if a crash had kept it
    assert waiting.land(j.id).landed == 1
    assert live_notes(j.id) == [("observation", "only once, corrected")]  # not written again, not reverted
    assert spool.waiting(j.id) == []
