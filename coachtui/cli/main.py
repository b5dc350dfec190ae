"""Command line: `coachtui [--data-dir DIR] [--demo]` opens the app; subcommands
do the rest. Errors: one line on stderr, exit 1. Usage errors: exit 2."""

from __future__ import annotations

import argparse
import os
import sys

from coachtui import __version__
from coachtui.base.errors import UserError
from coachtui.base.text import for_terminal
from coachtui.cli import backups, demo, feedback, framework, passphrase, report, roster, staff, sync

# Each module adds its subcommands: register(subparsers) sets `func(args) -> int`.
COMMANDS = [roster, staff, demo, feedback, framework, sync, passphrase, report, backups]


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
    """`coachtui demo --staff 5 --data-dir D` works as well as `coachtui --data-dir D demo`,
    and `coachtui report --out r.md --demo` as well as `coachtui --demo report --out r.md`."""
    for child in set(sub.choices.values()):
        if not any("--data-dir" in a.option_strings for a in child._actions):
            child.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        if not any("--demo" in a.option_strings for a in child._actions):
            child.add_argument("--demo", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        for action in child._actions:
            if isinstance(action, argparse._SubParsersAction):
                _accept_data_dir_anywhere(action)


def main(argv: list[str] | None = None) -> int:
    """Run the command; every error the user can act on is one line on stderr and exit 1.

    Output into a pipe that closed early (`coachtui import … | head -1`) ends
    quietly, as Unix tools do: no message, exit status 141 (128 + SIGPIPE)."""
    try:
        try:
            return _main(argv)
        finally:
            sys.stdout.flush()  # a closed pipe shows here, not in Python's own flush at exit
    except BrokenPipeError:
        _stdout_to_devnull()
        return 128 + 13


def _main(argv: list[str] | None) -> int:
    from coachtui.store.db import explain

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command:
            return args.func(args) or 0
        return _run_app(args)
    except UserError as exc:
        return _fail(exc)
    except KeyboardInterrupt:
        return 130
    except EOFError:
        # Ctrl+D (Ctrl+Z Enter on Windows) at a prompt: every prompt comes before its command changes anything.
        if sys.stderr.isatty():
            print(file=sys.stderr)  # off the prompt's line
        return _fail("no answer given (end of input): nothing changed")
    except BrokenPipeError:
        raise
    except Exception as exc:
        # A database error no service turned into a line (SQLite finding a
        # damaged page while reading), or a file error no adapter foresaw.
        if (line := explain(exc)) is not None:
            return _fail(line)
        if isinstance(exc, OSError):
            return _fail(f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else exc)
        # Never a traceback: one line, and what changed is what the command's
        # transaction had committed (each write is its own transaction).
        return _fail(f"stopped by an unexpected error ({type(exc).__name__}: {exc}); please report it")


def _fail(message: object) -> int:
    print(f"coachtui: {for_terminal(message, lines=True)}", file=sys.stderr)
    return 1


def _stdout_to_devnull() -> None:
    """What is still buffered for the closed pipe goes nowhere (else Python's
    flush at exit complains about the pipe on stderr)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real stdout (under a test's capture)
        pass


def _run_app(args: argparse.Namespace) -> int:
    from coachtui.app import CoachApp
    from coachtui.launch import open_data

    app = CoachApp(open_data(args.data_dir, demo=args.demo), ask_who=True)
    app.run()
    if app.fatal is not None:
        raise app.fatal
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
