"""Incremental folder sync (bundle format version 2): each laptop writes only
what the folder does not hold from it, reads only files it has not read
(known by name, never opened), a newcomer catches up from the folder, a
laptop's files are compacted, and relays through a second folder carry
everything on."""

import json
import os
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachtui.base.errors import UserError
from coachtui.launch import open_database
from coachtui.roster import staff
from coachtui.store import write
from coachtui.store.db import close_store
from coachtui.store.models import REPLICATED_MODELS, Staff, database
from coachtui.sync import bundle, folder, merge
from coachtui.sync.bundle import BundleError

PASS = "correct horse battery staple"


class Laptops:
    def __init__(self, tmp_path, names):
        self.tmp = tmp_path
        self.paths = {n: tmp_path / n / "coachtui.db" for n in names}
        for n in names:
            self.use(n)
        close_store()

    def use(self, name):
        close_store()
        open_database(self.paths[name])
        write.clear_history()

    def sync(self, name, where, passphrase=PASS):
        self.use(name)
        return folder.sync(where, passphrase, self.tmp / name / "backups", device_name=name)

    def state(self, name):
        self.use(name)
        rows = {}
        for m in REPLICATED_MODELS:
            for row in m.select():
                data = {f: getattr(row, f) for f in m.content_fields()}
                clocks = {k: v for k, v in json.loads(row.clocks).items() if not k.startswith("_")}
                rows[(m._meta.table_name, row.id)] = (json.dumps(data, sort_keys=True, default=str), clocks)
        return rows, {r[0] for r in database.execute_sql("SELECT id FROM purged")}


@pytest.fixture
def laptops(tmp_path):
    lap = Laptops(tmp_path, ["a", "b", "c"])
    yield lap
    close_store()


@pytest.fixture
def usb(tmp_path):
    d = tmp_path / "usb"
    d.mkdir()
    return d


def _rows_in(path) -> int:
    return sum(1 for obj in bundle.read(path, PASS) if obj["type"] == "row")


def test_a_days_sync_writes_only_what_changed(laptops, usb):
    laptops.use("a")
    for i in range(60):
        staff.save(name=f"Teacher {i}")
    first = laptops.sync("a", usb)
    whole = first.written
    assert _rows_in(whole) >= 60
    laptops.use("a")
    staff.save(name="New Teacher")
    second = laptops.sync("a", usb)
    assert _rows_in(second.written) == 1  # the new teacher only
    assert whole in [str(p) for p in usb.iterdir()]  # the whole one stays for newcomers
    # Nothing changed since: nothing is written.
    assert laptops.sync("a", usb).written == ""


def test_files_read_before_are_passed_over_by_name(laptops, usb, monkeypatch):
    laptops.use("a")
    staff.save(name="Ann")
    laptops.sync("a", usb)
    first = laptops.sync("b", usb)
    assert len(first.imported) == 1
    opened = []
    real = bundle._lines
    monkeypatch.setattr(bundle, "_lines", lambda path, *a: opened.append(path.name) or real(path, *a))
    again = laptops.sync("b", usb)
    assert opened == [] and again.imported == [] and again.known == 1


def test_a_newcomer_catches_up_and_relays_reach_another_folder(laptops, usb, tmp_path):
    """a and b work for a week through the stick; c only ever sees a second
    folder that b syncs with. c ends up with everything, and so does a
    laptop that joins the stick last."""
    share = tmp_path / "share"
    share.mkdir()
    for day in range(5):
        for name in "ab":
            laptops.use(name)
            staff.save(name=f"{name} day {day}")
            laptops.sync(name, usb)
        laptops.sync("b", share)
        laptops.sync("c", share)
    laptops.sync("a", usb)
    laptops.sync("b", usb)
    laptops.sync("b", share)
    laptops.sync("c", share)
    a, b, c = (laptops.state(n) for n in "abc")
    assert a == b == c
    assert len([r for r in a[0] if r[0] == "staff"]) == 10
    # A fourth laptop joins the stick last, and catches up from the stick alone.
    laptops.paths["d"] = tmp_path / "d" / "coachtui.db"
    laptops.sync("d", usb)
    assert laptops.state("d") == a


