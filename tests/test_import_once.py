"""`coachtui import` reads and merges a bundle once (issue 14): it applies in
one pass and says what it did; only --dry-run previews (and changes nothing)."""

from __future__ import annotations

import pytest

from coachtui.cli.main import main
from coachtui.launch import open_data, open_database
from coachtui.roster import staff
from coachtui.store.db import close_store
from coachtui.store.models import Staff
from coachtui.sync import bundle, merge


@pytest.fixture
def two_laptops(tmp_path):
    """A plain bundle of one laptop (two people), and another laptop's closed data folder."""
    open_data(str(tmp_path / "a"))
    staff.save(name="Ann Teacher")
    staff.save(name="Bob Teacher")
    out = tmp_path / "a.ctb"
    bundle.export(out, None)
    close_store()
    open_data(str(tmp_path / "b"))
    close_store()
    return out, tmp_path / "b"


@pytest.fixture
def reads(monkeypatch):
    """How many times a bundle's rows are read through (its manifest alone does not count)."""
    calls = []
    real = bundle.read

    def counted(path, *args, **kwargs):
        calls.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(merge, "read", counted)
    merges = []
    real_merge = merge.merge

    def counted_merge(*args, **kwargs):
        merges.append(kwargs.get("commit"))
        return real_merge(*args, **kwargs)

    monkeypatch.setattr(merge, "merge", counted_merge)
    return calls, merges


def test_import_merges_the_bundle_once(two_laptops, reads, capsys):
    out, d = two_laptops
    assert main(["import", str(out), "--allow-plain", "--data-dir", str(d)]) == 0
    calls, merges = reads
    assert merges == [True] and len(calls) == 1
    printed = capsys.readouterr().out
    assert "applied 2 new" in printed and "would apply" not in printed
    assert "staff" in printed  # what it did, per table
    open_database(d / "coachtui.db")
    assert Staff.select().count() == 2
    close_store()


def test_dry_run_previews_once_and_changes_nothing(two_laptops, reads, capsys):
    out, d = two_laptops
    assert main(["import", str(out), "--dry-run", "--allow-plain", "--data-dir", str(d)]) == 0
    calls, merges = reads
    assert merges == [False] and len(calls) == 1
    assert "would apply 2 new" in capsys.readouterr().out
    open_database(d / "coachtui.db")
    assert Staff.select().count() == 0
    close_store()
