"""`coachtui feedback export ID --out FILE`."""

from __future__ import annotations

import argparse

from coachtui.cli.common import open_paths


def register(sub: argparse._SubParsersAction) -> None:
    fb = sub.add_parser("feedback", help="feedback commands")
    fsub = fb.add_subparsers(dest="feedback_command", metavar="ACTION", required=True)
    p = fsub.add_parser("export", help="write a teacher-facing summary (Markdown) of one feedback")
    p.add_argument("id", help="the feedback's id (or its join's id), as shown in the app")
    p.add_argument("--out", required=True, metavar="FILE")
    p.set_defaults(func=_export)


def _export(args) -> int:
    from coachtui.lessons import feedback

    open_paths(args)
    print(f"wrote {feedback.export_by_id(args.id, args.out)}")
    return 0