def test_a_delta_does_not_echo_what_it_read_from_the_same_folder(laptops, usb):
    laptops.use("a")
    for i in range(20):
        staff.save(name=f"Teacher {i}")
    laptops.sync("a", usb)
    laptops.sync("b", usb)  # b's whole bundle: everything it holds
    laptops.use("a")
    staff.save(name="Only on a")
    laptops.sync("a", usb)
    report = laptops.sync("b", usb)
    assert len(report.imported) == 1 and report.written == ""  # a's row is in the folder already


def test_a_laptops_files_are_compacted_and_readers_skip_the_whole_one(laptops, usb, monkeypatch):
    monkeypatch.setattr(folder, "COMPACT_FILES", 8)  # a month of daily syncs, made short
    laptops.use("a")
    for i in range(5):
        staff.save(name=f"Teacher {i}")
    laptops.sync("a", usb)
    laptops.sync("b", usb)
    for day in range(40):
        laptops.use("a")
        staff.save(name=f"Day {day} " + "x" * 150)
        laptops.sync("a", usb)
        laptops.sync("b", usb)
    mine = [p for p in usb.iterdir() if folder.NAME.fullmatch(p.name) and folder.NAME.fullmatch(p.name)[1]
            == _device("a", laptops)]
    assert 1 <= len(mine) <= 9  # compacted: not one file per day
    opened = []
    real = bundle._lines
    monkeypatch.setattr(bundle, "_lines", lambda path, *a: opened.append(path.name) or real(path, *a))
    laptops.sync("b", usb)
    assert opened == []  # b had every part of a's whole bundle already
    assert laptops.state("a")[0] == laptops.state("b")[0]


def _device(name, laptops):
    from coachtui.store.db import device_id

    laptops.use(name)
    return device_id()


