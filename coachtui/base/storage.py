"""What kind of storage a folder is on, for the data folder: a network share,
a folder a sync client manages (OneDrive, Dropbox, Syncthing, iCloud Drive),
removable media, or an ordinary local disk.

SQLite's write-ahead log needs shared memory on one machine: on a network
share it does not work, and a sync client copies the `.db`, `-wal` and
`-shm` files one by one, so another laptop (or the cloud's "conflicted copy")
ends up with a database that never existed. A USB stick is for bundles: a
pulled stick can tear the database, a lost one gives it away (FAT and exFAT
keep no file modes, so 0600 means nothing there).

`where(path, facts)` is a pure function of the path and the platform facts
(`Facts`), so tests give it fake Windows, macOS and Linux machines;
`facts_here()` gathers the real ones, cheaply and never failing.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from typing import Callable, Mapping, Sequence

LOCAL, NETWORK, SYNCED, REMOVABLE = "local", "network", "synced", "removable"

# File systems that live on another machine (Linux /proc/mounts and macOS `mount` names).
NETWORK_FS = {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afpfs", "webdav", "davfs", "ncpfs", "afs",
              "ceph", "glusterfs", "fuse.sshfs", "sshfs", "fuse.rclone", "fuse.davfs2", "fuse.gvfsd-fuse"}
# What a sync client leaves at the top of the folder it manages.
SYNC_MARKERS = {
    ".stfolder": "Syncthing",
    ".dropbox": "Dropbox",
    ".dropbox.cache": "Dropbox",
    ".849C9593-D756-4E56-8D6E-42412F2A707B": "OneDrive",  # the Mac OneDrive client's older folders
}
# Windows: where OneDrive keeps its folders (set by the OneDrive client for the user).
ONEDRIVE_VARS = ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")


@dataclass(frozen=True)
class Mount:
    point: str  # where it is mounted ("/media/coach/NO NAME", "/Volumes/NO NAME")
    fstype: str  # "vfat", "nfs4", "msdos", "smbfs", ...
    device: str = ""  # "/dev/sdb1", "//server/share"


@dataclass(frozen=True)
class Facts:
    """What `where` needs to know about the machine, all of it replaceable in tests."""

    system: str  # "windows", "macos" or "linux" (anything else is treated as linux)
    home: str = ""
    env: Mapping[str, str] = field(default_factory=dict)
    mounts: Sequence[Mount] = ()  # macOS, Linux
    drive_type: Callable[[str], str] = lambda drive: LOCAL  # Windows: "E:" -> local | network | removable
    removable_device: Callable[[str], bool] = lambda device: False  # Linux: /dev/sdb1 on a removable disk?
    has_entry: Callable[[str], bool] = lambda path: False  # does this path exist (a sync client's marker)?


@dataclass(frozen=True)
class Place:
    kind: str  # LOCAL, NETWORK, SYNCED or REMOVABLE
    what: str = ""  # in words: "a network share", "a OneDrive folder", "removable media (/Volumes/NO NAME)"

    @property
    def shared_or_removable(self) -> bool:
        return self.kind != LOCAL


def _pure(system: str, path: str) -> PurePath:
    return PureWindowsPath(path) if system == "windows" else PurePosixPath(path)


def _inside(path: PurePath, folder: str, system: str) -> bool:
    if not folder:
        return False
    base = _pure(system, folder)
    if system == "windows":  # Windows paths are case-insensitive
        return [p.casefold() for p in path.parts[:len(base.parts)]] == [p.casefold() for p in base.parts]
    return path.parts[:len(base.parts)] == base.parts


def where(path: str | os.PathLike, facts: Facts) -> Place:
    """What kind of storage `path` (an absolute, resolved folder) is on."""
    system, text = facts.system, os.fspath(path)
    if system == "windows" and text.upper().startswith("\\\\?\\UNC\\"):
        return Place(NETWORK, f"a network share (\\\\{text[8:]})")
    if system == "windows" and text.startswith(("\\\\?\\", "\\\\.\\")):
        text = text[4:]  # \\?\C:\... is C:\... written for long paths
    p = _pure(system, text)
    return _network(p, facts) or _synced(p, facts) or _removable(p, facts) or Place(LOCAL)


def _network(p: PurePath, facts: Facts) -> Place | None:
    if facts.system == "windows":
        # \\server\share; a mapped drive (Z:) says so when asked.
        if p.drive.startswith("\\\\"):
            return Place(NETWORK, f"a network share ({p.drive})")
        if p.drive and facts.drive_type(p.drive[:2].upper()) == NETWORK:
            return Place(NETWORK, f"a network drive ({p.drive[:2].upper()})")
        return None
    mount = _mount_of(p, facts.mounts)
    if mount and (mount.fstype in NETWORK_FS or mount.fstype.startswith(("nfs", "smb", "fuse.sshfs"))):
        return Place(NETWORK, f"a network share ({mount.point}, {mount.fstype})")
    return None


def _synced(p: PurePath, facts: Facts) -> Place | None:
    system = facts.system
    if system == "windows":  # where OneDrive's folders are, whatever they are called
        for var in ONEDRIVE_VARS:
            if _inside(p, facts.env.get(var, ""), system):
                return Place(SYNCED, "a OneDrive folder")
    # Any system: a folder named as a sync client names its own (a Windows
    # drive letter, a Mac with the client's settings moved, a disk from
    # another machine: the name still says what it is).
    named = _named_cloud(p, system)
    if named:
        return named
    # Any system: the marker a sync client leaves at the top of its folder.
    for folder in [p, *p.parents]:
        for marker, client in SYNC_MARKERS.items():
            if facts.has_entry(str(folder / marker)):
                return Place(SYNCED, f"a {client} folder ({folder})")
    return None


def _named_cloud(p: PurePath, system: str) -> Place | None:
    """The sync client whose folder `p` is inside, known by the folder's name:
    `OneDrive`, `OneDrive - Trust`, `OneDrive-Trust`, `Dropbox`, `iCloud Drive`,
    `iCloudDrive`, Google Drive's `My Drive` and `GoogleDrive-me@x`, anything
    in `Library/CloudStorage` (macOS's File Provider clouds: Box, OneDrive,
    Google Drive, Dropbox) and `Library/Mobile Documents` (iCloud)."""
    parts = [part.casefold() if system == "windows" else part for part in p.parts]
    fold = (lambda name: name.casefold()) if system == "windows" else (lambda name: name)
    for i, part in enumerate(parts):
        if part == fold("OneDrive") or part.startswith((fold("OneDrive - "), fold("OneDrive-"))):
            return Place(SYNCED, "a OneDrive folder")
        if part == fold("Dropbox"):
            return Place(SYNCED, "a Dropbox folder")
        if part in (fold("iCloud Drive"), fold("iCloudDrive")):
            return Place(SYNCED, "an iCloud Drive folder")
        if part == fold("My Drive") or part.startswith(fold("GoogleDrive-")):
            return Place(SYNCED, "a Google Drive folder")
        if part == fold("Library") and i + 1 < len(parts):
            if parts[i + 1] == fold("Mobile Documents"):
                return Place(SYNCED, "an iCloud Drive folder")
            if parts[i + 1] == fold("CloudStorage") and i + 2 < len(parts):
                name = p.parts[i + 2].split("-")[0]  # OneDrive-School, Dropbox, GoogleDrive-me@x, Box-Box
                return Place(SYNCED, f"a {name} folder")
    return None


def _removable(p: PurePath, facts: Facts) -> Place | None:
    if facts.system == "windows":
        if p.drive and facts.drive_type(p.drive[:2].upper()) == REMOVABLE:
            return Place(REMOVABLE, f"removable media ({p.drive[:2].upper()})")
        return None
    mount = _mount_of(p, facts.mounts)
    if mount is None or mount.point == "/":
        return None
    if facts.system == "macos":
        # Disks other than the Mac's own are mounted under /Volumes.
        if mount.point.startswith("/Volumes/"):
            return Place(REMOVABLE, f"removable media ({mount.point})")
        return None
    if mount.point.startswith(("/media/", "/run/media/")) or facts.removable_device(mount.device):
        return Place(REMOVABLE, f"removable media ({mount.point})")
    return None


def _mount_of(p: PurePath, mounts: Sequence[Mount]) -> Mount | None:
    """The mount holding `p`: the longest mount point it is inside."""
    best = None
    for m in mounts:
        point = PurePosixPath(m.point)
        if p.parts[:len(point.parts)] == point.parts and (best is None or len(point.parts) > len(
                PurePosixPath(best.point).parts)):
            best = m
    return best


# --- the data folder -------------------------------------------------------------


def refusal(place: Place, folder: str | os.PathLike) -> str | None:
    """The one line refusing a data folder where the database would be damaged, or None."""
    if place.kind == NETWORK:
        return (f"the data folder {folder} is on {place.what}: SQLite cannot keep a database safe there. "
                "Use a folder on this laptop (leave --data-dir out for the usual one); share data with bundles")
    if place.kind == SYNCED:
        return (f"the data folder {folder} is in {place.what}, which copies the database's files one by one "
                "and can damage it. Use a folder on this laptop (leave --data-dir out for the usual one); "
                "share data with bundles")
    return None


def warning(place: Place, folder: str | os.PathLike) -> str | None:
    """The one line warning about a data folder on removable media, or None."""
    if place.kind == REMOVABLE:
        return (f"the data folder {folder} is on {place.what}: a pulled stick can damage the database and a "
                "lost one gives it away. Keep the database on this laptop; the stick is for bundles")
    return None


def passphrase_refusal(place: Place, config: str | os.PathLike) -> str | None:
    """The one line refusing to keep the passphrase in a config file on shared or removable storage."""
    if not place.shared_or_removable:
        return None
    return (f"{config} is on {place.what}, where anyone who has it can read it: the passphrase is not kept there. "
            "Use the OS keyring (coachtui passphrase set --keyring), a --passphrase-file on this laptop, "
            "or type it when asked")


# --- the real machine ----------------------------------------------------------------


def system_name(platform: str = sys.platform) -> str:
    return "windows" if platform == "win32" else "macos" if platform == "darwin" else "linux"


def facts_here() -> Facts:
    """This machine's facts. Reading them never fails: what cannot be read is left out."""
    system = system_name()
    return Facts(system=system, home=os.path.expanduser("~"), env=dict(os.environ),
                 mounts=_mounts(system), drive_type=_windows_drive_type,
                 removable_device=_linux_removable, has_entry=os.path.lexists)


