"""The framework as a TOML file: export, import (matched by code), bad files, sync."""

import json
import tomllib

import pytest

from coachtui.cli.main import main
from coachtui.launch import open_database
from coachtui.store import write
from coachtui.store.db import close_store
from coachtui.store.models import FrameworkItem
from coachtui.teaching import framework, framework_toml
from coachtui.teaching.framework import item_id


def shape():
    """The framework as a user sees it: order, nesting and content (not ids or clocks)."""
    code = {i.id: i.code for i in FrameworkItem.select()}
    return [(i.code, i.kind, depth, code.get(i.parent_id), i.title, i.detail, i.retired)
            for i, depth in framework.tree()]


def rows():
    return sorted((r.id, r.title, r.detail, r.position, r.retired, r.parent_id, r.deleted, r.clocks)
                  for r in FrameworkItem.select())


def edit_some():
    new = framework.add("step", item_id("BR.1"), "Seat plan [in place] before the bell", "One\nTwo", code="BR.1.7")
    framework.reword(item_id("QU.1.1"), "Ask, pause, then name", "Pause\nName")
    framework.move(new, -1)
    framework.move(item_id("IN"), -1)
    framework.set_retired(item_id("BR.2.2"), True)
    framework.add("domain", None, "Feedback and marking", code="FM")
    framework.add("strand", item_id("FM"), "Live marking")
    return new


