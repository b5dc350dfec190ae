"""Where the data folder may live (issue 15): a network share, a folder a sync
client manages, or removable media are told apart from a laptop's own disk,
on fake Windows, macOS and Linux machines (no real share or stick needed)."""

from __future__ import annotations

import pytest

from coachtui.base import storage
from coachtui.base.storage import LOCAL, NETWORK, REMOVABLE, SYNCED, Facts, Mount, where

WIN_HOME = r"C:\Users\sian"
WIN = Facts(
    system="windows", home=WIN_HOME,
    env={"OneDrive": r"C:\Users\sian\OneDrive - Northfield Trust",
         "OneDriveConsumer": r"C:\Users\sian\OneDrive"},
    drive_type=lambda d: {"Z:": NETWORK, "E:": REMOVABLE}.get(d, LOCAL),
)
MAC_HOME = "/Users/sian"
MAC = Facts(
    system="macos", home=MAC_HOME,
    mounts=[Mount("/", "apfs", "/dev/disk3s1s1"), Mount("/System/Volumes/Data", "apfs", "/dev/disk3s5"),
            Mount("/Volumes/NO NAME", "msdos", "/dev/disk4s1"), Mount("/Volumes/staff", "smbfs", "//coach@nas/staff")],
    has_entry=lambda p: p == "/Users/sian/Sync/.stfolder",
)
LINUX = Facts(
    system="linux", home="/home/sian",
    mounts=[Mount("/", "ext4", "/dev/nvme0n1p2"), Mount("/home", "ext4", "/dev/nvme0n1p3"),
            Mount("/media/sian/NO NAME", "vfat", "/dev/sdb1"), Mount("/mnt/backup", "ext4", "/dev/sdc1"),
            Mount("/srv/shared", "nfs4", "nas:/shared"), Mount("/mnt/school", "cifs", "//nas/school")],
    removable_device=lambda dev: dev == "/dev/sdc1",
    has_entry=lambda p: p in ("/home/sian/Dropbox/.dropbox", "/home/sian/Sync/.stfolder"),
)


@pytest.mark.parametrize("facts, path, kind", [
    # Windows: a UNC path, a mapped drive, the long-path UNC form, OneDrive (work and personal), a USB stick.
    (WIN, r"\\server\staff\coachtui", NETWORK),
    (WIN, r"\\?\UNC\server\staff\coachtui", NETWORK),
    (WIN, r"Z:\coachtui", NETWORK),
    (WIN, r"C:\Users\sian\OneDrive - Northfield Trust\coachtui", SYNCED),
    (WIN, r"c:\users\sian\onedrive\Documents\coachtui", SYNCED),
    (WIN, r"C:\Users\sian\iCloudDrive\coachtui", SYNCED),
    (WIN, r"E:\coachtui", REMOVABLE),
    (WIN, r"C:\Users\sian\AppData\Local\coachtui\coachtui", LOCAL),
    (WIN, r"\\?\C:\Users\sian\AppData\Local\coachtui", LOCAL),
    (WIN, r"C:\Users\sian\OneDriveOld\coachtui", LOCAL),  # only OneDrive's own folder counts
    # macOS: a stick and an SMB share under /Volumes, iCloud Drive, the File Provider clouds, Syncthing.
    (MAC, "/Volumes/NO NAME/coachtui", REMOVABLE),
    (MAC, "/Volumes/staff/coachtui", NETWORK),
    (MAC, "/Users/sian/Library/Mobile Documents/com~apple~CloudDocs/coachtui", SYNCED),
    (MAC, "/Users/sian/Library/CloudStorage/OneDrive-NorthfieldTrust/coachtui", SYNCED),
    (MAC, "/Users/sian/Library/CloudStorage/Dropbox/coachtui", SYNCED),
    (MAC, "/Users/sian/Sync/coaching/coachtui", SYNCED),
    (MAC, "/Users/sian/Library/Application Support/coachtui", LOCAL),
    # Linux: NFS, CIFS, a stick under /media, a disk the kernel marks removable, Dropbox, Syncthing.
    (LINUX, "/srv/shared/coachtui", NETWORK),
    (LINUX, "/mnt/school/coachtui", NETWORK),
    (LINUX, "/media/sian/NO NAME/coachtui", REMOVABLE),
    (LINUX, "/mnt/backup/coachtui", REMOVABLE),
    (LINUX, "/home/sian/Dropbox/work/coachtui", SYNCED),
    (LINUX, "/home/sian/Sync/coachtui", SYNCED),
    (LINUX, "/home/sian/.local/share/coachtui", LOCAL),
    (LINUX, "/srv/sharedother/coachtui", LOCAL),  # a mount point is a whole path part, not a prefix
])
def test_kind_of_storage(facts, path, kind):
    assert where(path, facts).kind == kind


def test_network_and_synced_folders_are_refused_in_one_line():
    for facts, path in ((WIN, r"\\server\staff\coachtui"), (WIN, r"C:\Users\sian\OneDrive\coachtui"),
                        (MAC, "/Volumes/staff/coachtui"), (LINUX, "/home/sian/Dropbox/coachtui")):
        line = storage.refusal(where(path, facts), path)
        assert line and "\n" not in line and path in line and "bundles" in line
        assert storage.warning(where(path, facts), path) is None


def test_removable_media_is_a_warning_not_a_refusal():
    place = where("/Volumes/NO NAME/coachtui", MAC)
    assert storage.refusal(place, "/Volumes/NO NAME/coachtui") is None
    line = storage.warning(place, "/Volumes/NO NAME/coachtui")
    assert line and "\n" not in line and "/Volumes/NO NAME" in line and "bundles" in line


