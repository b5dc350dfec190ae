"""`coachtui demo [--staff N] [--seed S] [--force]`."""

from __future__ import annotations

import argparse

from coachtui.base.errors import UserError
from coachtui.base.text import plural
from coachtui.cli.common import open_paths


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="fill a database with made-up staff (to try the app, or for benchmarks)")
    p.add_argument("--staff", type=int, default=140, metavar="N", help="how many staff (default 140)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--force", action="store_true", help="add even if the database already has staff")
    p.set_defaults(func=_demo)


def _demo(args) -> int:
    from coachtui.demo import school

    if not 1 <= args.staff <= 200_000:
        raise UserError("--staff must be between 1 and 200000")
    paths = open_paths(args)
    if school.has_staff() and not args.force:
        raise UserError(f"{paths.db} already has staff; use --force to add more anyway")
    counts = school.fill(args.staff, args.seed)
    print(f"added {counts['staff']} staff at {plural(counts['sites'], 'site')} to {paths.db}")
    return 0
