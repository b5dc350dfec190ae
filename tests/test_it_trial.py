"""What a trust IT technician found trying coachtui on school laptops (issue 15):
a bundle folder taken for a data folder, quoted paths, cloud folders known by
name, Ctrl+D at a prompt, demo bundles in real data, accents in names,
exports that overwrite or pile up, and a data root readable by others."""

from __future__ import annotations

import getpass
import os
import stat
import sys
import unicodedata
from pathlib import Path

import pytest

from coachtui.base.errors import UserError
from coachtui.base.storage import LOCAL, SYNCED, Facts, where
from coachtui.cli.main import main

README = Path(__file__).resolve().parent.parent / "README.md"
POSIX_MODES = os.name == "posix"


def cli(capsys, *args) -> tuple[int, str, str]:
    code = main(list(map(str, args)))
    out, err = capsys.readouterr()
    return code, out, err


# --- 1. the install path uses the lock ---------------------------------------------


def test_the_readme_installs_the_command_with_the_locked_versions():
    text = README.read_text(encoding="utf-8")
    assert "uv export --frozen --no-emit-project --no-hashes -o locked.txt" in text
    assert "uv tool install . --constraints locked.txt" in text
    assert "uv tool install .          #" not in text  # the unlocked form is gone


# --- 2. a folder of bundles is not a data folder -----------------------------------------


def test_a_folder_holding_bundles_is_refused_as_a_data_folder(tmp_path, capsys):
    stick = tmp_path / "sync stick" / "NO NAME"
    stick.mkdir(parents=True)
    (stick / "maths-laptop.ctb").write_bytes(b"x")
    secret = tmp_path / "secret"
    secret.write_text("correct horse\n")
    for args in (["passphrase", "set", "--config", "--from-file", secret], ["backups"], ["report", "--out",
                                                                                        tmp_path / "r.md"]):
        code, out, err = cli(capsys, "--data-dir", stick, *args)
        assert code == 1 and err.count("\n") == 1 and "bundles" in err and "laptop" in err, err
    assert sorted(p.name for p in stick.iterdir()) == ["maths-laptop.ctb"]  # no config, no database


# --- 3. quoted paths ---------------------------------------------------------------------


def test_a_quoted_data_dir_means_the_folder_inside_the_quotes(tmp_path, monkeypatch, capsys):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    data = tmp_path / "data-q"
    assert cli(capsys, "--data-dir", f'"{data}"', "passphrase", "where")[0] == 0
    assert data.is_dir() and list(cwd.iterdir()) == []
    monkeypatch.setenv("COACHTUI_DATA_DIR", f'"{tmp_path / "env-q"}"')  # cmd's set VAR="..." keeps them
    assert cli(capsys, "passphrase", "where")[0] == 0
    assert (tmp_path / "env-q").is_dir() and list(cwd.iterdir()) == []


def test_a_quoted_data_dir_in_a_cloud_folder_is_still_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "--data-dir", f'"{tmp_path}/x/Dropbox/coachtui"', "backups")
    assert code == 1 and "Dropbox" in err, err
    assert not (tmp_path / "x").exists() and not list(tmp_path.glob('"*'))


# --- 4. cloud folders by name, on every platform -------------------------------------------

BARE_LINUX = Facts(system="linux", home="/home/sian")
BARE_MAC = Facts(system="macos", home="/Users/sian")
BARE_WIN = Facts(system="windows", home=r"C:\Users\sian")


@pytest.mark.parametrize("facts, path, kind", [
    (BARE_LINUX, "/tmp/y/OneDrive - Trust/coachtui", SYNCED),
    (BARE_LINUX, "/home/sian/OneDrive/coachtui", SYNCED),
    (BARE_LINUX, "/home/sian/Library/Mobile Documents/com~apple~CloudDocs/coachtui", SYNCED),
    (BARE_LINUX, "/home/sian/Library/CloudStorage/OneDrive-Trust/coachtui", SYNCED),
    (BARE_LINUX, "/home/sian/Dropbox/coachtui", SYNCED),
    (BARE_LINUX, "/home/sian/iCloud Drive/coachtui", SYNCED),
    (BARE_LINUX, "/home/sian/GoogleDrive-sian@trust.org/coachtui", SYNCED),
    (BARE_MAC, "/Users/sian/My Drive/coachtui", SYNCED),
    (BARE_MAC, "/Users/other/Library/CloudStorage/Box-Box/coachtui", SYNCED),
    (BARE_WIN, r"D:\OneDrive - Northfield Trust\coachtui", SYNCED),
    (BARE_WIN, r"G:\My Drive\coachtui", SYNCED),
    (BARE_WIN, r"C:\Users\sian\dropbox\coachtui", SYNCED),  # Windows names are case-blind
    (BARE_LINUX, "/home/sian/OneDriveOld/coachtui", LOCAL),
    (BARE_LINUX, "/home/sian/Dropboxes/coachtui", LOCAL),
    (BARE_LINUX, "/home/sian/Library/coachtui", LOCAL),
    (BARE_LINUX, "/home/sian/.local/share/coachtui", LOCAL),
    (BARE_WIN, r"C:\Users\sian\AppData\Local\coachtui\coachtui", LOCAL),
])
def test_cloud_folders_are_known_by_their_names_everywhere(facts, path, kind):
    assert where(path, facts).kind == kind


