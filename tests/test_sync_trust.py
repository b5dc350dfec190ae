"""Only the trust writes to a laptop (issue 11): plain bundles are applied only
on purpose, private rows never arrive, text from bundles is cleaned and
printed escaped, and every clock stamp (`_base` ones too) is checked.

Bundles here are made by hand, as an attacker would make them: a manifest,
rows and tombstones, and a trailer with the right counts and digest."""

from __future__ import annotations

import hashlib
import json
import re
import uuid

import pytest
from textual.widgets import Input

from coachtui.cli.main import main
from coachtui.launch import open_data, open_database
from coachtui.roster import staff
from coachtui.store import hlc, schema
from coachtui.store.db import close_store
from coachtui.store.models import REPLICATED_MODELS, Note, Purged, Staff, database
from coachtui.sync import folder, merge
from coachtui.sync.bundle import BundleError
from coachtui.sync.envelope import Encryptor

PASS = "the trust's passphrase"
DEVICE = "handmade0000"
# Everything a terminal obeys: OSC title and clipboard writes, CSI clear screen
# and colours, BEL, NUL, DEL, and the 8-bit CSI and OSC (C1 controls).
HOSTILE = ("A\x1b]0;PWNED\x07B\x1b]52;c;ZWNobyBoaQ==\x07C\x1b[2J\x1b[31mD\x00E\x07F\x7fG"
           "\x9b2JH\x9d0;T\x9cI\x1bPJ\rK\x08L")
TERMINAL_UNSAFE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")  # any control but tab
BLOCK_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # any control but tab and newline


def stamp(wall_ms: int | None = None, device: str = DEVICE) -> str:
    return f"{hlc.now_ms() if wall_ms is None else wall_ms:013d}-00000-{device}"


def row(table: str, values: dict, row_id: str | None = None, clocks: dict | None = None) -> dict:
    s = stamp()
    return {"type": "row", "table": table, "id": row_id or uuid.uuid4().hex, "values": values,
            "clocks": clocks if clocks is not None else dict.fromkeys(values, s)}


def tombstone(table: str, row_id: str) -> dict:
    return {"type": "purged", "table": table, "id": row_id, "stamp": stamp()}


def write_bundle(path, objs, passphrase: str | None = None, **manifest):
    """A hand-made bundle holding `objs`, with a correct trailer; encrypted when given a passphrase."""
    head = {"type": "manifest", "format": "coachtui-bundle", "version": 1, "bundle_id": uuid.uuid4().hex,
            "device": DEVICE, "device_name": "Hand made", "site": None, "schema": schema.SCHEMA_VERSION,
            "created_at": "2026-01-01T00:00:00+00:00", "scope": "all", **manifest}
    body = b"".join((json.dumps(o, ensure_ascii=False) + "\n").encode("utf-8")
                    for o in [head, *objs])
    trailer = {"type": "trailer", "rows": sum(o["type"] == "row" for o in objs),
               "purged": sum(o["type"] == "purged" for o in objs), "sha256": hashlib.sha256(body).hexdigest()}
    data = body + (json.dumps(trailer) + "\n").encode()
    with open(path, "wb") as f:
        if passphrase:
            enc = Encryptor(f, passphrase)
            enc.write(data)
            enc.close()
        else:
            f.write(data)
    return path


def everything():
    """The comparable state of the database: every replicated row, erasures, imports."""
    rows = {}
    for m in REPLICATED_MODELS:
        for r in m.select():
            rows[(m._meta.table_name, r.id)] = (json.dumps({f: getattr(r, f) for f in m.content_fields()},
                                                           sort_keys=True, default=str), r.clocks)
    purged = {r[0] for r in database.execute_sql("SELECT id FROM purged")}
    applied = {r[0] for r in database.execute_sql("SELECT bundle_id FROM applied")}
    return rows, purged, applied


def plain_attack(tmp_path, victim: str):
    """The two hand-made plain files from the report: one adds a member of
    staff, the other holds only a tombstone that erases one."""
    add = write_bundle(tmp_path / "add.ctb", [row("staff", {"name": "Mallory Plain", "deleted": False})])
    erase = write_bundle(tmp_path / "erase.ctb", [tombstone("staff", victim)])
    return add, erase


@pytest.fixture
def victim(store):
    return staff.save(name="Vic Teacher", team="Maths")


def still_intact(victim: str) -> None:
    assert Staff.get_or_none(Staff.id == victim) is not None
    assert Purged.get_or_none(Purged.id == victim) is None
    assert not Staff.select().where(Staff.name == "Mallory Plain").exists()


# --- 1. only encrypted bundles are applied ----------------------------------------


def test_merge_refuses_plain_bundles_unless_allowed(victim, tmp_path):
    add, erase = plain_attack(tmp_path, victim)
    before = everything()
    for p in (add, erase):
        for secret in (PASS, None):
            for commit in (False, True):
                with pytest.raises(BundleError, match="not encrypted"):
                    merge.merge(p, secret, commit=commit, backups=tmp_path / "backups")
    assert everything() == before
    still_intact(victim)
    # On purpose, it is applied.
    merge.merge(add, None, commit=True, allow_plain=True)
    merge.merge(erase, PASS, commit=True, allow_plain=True)
    assert Staff.select().where(Staff.name == "Mallory Plain").exists()
    assert Staff.get_or_none(Staff.id == victim) is None


