"""Writing files the user keeps (reports, exports, bundles, the config) so that
a crash, a full disk or a pulled USB stick leaves the old file or none, never
half of one: NAME.partial (mode 0600), fsync, then rename over NAME.

On Windows a file another program has open cannot be replaced: Excel holding
the CSV report, OneDrive or Syncthing uploading the last bundle. Those let go
within moments, so the rename is tried again for about two seconds; then one
line says which program may be holding the file."""

from __future__ import annotations

import os
import stat
import time
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from coachtui.base.errors import UserError
from coachtui.base.user_files import documents_folder, kind_of


def target(path: str | os.PathLike, error: type[UserError] = UserError) -> Path:
    """The file to write: `~` expanded, links followed (the file a link names
    is written, the link stays). Refused with one line: a folder, anything
    that is not a regular file (a device, a named pipe), and a name that leads
    into /proc (/dev/stdout, /dev/fd/1): NAME.partial renamed over any of
    those would replace the device, pipe or link itself, not write into it."""
    p = Path(path).expanduser()
    if p.is_dir():
        raise error(f"{p} is a folder: give a file name")
    if p.parent == documents_folder() and not p.parent.exists():
        _make_documents_folder(p.parent)
    if _leads_into_proc(p):
        raise error(f"{p} is not a regular file (it leads to /proc): give a file name")
    if p.is_symlink():
        p = Path(os.path.realpath(p))
    try:
        mode = p.stat().st_mode
    except OSError:
        return p  # not there yet (or not reachable: writing will say why)
    if not stat.S_ISREG(mode):
        raise error(f"{p} is {kind_of(mode)}, not a regular file: give a file name")
    return p


def _make_documents_folder(folder: Path) -> None:
    """Documents/coachtui, made when the first file is written there (not on
    opening a dialog that offers it). Yours only: summaries name teachers."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        pass  # writing the file will say why


def _leads_into_proc(p: Path) -> bool:
    """Does the name, or a link on the way to its file, lead into /proc?"""
    try:
        if _in_proc(p.parent.resolve()):
            return True
        hops = 0
        while p.is_symlink() and hops < 40:
            p = p.parent / os.readlink(p)
            if _in_proc(Path(os.path.normpath(p))):
                return True
            hops += 1
    except (OSError, RuntimeError):
        return False
    return False


def _in_proc(p: Path) -> bool:
    return p.is_absolute() and p.parts[:2] == (p.anchor, "proc")


def _create(tmp: Path) -> int:
    """A new NAME.partial, ours alone. One left by a crash is removed first;
    O_EXCL (with O_NOFOLLOW) means a named pipe or a symlink put there by
    someone else (a shared folder) is never opened: it could hang the write,
    or send it into another file."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        return os.open(tmp, flags, 0o600)
    except FileExistsError:
        tmp.unlink()
        return os.open(tmp, flags, 0o600)


ON_WINDOWS = os.name == "nt"
RETRIES = 20
RETRY_PAUSE = 0.1  # seconds between tries: about two seconds in all


def _replace(tmp: Path, path: Path) -> None:
    """os.replace, tried again while Windows says another program holds `path`."""
    for _ in range(RETRIES if ON_WINDOWS else 1):
        try:
            os.replace(tmp, path)
            return
        except PermissionError:
            if not ON_WINDOWS:
                raise
            time.sleep(RETRY_PAUSE)
    # One line through the callers' usual "cannot write NAME: <strerror>".
    raise PermissionError(13, "another program has it open (Excel? or OneDrive, Syncthing or Dropbox syncing "
                              "it?): close it or wait, then try again", str(path))


@contextmanager
def atomic(path: Path, binary: bool = False) -> Iterator[IO]:
    """Yield a file to write; on leaving, it replaces `path` whole. On any
    failure the partial file is removed and the error goes on (OSError for
    the disk): `path` is as it was."""
    tmp = path.with_name(path.name + ".partial")
    try:
        fd = _create(tmp)
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        _replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise


def write_text(path: str | os.PathLike, text: str, error: type[UserError] = UserError) -> Path:
    """Write `text` to `path` atomically; a disk error becomes one line (`error`)."""
    p = target(path, error)
    try:
        with atomic(p) as f:
            f.write(text)
    except OSError as exc:
        raise error(f"cannot write {p}: {exc.strerror or exc}") from None
    return p


def write_texts(files: dict[Path, str], error: type[UserError] = UserError) -> list[Path]:
    """Write several files as one: every NAME.partial is written and fsynced
    first, then each is renamed over its NAME. A failed write (a full disk)
    leaves every NAME as it was and no partial behind."""
    targets = {target(p, error): text for p, text in files.items()}
    written: list[Path] = []
    current = next(iter(targets), Path())
    try:
        for p, text in targets.items():
            current = p
            tmp = p.with_name(p.name + ".partial")
            written.append(tmp)
            with os.fdopen(_create(tmp), "w", encoding="utf-8", newline="") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
        for p in targets:
            current = p
            os.replace(p.with_name(p.name + ".partial"), p)
    except OSError as exc:
        for tmp in written:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
        raise error(f"cannot write {current}: {exc.strerror or exc}") from None
    return list(targets)
