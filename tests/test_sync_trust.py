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
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import Input

from coachtui.base.text import clean, clean_block
from coachtui.cli.main import main
from coachtui.launch import open_data, open_database
from coachtui.roster import staff
from coachtui.store import hlc, schema
from coachtui.store.db import close_store
from coachtui.store.models import REPLICATED_MODELS, Note, Purged, Staff, database
from coachtui.sync import bundle, folder, merge
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
    assert Path(report.written).read_bytes().startswith(b"CTBNDL01")


def test_folder_sync_needs_a_passphrase(victim, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    plain_attack(shared, victim)
    with pytest.raises(BundleError, match="passphrase"):
        folder.sync(shared, None, tmp_path / "backups")
    still_intact(victim)
    assert not [p for p in shared.iterdir() if p.name.startswith("coachtui-")]  # no bundle of ours is left there


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


# --- 3. text from bundles is cleaned; output is escaped ---------------------------------


def test_text_in_rows_is_cleaned_like_typed_text(victim, tmp_path):
    name = "Eve\x1b]0;PWNED\x07 Smith\x1b]52;c;ZWNobyBoaQ==\x07\x00\x9b2J"
    text = "line one\n\x1b[31mred\x1b[0m\r\nline\tthree\x07"
    sid = uuid.uuid4().hex
    p = write_bundle(tmp_path / "dirty.ctb", [row("staff", {"name": name, "team": " Maths\x1b[2J "}, sid),
                                              row("note", {"join_id": "j", "staff_id": sid, "text": text})], PASS)
    merge.merge(p, PASS, commit=True)
    got = Staff.get_by_id(sid)
    assert got.name == "Eve]0;PWNED Smith]52;c;ZWNobyBoaQ==2J"
    assert got.team == "Maths[2J"
    assert Note.get().text == "line one\n[31mred[0m\nline\tthree"


def test_an_edit_arriving_for_an_existing_row_is_cleaned_too(victim, tmp_path):
    p = write_bundle(tmp_path / "edit.ctb", [row("staff", {"name": "Vic\x1b]0;T\x07 Teacher"}, victim,
                                                 {"name": stamp(hlc.now_ms() + 1000)})], PASS)
    merge.merge(p, PASS, commit=True)
    assert Staff.get_by_id(victim).name == "Vic]0;T Teacher"


def test_a_one_megabyte_value_refuses_the_bundle(victim, tmp_path):
    before = everything()
    for value in ("A" * 1_000_000, "\x1b" * 1_000_000):
        p = write_bundle(tmp_path / "big.ctb", [row("staff", {"name": value})], PASS)
        with pytest.raises(BundleError, match=r"big\.ctb.*too long") as exc:
            merge.merge(p, PASS, commit=True)
        assert len(str(exc.value)) < 300
    assert everything() == before


def test_manifest_text_is_cleaned(victim, tmp_path):
    p = write_bundle(tmp_path / "m.ctb", [], PASS, device_name="Evil\x1b]0;PWNDEV\x07laptop\x1b[2J",
                     site="North\x1b[2J", created_at="2026\x07", scope="site:North\x1b[2J")
    m = bundle.manifest_of(p, PASS)
    assert (m.device_name, m.site, m.created_at, m.scope) == ("Evil]0;PWNDEVlaptop[2J", "North[2J", "2026",
                                                              "site:North[2J")
    s = merge.merge(p, PASS, commit=True)
    assert not TERMINAL_UNSAFE.search(s.headline())


@pytest.mark.parametrize("field,value", [("device", "dev\x1b[2J"), ("bundle_id", "id\x07"), ("device", ""),
                                         ("device_name", "x" * 1_000_000), ("device", "d" * 1_000_000)])
def test_a_manifest_with_hostile_ids_or_huge_text_is_refused(victim, tmp_path, field, value):
    p = write_bundle(tmp_path / "m.ctb", [row("staff", {"name": "Mallory Plain"})], PASS, **{field: value})
    before = everything()
    with pytest.raises(BundleError):
        merge.merge(p, PASS, commit=True)
    assert everything() == before


def test_cli_import_prints_no_control_characters(data_dir, tmp_path, capsys):
    d, _ = data_dir
    p = write_bundle(tmp_path / "evil\x1b]0;FILE\x07.ctb", [row("staff", {"name": "Eve"})], PASS,
                     device_name="Evil\x1b]0;PWNDEV\x07laptop\x1b[2J")
    assert main(["import", str(p), "--data-dir", str(d)]) == 0
    out = capsys.readouterr().out
    assert "Evil]0;PWNDEVlaptop[2J" in out
    assert not TERMINAL_UNSAFE.search(out.replace("\n", ""))
    # A refusal names the file escaped too.
    bad = write_bundle(tmp_path / "bad\x1b[2J\x07.ctb", [row("staff", {"name": "x" * 1_000_000})], PASS)
    assert main(["import", str(bad), "--data-dir", str(d)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and not TERMINAL_UNSAFE.search(err[:-1]) and "bad" in err


def test_cli_sync_prints_no_control_characters(data_dir, tmp_path, capsys):
    d, vid = data_dir
    shared = tmp_path / "shared"
    shared.mkdir()
    write_bundle(shared / "plain\x1b]0;T\x07.ctb", [row("staff", {"name": "Mallory Plain"})])
    write_bundle(shared / "ok\x1b[2J.ctb", [row("staff", {"name": "Eve"})], PASS,
                 device_name="Evil\x1b]0;PWNDEV\x07laptop")
    assert main(["sync", str(shared), "--data-dir", str(d)]) == 0
    out = capsys.readouterr().out
    assert "skipped plain" in out and "PWNDEVlaptop" in out
    assert not TERMINAL_UNSAFE.search(out.replace("\n", ""))
    assert len(out.splitlines()) == 3  # one imported, one skipped, one written


def text_fields(model) -> list[str]:
    return [f for f in model.content_fields() if model._meta.fields[f].field_type == "TEXT"]


def hostile_bundle(path, value: str, passphrase: str | None = PASS):
    """One row of every replicated table, every text field holding `value`;
    returns the path and each table's row id."""
    objs = []
    for m in REPLICATED_MODELS:
        objs.append(row(m._meta.table_name, dict.fromkeys(text_fields(m), value)))
    write_bundle(path, objs, passphrase, device_name=value, site=value, created_at=value, scope=f"site:{value}")
    return path, {o["table"]: o["id"] for o in objs}


def test_hostile_text_in_every_field_of_every_table(victim, tmp_path):
    # Nothing escapes into the database or the summary; the visible text is kept.
    p, ids = hostile_bundle(tmp_path / "hostile.ctb", HOSTILE)
    s = merge.merge(p, PASS, commit=True)
    assert not TERMINAL_UNSAFE.search(s.headline())
    for m in REPLICATED_MODELS:
        r = m.get_by_id(ids[m._meta.table_name])
        for f in text_fields(m):
            value = getattr(r, f)
            assert not BLOCK_UNSAFE.search(value), (m, f, value)
            assert "A]0;PWNEDB]52;c;ZWNobyBoaQ==C[2J[31mDEFG2JH0;TIPJ" in value, (m, f, value)
    # A 1 MB string (with the same sequences) in every field: refused, nothing changed.
    close_store()
    open_database(tmp_path / "other" / "coachtui.db")
    before = everything()
    p, _ = hostile_bundle(tmp_path / "huge.ctb", HOSTILE * (1_000_000 // len(HOSTILE) + 1))
    with pytest.raises(BundleError, match="too long"):
        merge.merge(p, PASS, commit=True)
    assert everything() == before


SPICY = st.text(alphabet=st.one_of(st.characters(), st.sampled_from("\x1b\x07\x00\x9b\x9d\n\r\t []0;"))
                , max_size=60)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=SPICY, text=SPICY)
def test_any_text_arrives_cleaned(store, tmp_path_factory, name, text):
    tmp = tmp_path_factory.mktemp("any")
    sid = uuid.uuid4().hex
    try:
        p = write_bundle(tmp / "b.ctb", [row("staff", {"name": name}, sid),
                                         row("note", {"join_id": "j", "staff_id": sid, "text": text})])
    except UnicodeEncodeError:
        return  # a lone surrogate is not UTF-8: no bundle can carry it
    merge.merge(p, None, commit=True, allow_plain=True)
    got_name = Staff.get_by_id(sid).name
    got_text = Note.get(Note.staff_id == sid).text
    c1 = re.compile(r"[\x80-\x9f]")
    assert got_name == clean(c1.sub("", name), "name", 10_000)
    assert got_text == clean_block(c1.sub("", text), "note", 10_000)
    assert not TERMINAL_UNSAFE.search(got_name) and not BLOCK_UNSAFE.search(got_text)


def test_every_free_text_field_is_classed_one_line_or_block():
    """A new free-text field must be placed: cleaning a block as one line would drop its line breaks."""
    from coachtui.sync.cleaning import BLOCK_FIELDS, ONE_LINE_FREE_TEXT

    for m in REPLICATED_MODELS:
        table = m._meta.table_name
        block, line = BLOCK_FIELDS.get(table, frozenset()), ONE_LINE_FREE_TEXT.get(table, frozenset())
        assert not block & line, table
        assert set(m.FREE_TEXT) <= block | line, (table, set(m.FREE_TEXT) - block - line)
        assert block | line <= set(text_fields(m)), table
    assert set(BLOCK_FIELDS) | set(ONE_LINE_FREE_TEXT) <= {m._meta.table_name for m in REPLICATED_MODELS}


@given(value=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=300))
def test_short_printable_ascii_is_what_the_base_cleaning_keeps(value):
    """The sync layer skips cleaning such text (for speed); only sound while base.text keeps it as it is."""
    from coachtui.sync.cleaning import clean_text

    for block in (False, True):
        assert clean_text(value, "x", block=block) == (clean_block(value, "x", 10**6) if block
                                                       else clean(value, "x", 10**6))
        with_lines = value.replace("~", "\n")
        assert clean_text(with_lines, "x", block=True) == clean_block(with_lines, "x", 10**6)


def test_shown_escapes_every_control_character():
    from coachtui.base.text import for_terminal as shown

    assert shown("Evil\x1b]0;PWNDEV\x07laptop\x1b[2J\x9b\u202e\n") == \
        "Evil\\x1b]0;PWNDEV\\x07laptop\\x1b[2J\\x9b\\u202e\\n"
    assert shown("Zoë Adams – Maths") == "Zoë Adams – Maths"


@pytest.mark.parametrize("what", ["row id", "tombstone id", "tombstone table", "clock device"])
def test_hostile_ids_and_stamps_are_refused(victim, tmp_path, what):
    evil = "x\x1b]0;T\x07"
    objs = {"row id": [row("staff", {"name": "Mallory Plain"}, evil)],
            "tombstone id": [tombstone("staff", evil)],
            "tombstone table": [tombstone(evil, victim)],
            "clock device": [row("staff", {"name": "Mallory Plain"}, clocks={"name": stamp(device="ev\x1bil")})],
            }[what]
    p = write_bundle(tmp_path / "ids.ctb", objs, PASS)
    before = everything()
    with pytest.raises(BundleError):
        merge.merge(p, PASS, commit=True)
    assert everything() == before


# --- 4. _base stamps are checked like every other stamp ----------------------------------


def note_with_base(base, note_id: str | None = None, wall: int | None = None) -> dict:
    s = stamp(wall)
    return row("note", {"join_id": "j", "staff_id": "s", "text": "edited"}, note_id,
               {"join_id": s, "staff_id": s, "text": s, "_base": base})


def test_base_stamps_far_in_the_future_are_refused(victim, tmp_path):
    future = stamp(hlc.now_ms() + 3 * 24 * 3600 * 1000)
    p = write_bundle(tmp_path / "future.ctb", [note_with_base({"text": future})], PASS)
    before = everything()
    with pytest.raises(BundleError, match="future"):
        merge.merge(p, PASS, commit=True)
    assert everything() == before


@pytest.mark.parametrize("base", ["x", ["a"], 5, {"text": 5}, {"text": "yesterday"}, {"text": None},
                                  {"text": "1795364453411-00000-ev\x1bil"}, {"nosuchfield": stamp()}])
def test_malformed_base_stamps_are_refused(victim, tmp_path, base):
    # Once for a new row, once for an update to a row that is already here.
    nid = uuid.uuid4().hex
    merge.merge(write_bundle(tmp_path / "first.ctb", [note_with_base({"text": ""}, nid)], PASS), PASS, commit=True)
    before = everything()
    for rid in (nid, None):
        p = write_bundle(tmp_path / "base.ctb", [note_with_base(base, rid, hlc.now_ms() + 5000)], PASS)
        with pytest.raises(BundleError, match="malformed"):
            merge.merge(p, PASS, commit=True)
        assert everything() == before


def test_well_formed_base_stamps_still_merge(victim, tmp_path):
    nid = uuid.uuid4().hex
    first = stamp(hlc.now_ms() - 10_000)
    merge.merge(write_bundle(tmp_path / "a.ctb", [note_with_base({"text": ""}, nid, hlc.now_ms() - 10_000)],
                             PASS), PASS, commit=True)
    merge.merge(write_bundle(tmp_path / "b.ctb", [note_with_base({"text": first}, nid)], PASS), PASS, commit=True)
    assert json.loads(Note.get_by_id(nid).clocks)["_base"] == {"text": first}


# --- and: a deeply nested line is a damaged bundle, not a traceback ------------------------


def test_a_deeply_nested_line_is_refused_in_one_line(data_dir, tmp_path, capsys):
    d, _ = data_dir
    p = write_bundle(tmp_path / "deep.ctb", [row("staff", {"name": "Eve"})], PASS)
    m = bundle.manifest_of(p, PASS)
    body = (json.dumps({"type": "manifest", "format": "coachtui-bundle", "version": 1, "bundle_id": m.bundle_id,
                        "device": DEVICE, "schema": schema.SCHEMA_VERSION}) + "\n").encode() + b"[" * 100_000 + b"\n"
    trailer = {"type": "trailer", "rows": 0, "purged": 0, "sha256": hashlib.sha256(body).hexdigest()}
    with open(p, "wb") as f:
        enc = Encryptor(f, PASS)
        enc.write(body + (json.dumps(trailer) + "\n").encode())
        enc.close()
    assert main(["import", str(p), "--data-dir", str(d)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("coachtui: deep.ctb") and err.count("\n") == 1


# --- and: a settled conflict is cleaned as a bundle would clean it ------------------------


def test_settling_a_conflict_stores_what_every_laptop_will_hold(tmp_path):
    """The Sync screen offers "current + other" to edit: settling a one-line
    field (a framework title) with it must not store line breaks, or the
    laptops that receive the cleaned value and this one would differ for good."""
    from coachtui.sync import conflicts
    from coachtui.teaching import framework
    from coachtui.teaching.framework import item_id
    from tests.test_sync import Replicas

    reps = Replicas(tmp_path, ["a", "b"])
    reps.use("a")
    framework.reword(item_id("BR.1.1"), "Wording from A")
    reps.use("b")
    framework.reword(item_id("BR.1.1"), "Wording from B")
    reps.send("a", "b")
    reps.send("b", "a")
    reps.use("a")
    (c,) = conflicts.open_conflicts()
    conflicts.resolve(c.id, "Wording from A\n\nWording from B\x1b[2J")
    reps.send("a", "b")
    assert reps.dump("a") == reps.dump("b")
    reps.use("b")
    from coachtui.store.models import FrameworkItem

    assert FrameworkItem.get_by_id(item_id("BR.1.1")).title == "Wording from A Wording from B[2J"
    close_store()
