"""Sync bundles: round trips, privacy, damage, erasure, conflicts."""

import json
import os

import pytest

from coachtui.cli.main import main
from coachtui.coaching import cycles
from coachtui.launch import open_database
from coachtui.lessons import feedback, joins
from coachtui.roster import staff
from coachtui.store import backups as store_backups
from coachtui.store import write
from coachtui.store.db import close_store
from coachtui.store.models import Conflict, Join, Note, Staff, database
from coachtui.sync import bundle, conflicts, merge
from coachtui.sync.bundle import BundleError

PASS = "correct horse battery staple"


class Replicas:
    """Several laptops, each a database file; `use(name)` switches to one."""

    def __init__(self, tmp_path, names):
        self.tmp = tmp_path
        self.paths = {n: tmp_path / n / "coachtui.db" for n in names}
        for n in names:
            self.use(n)

    def use(self, name):
        open_database(self.paths[name])
        write.clear_history()

    def send(self, src, dst, passphrase=PASS):
        self.use(src)
        out = self.tmp / f"{src}-to-{dst}-{os.urandom(3).hex()}.ctb"
        bundle.export(out, passphrase)
        self.use(dst)
        return merge.merge(out, passphrase, commit=True, backups=self.tmp / dst / "backups")

    def dump(self, name):
        """Every replicated row's content and clocks (the comparable state)."""
        self.use(name)
        from coachtui.store.models import REPLICATED_MODELS

        state = {}
        for m in REPLICATED_MODELS:
            for row in m.select():
                data = {f: getattr(row, f) for f in m.content_fields()}
                state[(m._meta.table_name, row.id)] = (json.dumps(data, sort_keys=True, default=str),
                                                       json.loads(row.clocks))
        purged = {r[0] for r in database.execute_sql("SELECT id FROM purged")}
        return state, purged


@pytest.fixture
def reps(tmp_path):
    r = Replicas(tmp_path, ["a", "b", "c"])
    yield r
    close_store()


def test_round_trip_carries_everything_but_private_notes(reps, tmp_path):
    reps.use("a")
    t = staff.save(name="Zoë [Adams]", team="Maths")
    j = Join.get_by_id(joins.start(t, focus_item_id=None, focus_text="Routines"))
    joins.add_note(j, "shared note")
    joins.add_note(j, "my private worry", private=True)
    joins.end(j)
    feedback.save(j, {"strengths": ("good start", False), "reflection": ("secret", True)})
    out = tmp_path / "a.ctb"
    bundle.export(out, PASS)
    raw = out.read_bytes()
    assert b"Adams]" not in raw and b"shared note" not in raw  # encrypted
    reps.use("b")
    summary = merge.merge(out, PASS, commit=True)
    assert summary.tables["staff"].new == 1
    assert Staff.get_by_id(t).name == "Zoë [Adams]"
    assert [n.text for n in Note.select()] == ["shared note"]
    assert "secret" not in json.dumps([i.text for i in __import__("coachtui.store.models", fromlist=["x"])
                                       .FeedbackItem.select()])
    again = merge.merge(out, PASS, commit=True)
    assert again.already_applied


def test_preview_changes_nothing_and_reimport_changes_nothing(reps, tmp_path):
    reps.use("a")
    staff.save(name="Ann")
    out = tmp_path / "a.ctb"
    bundle.export(out, None)
    reps.use("b")
    before = reps.dump("b")
    reps.use("b")
    preview = merge.merge(out, None, commit=False, allow_plain=True)
    assert preview.tables["staff"].new == 1
    assert reps.dump("b") == before
    reps.use("b")
    merge.merge(out, None, commit=True, allow_plain=True)
    after = reps.dump("b")
    reps.use("b")
    database.execute_sql("DELETE FROM applied")  # forget it was applied: merging again must still change nothing
    merge.merge(out, None, commit=True, allow_plain=True)
    assert reps.dump("b") == after


def test_per_field_merge_keeps_both_edits(reps):
    reps.use("a")
    t = staff.save(name="Tia", email="tia@x.org")
    reps.send("a", "b")
    reps.use("a")
    cycles.set_support(t, "structured", "More help needed")
    reps.use("b")
    write.write(Staff, t, email="tia@school.org")
    reps.send("a", "b")
    reps.send("b", "a")
    for n in ("a", "b"):
        reps.use(n)
        row = Staff.get_by_id(t)
        assert (row.support, row.email) == ("structured", "tia@school.org")
    assert reps.dump("a") == reps.dump("b")


