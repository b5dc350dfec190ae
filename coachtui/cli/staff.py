"""`coachtui staff erase WHO [--yes]`: erase a leaver everywhere (GDPR)."""

from __future__ import annotations

import argparse
import sys

from coachtui.base.errors import UserError
from coachtui.base.text import fold, plural
from coachtui.cli.common import open_paths


def register(sub: argparse._SubParsersAction) -> None:
    staff = sub.add_parser("staff", help="staff commands")
    ssub = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    p = ssub.add_parser("erase", help="erase a leaver and every record about them, for good (GDPR)")
    p.add_argument("who", help="their name, email or MIS id")
    p.add_argument("--yes", action="store_true", help="erase without asking (otherwise: show what goes and ask)")
    p.set_defaults(func=_erase)


def _erase(args) -> int:
    from coachtui.base.text import clean
    from coachtui.roster import erase

    paths = open_paths(args)
    found = erase.find(args.who)
    if not found:
        raise UserError(f"nobody here is called {clean(args.who, 'who', 200)!r} (by name, email or MIS id)")
    if len(found) > 1:
        lines = "\n".join(f"  {p.name} · {p.email or 'no email'} · MIS id {p.external_id or '-'}" for p in found)
        raise UserError(f"{len(found)} people match {args.who!r}; nothing was erased. Give an email or MIS id:\n{lines}")
    person = found[0]
    if not args.yes:
        what = erase.plan(person.id)
        print(f"Erasing {person.name} removes, for good, on every laptop that syncs:")
        for line in what.lines():
            print(f"  {line}")
        print("  and every backup in this data folder is replaced by one without them.")
        if not sys.stdin.isatty():
            raise UserError("nothing was erased: run again with --yes to erase")
        answer = input(f"Type their name ({person.name}) to erase them: ")
        if fold(answer) != fold(person.name):  # "Aisha Ni Bhriain" for Aisha Ní Bhriain: accents as the keyboard has them
            raise UserError("nothing was erased: the name did not match")
    done = erase.erase(person.id, data_dir=paths.data_dir)
    print(f"erased {done.name}: {plural(sum(done.rows.values()), 'record')}; "
          f"(erased) now shown in {plural(done.pointers, 'other record')}; "
          f"{plural(done.backups_replaced, 'old backup')} replaced. Sync to carry the erasure to the other laptops.")
    return 0
