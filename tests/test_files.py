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
