"""Writing files the user keeps (reports, exports, bundles, the config) so that
a crash, a full disk or a pulled USB stick leaves the old file or none, never
half of one: NAME.partial (mode 0600), fsync, then rename over NAME."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from coachtui.base.errors import UserError


def target(path: str | os.PathLike) -> Path:
    """The file to write: `~` expanded; a folder is refused with one line."""
    p = Path(path).expanduser()
    if p.is_dir():
        raise UserError(f"{p} is a folder: give a file name")
    return p


@contextmanager
def atomic(path: Path, binary: bool = False) -> Iterator[IO]:
    """Yield a file to write; on leaving, it replaces `path` whole. On any
    failure the partial file is removed and the error goes on (OSError for
    the disk): `path` is as it was."""
    tmp = path.with_name(path.name + ".partial")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise


def write_text(path: str | os.PathLike, text: str, error: type[UserError] = UserError) -> Path:
    """Write `text` to `path` atomically; a disk error becomes one line (`error`)."""
    p = target(path)
    try:
        with atomic(p) as f:
            f.write(text)
    except OSError as exc:
        raise error(f"cannot write {p}: {exc.strerror or exc}") from None
    return p