def test_files_out_of_order_or_cut_short_are_read_when_whole(laptops, usb, tmp_path):
    laptops.use("a")
    staff.save(name="First")
    laptops.sync("a", usb)
    laptops.use("a")
    staff.save(name="Second")
    middle = laptops.sync("a", usb).written
    laptops.use("a")
    staff.save(name="Third")
    laptops.sync("a", usb)
    aside = tmp_path / "aside.ctb"
    shutil.move(middle, aside)  # still on its way (a slow Syncthing, OneDrive)
    laptops.sync("b", usb)
    laptops.use("b")
    assert {s.name for s in Staff.select()} >= {"First", "Third"}
    assert not Staff.select().where(Staff.name == "Second").exists()
    # It arrives, first cut short (a copy in progress), then whole.
    data = aside.read_bytes()
    with open(middle, "wb") as f:
        f.write(data[: len(data) // 2])
    report = laptops.sync("b", usb)
    assert any("cut short" in why or "damaged" in why for _, why in report.skipped)
    shutil.copy(aside, middle)
    laptops.sync("b", usb)
    laptops.use("b")
    assert Staff.select().where(Staff.name == "Second").exists()
    assert laptops.state("a")[0] == laptops.state("b")[0]


def test_a_renamed_file_is_refused(laptops, usb):
    laptops.use("a")
    staff.save(name="Ann")
    written = laptops.sync("a", usb).written
    m = folder.NAME.fullmatch(written.rsplit("/", 1)[-1])
    fake = usb / folder.file_name(m[1], 0, int(m[3]) + 5, m[4] + "0" * 20)
    shutil.move(written, fake)
    report = laptops.sync("b", usb)
    assert report.imported == [] and "name says" in report.skipped[0][1]


def test_a_wrong_passphrase_writes_nothing(laptops, usb):
    laptops.use("a")
    staff.save(name="Ann")
    laptops.sync("a", usb)
    laptops.sync("b", usb)
    before = sorted(p.name for p in usb.iterdir())
    # b has opened a's bundle: it knows the trust's passphrase, and refuses another.
    laptops.use("b")
    staff.save(name="Typed today")
    with pytest.raises(UserError, match="not the trust's passphrase"):
        laptops.sync("b", usb, passphrase="correct horse battery stapel")
    with pytest.raises(UserError, match="not the trust's passphrase"):
        laptops.use("b")
        bundle.export(usb / "by-hand.ctb", "correct horse battery stapel")
    # c has never opened a bundle: nothing in the folder opens, so it writes nothing either.
    with pytest.raises(BundleError, match="none of the 2 bundles"):
        laptops.sync("c", usb, passphrase="correct horse battery stapel")
    assert sorted(p.name for p in usb.iterdir()) == before


def test_a_restored_laptop_starts_again_with_a_whole_bundle(laptops, usb, tmp_path):
    laptops.use("a")
    staff.save(name="Ann")
    laptops.sync("a", usb)
    close_store()
    saved = tmp_path / "a-before.db"
    shutil.copy(laptops.paths["a"], saved)
    laptops.use("a")
    staff.save(name="Bea")
    laptops.sync("a", usb)
    laptops.sync("b", usb)
    close_store()
    shutil.copy(saved, laptops.paths["a"])  # back to the copy from before Bea
    for suffix in ("-wal", "-shm"):
        (laptops.paths["a"].parent / ("coachtui.db" + suffix)).unlink(missing_ok=True)
    laptops.use("a")
    staff.save(name="Cat")
    laptops.sync("a", usb)
    laptops.sync("b", usb)
    laptops.use("b")
    assert {s.name for s in Staff.select()} >= {"Ann", "Bea", "Cat"}


def test_erasure_reaches_every_laptop_through_small_bundles(laptops, usb):
    from coachtui.roster import erase

    laptops.use("a")
    ann = staff.save(name="Ann Leaver")
    staff.save(name="Bo Stays")
    for n in "abc":
        laptops.sync(n, usb)
    laptops.use("b")
    erase.erase(ann) if hasattr(erase, "erase") else write.purge(Staff, ann)
    laptops.sync("b", usb)
    for n in "ac":
        laptops.sync(n, usb)
        laptops.use(n)
        assert Staff.get_or_none(Staff.id == ann) is None
    assert laptops.state("a") == laptops.state("b") == laptops.state("c")


def test_a_version_1_bundle_in_the_folder_is_still_read(laptops, usb):
    laptops.use("a")
    staff.save(name="From an older coachtui")
    from coachtui.store.db import device_id

    old = usb / f"coachtui-{device_id()}.ctb"
    bundle.export(old, PASS)
    report = laptops.sync("b", usb)
    assert len(report.imported) == 1
    laptops.use("b")
    assert Staff.select().where(Staff.name == "From an older coachtui").exists()
    # Read once: passed over by its name, size and time from then on, unopened.
    opened = []
    real = bundle._lines
    bundle._lines = lambda path, *a: opened.append(path.name) or real(path, *a)
    try:
        again = laptops.sync("b", usb)
    finally:
        bundle._lines = real
    assert opened == [] and again.known == 1


op = st.one_of(
    st.tuples(st.just("edit"), st.sampled_from("abc"), st.integers(0, 2), st.integers(0, 3)),
    st.tuples(st.just("sync"), st.sampled_from("abc"), st.sampled_from(["usb", "share"]), st.just(0)),
)


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, max_size=14))
def test_laptops_syncing_through_two_folders_in_any_order_converge(tmp_path_factory, ops):
    tmp = tmp_path_factory.mktemp("inc")
    lap = Laptops(tmp, ["a", "b", "c"])
    places = {"usb": tmp / "usb", "share": tmp / "share"}
    for p in places.values():
        p.mkdir()
    lap.use("a")
    people = [staff.save(name=f"P{i}") for i in range(3)]
    lap.sync("a", places["usb"])
    for n in "bc":
        lap.sync(n, places["usb"])
    for kind, who, x, value in ops:
        if kind == "edit":
            lap.use(who)
            write.write(Staff, people[x], team=f"{who}{value}")
        else:
            lap.sync(who, places[x])
    # Everyone syncs with both folders, twice round.
    for _ in range(2):
        for n in "abc":
            for where in ("usb", "share"):
                lap.sync(n, places[where])
    states = [lap.state(n) for n in "abc"]
    assert states[0] == states[1] == states[2]
    close_store()