# --- 5. Ctrl+D at a prompt ------------------------------------------------------------------


def _eof(*args, **kwargs):
    raise EOFError


@pytest.mark.parametrize("second", [False, True])
def test_ctrl_d_at_the_passphrase_prompt_is_one_line(tmp_path, monkeypatch, capsys, second):
    from coachtui.base import passphrase as kept

    monkeypatch.setattr(kept, "available", lambda: False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    # Ctrl+D at "Trust passphrase:", or at "Again:" after typing it once
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": "secret" if second and prompt.startswith("Trust")
                        else _eof())
    code, out, err = cli(capsys, "--data-dir", tmp_path / "d", "passphrase", "set")
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err and "nothing changed" in err, err
    assert "secret" not in (tmp_path / "d" / "config.toml").read_text(encoding="utf-8")


def test_ctrl_d_when_erase_asks_for_the_name_is_one_line(tmp_path, monkeypatch, capsys):
    from coachtui.launch import open_data
    from coachtui.roster import staff

    open_data(str(tmp_path / "d"))
    staff.save(name="Jane Smith")
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", _eof)
    code, out, err = cli(capsys, "--data-dir", tmp_path / "d", "staff", "erase", "Jane Smith")
    assert code == 1 and err.count("\n") == 1 and "nothing" in err, err
    assert [r.name for r in staff.roster_rows()] == ["Jane Smith"]


# --- 6. demo bundles stay out of real data -------------------------------------------------

PASS = "the trust's passphrase"


def _bundle_from(data: Path, out: Path, demo: bool) -> None:
    from coachtui.launch import open_data
    from coachtui.roster import staff
    from coachtui.sync import bundle

    open_data(str(data), demo=demo)
    if not demo:
        staff.save(name="Real Person")
    bundle.export(out, PASS)


@pytest.mark.parametrize("demo_first", [True, False])
def test_a_demo_bundle_is_refused_by_real_data_and_the_other_way(tmp_path, demo_first):
    from coachtui.launch import open_data
    from coachtui.roster import staff
    from coachtui.sync import bundle, merge

    out = tmp_path / "b.ctb"
    _bundle_from(tmp_path / "one", out, demo=demo_first)
    assert bundle.manifest_of(out, PASS).demo is demo_first
    open_data(str(tmp_path / "two"), demo=not demo_first)
    before = sorted(r.name for r in staff.roster_rows())
    with pytest.raises(bundle.BundleError, match="demo") as exc:
        merge.merge(out, PASS, commit=True)
    assert "\n" not in str(exc.value)
    assert sorted(r.name for r in staff.roster_rows()) == before


def test_a_real_bundle_has_no_demo_key_so_old_readers_see_the_same_manifest(tmp_path):
    import json

    from coachtui.launch import open_data
    from coachtui.sync import bundle

    open_data(str(tmp_path / "one"))
    bundle.export(tmp_path / "p.ctb", None)
    manifest = json.loads((tmp_path / "p.ctb").read_text(encoding="utf-8").splitlines()[0])
    assert "demo" not in manifest


# --- 7. names, whatever the accents -------------------------------------------------------


@pytest.fixture
def aisha(tmp_path):
    from coachtui.launch import open_data
    from coachtui.lessons import feedback, joins
    from coachtui.roster import staff
    from coachtui.store.models import Join

    ctx = open_data(str(tmp_path / "d"))
    sid = staff.save(name="Aisha Ní Bhriain", email="aisha@school.test")
    staff.save(name="Ben Jones")
    jid = joins.start(sid, focus_item_id=None, focus_text="Routines")
    j = joins.get(jid)
    Join.update(started_at=j.started_at - 1_200_000).where(Join.id == jid).execute()
    joins.end(joins.get(jid), at=j.started_at)
    feedback.save(joins.get(jid), {"strengths": ("calm start", False), "next_join": ("2030-01-02", False)})
    return ctx, jid