def test_export_then_import_into_a_fresh_database_gives_identical_items(tmp_path, capsys):
    a, b = tmp_path / "a" / "coachtui.db", tmp_path / "b" / "coachtui.db"
    open_database(a)
    edit_some()
    expected = shape()
    out = tmp_path / "fw.toml"
    assert main(["--data-dir", str(a.parent), "framework", "export", "--out", str(out)]) == 0
    assert not out.with_name("fw.toml.partial").exists()
    doc = tomllib.loads(out.read_text())
    step = doc["domain"][0]["strand"][0]["step"]  # IN moved first
    assert doc["domain"][0]["code"] == "IN" and step[0]["code"] == "IN.1.1"
    br = next(d for d in doc["domain"] if d["code"] == "BR")
    assert [s["code"] for s in br["strand"][0]["step"]] == ["BR.1.1", "BR.1.7", "BR.1.2"]
    assert br["strand"][1]["step"][1]["retired"] is True
    close_store()
    assert main(["--data-dir", str(b.parent), "framework", "import", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "3 added" in printed and "1 reworded" in printed and "1 retired" in printed
    open_database(b)
    assert shape() == expected
    # Importing it again changes nothing at all.
    before = rows()
    report = framework_toml.import_file(out)
    assert rows() == before
    assert (report.added, report.reworded, report.moved, report.retired) == ([], [], [], [])


def test_dry_run_reports_and_changes_nothing(store, tmp_path):
    edit_some()
    out = tmp_path / "fw.toml"
    framework_toml.export(out)
    write.undo()  # the strand
    write.undo()  # the domain
    framework.set_retired(item_id("BR.2.2"), False)
    framework.reword(item_id("QU.1.1"), "Something else")
    before = rows()
    report = framework_toml.import_file(out, dry_run=True)
    assert rows() == before
    assert not report.applied
    assert (sorted(report.added), report.reworded, report.retired) == (["FM", "FM.1"], ["QU.1.1"], ["BR.2.2"])
    assert write.undo_label() == "reword QU.1.1"  # a rehearsal is not in the undo history


def test_import_rewords_reorders_and_retires_but_never_deletes(store, tmp_path):
    text = """
version = 1
[[domain]]
code = "BR"
title = "Behaviour, routines and calm"
  [[domain.strand]]
  code = "BR.3"
  title = "Transitions"
  [[domain.strand]]
  code = "BR.1"
  title = "Entry and start of lesson"
    [[domain.strand.step]]
    code = "BR.1.2"
    title = "Use a consistent signal for attention"
    retired = true
    [[domain.strand.step]]
    code = "BR.1.5"
    title = "A brand new step"
    criteria = ["First", "Second"]
"""
    f = tmp_path / "partial.toml"
    f.write_text(text)
    total = FrameworkItem.select().count()
    report = framework_toml.import_file(f)
    assert report.added == ["BR.1.5"] and report.reworded == ["BR"] and report.retired == ["BR.1.2"]
    assert "BR.3" in report.moved
    assert FrameworkItem.select().count() == total + 1  # nothing deleted
    order = [i.code for i, _ in framework.tree()]
    # The file's order first, then what only this database has (BR.1.1, BR.2), as it was.
    assert order[:7] == ["BR", "BR.3", "BR.3.1", "BR.1", "BR.1.2", "BR.1.5", "BR.1.1"]
    assert order[7] == "BR.2"
    assert FrameworkItem.get_by_id(item_id("BR.1.5")).detail == "First\nSecond"
    assert item_id("BR.1.2") not in {s.id for s in framework.steps()}
    # One import is one undo.
    assert write.undo() == "import framework partial.toml"
    assert FrameworkItem.get_by_id(item_id("BR")).title == "Behaviour and routines"


BAD = {
    "not-toml": ("[[domain]\ncode = ", "not valid TOML"),
    "empty": ("", "no [[domain]]"),
    "no-code": ('[[domain]]\ntitle = "X"\n', "has no code"),
    "no-title": ('[[domain]]\ncode = "X"\n', "X has no title"),
    "duplicate": ('[[domain]]\ncode = "X"\ntitle = "a"\n[[domain]]\ncode = "X"\ntitle = "b"\n', "used twice"),
    "step-without-strand": ('[[domain]]\ncode = "X"\ntitle = "a"\n[[domain.step]]\ncode = "X.1"\ntitle = "s"\n',
                            "must be inside a strand"),
    "bad-criteria": ('[[domain]]\ncode = "X"\ntitle = "a"\ncriteria = 3\n', "criteria must be"),
    "bad-retired": ('[[domain]]\ncode = "X"\ntitle = "a"\nretired = "yes"\n', "retired must be"),
    "kind-change": ('[[domain]]\ncode = "BR.1"\ntitle = "a"\n', "cannot change kind"),
    "bad-code": ('[[domain]]\ncode = "a b"\ntitle = "a"\n', "not valid"),
    "unknown-key": ('[[domain]]\ncode = "X"\ntitle = "a"\ncolour = "red"\n', "unknown key"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_files_give_one_line_and_change_nothing(store, tmp_path, capsys, case):
    # A good item first: a bad one later must not leave it half imported.
    text, message = BAD[case]
    if case not in ("not-toml", "empty"):
        text = '[[domain]]\ncode = "OK"\ntitle = "Fine"\n' + text
    f = tmp_path / f"{case}.toml"
    f.write_text(text)
    before = rows()
    assert main(["--data-dir", str(store.parent), "framework", "import", str(f)]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert rows() == before


def test_huge_and_missing_files_are_refused(store, tmp_path, capsys, monkeypatch):
    f = tmp_path / "big.toml"
    f.write_text("# " + "x" * 100 + "\n")
    monkeypatch.setattr(framework_toml, "MAX_BYTES", 50)
    before = rows()
    assert main(["--data-dir", str(store.parent), "framework", "import", str(f)]) == 1
    assert "too big" in capsys.readouterr().err
    assert main(["--data-dir", str(store.parent), "framework", "import", str(tmp_path / "nope.toml")]) == 1
    assert "no such file" in capsys.readouterr().err
    many = "".join(f'[[domain]]\ncode = "D{n}"\ntitle = "d"\n' for n in range(framework_toml.MAX_ITEMS + 1))
    f.write_text(many)
    monkeypatch.setattr(framework_toml, "MAX_BYTES", 10_000_000)
    assert main(["--data-dir", str(store.parent), "framework", "import", str(f)]) == 1
    assert "more than" in capsys.readouterr().err
    assert rows() == before


def test_export_to_a_folder_or_unwritable_place_is_one_line(store, tmp_path, capsys):
    assert main(["--data-dir", str(store.parent), "framework", "export", "--out", str(tmp_path)]) == 1
    assert "is a folder" in capsys.readouterr().err
    assert main(["--data-dir", str(store.parent), "framework", "export", "--out",
                 str(tmp_path / "no" / "such" / "dir.toml")]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_framework_edits_travel_in_bundles(tmp_path):
    from tests.test_sync import Replicas

    reps = Replicas(tmp_path, ["a", "b"])
    reps.use("a")
    edit_some()
    expected = shape()
    # B changed nothing: its bundle (shipped rows, GENESIS clocks) must not undo A's edits.
    reps.send("b", "a")
    reps.use("a")
    assert shape() == expected
    summary = reps.send("a", "b")
    assert summary.total("new") == 3
    reps.use("b")
    assert shape() == expected
    assert item_id("BR.2.2") not in {s.id for s in framework.steps()}
    # Both sides now hold the very same rows and clocks.
    assert reps.dump("a") == reps.dump("b")
    # B restores the retired step and reorders; A learns it.
    framework.set_retired(item_id("BR.2.2"), False)
    framework.move(item_id("BR.1.2"), -1)
    reps.send("b", "a")
    reps.use("a")
    assert item_id("BR.2.2") in {s.id for s in framework.steps()}
    assert [i.code for i in framework._children(item_id("BR.1"))] == ["BR.1.1", "BR.1.2", "BR.1.7"]
    close_store()


def test_a_bundle_without_retired_clocks_merges_sanely(tmp_path):
    """A row from an older laptop (schema 3: no `retired` value or clock) never
    un-retires an item, and a new row from it arrives not retired."""
    from coachtui.sync import bundle, merge
    from tests.test_sync import PASS, Replicas

    reps = Replicas(tmp_path, ["a", "b"])
    reps.use("a")
    framework.add("step", item_id("BR.1"), "From the old laptop", code="OLD.1")
    framework.reword(item_id("BR.2.2"), "Older wording")
    plain = tmp_path / "old.jsonl"
    bundle.export(plain, None)
    lines = []
    for line in plain.read_text().splitlines():
        obj = json.loads(line)
        if obj.get("table") == "framework_item":
            obj["values"].pop("retired")
            obj["clocks"].pop("retired")
        lines.append(obj)
    # Rewrite as a schema-3 bundle with a correct digest.
    import hashlib

    digest = hashlib.sha256()
    body = b""
    for obj in lines[:-1]:
        if obj["type"] == "manifest":
            obj["schema"] = 3
        line = (json.dumps(obj) + "\n").encode()
        digest.update(line)
        body += line
    trailer = dict(lines[-1], sha256=digest.hexdigest())
    plain.write_bytes(body + (json.dumps(trailer) + "\n").encode())
    reps.use("b")
    framework.set_retired(item_id("BR.2.2"), True)
    merge.merge(plain, PASS, commit=True, backups=tmp_path / "bk", allow_plain=True)
    row = FrameworkItem.get_by_id(item_id("BR.2.2"))
    assert (row.title, row.retired) == ("Older wording", True)
    old = FrameworkItem.get_by_id(item_id("OLD.1"))
    assert old.retired is False and old.id in {s.id for s in framework.steps()}
    close_store()


def test_concurrent_rewords_keep_the_other_wording_as_a_conflict(tmp_path):
    from coachtui.store.models import Conflict
    from tests.test_sync import Replicas

    reps = Replicas(tmp_path, ["a", "b"])
    reps.use("a")
    framework.reword(item_id("BR.1.1"), "Wording from A")
    reps.use("b")
    framework.reword(item_id("BR.1.1"), "Wording from B")
    reps.send("a", "b")
    reps.send("b", "a")
    assert reps.dump("a") == reps.dump("b")
    reps.use("a")
    winner = FrameworkItem.get_by_id(item_id("BR.1.1")).title
    kept = [c.value for c in Conflict.select() if c.record_id == item_id("BR.1.1")]
    assert {winner, *kept} == {"Wording from A", "Wording from B"}
    close_store()


def test_import_moves_an_item_to_another_parent(store, tmp_path):
    f = tmp_path / "move.toml"
    f.write_text('[[domain]]\ncode = "BR"\ntitle = "Behaviour and routines"\n'
                 '[[domain.strand]]\ncode = "BR.2"\ntitle = "Clear expectations"\n'
                 '[[domain.strand.step]]\ncode = "BR.1.1"\n'
                 'title = "Meet pupils at the door and give a task they can start at once"\n')
    report = framework_toml.import_file(f)
    # BR.2 too: the file's items come first among their siblings.
    assert sorted(report.moved) == ["BR.1.1", "BR.2"] and report.reworded == [] and report.added == []
    assert [i.code for i in framework._children(item_id("BR"))] == ["BR.2", "BR.1", "BR.3"]
    assert [i.code for i in framework._children(item_id("BR.2"))] == ["BR.1.1", "BR.2.1", "BR.2.2"]
    assert [i.code for i in framework._children(item_id("BR.1"))] == ["BR.1.2"]
