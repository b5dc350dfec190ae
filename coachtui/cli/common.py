"""What the subcommands share: opening the data folder, and the import runner."""

from __future__ import annotations

import argparse

from coachtui.base.config import Paths
from coachtui.launch import open_data

# A passphrase file holds one line; anything much bigger is the wrong file.
PASSPHRASE_FILE_LIMIT = 10_000


def open_paths(args: argparse.Namespace) -> Paths:
    """Open the data folder's database for a subcommand (UserError if it cannot)."""
    return open_data(args.data_dir).paths


def run_import(args: argparse.Namespace, import_file) -> int:
    """`… import FILE [--dry-run]`: open the store, import (or preview), print the report."""
    open_paths(args)
    report = import_file(args.file, dry_run=args.dry_run)
    print(report.summary())
    for line in report.lines():
        print(f"  {line}")
    return 0