def test_concurrent_free_text_edits_keep_the_loser_as_a_conflict(reps):
    reps.use("a")
    t = staff.save(name="Tia")
    j = Join.get_by_id(joins.start(t, focus_item_id=None, focus_text="Routines"))
    nid = joins.add_note(j, "original")
    reps.send("a", "b")
    reps.use("a")
    joins.edit_note(nid, "edited on A")
    reps.use("b")
    joins.edit_note(nid, "edited on B")
    reps.send("a", "b")
    reps.send("b", "a")
    texts = set()
    for n in ("a", "b"):
        reps.use(n)
        texts.add(Note.get_by_id(nid).text)
        open_ = conflicts.open_conflicts()
        assert len(open_) == 1
        assert {open_[0].value, Note.get_by_id(nid).text} == {"edited on A", "edited on B"}
    assert len(texts) == 1  # the same winner everywhere
    # Resolve on B with a merge of both; the resolution travels to A.
    reps.use("b")
    conflicts.resolve(conflicts.open_conflicts()[0].id, "edited on A and B")
    reps.send("b", "a")
    reps.use("a")
    assert Note.get_by_id(nid).text == "edited on A and B" and conflicts.open_conflicts() == []


def test_sequential_edits_are_not_conflicts(reps):
    reps.use("a")
    t = staff.save(name="Tia")
    j = Join.get_by_id(joins.start(t, focus_item_id=None, focus_text="Routines"))
    nid = joins.add_note(j, "v1")
    reps.send("a", "b")
    reps.use("b")
    joins.edit_note(nid, "v2 on B")
    joins.edit_note(nid, "v3 on B")
    reps.send("b", "a")
    reps.use("a")
    joins.edit_note(nid, "v4 on A")
    reps.send("a", "b")
    for n in ("a", "b"):
        reps.use(n)
        assert Note.get_by_id(nid).text == "v4 on A"
        assert Conflict.select().count() == 0


def test_deletes_stay_deleted_against_stale_bundles(reps, tmp_path):
    reps.use("a")
    t = staff.save(name="Tia")
    stale = tmp_path / "stale.ctb"
    bundle.export(stale, None)
    write.delete(Staff, t)
    reps.send("a", "b")
    reps.use("b")
    merge.merge(stale, None, commit=True, allow_plain=True)
    assert Staff.get_by_id(t).deleted


def test_erasure_travels_and_no_older_bundle_brings_it_back(reps, tmp_path):
    reps.use("a")
    t = staff.save(name="Leaver", email="leaver@x.org")
    old = tmp_path / "old.ctb"
    bundle.export(old, PASS)
    reps.send("a", "b")
    reps.use("a")
    write.purge(Staff, t)
    reps.send("a", "b")
    reps.use("b")
    assert Staff.get_or_none(Staff.id == t) is None
    merge.merge(old, PASS, commit=True)  # the stale bundle still holds the leaver
    assert Staff.get_or_none(Staff.id == t) is None
    reps.send("b", "c")
    reps.use("c")
    merge.merge(old, PASS, commit=True)
    assert Staff.get_or_none(Staff.id == t) is None


