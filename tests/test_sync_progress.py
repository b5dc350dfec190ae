"""Long sync work shows progress: merge reports the bytes read, export the
rows written, folder sync a callback per step; the CLI draws a bar on a
terminal and prints nothing extra into a pipe."""

import os
import pty
import subprocess
import sys

from coachtui.launch import open_database
from coachtui.roster import staff
from coachtui.store.db import close_store
from coachtui.sync import bundle, folder, merge

PASS = "trust passphrase"


def _bundle(tmp_path, here, n=30):
    close_store()
    open_database(tmp_path / "other.db")
    for i in range(n):
        staff.save(name=f"Person {i}")
    calls = []
    path = tmp_path / "stick" / "coachtui-other.ctb"
    path.parent.mkdir(exist_ok=True)
    bundle.export(path, PASS, progress=lambda done, total: calls.append((done, total)))
    close_store()
    open_database(here)
    return path, calls


def test_export_reports_rows_written(store, tmp_path):
    _, calls = _bundle(tmp_path, store)
    assert calls, "no progress"
    done, total = calls[-1]
    assert done == total and total >= 30
    assert all(a[0] <= b[0] for a, b in zip(calls, calls[1:], strict=False))


def test_merge_reports_bytes_read(store, tmp_path):
    path, _ = _bundle(tmp_path, store)
    calls = []
    merge.merge(path, PASS, commit=True, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (path.stat().st_size, path.stat().st_size)
    assert all(a[0] <= b[0] for a, b in zip(calls, calls[1:], strict=False))
    assert len(calls) <= 20  # throttled: not one call per read


def test_folder_sync_passes_a_callback_per_step(store, tmp_path):
    path, _ = _bundle(tmp_path, store)
    steps = []

    def step(what):
        steps.append([what])
        return lambda done, total: steps[-1].append((done, total))

    folder.sync(path.parent, PASS, tmp_path / "backups", progress=step)
    assert [s[0] for s in steps] == [f"reading {path.name}", "writing this laptop's bundle"]
    assert all(len(s) > 1 for s in steps)


def _cli(args, tmp_path, tty: bool) -> tuple[int, str, str]:
    env = dict(os.environ, COACHTUI_PASSPHRASE=PASS, COACHTUI_DATA_DIR=str(tmp_path / "data"), COLUMNS="100")
    if not tty:
        p = subprocess.run([sys.executable, "-m", "coachtui", *args], env=env, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, p.stderr
    main_fd, child_fd = pty.openpty()
    p = subprocess.Popen([sys.executable, "-m", "coachtui", *args], env=env, stdout=subprocess.PIPE,
                         stderr=child_fd, stdin=subprocess.DEVNULL, text=True)
    os.close(child_fd)
    err = b""
    while True:
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        err += chunk
    out = p.stdout.read()
    p.wait()
    os.close(main_fd)
    return p.returncode, out, err.decode("utf-8", "replace")


def test_cli_shows_a_bar_on_a_terminal_and_nothing_when_piped(ctx, tmp_path):
    for i in range(50):
        staff.save(name=f"Person {i}")
    close_store()
    code, out, err = _cli(["export", "--out", str(tmp_path / "a.ctb")], tmp_path, tty=False)
    assert (code, err) == (0, "") and out.count("\n") == 1
    code, out, err = _cli(["export", "--out", str(tmp_path / "b.ctb")], tmp_path, tty=True)
    assert code == 0 and out.count("\n") == 1
    assert "writing b.ctb" in err and "records" in err, err
