"""`coachtui export`, `coachtui import`, `coachtui sync`."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from coachtui.base.errors import UserError
from coachtui.base.text import plural
from coachtui.base.user_files import read_text
from coachtui.cli.common import PASSPHRASE_FILE_LIMIT, open_for


def passphrase(args, cfg, *, needed: bool) -> str | None:
    """--passphrase-file, then COACHTUI_PASSPHRASE, then the OS keyring, then the config, then ask."""
    if getattr(args, "no_encrypt", False):
        return None
    if getattr(args, "passphrase_file", None):
        text = read_text(args.passphrase_file, what="a passphrase file", limit=PASSPHRASE_FILE_LIMIT).strip()
        if not text:
            raise UserError("the passphrase file is empty")
        return text
    if os.environ.get("COACHTUI_PASSPHRASE"):
        return os.environ["COACHTUI_PASSPHRASE"]
    # The OS keyring, where `coachtui passphrase set` put it (one line on stderr if it cannot be read).
    from coachtui.base.passphrase import lookup

    if kept := lookup(cfg, warn=lambda line: print(f"coachtui: {line}", file=sys.stderr)):
        return kept
    if cfg.passphrase:
        return cfg.passphrase
    if sys.stdin.isatty():
        text = getpass.getpass("Trust passphrase: ")
        if text:
            return text
    if needed:
        raise UserError("a passphrase is needed: --passphrase-file, COACHTUI_PASSPHRASE or the config's "
                       "passphrase (or --no-encrypt for a plain bundle)")
    return None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="write a bundle of this laptop's data for another laptop")
    p.add_argument("--out", required=True, metavar="PATH")
    p.add_argument("--site", metavar="NAME", help="only this site's staff and their records")
    p.add_argument("--no-encrypt", action="store_true", help="write a plain (readable) bundle")
    p.add_argument("--passphrase-file", metavar="FILE")
    p.set_defaults(func=_export)

    p = sub.add_parser("import", help="merge bundles from other laptops and show what changed")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--dry-run", action="store_true", help="only show what would change")
    p.add_argument("--allow-plain", action="store_true",
                   help="apply plain (unencrypted) bundles too: nothing proves who wrote them")
    p.add_argument("--passphrase-file", metavar="FILE")
    p.set_defaults(func=_import)

    p = sub.add_parser("sync", help="swap bundles through a shared folder or USB stick")
    p.add_argument("folder")
    p.add_argument("--passphrase-file", metavar="FILE")
    p.set_defaults(func=_sync)


def _say(text: str) -> None:
    """Print a line that may hold data (device and file names, reasons): escaped,
    so no control character from a bundle or a shared folder reaches the terminal."""
    from coachtui.base.text import for_terminal

    print(for_terminal(text))


def _open(args):
    ctx = open_for(args)
    return ctx.paths, ctx.config


def _export(args) -> int:
    from coachtui.sync import bundle

    paths, cfg = _open(args)
    secret = passphrase(args, cfg, needed=True)
    counts = bundle.export(args.out, secret, site=args.site, device_name=cfg.device_name)
    kind = "plain" if secret is None else "encrypted"
    _say(f"wrote {args.out}: {plural(counts['rows'], 'record')}, {plural(counts['purged'], 'erasure')} ({kind})")
    return 0


def _import(args) -> int:
    from coachtui.sync import merge

    paths, cfg = _open(args)
    secret = passphrase(args, cfg, needed=False)
    for path in args.paths:
        # One pass: applied as it is read (a preview only with --dry-run), then what it did.
        done = merge.merge(path, secret, commit=not args.dry_run, backups=None if args.dry_run else paths.backups,
                           allow_plain=args.allow_plain)
        _say(done.headline())
        for line in done.lines():
            _say(f"  {line}")
    return 0


def _sync(args) -> int:
    from coachtui.sync import folder

    paths, cfg = _open(args)
    secret = passphrase(args, cfg, needed=True)
    report = folder.sync(args.folder, secret, paths.backups, device_name=cfg.device_name)
    for s in report.imported:
        _say(s.headline())
    for name, why in report.skipped:
        _say(f"skipped {name}: {why}")
    _say(f"wrote {report.written}")
    return 0
