"""`coachtui feedback export WHO [WHEN] --out FILE`."""

from __future__ import annotations

import argparse
import os

from coachtui.base.errors import UserError
from coachtui.cli.common import open_paths


def register(sub: argparse._SubParsersAction) -> None:
    fb = sub.add_parser("feedback", help="feedback commands")
    fsub = fb.add_subparsers(dest="feedback_command", metavar="ACTION", required=True)
    p = fsub.add_parser("export", help="write a teacher-facing summary (Markdown) of one feedback",
                        description='Which feedback: its id as the feedback screen shows it (e.g. 1a2b3c4d), or a '
                                    'teacher with "latest" or a date: coachtui feedback export "Jane Smith" latest')
    p.add_argument("who", metavar="ID|TEACHER", help="the feedback's id (its start is enough), or a teacher's name, "
                                                     "email or MIS id")
    p.add_argument("when", nargs="?", metavar="latest|DATE", help='with a teacher: "latest" or the join\'s date '
                                                                  "(YYYY-MM-DD)")
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write; one already there is refused")
    p.add_argument("--force", action="store_true", help="replace FILE if it already exists")
    p.set_defaults(func=_export)


def _export(args) -> int:
    from coachtui.lessons import feedback

    open_paths(args)
    if not args.force and os.path.lexists(os.path.expanduser(args.out)):
        # A summary holds a teacher's feedback: never written over a file silently.
        raise UserError(f"{args.out} already exists: nothing written (--force replaces it)")
    print(f"wrote {feedback.export_by_id(args.who, args.out, args.when)}")
    return 0