def test_folder_sync_skips_plain_bundles_and_says_why(victim, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    plain_attack(shared, victim)
    report = folder.sync(shared, PASS, tmp_path / "backups")
    still_intact(victim)
    assert report.imported == []
    why = dict(report.skipped)
    assert set(why) == {"add.ctb", "erase.ctb"}
    for reason in why.values():
        assert "not encrypted" in reason and "\n" not in reason
    assert (shared / folder.own_name()).read_bytes().startswith(b"CTBNDL01")


def test_folder_sync_needs_a_passphrase(victim, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    plain_attack(shared, victim)
    with pytest.raises(BundleError, match="passphrase"):
        folder.sync(shared, None, tmp_path / "backups")
    still_intact(victim)
    assert not (shared / folder.own_name()).exists()  # no plain bundle of ours is left there either


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A data folder with one member of staff, closed again for the command line."""
    d = tmp_path / "data"
    open_data(str(d))
    vid = staff.save(name="Vic Teacher")
    close_store()
    monkeypatch.setenv("COACHTUI_PASSPHRASE", PASS)
    return d, vid


def reopen(d) -> None:
    open_database(d / "coachtui.db")


def test_cli_import_applies_a_plain_bundle_only_with_allow_plain(data_dir, tmp_path, capsys):
    d, vid = data_dir
    add, erase = plain_attack(tmp_path, vid)
    for p in (add, erase):
        assert main(["import", str(p), "--data-dir", str(d)]) == 1
        err = capsys.readouterr().err
        assert err.startswith("coachtui: ") and err.count("\n") == 1 and "not encrypted" in err
        assert "--allow-plain" in err
    reopen(d)
    still_intact(vid)
    close_store()
    assert main(["import", str(add), "--allow-plain", "--data-dir", str(d)]) == 0
    reopen(d)
    assert Staff.select().where(Staff.name == "Mallory Plain").exists()


def test_cli_sync_skips_plain_bundles_in_one_line_each(data_dir, tmp_path, capsys):
    d, vid = data_dir
    shared = tmp_path / "shared"
    shared.mkdir()
    plain_attack(shared, vid)
    assert main(["sync", str(shared), "--data-dir", str(d)]) == 0
    out = capsys.readouterr().out.splitlines()
    skipped = [line for line in out if line.startswith("skipped")]
    assert len(skipped) == 2 and all("not encrypted" in line for line in skipped)
    reopen(d)
    still_intact(vid)


def test_export_no_encrypt_still_writes_a_plain_bundle(data_dir, tmp_path):
    d, _ = data_dir
    out = tmp_path / "plain.ctb"
    assert main(["export", "--out", str(out), "--no-encrypt", "--data-dir", str(d)]) == 0
    assert out.read_bytes().startswith(b'{"type":"manifest"')


@pytest.fixture
def seed(ctx):
    staff.save(name="Vic Teacher")


async def test_sync_screen_refuses_plain_bundles(app, tmp_path):
    vid = Staff.get(Staff.name == "Vic Teacher").id
    add, erase = plain_attack(tmp_path, vid)
    shared = tmp_path / "shared"
    shared.mkdir()
    plain_attack(shared, vid)
    before = everything()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        screen = app.screen
        status = screen.query_one("#sync-status")
        for secret in (PASS, ""):
            for p in (add, erase):
                screen.query_one("#sync-path", Input).value = str(p)
                screen.query_one("#sync-pass", Input).value = secret
                await pilot.press("ctrl+o")
                await app.workers.wait_for_complete()
                await pilot.pause()
                shown = str(status.render())
                assert shown.startswith("✗") and "not encrypted" in shown and "\n" not in shown
                await pilot.press("ctrl+s")  # nothing was previewed: nothing to apply
                await app.workers.wait_for_complete()
                await pilot.pause()
        assert everything() == before
        screen.query_one("#sync-path", Input).value = str(shared)
        screen.query_one("#sync-pass", Input).value = PASS
        await pilot.press("ctrl+f")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = str(status.render())
        assert "skipped add.ctb" in shown and "not encrypted" in shown
    still_intact(vid)


# --- 2. private rows never arrive ---------------------------------------------------


@pytest.mark.parametrize("table", ["note", "feedback_item"])
def test_a_bundle_carrying_a_private_row_is_refused(victim, tmp_path, table):
    values = {"note": {"join_id": "j1", "staff_id": victim, "text": "her private worry", "private": True},
              "feedback_item": {"feedback_id": "f1", "part": "reflection", "text": "secret", "private": True}}[table]
    shared_row = row("staff", {"name": "Mallory Private"})
    p = write_bundle(tmp_path / "private.ctb", [shared_row, row(table, values)], PASS)
    before = everything()
    for commit in (False, True):
        with pytest.raises(BundleError, match=r"private\.ctb.*private") as exc:
            merge.merge(p, PASS, commit=commit)
        assert "\n" not in str(exc.value)
    assert everything() == before


def test_cli_names_the_bundle_with_a_private_row(data_dir, tmp_path, capsys):
    d, vid = data_dir
    p = write_bundle(tmp_path / "sneaky.ctb", [row("note", {"join_id": "j", "staff_id": vid, "text": "x",
                                                            "private": True})], PASS)
    assert main(["import", str(p), "--data-dir", str(d)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "sneaky.ctb" in err and "private" in err
    reopen(d)
    assert Note.select().count() == 0


def test_a_row_marked_not_private_is_applied(victim, tmp_path):
    p = write_bundle(tmp_path / "ok.ctb", [row("note", {"join_id": "j", "staff_id": victim, "text": "shared",
                                                        "private": False})], PASS)
    merge.merge(p, PASS, commit=True)
    assert [n.text for n in Note.select()] == ["shared"]
