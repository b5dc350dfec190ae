"""Roster import from CSV (placeholder: replaced by the CSV importer)."""

from __future__ import annotations

import argparse


def register_cli(sub: argparse._SubParsersAction) -> None:
    roster = sub.add_parser("roster", help="staff roster commands")
    rsub = roster.add_subparsers(dest="roster_command", metavar="ACTION", required=True)
    p = rsub.add_parser("import", help="import staff from a CSV file")
    p.add_argument("file")
    p.set_defaults(func=lambda args: 0)
