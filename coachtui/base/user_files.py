"""Opening a file a person named (on the command line or in a form) safely.

Only a regular file is read: a named pipe (FIFO) would wait for a writer for
ever, /dev/zero never ends, a folder or a socket is not a file. The file is
opened without blocking, checked with fstat on the open descriptor (so what
is checked is what is read), and its size is checked against the caller's
limit before a byte is read; reading stops at the limit too (a /proc file
says size 0 and goes on). Every problem is one line, as the caller's
UserError subclass, and nothing has been read or changed.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

from coachtui.base.errors import UserError

# os.O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting
# for a writer. Not on Windows, where there are no FIFOs to open by name.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def size_text(n: int) -> str:
    """A size for a person: 512 bytes, 40 kB, 20 MB, 10 GB (powers of 1000, as file managers show)."""
    if n < 1000:
        return f"{n} bytes"
    for unit, scale in (("GB", 10 ** 9), ("MB", 10 ** 6), ("kB", 10 ** 3)):
        if n >= scale:
            value = n / scale
            return f"{value:.0f} {unit}" if value >= 10 or value == int(value) else f"{value:.1f} {unit}"
    return f"{n} bytes"  # pragma: no cover


@contextmanager
def open_regular(path: str | os.PathLike, *, what: str, limit: int,
                 error: type[UserError] = UserError) -> Iterator[BinaryIO]:
    """Open `path` for reading in binary, or raise `error` with one line.

    `what` names the expected file in messages ("a staff list (CSV)"), `limit`
    is the largest size accepted, in bytes."""
    p = Path(path).expanduser()
    try:
        fd = os.open(p, _OPEN_FLAGS)
    except FileNotFoundError:
        raise error(f"no such file: {p}") from None
    except IsADirectoryError:
        raise error(f"{p} is a folder, not {what}") from None
    except PermissionError:
        raise error(f"cannot read {p}: permission denied") from None
    except OSError as exc:
        raise error(f"cannot read {p}: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise error(f"{p} is a folder, not {what}")
        if not stat.S_ISREG(st.st_mode):
            raise error(f"{p} is {kind_of(st.st_mode)}, not a regular file: give {what}")
        if st.st_size > limit:
            raise error(f"{p.name} is too big for {what} ({size_text(st.st_size)}; at most {size_text(limit)})")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        f = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with f:
        yield f


def read_bytes(path: str | os.PathLike, *, what: str, limit: int, error: type[UserError] = UserError) -> bytes:
    """The whole of a regular file of at most `limit` bytes (see open_regular)."""
    p = Path(path).expanduser()
    with open_regular(p, what=what, limit=limit, error=error) as f:
        try:
            data = f.read(limit + 1)
        except OSError as exc:
            raise error(f"cannot read {p}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise error(f"{p.name} is too big for {what} (more than {size_text(limit)})")
    return data


def read_text(path: str | os.PathLike, *, what: str, limit: int, error: type[UserError] = UserError) -> str:
    """A regular file of at most `limit` bytes, decoded as UTF-8 (a BOM is dropped)."""
    p = Path(path).expanduser()
    data = read_bytes(p, what=what, limit=limit, error=error)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"{p.name} is not UTF-8 text: give {what} saved as UTF-8") from None


# --- paths as people paste them, and names of files written for them -------------------


def typed_path(text: str) -> str:
    """The path a person meant, from what they typed or pasted: surrounding
    space dropped; one pair of quotes removed (Windows Explorer's "Copy as
    path" adds them, as does a shell); backslash escapes undone in a Unix path
    (a file dragged from macOS Finder into Terminal: /Volumes/NO\\ NAME);
    a file:// URL turned into its path; ~ expanded. A Windows path keeps its
    backslashes: there they separate folders. "" when nothing was given."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    elif text.startswith("file://"):
        from urllib.parse import unquote, urlsplit

        text = unquote(urlsplit(text).path)
        if re.match(r"^/[A-Za-z]:/", text):  # file:///C:/Users/...
            text = text[1:]
    elif text.startswith(("/", "~")):
        text = re.sub(r"\\(.)", r"\1", text)
    if not text:
        return ""
    return os.path.expanduser(text) if text.startswith("~") else text


# Characters no Windows or macOS file name may hold, and control characters.
_ILLEGAL = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]')  # and bidi overrides
# Names Windows keeps for devices, with or without an extension (CON.md is CON).
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
_NAME_BYTES = 200  # file systems take 255 bytes; room left for a suffix and ".partial"


def safe_file_name(name: str, fallback: str = "file") -> str:
    """`name` as a file name that every laptop accepts, still readable in any
    language ("Siân" stays "Siân"): only characters Windows or macOS refuse are
    replaced by "-", trailing dots and spaces dropped (Windows drops them
    itself), a device name such as CON avoided, the length kept in bounds."""
    name = _ILLEGAL.sub("-", unicodedata.normalize("NFC", name)).strip().rstrip(". ")
    while len(name.encode("utf-8")) > _NAME_BYTES:
        name = name[:-1]
    name = name.rstrip(". ")
    if not name:
        return fallback
    if name.split(".")[0].upper() in _RESERVED:
        name += "-"
    return name


def documents_folder() -> Path:
    """Where the files coachtui writes for people (teacher summaries, reports,
    framework exports) go unless they say otherwise: a coachtui folder in
    their Documents, where they look for files, rather than the hidden data
    folder."""
    import platformdirs

    return Path(platformdirs.user_documents_dir()) / "coachtui"


def export_path(name: str, suffix: str) -> Path:
    """The full path of a new file for people, named `name` (made safe) + `suffix`, in documents_folder()."""
    return documents_folder() / (safe_file_name(name) + suffix)
