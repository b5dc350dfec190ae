"""A strict reader (issue 14): what docs/bundle-format.md says a reader
refuses, coachtui refuses, in one line, with nothing applied; and every bundle
coachtui itself writes (older schemas included) still reads.

Bundles are made by hand with the helpers of test_sync_trust."""

from __future__ import annotations

import hashlib
import json
import os
import struct
import unicodedata
import uuid

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from coachtui.roster import staff
from coachtui.store import hlc, schema
from coachtui.store.models import FrameworkItem, Staff
from coachtui.sync import bundle, envelope, merge
from coachtui.sync.bundle import BundleError
from tests.test_sync_trust import PASS, everything, row, stamp, tombstone, write_bundle


@pytest.fixture
def victim(store):
    return staff.save(name="Vic Teacher", team="Maths")


def refused(path, match: str, passphrase: str | None = None) -> None:
    before = everything()
    with pytest.raises(BundleError, match=match) as exc:
        merge.merge(path, passphrase, commit=True, allow_plain=passphrase is None)
    assert "\n" not in str(exc.value)
    assert everything() == before


# --- the passphrase becomes bytes one way: NFC, trimmed, UTF-8 ------------------------------


def old_style_envelope(path, passphrase_bytes: bytes, body: bytes, n_log2: int = 15, r: int = 8, p: int = 1,
                       frames: list[tuple[int, bytes]] | None = None) -> None:
    """An envelope made by hand, as coachtui wrote them before the passphrase
    was normalised (the key from the bytes given), with frames as given."""
    salt, prefix = os.urandom(16), os.urandom(7)
    header = envelope.MAGIC + salt + bytes([n_log2, r, p]) + prefix
    key = Scrypt(salt=salt, length=32, n=2 ** n_log2, r=r, p=p).derive(passphrase_bytes)
    out = bytearray(header)
    for count, (flag, chunk) in enumerate(frames or [(1, body)]):
        ct = AESGCM(key).encrypt(prefix + bytes([flag]) + struct.pack(">I", count), chunk, header)
        out += bytes([flag]) + struct.pack(">I", len(ct)) + ct
    with open(path, "wb") as f:
        f.write(out)


def plain_body(tmp_path, objs) -> bytes:
    return write_bundle(tmp_path / "body.plain", objs).read_bytes()


def test_a_decomposed_passphrase_opens_a_bundle_written_with_the_composed_one(victim, tmp_path):
    nfc = unicodedata.normalize("NFC", "Zoë's café passphrase")
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    p = write_bundle(tmp_path / "nfc.ctb", [row("staff", {"name": "Ann"})], nfc)
    assert bundle.manifest_of(p, nfd).device
    q = write_bundle(tmp_path / "nfd.ctb", [row("staff", {"name": "Ann"})], nfd)
    assert bundle.manifest_of(q, nfc).device


def test_bundles_written_before_normalisation_still_open(victim, tmp_path):
    nfc = unicodedata.normalize("NFC", "Zoë's café passphrase")
    p = tmp_path / "old.ctb"
    old_style_envelope(p, nfc.encode("utf-8"), plain_body(tmp_path, [row("staff", {"name": "Ann"})]))
    merge.merge(p, nfc, commit=True)
    assert Staff.select().where(Staff.name == "Ann").exists()


def test_spaces_around_the_passphrase_do_not_count(victim, tmp_path):
    p = write_bundle(tmp_path / "a.ctb", [row("staff", {"name": "Ann"})], PASS)
    assert bundle.manifest_of(p, f"  {PASS}\n").device
    with pytest.raises(BundleError, match="empty"):
        bundle.manifest_of(p, " \n\u3000")


# --- scrypt limits and frame rules ---------------------------------------------------------


@pytest.mark.parametrize("cost", [(9, 8, 1), (18, 8, 1), (31, 8, 1), (15, 0, 1), (15, 9, 1), (15, 16, 1),
                                  (15, 8, 0), (15, 8, 5)])
def test_scrypt_parameters_outside_the_limits_are_refused(victim, tmp_path, cost):
    n_log2, r, p = cost
    salt = os.urandom(16)
    path = tmp_path / "cost.ctb"
    path.write_bytes(envelope.MAGIC + salt + bytes(cost) + os.urandom(7) + b"\x01\x00\x00\x00\x10" + bytes(16))
    refused(path, "key parameters", PASS)


def test_scrypt_parameters_inside_the_limits_are_read(victim, tmp_path):
    p = tmp_path / "cheap.ctb"
    old_style_envelope(p, PASS.encode(), plain_body(tmp_path, [row("staff", {"name": "Ann"})]), 14, 4, 2)
    merge.merge(p, PASS, commit=True)
    assert Staff.select().where(Staff.name == "Ann").exists()


def test_a_short_frame_before_the_last_is_refused(victim, tmp_path):
    body = plain_body(tmp_path, [row("staff", {"name": "Ann"})])
    p = tmp_path / "short.ctb"
    old_style_envelope(p, PASS.encode(), body, frames=[(0, body[:10]), (1, body[10:])])
    refused(p, "damaged", PASS)