def test_a_new_trust_passphrase_is_taken_once_set_on_purpose(tmp_path, usb, capsys):
    """The check value refuses a mistyped passphrase, not a new one: after
    `coachtui passphrase set` the laptop syncs under the new one."""
    from coachtui.cli.main import main

    data = tmp_path / "b-data"
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(PASS)
    new.write_text("a brand new trust passphrase")
    other = tmp_path / "a-data"
    open_database(other / "coachtui.db")
    staff.save(name="Ann")
    close_store()
    assert main(["sync", str(usb), "--passphrase-file", str(old), "--data-dir", str(other)]) == 0
    assert main(["sync", str(usb), "--passphrase-file", str(old), "--data-dir", str(data)]) == 0
    capsys.readouterr()
    assert main(["sync", str(usb), "--passphrase-file", str(new), "--data-dir", str(data)]) == 1
    assert "not the trust's passphrase" in capsys.readouterr().err
    assert main(["passphrase", "set", "--config", "--from-file", str(new), "--data-dir", str(data)]) == 0
    # A new passphrase set by mistake (or the trust's new one, before any laptop writes under it): nothing
    # in the folder opens with it, so nothing is written, until it is said to be the trust's new one.
    before = sorted(p.name for p in usb.iterdir())
    assert main(["sync", str(usb), "--passphrase-file", str(new), "--data-dir", str(data)]) == 1
    assert "mistyped" in capsys.readouterr().err and sorted(p.name for p in usb.iterdir()) == before
    assert main(["sync", str(usb), "--new-passphrase", "--passphrase-file", str(new), "--data-dir", str(data)]) == 0
    # This laptop's bundles are written again under the new one: the other laptop, moved to it, reads them.
    assert main(["passphrase", "set", "--config", "--from-file", str(new), "--data-dir", str(other)]) == 0
    assert main(["sync", str(usb), "--passphrase-file", str(new), "--data-dir", str(other)]) == 0


def test_a_bundle_too_big_for_a_fat32_stick_goes_in_parts(laptops, usb, monkeypatch, tmp_path):
    """No file over the part size (FAT32 takes none of 4 GiB): a whole bundle
    is written as parts, each a bundle of its own; a reader passes the parts
    over only once it has them all."""
    monkeypatch.setattr(bundle, "PART_BYTES", 4000)
    laptops.use("a")
    for i in range(40):
        staff.save(name=f"Teacher {i}")
    report = laptops.sync("a", usb)
    parts = report.written.split(", ")
    assert len(parts) > 3
    for p in parts:
        m = folder.NAME.fullmatch(p.rsplit("/", 1)[-1])
        assert m and m[6] == str(len(parts))
        assert (usb / p.rsplit("/", 1)[-1]).stat().st_size < 4000 + 2000  # one line over at most
    # One part is still on its way: the others are read, and read again when it comes.
    aside = tmp_path / "aside"
    shutil.move(parts[1], aside)
    laptops.sync("b", usb)
    shutil.move(aside, parts[1])
    second = laptops.sync("b", usb)
    assert len(second.imported) == 1
    assert laptops.state("a")[0] == laptops.state("b")[0]
    # The same from the command line's export: NAME-KofN.ctb, imported together.
    laptops.use("a")
    counts = bundle.export(tmp_path / "trust.ctb", PASS)
    assert [p.name for p in counts["files"]] == [f"trust-{k}of{len(counts['files'])}.ctb"
                                                for k in range(1, len(counts["files"]) + 1)]
    laptops.use("c")
    for p in counts["files"]:
        merge.merge(p, PASS, commit=True)
    assert laptops.state("c")[0] == laptops.state("a")[0]


def test_a_full_stick_is_one_line_before_anything_is_written(laptops, usb, monkeypatch):
    from collections import namedtuple

    laptops.use("a")
    staff.save(name="Ann")
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(folder.shutil, "disk_usage", lambda p: usage(10 ** 9, 10 ** 9 - 1000, 1000))
    with pytest.raises(BundleError, match="MB free.*nothing was written"):
        laptops.sync("a", usb)
    assert list(usb.iterdir()) == []


# --- what anyone who can write to the folder (no passphrase) tries -------------------------


def _names(usb):
    return [p.name for p in usb.iterdir()]


