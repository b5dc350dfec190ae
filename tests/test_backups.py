"""A damaged database is found and named; `coachtui backups` lists the copies
taken before imports, and `coachtui restore` puts one back safely."""

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coachtui.cli.main import main
from coachtui.store.db import close_store


def make_data(tmp_path: Path, staff: int = 30) -> Path:
    d = tmp_path / "data"
    assert main(["--data-dir", str(d), "demo", "--staff", str(staff)]) == 0
    close_store()
    return d


def page_size(db: Path) -> int:
    size = int.from_bytes(db.read_bytes()[16:18], "big")
    return 65536 if size == 1 else size


def corrupt(db: Path, page: int | None = None) -> int:
    """Write garbage over one page (by default the one in the middle of the file)."""
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0
    ps = page_size(db)
    if page is None:
        page = db.stat().st_size // ps // 2 + 1
    with open(db, "r+b") as f:
        f.seek((page - 1) * ps)
        f.write(b"\xde\xad\xbe\xef" * (ps // 4))
    con = sqlite3.connect(db)
    try:
        problems = con.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        problems = [(str(exc),)]
    finally:
        con.close()
    assert problems != [("ok",)], "the garbage did not damage the database: pick another page"
    return page


def root_page(db: Path, table: str) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    finally:
        con.close()


def files(d: Path) -> dict[str, bytes]:
    close_store()
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*"))
            if p.is_file() and p.name != "coachtui.db.lock" and not p.name.endswith("-shm")}


def one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("coachtui: ") and err.count("\n") == 1, err
    return err


def staff_names(db: Path) -> set[str]:
    con = sqlite3.connect(db)
    try:
        return {r[0] for r in con.execute("SELECT name FROM staff")}
    finally:
        con.close()


def csv_file(tmp_path: Path) -> Path:
    p = tmp_path / "new.csv"
    p.write_text("First name,Surname\nNew,Person\n")
    return p


# --- a damaged database -------------------------------------------------------------------


def test_report_on_a_damaged_database_names_it_and_how_to_restore(tmp_path, capsys):
    data = make_data(tmp_path)
    db = data / "coachtui.db"
    corrupt(db)
    out = tmp_path / "r.md"
    assert main(["--data-dir", str(data), "report", "--out", str(out)]) == 1
    err = one_line(capsys)
    assert str(db) in err and "damaged" in err and "coachtui backups" in err
    assert not out.exists()


def test_roster_import_does_not_write_into_a_damaged_database(tmp_path, capsys):
    data = make_data(tmp_path)
    corrupt(data / "coachtui.db")
    before = files(data)
    assert main(["--data-dir", str(data), "roster", "import", str(csv_file(tmp_path))]) == 1
    assert "damaged" in one_line(capsys)
    assert files(data) == before


def test_damage_is_caught_where_it_surfaces_when_the_file_is_too_big_to_check_at_open(tmp_path, capsys,
                                                                                     monkeypatch):
    """On a 1 GB trust database no full check runs at open: a damaged page is
    found when it is read, and before any import writes (or takes a backup)."""
    from coachtui.store import db as store_db

    monkeypatch.setattr(store_db, "CHECK_AT_OPEN_BYTES", 0, raising=False)
    data = make_data(tmp_path)
    db = data / "coachtui.db"
    corrupt(db, root_page(db, "staff"))
    before = files(data)
    assert main(["--data-dir", str(data), "report", "--out", str(tmp_path / "r.md")]) == 1
    assert "damaged" in one_line(capsys)
    assert main(["--data-dir", str(data), "roster", "import", str(csv_file(tmp_path))]) == 1
    assert "damaged" in one_line(capsys)
    assert files(data) == before


def test_an_import_that_only_touches_good_pages_still_refuses_a_damaged_database(tmp_path, capsys,
                                                                                 monkeypatch):
    """The framework import never reads the staff table: the check before the
    backup finds the damage anyway, and no damaged copy pushes a good backup out."""
    from coachtui.store import db as store_db

    monkeypatch.setattr(store_db, "CHECK_AT_OPEN_BYTES", 0, raising=False)
    data = make_data(tmp_path)
    db = data / "coachtui.db"
    corrupt(db, root_page(db, "staff"))
    fw = tmp_path / "fw.toml"
    fw.write_text('[[domain]]\ncode = "Z"\ntitle = "Zed"\n')
    before = files(data)
    assert main(["--data-dir", str(data), "framework", "import", str(fw)]) == 1
    assert "damaged" in one_line(capsys)
    assert files(data) == before


def test_opening_a_damaged_database_for_the_app_is_refused(tmp_path):
    from coachtui.base.errors import UserError
    from coachtui.launch import open_data

    data = make_data(tmp_path)
    corrupt(data / "coachtui.db")
    with pytest.raises(UserError, match="damaged"):
        open_data(str(data))


def test_a_database_cut_short_is_found_at_open(tmp_path, monkeypatch):
    """A copy cut short (a USB stick pulled): the header says more pages than
    the file holds. Found cheaply even when the file is too big for a full check."""
    from coachtui.base.errors import UserError
    from coachtui.launch import open_data
    from coachtui.store import db as store_db

    monkeypatch.setattr(store_db, "CHECK_AT_OPEN_BYTES", 0, raising=False)
    data = make_data(tmp_path)
    db = data / "coachtui.db"
    with open(db, "r+b") as f:
        f.truncate(db.stat().st_size // 2)
    with pytest.raises(UserError, match="damaged"):
        open_data(str(data))


# --- listing backups ----------------------------------------------------------------------


def take_backups(data: Path, n: int) -> list[Path]:
    from coachtui.launch import open_data
    from coachtui.store import backups

    ctx = open_data(str(data))
    taken = []
    for _ in range(n):
        taken.append(backups.take(ctx.paths.backups))
        time.sleep(0.01)
    close_store()
    return taken


def test_backups_lists_them_newest_first_with_dates_and_sizes(tmp_path, capsys):
    data = make_data(tmp_path)
    older, newer = take_backups(data, 2)
    capsys.readouterr()
    assert main(["--data-dir", str(data), "backups"]) == 0
    out = capsys.readouterr().out
    assert out.index(newer.name) < out.index(older.name)
    line = next(x for x in out.splitlines() if older.name in x)
    assert time.strftime("%Y-%m-%d") in line and "kB" in line
    assert "coachtui restore" in out


def test_backups_when_there_are_none(tmp_path, capsys):
    data = make_data(tmp_path)
    assert main(["--data-dir", str(data), "backups"]) == 0
    assert "no backups" in capsys.readouterr().out


# --- restoring ----------------------------------------------------------------------------

LEAVE_A_WAL = """
import os, sys
from coachtui.launch import open_data
from coachtui.store import write
from coachtui.store.models import Staff
open_data(sys.argv[1])
write.write(Staff, name="Only In The Wal", roles="teacher", support="none")
os._exit(0)  # as a crash: the WAL is not folded into the database
"""


def test_restore_puts_a_backup_back_keeps_the_current_and_replays_no_old_wal(tmp_path, capsys):
    from coachtui.launch import open_data
    from coachtui.store import write
    from coachtui.store.models import Staff

    data = make_data(tmp_path, staff=6)
    db = data / "coachtui.db"
    (backup,) = take_backups(data, 1)
    open_data(str(data))
    write.write(Staff, name="Added After The Backup", roles="teacher", support="none")
    close_store()
    subprocess.run([sys.executable, "-c", LEAVE_A_WAL, str(data)], check=True, timeout=60)
    assert Path(f"{db}-wal").stat().st_size > 0
    capsys.readouterr()

    assert main(["--data-dir", str(data), "restore", backup.name]) == 0
    out = capsys.readouterr().out
    kept = [p for p in (data / "backups").glob("coachtui-*.db") if p != backup]
    assert len(kept) == 1 and kept[0].name in out
    # The old WAL went with the old database: nothing of it lands on the restored one.
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0
    names = staff_names(db)
    assert len(names) == 6 and "Added After The Backup" not in names and "Only In The Wal" not in names
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    con.close()
    # Nothing is lost: the database it replaced, WAL included, is a backup now.
    assert {"Added After The Backup", "Only In The Wal"} <= staff_names(kept[0])
    # And the app opens the restored one.
    open_data(str(data))
    assert Staff.select().count() == 6


def test_restore_by_path_and_restore_of_the_kept_copy(tmp_path, capsys):
    from coachtui.launch import open_data
    from coachtui.store import write
    from coachtui.store.models import Staff

    data = make_data(tmp_path, staff=6)
    (backup,) = take_backups(data, 1)
    outside = tmp_path / "copy-on-a-stick.db"
    outside.write_bytes(backup.read_bytes())
    open_data(str(data))
    write.write(Staff, name="Second Thoughts", roles="teacher", support="none")
    close_store()
    assert main(["--data-dir", str(data), "restore", str(outside)]) == 0
    kept = max((data / "backups").glob("coachtui-*.db"))
    assert "Second Thoughts" in staff_names(kept)
    # Changed my mind: the kept copy goes back in the same way.
    assert main(["--data-dir", str(data), "restore", kept.name]) == 0
    assert "Second Thoughts" in staff_names(data / "coachtui.db")


HOLD_OPEN = """
import sys
from coachtui.launch import open_data
open_data(sys.argv[1])
print("open", flush=True)
sys.stdin.read()
"""


def test_restore_is_refused_while_another_coachtui_has_the_database_open(tmp_path, capsys):
    data = make_data(tmp_path)
    (backup,) = take_backups(data, 1)
    before = files(data)
    child = subprocess.Popen([sys.executable, "-c", HOLD_OPEN, str(data)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "open"
        assert main(["--data-dir", str(data), "restore", backup.name]) == 1
        err = one_line(capsys)
        assert "open" in err and "close" in err
    finally:
        child.stdin.close()
        child.wait(timeout=30)
    assert files(data) == before
    # Once it has closed, the restore goes ahead.
    assert main(["--data-dir", str(data), "restore", backup.name]) == 0


def test_restore_is_refused_while_the_app_in_this_process_has_it_open(tmp_path, capsys):
    from coachtui.launch import open_data

    data = make_data(tmp_path)
    (backup,) = take_backups(data, 1)
    open_data(str(data))  # as the app does
    assert main(["--data-dir", str(data), "restore", backup.name]) == 1
    assert "open" in one_line(capsys)


def test_a_damaged_backup_is_not_restored(tmp_path, capsys):
    data = make_data(tmp_path)
    (backup,) = take_backups(data, 1)
    corrupt(backup)
    before = files(data)
    assert main(["--data-dir", str(data), "restore", backup.name]) == 1
    err = one_line(capsys)
    assert backup.name in err and "damaged" in err
    assert files(data) == before


@pytest.mark.parametrize("content", [b"", b"not a database at all\n" * 100, "sqlite-not-coachtui", "newer"])
def test_what_is_not_a_coachtui_backup_is_not_restored(content, tmp_path, capsys):
    data = make_data(tmp_path)
    (backup,) = take_backups(data, 1)
    other = tmp_path / "other.db"
    if content == "sqlite-not-coachtui":
        con = sqlite3.connect(other)
        con.execute("CREATE TABLE t (x)")
        con.commit()
        con.close()
    elif content == "newer":
        other.write_bytes(backup.read_bytes())
        con = sqlite3.connect(other)
        con.execute("PRAGMA user_version = 9999")
        con.close()
    else:
        other.write_bytes(content)
    before = files(data)
    assert main(["--data-dir", str(data), "restore", str(other)]) == 1
    assert "other.db" in one_line(capsys)
    assert files(data) == before


def test_restore_of_a_name_that_is_not_there(tmp_path, capsys):
    data = make_data(tmp_path)
    assert main(["--data-dir", str(data), "restore", "coachtui-nope.db"]) == 1
    assert "coachtui backups" in one_line(capsys)


def test_restore_mends_a_damaged_database(tmp_path, capsys):
    """The case restore is for: the database is damaged; a backup goes back,
    and the damaged file is kept as it was (for whoever wants to dig in it)."""
    from coachtui.launch import open_data

    data = make_data(tmp_path)
    db = data / "coachtui.db"
    (backup,) = take_backups(data, 1)
    corrupt(db)
    damaged = db.read_bytes()
    assert main(["--data-dir", str(data), "restore", backup.name]) == 0
    kept = [p for p in (data / "backups").glob("coachtui-*.db") if p != backup]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    open_data(str(data))  # opens: the check at open finds nothing wrong


def test_opening_waits_for_a_restore_then_says_so(tmp_path, monkeypatch):
    from coachtui.base.errors import UserError
    from coachtui.store import db as store_db

    monkeypatch.setattr(store_db, "LOCK_WAIT_SECONDS", 0.2)
    data = make_data(tmp_path)
    with store_db.exclusive(data / "coachtui.db"):
        with pytest.raises(UserError, match="restore"):
            store_db.open_store(data / "coachtui.db")


async def test_the_app_leaves_with_one_line_when_sqlite_meets_a_damaged_page(app, monkeypatch):
    """Past the check at open (a big database), SQLite finds a damaged page while
    the app runs: the app ends, and the command line prints the one line."""
    import peewee

    from coachtui.app import CoachApp
    from coachtui.store import db as store_db

    def malformed():
        try:
            raise sqlite3.DatabaseError("database disk image is malformed")
        except sqlite3.DatabaseError as exc:
            raise peewee.DatabaseError(exc) from exc

    monkeypatch.setattr(CoachApp, "WATCH_SECONDS", 0.05)
    async with app.run_test(size=(100, 30)) as pilot:
        monkeypatch.setattr(store_db, "data_version", malformed)
        for _ in range(100):
            await pilot.pause(0.02)
            if app._exit:
                break
    assert app.return_code == 1
    assert "is damaged" in str(app.fatal) and "coachtui backups" in str(app.fatal)


def test_a_restore_cut_short_leaves_no_copy_behind_at_the_next_open(tmp_path):
    """Its copy would otherwise outlive an erasure in the data folder."""
    from coachtui.launch import open_data

    data = make_data(tmp_path)
    stray = data / "coachtui.db.restoring"
    stray.write_bytes((data / "coachtui.db").read_bytes())
    open_data(str(data))
    assert not stray.exists()


def test_another_laptops_database_is_not_restored_over_this_ones(tmp_path, capsys):
    """Two laptops with one device id would stamp the same clocks and skip each
    other's bundles: data from another laptop comes by a sync bundle."""
    data = make_data(tmp_path)
    other = make_data(tmp_path / "other")
    (theirs,) = take_backups(other, 1)
    before = files(data)
    assert main(["--data-dir", str(data), "restore", str(theirs)]) == 1
    assert "another laptop" in one_line(capsys)
    assert files(data) == before
