"""`coachtui backups` and `coachtui restore BACKUP`.

Neither opens the database: both work when it is damaged, which is when they
are needed."""

from __future__ import annotations

import argparse

from coachtui.base.config import ensure_dir
from coachtui.base.text import for_terminal
from coachtui.base.user_files import size_text
from coachtui.cli.common import paths_for


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backups", help="list the copies of the database taken before each import")
    p.set_defaults(func=_list)
    p = sub.add_parser("restore", help="put a backup back as the database (the current one is kept as a backup)")
    p.add_argument("backup", metavar="BACKUP", help="a name that `coachtui backups` shows, or the path of a copy")
    p.set_defaults(func=_restore)


def _list(args) -> int:
    from coachtui.store import backups

    paths = paths_for(args)
    found = backups.listing(paths.backups)
    if not found:
        print(for_terminal(f"no backups in {paths.backups} yet: one is taken before each import"))
        return 0
    print(for_terminal(f"backups in {paths.backups}, newest first (`coachtui restore NAME` puts one back):"))
    width = max(len(b.name) for b in found)
    for b in found:
        print(for_terminal(f"  {b.name:<{width}}  {b.taken:%Y-%m-%d %H:%M:%S}  {size_text(b.size):>8}"))
    return 0


def _restore(args) -> int:
    from coachtui.store import backups

    paths = paths_for(args)
    ensure_dir(paths.data_dir)
    source = backups.find(paths.backups, args.backup)
    done = backups.restore(paths.db, source, paths.backups)
    print(for_terminal(f"restored {done.source.name} as {paths.db}"))
    if done.kept is not None:
        print(for_terminal(f"the database it replaced is kept as {done.kept.name} in {paths.backups} "
                           f"(`coachtui restore {done.kept.name}` to go back)"))
    print("what other laptops hold comes back at the next sync")
    return 0