@pytest.mark.parametrize("flag", [2, 255])
def test_a_frame_flag_other_than_0_or_1_is_refused(victim, tmp_path, flag):
    body = plain_body(tmp_path, [row("staff", {"name": "Ann"})])
    p = tmp_path / "flag.ctb"
    old_style_envelope(p, PASS.encode(), body, frames=[(flag, body)])
    refused(p, "damaged", PASS)


def test_full_frames_then_a_short_last_one_are_read(victim, tmp_path):
    body = plain_body(tmp_path, [row("staff", {"name": "A" * 1500}) for _ in range(800)])
    assert len(body) > envelope.FRAME
    p = tmp_path / "frames.ctb"
    old_style_envelope(p, PASS.encode(), body, frames=[(0, body[:envelope.FRAME]), (1, body[envelope.FRAME:])])
    merge.merge(p, PASS, commit=True)
    assert Staff.select().count() == 801


# --- line order, line keys, manifest --------------------------------------------------------


def test_a_row_after_a_tombstone_is_refused(victim, tmp_path):
    gone = uuid.uuid4().hex
    p = write_bundle(tmp_path / "order.ctb", [tombstone("staff", gone), row("staff", {"name": "Ann"})])
    refused(p, "order")


def test_tombstones_after_rows_are_read(victim, tmp_path):
    p = write_bundle(tmp_path / "order.ctb", [row("staff", {"name": "Ann"}), tombstone("staff", victim)])
    merge.merge(p, None, commit=True, allow_plain=True)
    assert Staff.get_or_none(Staff.id == victim) is None


@pytest.mark.parametrize("objs", [
    pytest.param(lambda v: [{**tombstone("nosuchtable", v)}], id="tombstone of an unknown table"),
    pytest.param(lambda v: [{**tombstone("staff", v), "extra": 1}], id="tombstone with an unknown key"),
    pytest.param(lambda v: [{**row("staff", {"name": "Ann"}), "extra": 1}], id="row with an unknown key"),
    pytest.param(lambda v: [row("staff", {"name": "Ann"}, clocks={})], id="row without clocks"),
    pytest.param(lambda v: [row("staff", {"name": "Ann", "team": "X"}, clocks={"name": stamp()})],
                 id="value without a clock"),
    pytest.param(lambda v: [row("staff", {"name": "Ann"}, clocks={"name": stamp(), "team": stamp()})],
                 id="clock without a value"),
    pytest.param(lambda v: [row("staff", {"name": "Ann"}, clocks={"name": stamp(), "nosuch": stamp()})],
                 id="clock for an unknown field"),
    pytest.param(lambda v: [row("note", {"join_id": "j", "staff_id": "s", "kind": "x"},
                                clocks={"join_id": stamp(), "staff_id": stamp(), "kind": stamp(),
                                        "_base": {"kind": ""}})], id="base of a field that is not free text"),
    pytest.param(lambda v: [row("note", {"join_id": "j", "staff_id": "s", "text": "x"},
                                clocks={"join_id": stamp(), "staff_id": stamp(), "text": stamp(),
                                        "_base": {"nosuch": ""}})], id="base of an unknown field"),
    pytest.param(lambda v: [row("staff_focus", {"item_id": "i", "kind": "strength"})],
                 id="row missing a field that has no default"),
])
def test_malformed_lines_are_refused(victim, tmp_path, objs):
    refused(write_bundle(tmp_path / "bad.ctb", objs(victim)), "damaged|unknown|order|malformed|missing")


@pytest.mark.parametrize("manifest", [
    {"scope": "everything"}, {"scope": "site:North"}, {"scope": "site:North", "site": "South"},
    {"scope": "all", "site": "North"}, {"scope": 5}, {"site": 5}, {"device_name": ["x"]}, {"created_at": 1},
    {"demo": "yes"}, {"demo": False}, {"extra": 1}, {"schema": True}, {"version": True},
])
def test_malformed_manifests_are_refused(victim, tmp_path, manifest):
    refused(write_bundle(tmp_path / "m.ctb", [row("staff", {"name": "Ann"})], **manifest),
            "damaged|not a coachtui|format|demo|real data")


def test_a_site_scope_naming_its_site_is_read(victim, tmp_path):
    p = write_bundle(tmp_path / "m.ctb", [row("staff", {"name": "Ann"})], scope="site:North", site="North")
    merge.merge(p, None, commit=True, allow_plain=True)


def test_a_trailer_must_count_with_integers(victim, tmp_path):
    p = write_bundle(tmp_path / "t.ctb", [row("staff", {"name": "Ann"})])
    lines = p.read_bytes().splitlines(keepends=True)
    trailer = json.loads(lines[-1])
    p.write_bytes(b"".join(lines[:-1]) + (json.dumps({**trailer, "rows": True}) + "\n").encode())
    refused(p, "damaged")
    p.write_bytes(b"".join(lines[:-1]) + (json.dumps({**trailer, "extra": 1}) + "\n").encode())
    refused(p, "damaged")