def test_a_forged_name_does_not_stop_a_laptops_changes_reaching_others(laptops, usb):
    laptops.use("b")
    staff.save(name="Before")
    laptops.sync("b", usb)
    laptops.sync("c", usb)
    real = next(folder.NAME.fullmatch(n) for n in _names(usb) if folder.NAME.fullmatch(n))
    # An empty file: b's device, b's real bundle id, a range reaching far beyond b's history.
    (usb / folder.file_name(real[1], 0, 999999999999999999, real[4])).write_bytes(b"")
    (usb / folder.file_name(real[1], 5, int(real[3]) + 10 ** 9, real[4])).write_bytes(b"")
    laptops.sync("c", usb)
    laptops.use("b")
    staff.save(name="After")
    laptops.sync("b", usb)
    laptops.sync("c", usb)
    laptops.use("c")
    assert Staff.select().where(Staff.name == "After").exists()


def test_a_forged_file_named_as_a_laptops_own_changes_nothing_it_writes(laptops, usb):
    from coachtui.store.db import device_id, get_meta
    from coachtui.store.hlc import now_ms

    laptops.use("b")
    staff.save(name="First")
    laptops.sync("b", usb)
    laptops.sync("c", usb)
    laptops.use("b")
    staff.save(name="Second")
    me, clock = device_id(), get_meta("hlc_last")
    (usb / folder.file_name(me, 0, (now_ms() + 30 * 86400000) * 100000, "abcdefabcdef")).write_bytes(b"")
    (usb / folder.file_name(me, 0, 999999999999999999, "abcdefabcdee")).write_bytes(b"")
    report = laptops.sync("b", usb)
    assert any("not written by it" in why for _, why in report.skipped)
    laptops.use("b")
    assert get_meta("hlc_last")[:13] < str(now_ms() + 86400000)  # its clock was not moved by a name
    assert clock
    laptops.sync("c", usb)
    laptops.use("c")
    assert Staff.select().where(Staff.name == "Second").exists()


def test_an_erased_person_leaves_the_folder_once_each_laptop_has_synced(laptops, usb):
    from coachtui.roster import erase

    laptops.use("a")
    ann = staff.save(name="Annabel Leaver", email="annabel@school.example")
    staff.save(name="Bo Stays")
    for n in "abc":
        laptops.sync(n, usb)
    laptops.use("a")
    erase.erase(ann)
    for n in "abcabc":
        laptops.sync(n, usb)
    for p in usb.iterdir():
        for obj in bundle.read(p, PASS):
            assert "Annabel" not in json.dumps(obj) and ann not in json.dumps(obj), p.name


def test_a_bundle_with_text_no_utf8_can_hold_is_one_line(laptops, usb, tmp_path):
    """A lone surrogate ("\\ud800" in JSON) stopped every sync with a traceback."""
    laptops.use("a")
    staff.save(name="Ann")
    laptops.sync("a", usb)
    laptops.sync("b", usb)
    import hashlib

    from coachtui.sync.envelope import Encryptor
    from tests.test_sync_trust import row, write_bundle

    values = {f: getattr(Staff.select().first(), f) for f in Staff.content_fields()}
    plain = write_bundle(tmp_path / "plain.ctb", [row("staff", {**values, "name": "Bad SURROGATE name"})])
    lines = plain.read_bytes().replace(b"SURROGATE", b"\\ud800").splitlines(keepends=True)[:-1]
    body = b"".join(lines)
    trailer = {"type": "trailer", "rows": 1, "purged": 0, "sha256": hashlib.sha256(body).hexdigest()}
    with open(usb / "handmade.ctb", "wb") as f:
        enc = Encryptor(f, PASS)
        enc.write(body + json.dumps(trailer).encode() + b"\n")
        enc.close()
    report = laptops.sync("b", usb)
    laptops.use("b")
    assert not Staff.select().where(Staff.name.contains("Bad")).exists() or \
        Staff.select().where(Staff.name == "Bad  name").exists()
    assert all("\n" not in why for _, why in report.skipped)