@pytest.mark.parametrize("who", ["Aisha Ni Bhriain", "aisha ní bhriain", unicodedata.normalize("NFD", "Aisha Ní Bhriain"),
                                 "aisha", "AISHA NI"])
def test_feedback_export_finds_a_teacher_whatever_the_accents(aisha, tmp_path, capsys, who):
    out = tmp_path / "a.md"
    code, _, err = cli(capsys, "--data-dir", aisha[0].paths.data_dir, "feedback", "export", who, "latest", "--out", out)
    assert code == 0 and "calm start" in out.read_text(encoding="utf-8"), err


def test_erase_matches_accents_but_never_a_part_of_a_name(aisha):
    from coachtui.roster import erase

    assert [p.name for p in erase.find("Aisha Ni Bhriain")] == ["Aisha Ní Bhriain"]
    assert [p.name for p in erase.find(unicodedata.normalize("NFD", "AISHA NÍ BHRIAIN"))] == ["Aisha Ní Bhriain"]
    assert erase.find("aisha") == []


def test_erase_confirmation_accepts_the_name_typed_without_accents(aisha, monkeypatch, capsys):
    from coachtui.roster import staff

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt="": "Aisha Ni Bhriain")
    code, out, err = cli(capsys, "--data-dir", aisha[0].paths.data_dir, "staff", "erase", "aisha ni bhriain")
    assert code == 0, err
    assert [r.name for r in staff.roster_rows()] == ["Ben Jones"]


# --- 8. --out never overwrites silently -------------------------------------------------------


def test_feedback_export_refuses_an_existing_file_unless_forced(aisha, tmp_path, capsys):
    out = tmp_path / "a.md"
    out.write_text("the head's notes\n", encoding="utf-8")
    data = ["--data-dir", aisha[0].paths.data_dir]
    code, _, err = cli(capsys, *data, "feedback", "export", "aisha", "latest", "--out", out)
    assert code == 1 and err.count("\n") == 1 and "--force" in err, err
    assert out.read_text(encoding="utf-8") == "the head's notes\n"
    assert cli(capsys, *data, "feedback", "export", "aisha", "latest", "--out", out, "--force")[0] == 0
    assert "calm start" in out.read_text(encoding="utf-8")


# --- 9. no format hints in the teacher's document ------------------------------------------------


def test_the_summary_has_no_date_format_hints(aisha):
    from coachtui.lessons import feedback

    text = feedback.teacher_summary(aisha[1])
    assert "## Next join" in text and "2030-01-02" in text
    assert "YYYY" not in text
    assert all("(" not in line for line in text.splitlines() if line.startswith("## ")), text  # no form hints


# --- 10. the same summary is not written twice -------------------------------------------------


def test_exporting_the_same_summary_again_reuses_its_file(aisha, tmp_path):
    from coachtui.lessons import feedback, joins

    folder = tmp_path / "Documents" / "coachtui"
    first = feedback.export_new(aisha[1], folder)
    assert feedback.export_new(aisha[1], folder) == first
    assert len(list(folder.iterdir())) == 1
    feedback.save(joins.get(aisha[1]), {"strengths": ("a changed strength", False)})
    second = feedback.export_new(aisha[1], folder)
    assert second != first and len(list(folder.iterdir())) == 2
    assert feedback.export_new(aisha[1], folder) == second


# --- 11. the data root is private --------------------------------------------------------------


@pytest.mark.skipif(not POSIX_MODES, reason="file modes are POSIX")
def test_the_data_root_is_private_when_the_demo_makes_it(tmp_path, monkeypatch):
    from coachtui.launch import open_data

    monkeypatch.delenv("COACHTUI_DATA_DIR")
    ctx = open_data(None, demo=True)
    root = ctx.paths.data_dir.parent
    assert root == tmp_path / "xdg-data" / "coachtui"
    assert stat.S_IMODE(root.stat().st_mode) == 0o700


def test_typed_paths_are_one_parser():
    from coachtui.base.config import resolve_paths

    with pytest.raises(UserError):
        resolve_paths('""')
