"""Command line: `coachtui [--data-dir DIR] [--demo]` opens the app; subcommands
do the rest. Errors: one line on stderr, exit 1. Usage errors: exit 2."""

from __future__ import annotations

import argparse
import sys
from typing import Callable

from coachtui import __version__
from coachtui.base.config import ConfigError, Paths, resolve_paths


class CliError(Exception):
    """Printed as one line on stderr; exit status 1."""


# Each feature module adds its subcommands here: register(subparsers) -> None.
# A subcommand sets `func(args, paths) -> int` with set_defaults.
def _registrars() -> list[Callable[[argparse._SubParsersAction], None]]:
    from coachtui.demo import school
    from coachtui.lessons import feedback
    from coachtui.teaching import framework_toml
    from coachtui.leader import report
    from coachtui.roster import csv_import
    from coachtui.cli import sync as sync_cli

    return [csv_import.register_cli, school.register_cli, feedback.register_cli, framework_toml.register_cli,
            sync_cli.register_cli, report.register_cli]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coachtui", description="Offline instructional coaching in the terminal.")
    parser.add_argument("--version", action="version", version=f"coachtui {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="where the database and config live (or COACHTUI_DATA_DIR)")
    parser.add_argument("--demo", action="store_true", help="open a demo database with made-up staff")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in _registrars():
        register(sub)
    _accept_data_dir_anywhere(sub)
    return parser


def _accept_data_dir_anywhere(sub: argparse._SubParsersAction) -> None:
    """`coachtui demo --staff 5 --data-dir D` works as well as `coachtui --data-dir D demo`."""
    for child in set(sub.choices.values()):
        if not any("--data-dir" in a.option_strings for a in child._actions):
            child.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        for action in child._actions:
            if isinstance(action, argparse._SubParsersAction):
                _accept_data_dir_anywhere(action)


def open_paths(args: argparse.Namespace) -> Paths:
    """Resolve and open the store for a subcommand."""
    from coachtui.store.db import StoreError, open_store

    paths = resolve_paths(args.data_dir)
    try:
        open_store(paths.db)
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command:
            return args.func(args) or 0
        return _run_app(args)
    except (CliError, ConfigError) as exc:
        print(f"coachtui: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def run_import(args: argparse.Namespace, import_file) -> int:
    """`… import FILE [--dry-run]`: open the store, import (or preview), print the report."""
    from coachtui.base.errors import UserError

    open_paths(args)
    try:
        report = import_file(args.file, dry_run=args.dry_run)
    except UserError as exc:
        raise CliError(str(exc)) from None
    print(report.summary())
    for line in report.lines():
        print(f"  {line}")
    return 0


def _run_app(args: argparse.Namespace) -> int:
    from coachtui.app import CoachApp, prepare

    app = CoachApp(prepare(args.data_dir, demo=args.demo))
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
