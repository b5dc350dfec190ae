"""`coachtui framework export --out FILE` and `coachtui framework import FILE [--dry-run]`."""

from __future__ import annotations

import argparse

from coachtui.base.text import plural
from coachtui.cli.common import open_paths, run_import


def register(sub: argparse._SubParsersAction) -> None:
    fw = sub.add_parser("framework", help="teaching framework commands")
    fsub = fw.add_subparsers(dest="framework_command", metavar="ACTION", required=True)
    p = fsub.add_parser("export", help="write the framework (retired items flagged) to a TOML file")
    p.add_argument("--out", required=True, metavar="FILE")
    p.set_defaults(func=_export)
    p = fsub.add_parser("import", help="add, reword, reorder and retire items from a TOML file (matched by code)")
    p.add_argument("file", help="a framework TOML file, in the shape of the exported one")
    p.add_argument("--dry-run", action="store_true", help="show what would change and change nothing")
    p.set_defaults(func=_import)


def _export(args) -> int:
    from coachtui.teaching import framework_toml

    open_paths(args)
    n = framework_toml.export(args.out)
    print(f"wrote {args.out}: {plural(n, 'item')}")
    return 0


def _import(args) -> int:
    from coachtui.teaching.framework_toml import import_file, read

    return run_import(args, import_file, read)