def _mounts(system: str) -> list[Mount]:
    try:
        if system == "linux":
            with open("/proc/self/mounts", encoding="utf-8", errors="replace") as f:
                return [m for m in (parse_proc_mounts_line(line) for line in f) if m]
        if system == "macos":
            import subprocess

            out = subprocess.run(["/sbin/mount"], capture_output=True, text=True, timeout=3).stdout
            return [m for m in (parse_mac_mount_line(line) for line in out.splitlines()) if m]
    except (OSError, ValueError, Exception):  # no /proc, no mount command, a timeout: nothing known
        return []
    return []


def parse_proc_mounts_line(line: str) -> Mount | None:
    """`/dev/sdb1 /media/coach/NO\\040NAME vfat rw 0 0` (spaces escaped as octal)."""
    parts = line.split()
    if len(parts) < 3:
        return None
    unescape = lambda s: re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), s)
    return Mount(unescape(parts[1]), parts[2], unescape(parts[0]))


def parse_mac_mount_line(line: str) -> Mount | None:
    """`/dev/disk4s1 on /Volumes/NO NAME (msdos, local, nodev, nosuid, noowners)`."""
    if " on " not in line or not line.endswith(")") or " (" not in line:
        return None
    device, rest = line.split(" on ", 1)
    point, options = rest.rsplit(" (", 1)
    return Mount(point, options.split(",")[0].strip(), device)


def _windows_drive_type(drive: str) -> str:
    """GetDriveTypeW: 2 removable, 3 fixed, 4 remote (a mapped network drive)."""
    try:
        import ctypes

        kind = ctypes.windll.kernel32.GetDriveTypeW(f"{drive}\\")  # type: ignore[attr-defined]
    except (AttributeError, OSError, ImportError):
        return LOCAL
    return {2: REMOVABLE, 4: NETWORK}.get(kind, LOCAL)


def _linux_removable(device: str) -> bool:
    """Is /dev/sdb1 on a disk the kernel marks removable (/sys/class/block/sdb/removable)?"""
    if not device.startswith("/dev/"):
        return False
    name = os.path.basename(os.path.realpath(device))
    try:
        sys_dir = os.path.realpath(f"/sys/class/block/{name}")
        for folder in (sys_dir, os.path.dirname(sys_dir)):  # a partition's disk is its parent
            flag = os.path.join(folder, "removable")
            if os.path.exists(flag):
                with open(flag, encoding="ascii") as f:
                    return f.read().strip() == "1"
    except OSError:
        return False
    return False
