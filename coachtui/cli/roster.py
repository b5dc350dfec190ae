"""`coachtui roster import FILE [--dry-run]`."""

from __future__ import annotations

import argparse

from coachtui.cli.common import run_import


def register(sub: argparse._SubParsersAction) -> None:
    roster = sub.add_parser("roster", help="staff roster commands")
    rsub = roster.add_subparsers(dest="roster_command", metavar="ACTION", required=True)
    p = rsub.add_parser("import", help="import or update staff from a CSV file")
    p.add_argument("file", help="CSV file (UTF-8 or Excel), comma or semicolon separated")
    p.add_argument("--dry-run", action="store_true", help="show what would change and change nothing")
    p.set_defaults(func=_import)


def _import(args) -> int:
    from coachtui.roster.csv_import import import_file, read_rows

    return run_import(args, import_file, read_rows)
