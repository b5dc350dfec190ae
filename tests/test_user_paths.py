"""Paths as people paste them, and names of the files coachtui writes for
them (issue 15): Explorer's "Copy as path" quotes, Finder's backslash
escapes, names readable in any language, Documents as the default folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachtui.base.user_files import export_path, safe_file_name, typed_path


@pytest.mark.parametrize("typed, meant", [
    ('"C:\\Users\\Siân\\Documents\\staff list.csv"', "C:\\Users\\Siân\\Documents\\staff list.csv"),  # Copy as path
    ("'/Users/sian/staff list.csv'", "/Users/sian/staff list.csv"),  # a shell's quotes
    ("/Volumes/NO\\ NAME/bundles", "/Volumes/NO NAME/bundles"),  # dragged from Finder into Terminal
    ("/Volumes/NO\\ NAME/Siân\\'s\\ \\(copy\\).ctb ", "/Volumes/NO NAME/Siân's (copy).ctb"),
    ("  E:\\bundles\\  \n", "E:\\bundles\\"),  # Windows backslashes are the path, not escapes
    ("\\\\server\\share\\x.ctb", "\\\\server\\share\\x.ctb"),
    ("file:///Volumes/NO%20NAME/b.ctb", "/Volumes/NO NAME/b.ctb"),  # some terminals drop a file URL
    ("", ""),
    ('""', ""),
])
def test_pasted_paths_mean_what_they_name(typed, meant):
    assert typed_path(typed) == meant


def test_a_home_folder_is_expanded():
    assert typed_path("~/x.csv") == str(Path("~/x.csv").expanduser())
    assert typed_path('"~/my files/x.csv"') == str(Path("~/my files/x.csv").expanduser())


@pytest.mark.parametrize("name, safe", [
    ("feedback Siân Ó Súilleabháin 2026-03-02", "feedback Siân Ó Súilleabháin 2026-03-02"),
    ("Zoë/Åberg: maths? <year 7>", "Zoë-Åberg- maths- -year 7-"),
    ("Jo \"JJ\" Smith*|\\", "Jo -JJ- Smith---"),
    ("line\nbreak\ttab", "line-break-tab"),
    ("trailing dots... ", "trailing dots"),
    ("CON", "CON-"),
    ("com1", "com1-"),
    ("", "file"),
    ("李小龍", "李小龍"),
])
def test_file_names_stay_readable_in_any_language(name, safe):
    assert safe_file_name(name) == safe


def test_a_long_name_is_cut_to_what_file_systems_take():
    assert len(safe_file_name("é" * 400).encode("utf-8")) <= 200


def test_exports_go_to_documents_coachtui_by_default(tmp_path):
    p = export_path("feedback Siân 2026-03-02", ".md")
    assert p == tmp_path / "Documents" / "coachtui" / "feedback Siân 2026-03-02.md"  # conftest's Documents
    assert p.is_absolute()


def test_the_documents_folder_is_made_when_the_first_file_is_written(tmp_path):
    from coachtui.base.atomic_write import write_text

    p = export_path("coaching-review-2026-03-02", ".md")
    assert not p.parent.exists()
    assert write_text(p, "# review\n") == p
    assert p.read_text(encoding="utf-8") == "# review\n"


def test_bidi_overrides_do_not_reach_a_file_name():
    assert safe_file_name("feedback \u202egpj.exe") == "feedback -gpj.exe"