def test_a_file_that_could_not_be_read_is_not_read_again_until_it_changes(laptops, usb, monkeypatch):
    laptops.use("a")
    staff.save(name="Ann")
    laptops.sync("a", usb)
    laptops.sync("b", usb)
    junk = usb / folder.file_name("junk", 0, 5, "0" * 12)
    junk.write_bytes(b"CTBNDL01" + os.urandom(60))
    opened = []
    real = bundle._lines
    monkeypatch.setattr(bundle, "_lines", lambda path, *a: opened.append(path.name) or real(path, *a))
    laptops.sync("b", usb)
    laptops.sync("b", usb)
    assert opened.count(junk.name) == 1
    junk.write_bytes(b"CTBNDL01" + os.urandom(80))  # it changed (a copy still arriving): read again
    laptops.sync("b", usb)
    assert opened.count(junk.name) == 2


def test_hiding_the_others_files_does_not_get_a_mistyped_passphrase_written(laptops, usb):
    laptops.use("a")
    staff.save(name="Ann")
    laptops.sync("a", usb)  # first into the folder: a has never opened another laptop's bundle
    laptops.sync("b", usb)
    for p in usb.iterdir():
        if folder.NAME.fullmatch(p.name) and folder.NAME.fullmatch(p.name)[1] != _device("a", laptops):
            p.rename(p.with_name(p.stem + " (1).ctb"))  # looks like a sync tool's copy: never read
    laptops.use("a")
    staff.save(name="Typed today")
    before = sorted(_names(usb))
    with pytest.raises(BundleError, match="mistyped"):
        laptops.sync("a", usb, passphrase="correct horse battery stapel")
    assert sorted(_names(usb)) == before


def test_the_same_mis_export_imported_on_two_laptops_makes_one_person_each(laptops, usb, tmp_path):
    """A trust's IT imported one school's staff CSV on two laptops: after a
    sync each person was there twice (sites of one name became one; people of
    one MIS id did not)."""
    from coachtui.roster import csv_import

    csv = tmp_path / "mis.csv"
    csv.write_text("Name,MIS id,Team\nHarriet Mills,HS001,Maths\nIfan Roberts,HS002,Science\n")
    for name in "ab":
        laptops.use(name)
        csv_import.import_file(csv)
    # And one typed by hand on each before either synced (same MIS id, same name): merged too.
    laptops.use("a")
    staff.save(name="Jo Kaur", external_id="HS003")
    laptops.use("b")
    staff.save(name="Jo Kaur", external_id="HS003")
    staff.save(name="Jo Kaur", external_id="HS003X")  # another school's Jo: not the same person
    for name in "abab":
        laptops.sync(name, usb)
    for name in "ab":
        laptops.use(name)
        live = [(s.name, s.external_id) for s in Staff.select().where(Staff.live()).order_by(Staff.external_id)]
        assert live == [("Harriet Mills", "HS001"), ("Ifan Roberts", "HS002"), ("Jo Kaur", "HS003"),
                        ("Jo Kaur", "HS003X")], name
    assert laptops.state("a") == laptops.state("b")


def test_a_whole_bundle_leaves_out_what_the_folder_holds_from_others(laptops, usb):
    """A newcomer's first whole bundle is not a second copy of the trust: the
    rows are in the files of the laptops that wrote them. If those files are
    deleted by hand, the next whole bundle carries them again."""
    laptops.use("a")
    for i in range(30):
        staff.save(name=f"Teacher {i}")
    laptops.sync("a", usb)
    report = laptops.sync("b", usb)
    assert _rows_in(report.written) == 0
    # A newcomer still gets everything, from a's files.
    laptops.sync("c", usb)
    assert laptops.state("c")[0] == laptops.state("a")[0]
    for p in list(usb.iterdir()):
        if p.name.startswith(f"coachtui-{_device('a', laptops)}-"):
            p.unlink()  # someone tidied the stick
    laptops.use("b")
    staff.save(name="On b")
    laptops.sync("b", usb)  # a's rows are no longer there: b's compaction carries them
    laptops.paths["d"] = laptops.tmp / "d" / "coachtui.db"
    laptops.sync("d", usb)
    names = {s.name for s in Staff.select()}
    laptops.use("d")
    assert {s.name for s in Staff.select()} >= {"Teacher 0", "Teacher 29", "On b"}
    assert names


