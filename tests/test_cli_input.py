"""Odd input on the command line: each is one line on stderr, exit 1, nothing changed.

Commands that could hang or eat memory on today's code run in a child process
with a time limit and a memory cap, so a regression fails instead of hanging.
"""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from portable import linux_proc, posix_files, posix_modes

from coachtui.cli.main import main


def cap_memory():
    import resource  # POSIX only: on Windows the child runs without the cap (the time limit still holds)

    limit = 1536 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run(*args, timeout=30, stdin=subprocess.DEVNULL):
    return subprocess.run([sys.executable, "-m", "coachtui", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, stdin=stdin, preexec_fn=cap_memory if os.name == "posix" else None)


def one_line_exit_1(out) -> str:
    assert out.returncode == 1, (out.returncode, out.stdout[-500:], out.stderr[-2000:])
    assert out.stderr.startswith("coachtui: ") and out.stderr.count("\n") == 1, out.stderr[-2000:]
    return out.stderr


def db_files(data: Path) -> dict[str, bytes]:
    """The database as it stands between two commands (closed: the WAL folded in)."""
    from coachtui.store.db import close_store

    close_store()
    return {p.name: p.read_bytes() for p in sorted(data.glob("coachtui.db*"))
            if p.is_file() and not p.name.endswith("-shm") and p.stat().st_size}


@pytest.fixture
def data(tmp_path):
    """A data folder with a few staff, closed (as between two commands)."""
    d = tmp_path / "data"
    assert main(["--data-dir", str(d), "demo", "--staff", "6"]) == 0
    from coachtui.store.db import close_store

    close_store()
    return d


def framework_file(tmp_path) -> Path:
    p = tmp_path / "fw.toml"
    p.write_text('[[domain]]\ncode = "Z"\ntitle = "Zed"\n')
    return p


IMPORTS = {
    "roster": ["roster", "import"],
    "framework": ["framework", "import"],
    "bundle": ["import", "--allow-plain"],
}


@posix_files
@pytest.mark.parametrize("command", IMPORTS)
def test_a_fifo_is_refused_not_waited_on(command, data, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    before = db_files(data)
    err = one_line_exit_1(run("--data-dir", data, *IMPORTS[command], fifo))
    assert "pipe.csv" in err and "not a regular file" in err
    assert db_files(data) == before


@posix_files
@pytest.mark.parametrize("command", IMPORTS)
def test_an_endless_device_is_refused_before_reading(command, data):
    err = one_line_exit_1(run("--data-dir", data, *IMPORTS[command], "/dev/zero"))
    assert "not a regular file" in err


@posix_files
def test_passphrase_files_that_are_fifos_are_refused(data, tmp_path):
    fifo = tmp_path / "secret"
    os.mkfifo(fifo)
    bundle = tmp_path / "b.ctb"
    bundle.write_text("{}\n")
    assert "not a regular file" in one_line_exit_1(run("--data-dir", data, "import", "--passphrase-file", fifo,
                                                       bundle))
    assert "not a regular file" in one_line_exit_1(run("--data-dir", data, "passphrase", "set", "--config",
                                                       "--from-file", fifo))


def test_a_passphrase_file_that_is_not_utf8_is_one_line(data, tmp_path, capsys):
    secret = tmp_path / "secret"
    secret.write_bytes(b"\xff\xfe caf\xe9\n")
    bundle = tmp_path / "b.ctb"
    bundle.write_text("{}\n")
    before = db_files(data)
    assert main(["--data-dir", str(data), "import", "--passphrase-file", str(secret), str(bundle)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("coachtui: ") and err.count("\n") == 1
    assert "UTF-8" in err and "secret" in err
    assert db_files(data) == before


def test_a_huge_passphrase_file_is_refused(data, tmp_path, capsys):
    secret = tmp_path / "secret"
    secret.write_bytes(b"x" * 2_000_000)
    assert main(["--data-dir", str(data), "export", "--out", str(tmp_path / "o.ctb"),
                 "--passphrase-file", str(secret)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "at most" in err
    assert not (tmp_path / "o.ctb").exists()


def test_a_plain_bundle_with_an_endless_line_is_refused_without_eating_memory(data, tmp_path):
    """A sparse 3 GB file that starts like a plain bundle and never ends its line."""
    big = tmp_path / "huge.ctb"
    with open(big, "wb") as f:
        f.write(b"{")
        f.truncate(3 * 1024 ** 3)
    err = one_line_exit_1(run("--data-dir", data, "import", "--allow-plain", big, timeout=60))
    assert "huge.ctb" in err


@pytest.mark.parametrize("where", ["a file", pytest.param("/dev/null", marks=posix_files),
                                   pytest.param("/proc/self", marks=linux_proc)])
@pytest.mark.parametrize("command", [["report", "--out", "{tmp}/r.md"], []], ids=["report", "the app"])
def test_a_data_dir_that_is_not_a_folder_is_one_line(where, command, tmp_path):
    if where == "a file":
        where = tmp_path / "plain.txt"
        where.write_text("mine\n")
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    err = one_line_exit_1(run("--data-dir", where, *args, timeout=20))
    assert "folder" in err
    if isinstance(where, Path):
        assert where.read_text() == "mine\n"
    assert not (tmp_path / "r.md").exists()


def test_an_empty_data_dir_is_refused_not_taken_for_the_default(tmp_path, capsys):
    assert main(["--data-dir", "", "report", "--out", str(tmp_path / "r.md")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--data-dir" in err
    assert not (tmp_path / "r.md").exists()
    assert not (tmp_path / "data").exists()  # COACHTUI_DATA_DIR, the default here: untouched


def test_output_to_a_closed_pipe_ends_quietly(data, tmp_path):
    """`coachtui roster import --dry-run FILE | head -1`: no traceback, nothing changed."""
    csv = tmp_path / "staff.csv"
    csv.write_text("First name,Surname,Email\n" + "".join(f"A{i},B{i},not-an-email-{i}\n" for i in range(5000)))
    before = db_files(data)
    child = subprocess.Popen([sys.executable, "-m", "coachtui", "--data-dir", str(data), "roster", "import",
                              "--dry-run", str(csv)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL)
    first = child.stdout.readline()
    child.stdout.close()
    err = child.stderr.read().decode()
    code = child.wait(timeout=60)
    assert first.startswith(b"staff.csv: would import")
    assert err == "", err
    assert code == 141  # as a Unix tool killed by SIGPIPE: `set -o pipefail` sees it
    assert db_files(data) == before


def test_demo_applies_to_subcommands(tmp_path, capsys):
    """`coachtui --demo report` reports the demo, and creates no database in the real data folder."""
    data = tmp_path / "data"
    out = tmp_path / "r.md"
    assert main(["--data-dir", str(data), "--demo", "report", "--out", str(out)]) == 0
    assert "| Active teachers | 0 |" not in out.read_text()
    assert not (data / "coachtui.db").exists()
    assert (data / "demo" / "coachtui.db").exists()


def test_demo_after_the_subcommand_too(tmp_path):
    data = tmp_path / "data"
    out = tmp_path / "fw.toml"
    assert main(["framework", "export", "--out", str(out), "--data-dir", str(data), "--demo"]) == 0
    assert not (data / "coachtui.db").exists()


@posix_files
@pytest.mark.parametrize("command", [
    ["report", "--out", "{tmp}/no/such/folder/r.md"],
    ["report", "--out", "{tmp}/afolder.md"],
    ["framework", "export", "--out", "{tmp}/afolder.md"],
    ["export", "--no-encrypt", "--out", "{tmp}/afolder.md"],
    ["export", "--no-encrypt", "--out", "{tmp}/pipe.md"],
    ["report", "--out", "{tmp}/pipe.md"],
    ["framework", "export", "--out", "{tmp}/pipe.md"],
    ["report", "--out", "/dev/null/x.md"],
], ids=["report-missing-folder", "report-into-folder", "framework-into-folder", "export-into-folder",
        "export-onto-a-fifo", "report-onto-a-fifo", "framework-onto-a-fifo", "report-under-a-device"])
def test_out_paths_that_cannot_be_written_are_one_line(command, data, tmp_path, capsys):
    """Never /dev/full or /dev/stdout here: as root, writing NAME.partial and
    renaming it over NAME replaced the device itself. A FIFO stands in for them."""
    (tmp_path / "afolder.md").mkdir()
    os.mkfifo(tmp_path / "pipe.md")
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    assert main(["--data-dir", str(data), *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("coachtui: ") and err.count("\n") == 1, err
    assert (tmp_path / "afolder.md").is_dir()
    assert stat.S_ISFIFO(os.lstat(tmp_path / "pipe.md").st_mode)


@posix_modes
def test_a_shared_data_dir_keeps_its_mode(tmp_path, capsys):
    """`--data-dir /tmp`: the database is made private (0600), but a shared,
    sticky folder is not made 0700 under everyone else's feet."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    assert main(["--data-dir", str(shared), "framework", "export", "--out", str(tmp_path / "fw.toml")]) == 0
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert stat.S_IMODE((shared / "coachtui.db").stat().st_mode) == 0o600


def test_a_csv_that_is_not_text_is_one_line(data, tmp_path, capsys):
    sheet = tmp_path / "staff.csv"
    sheet.write_bytes(b"PK\x03\x04" + os.urandom(3000))  # an .xlsx renamed
    before = db_files(data)
    assert main(["--data-dir", str(data), "roster", "import", str(sheet)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "staff.csv" in err
    assert db_files(data) == before


def test_a_csv_with_a_huge_line_is_one_line(data, tmp_path, capsys):
    sheet = tmp_path / "staff.csv"
    sheet.write_text("First name,Surname\n" + "A" * 5_000_000 + ",B\n")
    assert main(["--data-dir", str(data), "roster", "import", str(sheet)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "staff.csv" in err


@posix_files
def test_a_symlink_left_as_the_partial_file_does_not_redirect_the_write(data, tmp_path, capsys):
    """In a shared folder anyone may leave NAME.partial as a link to a file of
    yours: the write goes to a new file of its own, never through the link."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = tmp_path / "r.md"
    (tmp_path / "r.md.partial").symlink_to(victim)
    assert main(["--data-dir", str(data), "report", "--out", str(out)]) == 0
    assert victim.read_text() == "precious\n"
    assert out.is_file() and not out.is_symlink() and "Coaching review" in out.read_text()


@posix_files
def test_a_fifo_left_as_the_partial_file_does_not_hang_the_write(data, tmp_path):
    out = tmp_path / "r.md"
    os.mkfifo(tmp_path / "r.md.partial")
    done = run("--data-dir", data, "report", "--out", out, timeout=20)
    assert done.returncode == 0, done.stderr
    assert "Coaching review" in out.read_text()


@posix_files
@pytest.mark.parametrize("kind", ["fifo", "endless"])
def test_a_config_that_is_not_a_regular_file_is_one_line(kind, data, tmp_path):
    """Neither read (a hang, a MemoryError) nor made private: as root, the
    chmod that makes a config 0600 followed the link and made /dev/zero 0600."""
    config = data / "config.toml"
    config.unlink()
    if kind == "fifo":
        os.mkfifo(config, 0o644)
        target = config
    else:
        target = Path("/dev/zero")
        config.symlink_to(target)
    mode = stat.S_IMODE(target.stat().st_mode)
    try:
        err = one_line_exit_1(run("--data-dir", data, "report", "--out", tmp_path / "r.md", timeout=20))
        assert stat.S_IMODE(target.stat().st_mode) == mode
    finally:
        if stat.S_IMODE(target.stat().st_mode) != mode:
            target.chmod(mode)
    assert "config.toml" in err
    assert not (tmp_path / "r.md").exists()


@posix_files
def test_a_passphrase_piped_from_an_endless_stream_is_one_line(tmp_path):
    """`coachtui passphrase set < /dev/zero`: one line is read, and a line has an end."""
    with open("/dev/zero", "rb") as zero:
        err = one_line_exit_1(run("--data-dir", tmp_path / "d", "passphrase", "set", "--config", stdin=zero))
    assert "at most" in err
    assert "passphrase =" not in (tmp_path / "d" / "config.toml").read_text().replace("# passphrase =", "")


def test_a_csv_saved_as_unicode_text_by_excel_is_read(data, tmp_path, capsys):
    """Excel's "Unicode Text" is UTF-16 with a BOM, tab separated: text, not binary."""
    sheet = tmp_path / "staff.txt"
    sheet.write_bytes("First name\tSurname\tEmail\nZoë\tÅberg\tzoe@school.example\n".encode("utf-16"))
    assert main(["--data-dir", str(data), "roster", "import", str(sheet)]) == 0
    assert "1 new" in capsys.readouterr().out
    from coachtui.store.models import Staff

    assert Staff.get(Staff.email == "zoe@school.example").name == "Zoë Åberg"


@linux_proc
def test_an_out_link_into_proc_is_refused_not_replaced(data, tmp_path, capsys):
    """`--out /dev/stdout` (a link to /proc/self/fd/1): as root, NAME.partial
    renamed over it replaced /dev/stdout itself. A link of our own stands in."""
    sink = open(tmp_path / "sink", "w")
    link = tmp_path / "stdout"
    link.symlink_to(f"/proc/self/fd/{sink.fileno()}")
    try:
        assert main(["--data-dir", str(data), "framework", "export", "--out", str(link)]) == 1
    finally:
        sink.close()
    assert "not a regular file" in one_line_err(capsys)
    assert link.is_symlink()


@posix_files
def test_an_out_link_to_a_file_writes_the_file_and_keeps_the_link(data, tmp_path, capsys):
    real = tmp_path / "reports" / "2026-11.md"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "latest.md"
    link.symlink_to(real)
    assert main(["--data-dir", str(data), "report", "--out", str(link)]) == 0
    assert link.is_symlink() and "Coaching review" in real.read_text()


def one_line_err(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("coachtui: ") and err.count("\n") == 1, err
    return err


@posix_files
def test_a_config_that_is_a_link_stays_a_link(tmp_path, capsys):
    """Dotfiles kept in a repository are linked into place: a save writes the
    file the link names, and the link stays."""
    data = tmp_path / "d"
    data.mkdir()
    real = tmp_path / "dotfiles" / "coachtui.toml"
    real.parent.mkdir()
    real.write_text('device_name = "Maths laptop"\n')
    (data / "config.toml").symlink_to(real)
    secret = tmp_path / "secret"
    secret.write_text("correct horse\n")
    assert main(["--data-dir", str(data), "passphrase", "set", "--config", "--from-file", str(secret)]) == 0
    assert (data / "config.toml").is_symlink()
    assert 'passphrase = "correct horse"' in real.read_text() and "Maths laptop" in real.read_text()


@posix_modes
def test_a_folder_of_other_things_given_as_data_dir_keeps_its_mode(tmp_path):
    """`--data-dir ~` or, as root, `--data-dir /`: the database goes in it,
    readable by you only, but the folder itself is not made 0700 under
    everything else that lives there."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.txt").write_text("mine\n")
    home.chmod(0o755)
    assert main(["--data-dir", str(home), "framework", "export", "--out", str(tmp_path / "fw.toml")]) == 0
    assert stat.S_IMODE(home.stat().st_mode) == 0o755
    assert stat.S_IMODE((home / "coachtui.db").stat().st_mode) == 0o600