def damaged(tmp_path, good: bytes):
    cases = {
        "truncated": good[: len(good) // 2],
        "bit flipped": good[:60] + bytes([good[60] ^ 1]) + good[61:],
        "not a bundle": b"hello, this is a shopping list\n",
        "empty": b"",
        "extra": good + b"junk",
    }
    for name, data in cases.items():
        p = tmp_path / f"{name}.ctb"
        p.write_bytes(data)
        yield name, p


@pytest.mark.parametrize("encrypted", [True, False])
def test_damaged_bundles_change_nothing(reps, tmp_path, encrypted):
    reps.use("a")
    for i in range(30):
        staff.save(name=f"Person {i}")
    good = tmp_path / "good.ctb"
    bundle.export(good, PASS if encrypted else None)
    reps.use("b")
    staff.save(name="Already here")
    before = reps.dump("b")
    reps.use("b")
    for name, p in damaged(tmp_path, good.read_bytes()):
        with pytest.raises(BundleError):
            merge.merge(p, PASS if encrypted else None, commit=True, allow_plain=not encrypted)
        assert reps.dump("b") == before, name
        reps.use("b")
    if encrypted:
        with pytest.raises(BundleError, match="passphrase"):
            merge.merge(good, "wrong", commit=True)
    with pytest.raises(BundleError, match="folder"):
        merge.merge(tmp_path, PASS, commit=True)
    assert reps.dump("b") == before


def test_newer_schema_and_future_clocks_are_refused(reps, tmp_path):
    reps.use("a")
    staff.save(name="Ann")
    good = tmp_path / "plain.ctb"
    bundle.export(good, None)
    lines = good.read_bytes().splitlines(keepends=True)

    def rewrite(name, edit):
        import hashlib

        body = [edit(json.loads(line)) for line in lines[:-1]]
        data = b"".join((json.dumps(o, separators=(",", ":")) + "\n").encode() for o in body)
        trailer = json.loads(lines[-1])
        trailer["sha256"] = hashlib.sha256(data).hexdigest()
        p = tmp_path / name
        p.write_bytes(data + (json.dumps(trailer) + "\n").encode())
        return p

    newer = rewrite("newer.ctb", lambda o: {**o, "schema": 999} if o["type"] == "manifest" else o)
    future = rewrite("future.ctb", lambda o: {**o, "clocks": {k: "9999999999999-00000-evil" for k in o["clocks"]}}
                     if o["type"] == "row" else o)
    reps.use("b")
    with pytest.raises(BundleError, match="newer coachtui"):
        merge.merge(newer, None, commit=True, allow_plain=True)
    with pytest.raises(BundleError, match="future"):
        merge.merge(future, None, commit=True, allow_plain=True)
    assert Staff.select().count() == 0


def test_site_scoped_export(reps, tmp_path):
    reps.use("a")
    north, south = staff.site_named("North"), staff.site_named("South")
    n = staff.save(name="North Teacher", site_id=north)
    staff.save(name="South Teacher", site_id=south)
    j = Join.get_by_id(joins.start(n, focus_item_id=None, focus_text="x"))
    joins.add_note(j, "north note")
    out = tmp_path / "north.ctb"
    bundle.export(out, None, site="North")
    reps.use("b")
    merge.merge(out, None, commit=True, allow_plain=True)
    assert [s.name for s in Staff.select()] == ["North Teacher"]
    assert [x.text for x in Note.select()] == ["north note"]
    with pytest.raises(BundleError, match="no site"):
        bundle.export(tmp_path / "x.ctb", None, site="Atlantis")


def test_backups_are_taken_and_pruned(reps, tmp_path):
    reps.use("a")
    staff.save(name="Ann")
    for _ in range(7):
        reps.send("a", "b")
    backups = sorted((tmp_path / "b" / "backups").glob("*.db"))
    assert len(backups) == store_backups.KEEP


@pytest.mark.slow  # three command-line processes per round
def test_three_laptops_sync_through_one_folder_from_the_cli(tmp_path, capsys):
    shared = tmp_path / "usb"
    shared.mkdir()
    pf = tmp_path / "pass.txt"
    pf.write_text(PASS)
    dirs = {n: str(tmp_path / n) for n in "abc"}
    for n in "abc":
        assert main(["demo", "--staff", "10", "--seed", str(ord(n)), "--data-dir", dirs[n]]) == 0
    (shared / "coachtui-x.sync-conflict-20260101.ctb").write_bytes(b"junk")
    (shared / "half.ctb.partial").write_bytes(b"junk")
    for _ in range(2):
        for n in "abc":
            assert main(["sync", str(shared), "--passphrase-file", str(pf), "--data-dir", dirs[n]]) == 0
    out = capsys.readouterr().out
    assert "sync-conflict" in out and "skipped" in out
    counts = []
    for n in "abc":
        open_database(tmp_path / n / "coachtui.db")
        counts.append(Staff.select().count())
        close_store()
    assert counts == [30, 30, 30]


def test_cli_errors_are_one_line(tmp_path, capsys):
    d = str(tmp_path / "d")
    bad = tmp_path / "bad.ctb"
    bad.write_bytes(b"CTBNDL01" + b"\0" * 40)
    assert main(["import", str(bad), "--data-dir", d]) == 1
    err = capsys.readouterr().err
    assert err.startswith("coachtui: ") and err.count("\n") == 1
    assert main(["export", "--out", str(tmp_path / "x.ctb"), "--data-dir", d]) == 1  # no passphrase, no tty
    assert "passphrase" in capsys.readouterr().err
    assert main(["export", "--out", str(tmp_path / "x.ctb"), "--no-encrypt", "--data-dir", d]) == 0


def test_same_site_made_on_two_laptops_becomes_one(reps):
    reps.use("a")
    staff.save(name="Ann", site_id=staff.site_named("North Primary"))
    reps.use("b")
    staff.save(name="Bo", site_id=staff.site_named("north primary"))
    reps.send("a", "b")
    reps.send("b", "a")
    for n in ("a", "b"):
        reps.use(n)
        assert len(staff.sites()) == 1
        assert {r.site for r in staff.roster_rows()} == {staff.sites()[0].name}
    assert reps.dump("a") == reps.dump("b")
