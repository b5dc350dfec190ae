"""Demo data (placeholder: replaced by the demo generator)."""

from __future__ import annotations

import argparse


def fill(n_staff: int = 120, seed: int = 1) -> None:
    from coachtui import staff

    site = staff.site_named("Demo School")
    staff.save(name="Demo Coach", roles="teacher,coach", site_id=site)


def register_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="fill a database with made-up staff (for trying and benchmarks)")
    p.add_argument("--staff", type=int, default=120)
    p.set_defaults(func=_cli)


def _cli(args) -> int:
    from coachtui.cli import open_paths

    open_paths(args)
    fill(args.staff)
    return 0