def test_a_folder_sync_backs_up_before_a_whole_bundle_not_before_each_days_small_one(laptops, usb, tmp_path):
    laptops.use("a")
    for i in range(200):
        staff.save(name=f"Teacher {i}")
    laptops.sync("a", usb)
    laptops.use("b")
    staff.save(name="Bea")
    laptops.sync("b", usb)  # a's whole bundle: a backup first
    backups = tmp_path / "b" / "backups"
    assert len(list(backups.glob("*.db"))) == 1
    for day in range(3):
        for old in backups.glob("*.db"):  # the backup was taken days ago
            os.utime(old, (old.stat().st_atime - 2 * 86400, old.stat().st_mtime - 2 * 86400))
        laptops.use("a")
        staff.save(name=f"Day {day}")
        laptops.sync("a", usb)
        laptops.sync("b", usb)  # a day's small bundle: the week's backup will do
    assert len(list(backups.glob("*.db"))) == 1
    laptops.use("b")
    assert Staff.select().where(Staff.name == "Day 2").exists()


# --- the re-check: the right passphrase is never locked out; a typo never written -----------


def test_the_right_passphrase_is_not_locked_out_by_junk_after_it_was_set_again(laptops, usb):
    from coachtui.sync import trust

    laptops.use("a")
    staff.save(name="Ann")
    laptops.sync("a", usb)
    laptops.sync("b", usb)
    (usb / folder.file_name("junk", 0, 5, "c" * 12)).write_bytes(b"CTBNDL01" + os.urandom(60))
    laptops.use("b")
    trust.forget()  # `coachtui passphrase set`, with the right one
    staff.save(name="Typed after")
    assert laptops.sync("b", usb).written  # a's bundle, read before, still opens with it: not a typo


def test_a_trusts_new_passphrase_reaches_a_laptop_that_failed_under_the_old_one(laptops, usb):
    from coachtui.sync import trust

    laptops.use("a")
    staff.save(name="Ann")
    laptops.sync("a", usb)
    laptops.sync("b", usb)
    laptops.use("b")
    staff.save(name="Under the new one")
    laptops.use("b")
    trust.forget()
    folder.sync(usb, "the trust's new passphrase", laptops.tmp / "b" / "backups", new_passphrase=True)
    laptops.sync("a", usb)  # still on the old one: b's new file does not open (mid-change)
    laptops.use("a")
    trust.forget()
    report = laptops.sync("a", usb, passphrase="the trust's new passphrase")
    laptops.use("a")
    assert Staff.select().where(Staff.name == "Under the new one").exists(), report.skipped


def test_a_typo_is_not_written_where_this_laptop_wrote_under_the_trusts_passphrase_before(laptops, usb):
    laptops.use("a")
    staff.save(name="Ann")
    laptops.sync("a", usb)  # alone in the folder: it has never opened another laptop's bundle
    for p in usb.iterdir():
        p.rename(p.with_name(p.stem + " (1).ctb"))  # its own file hidden as a sync tool's copy
    laptops.use("a")
    staff.save(name="Typed today")
    with pytest.raises(BundleError, match="mistyped"):
        laptops.sync("a", usb, passphrase="correct horse battery stapel")
    assert all(" (1)" in p.name for p in usb.iterdir())


def test_a_laptop_does_not_sync_into_its_own_data_folder_or_an_empty_path(laptops, usb, tmp_path):
    laptops.use("a")
    with pytest.raises(BundleError, match="data folder"):
        laptops.sync("a", tmp_path / "a")
    with pytest.raises(BundleError, match="type the shared folder"):
        laptops.sync("a", "")
    assert not list((tmp_path / "a").glob("*.ctb"))


def test_a_file_named_as_this_laptops_old_bundle_is_deleted_only_if_it_is(laptops, usb):
    laptops.use("a")
    staff.save(name="Ann")
    laptops.sync("a", usb)
    planted = usb / folder.own_name()
    planted.write_bytes(b"not a bundle of a")
    laptops.use("a")
    for i in range(3):
        staff.save(name=f"x{i}")
    from coachtui.store.models import Purged

    # An erasure newer than a's whole bundle: a writes its whole bundle again, and removes its older files.
    Purged.insert(id="0" * 64, table="staff", stamp="1795000000000-00000-zz", seq=10 ** 18 - 1).execute()
    laptops.sync("a", usb)
    assert planted.exists()