def test_a_local_folder_gets_no_line():
    place = where(r"C:\Users\sian\AppData\Local\coachtui", WIN)
    assert storage.refusal(place, "x") is storage.warning(place, "x") is storage.passphrase_refusal(place, "x") is None


def test_passphrase_refused_in_a_config_on_a_stick_or_share():
    for facts, path in ((WIN, r"E:\coachtui"), (MAC, "/Volumes/NO NAME/coachtui"), (LINUX, "/srv/shared/x")):
        line = storage.passphrase_refusal(where(path, facts), path + "/config.toml")
        assert line and "\n" not in line and "keyring" in line and "passphrase-file" in line


def test_mount_tables_are_read():
    assert storage.parse_proc_mounts_line("/dev/sdb1 /media/sian/NO\\040NAME vfat rw,nosuid 0 0\n") == \
        Mount("/media/sian/NO NAME", "vfat", "/dev/sdb1")
    assert storage.parse_mac_mount_line("/dev/disk4s1 on /Volumes/NO NAME (msdos, local, nodev, nosuid)") == \
        Mount("/Volumes/NO NAME", "msdos", "/dev/disk4s1")
    assert storage.parse_mac_mount_line("map auto_home on /System/Volumes/Data/home (autofs, automounted)") == \
        Mount("/System/Volumes/Data/home", "autofs", "map auto_home")
    assert storage.parse_proc_mounts_line("\n") is None


def test_this_machine_is_read_without_failing(tmp_path):
    facts = storage.facts_here()
    assert facts.system in ("windows", "macos", "linux")
    assert where(str(tmp_path), facts).kind in (LOCAL, NETWORK, SYNCED, REMOVABLE)


# --- launch: the app and every command check the data folder ---------------------------


def machine(tmp_path, fstype: str, device: str = "/dev/sdb1") -> Facts:
    """This test's tmp_path as if it were mounted from `fstype` (a stick, a share)."""
    return Facts(system="linux", home=str(tmp_path / "home"),
                 mounts=[Mount("/", "ext4", "/dev/sda1"), Mount(str(tmp_path), fstype, device)],
                 removable_device=lambda dev: dev == "/dev/sdb1" and fstype == "vfat")


def cli(capsys, *args) -> tuple[int, str, str]:
    from coachtui.cli.main import main

    code = main(list(map(str, args)))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_data_folder_on_a_network_share_is_refused_by_every_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(storage, "facts_here", lambda: machine(tmp_path, "cifs", "//nas/staff"))
    data = tmp_path / "data"
    for args in (["report", "--out", tmp_path / "r.md"], ["backups"], ["passphrase", "where"]):
        code, out, err = cli(capsys, "--data-dir", data, *args)
        assert code == 1 and err.count("\n") == 1 and "network share" in err and "bundles" in err, err
    assert not (data / "coachtui.db").exists() and not (tmp_path / "r.md").exists()


def test_the_app_refuses_a_data_folder_in_a_synced_folder(tmp_path, monkeypatch):
    from coachtui.base.errors import UserError
    from coachtui.launch import open_data

    (tmp_path / "Dropbox").mkdir()
    (tmp_path / "Dropbox" / ".dropbox").write_text("")
    monkeypatch.setattr(storage, "facts_here", lambda: Facts(system="linux", has_entry=lambda p: p == str(
        tmp_path / "Dropbox" / ".dropbox")))
    with pytest.raises(UserError, match="Dropbox"):
        open_data(str(tmp_path / "Dropbox" / "coachtui"))
    assert not (tmp_path / "Dropbox" / "coachtui").exists()


def test_a_data_folder_on_a_stick_works_with_one_warning_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(storage, "facts_here", lambda: machine(tmp_path, "vfat"))
    code, out, err = cli(capsys, "--data-dir", tmp_path / "data", "report", "--out", tmp_path / "r.md")
    assert code == 0 and (tmp_path / "r.md").exists()
    assert err.count("\n") == 1 and err.startswith("coachtui: ") and "removable media" in err, err


async def test_the_app_shows_the_stick_warning(tmp_path, monkeypatch):
    from coachtui.app import CoachApp
    from coachtui.launch import open_data

    monkeypatch.setattr(storage, "facts_here", lambda: machine(tmp_path, "vfat"))
    app = CoachApp(open_data(str(tmp_path / "data")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert any("removable media" in str(n.message) for n in app._notifications)


def test_the_passphrase_is_not_saved_into_a_config_on_a_stick(tmp_path, monkeypatch, capsys):
    from coachtui.base import passphrase as kept

    monkeypatch.setattr(storage, "facts_here", lambda: machine(tmp_path, "vfat"))
    monkeypatch.setattr(kept, "available", lambda: False)
    data = tmp_path / "data"
    secret = tmp_path / "secret"
    secret.write_text("correct horse\n")
    for how in (["--config"], []):
        code, out, err = cli(capsys, "--data-dir", data, "passphrase", "set", *how, "--from-file", secret)
        assert code == 1 and "keyring" in err and "passphrase-file" in err, err
        assert "correct horse" not in (data / "config.toml").read_text(encoding="utf-8")


def test_a_passphrase_already_in_a_config_on_a_stick_is_named_in_the_warning(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "config.toml").write_text('passphrase = "typed in an editor"\n', encoding="utf-8")
    monkeypatch.setattr(storage, "facts_here", lambda: machine(tmp_path, "vfat"))
    code, out, err = cli(capsys, "--data-dir", data, "report", "--out", tmp_path / "r.md")
    assert code == 0 and err.count("\n") == 1 and "passphrase" in err and "coachtui passphrase set" in err, err
