"""`coachtui report --out FILE.md|.html|.csv [--named] [--on DATE]`."""

from __future__ import annotations

import argparse
import datetime as dt

from coachtui.base.errors import UserError
from coachtui.cli.common import open_for


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write the leader's review as Markdown, HTML or CSV (by extension)")
    p.add_argument("--out", required=True, metavar="FILE", help="FILE.md, FILE.html or FILE.csv")
    p.add_argument("--named", action="store_true",
                   help="add names: the overdue and due-soon list, and coach names (default: aggregate only)")
    p.add_argument("--on", metavar="YYYY-MM-DD", help="the review date (default today)")
    p.set_defaults(func=_report)


def _report(args) -> int:
    from coachtui.leader import report

    try:
        on = dt.date.fromisoformat(args.on) if args.on else None
    except ValueError:
        raise UserError(f"--on {args.on!r}: give a date as YYYY-MM-DD") from None
    report.format_for(args.out)  # before opening the store: a typo costs nothing
    config = open_for(args).config
    files = report.write_report(args.out, named=args.named, on=on, below=config.suppress_below,
                                 limit=config.coach_load_limit)
    print("wrote " + report.said(files))
    return 0
