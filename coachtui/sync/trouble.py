"""Around a sync entry point (export, import, folder sync): a file or database
error that no step turned into a line becomes one (a UserError), so that the
app's sync screen and the CLI show one line, never a traceback or a closed app.
A stick pulled out or a share dropped says so."""

from __future__ import annotations

import errno
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from coachtui.base.errors import UserError
from coachtui.base.text import for_terminal
from coachtui.store import db as store_db

# What a stick taken out, or a network share that dropped, raises.
GONE = {errno.EIO, errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.ESTALE, errno.EHOSTDOWN, errno.ENOTCONN,
        errno.ETIMEDOUT, errno.EREMOTEIO if hasattr(errno, "EREMOTEIO") else errno.EIO}


def describe(exc: OSError, where: str | Path) -> str:
    """One line for an OSError met while working with `where`."""
    why = exc.strerror or str(exc) or type(exc).__name__
    line = f"cannot use {where}: {why}"
    if exc.errno in GONE:
        line += " (was the USB stick taken out, or the shared folder disconnected?)"
    return for_terminal(line + "; nothing was changed")


@contextmanager
def one_line(where: str | Path) -> Iterator[None]:
    """Turn an OSError or a database error escaping the block into a UserError."""
    try:
        yield
    except UserError:
        raise
    except OSError as exc:
        raise UserError(describe(exc, where)) from exc
    except Exception as exc:
        line = store_db.explain(exc)
        if line is None:
            raise
        raise line from exc
