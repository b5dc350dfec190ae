"""Files the user keeps are replaced whole or not at all."""

import pytest

from coachtui.base.atomic_write import atomic, write_text
from coachtui.base.errors import UserError


def test_a_failed_write_leaves_the_old_file_and_no_partial(tmp_path):
    path = tmp_path / "report.md"
    path.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic(path) as f:
            f.write("half of the new")
            raise RuntimeError("disk pulled")
    assert path.read_text() == "old"
    assert list(tmp_path.iterdir()) == [path]
    write_text(path, "new")
    assert path.read_text() == "new"


def test_folders_and_unwritable_places_give_one_line(tmp_path):
    with pytest.raises(UserError, match="is a folder"):
        write_text(tmp_path, "x")
    with pytest.raises(UserError, match="cannot write"):
        write_text(tmp_path / "missing" / "a.md", "x")


# --- Windows: a file another program holds open (issue 15) -------------------------


def held_open(monkeypatch, times: int):
    """os.replace refused `times` times, as Windows refuses to replace a file that
    Excel has open or OneDrive is uploading; then it works."""
    import os

    from coachtui.base import atomic_write

    real = os.replace
    calls = []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) <= times:
            raise PermissionError(13, "Access is denied", str(dst))
        return real(src, dst)

    monkeypatch.setattr(atomic_write.os, "replace", replace)
    monkeypatch.setattr(atomic_write, "ON_WINDOWS", True)
    monkeypatch.setattr(atomic_write, "RETRY_PAUSE", 0)  # no waiting in tests
    return calls


def test_a_file_held_briefly_by_another_program_is_written_after_a_retry(tmp_path, monkeypatch):
    path = tmp_path / "report.csv"
    path.write_text("old")
    calls = held_open(monkeypatch, 3)
    write_text(path, "new")
    assert path.read_text() == "new" and len(calls) == 4
    assert list(tmp_path.iterdir()) == [path]


def test_a_file_held_open_says_which_program_may_hold_it(tmp_path, monkeypatch):
    path = tmp_path / "report.csv"
    path.write_text("old")
    held_open(monkeypatch, 10 ** 6)
    with pytest.raises(UserError) as caught:
        write_text(path, "new")
    line = str(caught.value)
    assert "\n" not in line and str(path) in line and "Excel" in line and "OneDrive" in line and "Syncthing" in line
    assert path.read_text() == "old" and list(tmp_path.iterdir()) == [path]


def test_elsewhere_permission_denied_is_not_retried(tmp_path, monkeypatch):
    from coachtui.base import atomic_write

    calls = held_open(monkeypatch, 10 ** 6)
    monkeypatch.setattr(atomic_write, "ON_WINDOWS", False)
    with pytest.raises(UserError, match="Access is denied"):
        write_text(tmp_path / "r.md", "x")
    assert len(calls) == 1