# --- bundles coachtui wrote at older schemas still read ---------------------------------------


def test_an_older_schema_row_without_a_later_field_takes_its_default(victim, tmp_path):
    """Schema 4 had no framework_item.retired: the row takes the default, under
    the genesis stamp (as the schema-5 migration gave existing rows), so the
    clocks stay complete and the next bundle from here reads everywhere."""
    s = stamp()
    values = {"kind": "step", "parent_id": None, "code": "Z9", "title": "Custom step", "detail": "",
              "position": 3, "deleted": False}
    item = uuid.uuid4().hex
    p = write_bundle(tmp_path / "v4.ctb", [row("framework_item", values, item, dict.fromkeys(values, s))],
                     schema=4)
    merge.merge(p, None, commit=True, allow_plain=True)
    got = FrameworkItem.get_by_id(item)
    assert got.retired is False
    assert json.loads(got.clocks)["retired"] == hlc.GENESIS
    out = tmp_path / "again.ctb"
    bundle.export(out, None)
    assert any(o["type"] == "row" and o["id"] == item for o in bundle.read(out, None, allow_plain=True))


def test_a_bundle_coachtui_writes_reads_back(victim, tmp_path):
    out = tmp_path / "own.ctb"
    bundle.export(out, PASS)
    merge.merge(out, PASS, commit=True)
    assert schema.SCHEMA_VERSION >= 8
    assert hashlib.sha256(out.read_bytes()).hexdigest()


def test_a_blank_passphrase_is_one_line_when_writing_too(victim, tmp_path):
    with pytest.raises(BundleError, match="empty"):
        bundle.export(tmp_path / "blank.ctb", " \u3000\n")
    assert not list(tmp_path.glob("blank.ctb*"))


# --- the merge's fast paths read facts off the raw line: they must not be fooled ----------


def raw_bundle(path, lines: list[bytes]):
    """A plain bundle of these exact row lines (no reformatting)."""
    head = json.dumps({"type": "manifest", "format": "coachtui-bundle", "version": 1, "bundle_id": uuid.uuid4().hex,
                       "device": "handmade", "device_name": "", "site": None, "schema": schema.SCHEMA_VERSION,
                       "created_at": "2026-01-01T00:00:00+00:00", "scope": "all"}).encode() + b"\n"
    body = head + b"".join(line + b"\n" for line in lines)
    trailer = {"type": "trailer", "rows": len(lines), "purged": 0, "sha256": hashlib.sha256(body).hexdigest()}
    path.write_bytes(body + json.dumps(trailer).encode() + b"\n")
    return path


def test_a_compact_line_with_its_clocks_first_is_still_cleaned(victim, tmp_path):
    values = {**{f: getattr(Staff.get_by_id(victim), f) for f in Staff.content_fields()}, "name": " Padded Name "}
    s = stamp()
    clocks = json.dumps(dict.fromkeys(values, s), separators=(",", ":"))
    line = ('{"type":"row","table":"staff","id":"%s","clocks":%s,"values":%s}' % (
        uuid.uuid4().hex, clocks, json.dumps(values, separators=(",", ":")))).encode()
    merge.merge(raw_bundle(tmp_path / "b.ctb", [line]), None, commit=True, allow_plain=True)
    assert Staff.select().where(Staff.name == "Padded Name").exists()


def test_a_row_with_the_clocks_stored_here_changes_nothing_whatever_its_values(victim, tmp_path):
    here = Staff.get_by_id(victim)
    values = {**{f: getattr(here, f) for f in Staff.content_fields()}, "name": "Someone Else"}
    line = ('{"type":"row","table":"staff","id":"%s","values":%s,"clocks":%s}' % (
        victim, json.dumps(values, separators=(",", ":")), here.clocks)).encode()
    summary = merge.merge(raw_bundle(tmp_path / "b.ctb", [line]), None, commit=True, allow_plain=True)
    assert Staff.get_by_id(victim).name == "Vic Teacher" and summary.tables["staff"].unchanged == 1


@pytest.mark.parametrize("manifest", [
    b'{"type":"manifest","format":"coachtui-bundle","version":1,"bundle_id":"b1","device":"dev1",'
    b'"device_name":"Maths office","device_name":"","site":null,"schema":1,"created_at":"","scope":"all"}',
    b'{"type":"manifest","format":"coachtui-bundle","version":1,"bundle_id":"b1","device":"a-b",'
    b'"device_name":"","site":null,"schema":1,"created_at":"","scope":"all"}',
])
def test_a_manifest_with_a_key_twice_or_a_device_no_stamp_can_end_with_is_refused(victim, tmp_path, manifest):
    body = manifest + b"\n"
    trailer = {"type": "trailer", "rows": 0, "purged": 0, "sha256": hashlib.sha256(body).hexdigest()}
    path = tmp_path / "b.ctb"
    path.write_bytes(body + json.dumps(trailer).encode() + b"\n")
    refused(path, "damaged|not a coachtui bundle")
