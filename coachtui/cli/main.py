"""Command line: `coachtui [--data-dir DIR] [--demo]` opens the app; subcommands
do the rest. Errors: one line on stderr, exit 1. Usage errors: exit 2."""

from __future__ import annotations

import argparse
import sys

from coachtui import __version__
from coachtui.base.errors import UserError
from coachtui.base.text import for_terminal
from coachtui.cli import demo, feedback, framework, passphrase, report, roster, staff, sync

# Each module adds its subcommands: register(subparsers) sets `func(args) -> int`.
COMMANDS = [roster, staff, demo, feedback, framework, sync, passphrase, report]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coachtui", description="Offline instructional coaching in the terminal.")
    parser.add_argument("--version", action="version", version=f"coachtui {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="where the database and config live (or COACHTUI_DATA_DIR)")
    parser.add_argument("--demo", action="store_true", help="open a demo database with made-up staff")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
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


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command:
            return args.func(args) or 0
        return _run_app(args)
    except UserError as exc:
        print(f"coachtui: {for_terminal(exc, lines=True)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _run_app(args: argparse.Namespace) -> int:
    from coachtui.app import CoachApp
    from coachtui.launch import open_data

    app = CoachApp(open_data(args.data_dir, demo=args.demo))
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
