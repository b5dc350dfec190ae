"""What the subcommands share: opening the data folder, and the import runner."""

from __future__ import annotations

import argparse
import sys

from coachtui.base.config import Paths
from coachtui.launch import AppContext, data_paths, open_data

# A passphrase file holds one line; anything much bigger is the wrong file.
PASSPHRASE_FILE_LIMIT = 10_000


def paths_for(args: argparse.Namespace) -> Paths:
    """The data folder a subcommand acts on (the demo's with --demo), not opened."""
    return data_paths(args.data_dir, demo=getattr(args, "demo", False), warn=warn)


def warn(line: str) -> None:
    """A warning: one line on stderr, and the command goes on."""
    from coachtui.base.text import for_terminal

    print(f"coachtui: {for_terminal(line, lines=True)}", file=sys.stderr)


def open_for(args: argparse.Namespace) -> AppContext:
    """Open the data folder's database for a subcommand: the demo's with --demo
    (filled at first use, as the app does). UserError if it cannot."""
    ctx = open_data(args.data_dir, demo=getattr(args, "demo", False))
    for line in ctx.warnings:
        warn(line)
    return ctx


def open_paths(args: argparse.Namespace) -> Paths:
    """Open the data folder's database for a subcommand (UserError if it cannot)."""
    return open_for(args).paths


def run_import(args: argparse.Namespace, import_file, read_file) -> int:
    """`… import FILE [--dry-run]`: open the store, import (or preview), print the report.
    Before a real import the file is read and checked (`read_file`), then the
    database is checked and a backup taken (`coachtui backups`, `coachtui restore`)."""
    from coachtui.store import backups

    paths = open_paths(args)
    if not args.dry_run:
        read_file(args.file)  # a bad file costs no backup (the import reads it again: it is small)
        backups.take(paths.backups)
    report = import_file(args.file, dry_run=args.dry_run)
    print(report.summary())
    for line in report.lines():
        print(f"  {line}")
    return 0
