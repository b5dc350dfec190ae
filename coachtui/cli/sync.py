"""`coachtui export`, `coachtui import`, `coachtui sync`."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from coachtui.base.errors import UserError
from coachtui.base.text import plural
from coachtui.base.user_files import read_text, typed_path
from coachtui.cli.common import PASSPHRASE_FILE_LIMIT, open_for
from coachtui.cli.progress import bars


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
    p.add_argument("--out", required=True, metavar="PATH", type=typed_path)
    p.add_argument("--site", metavar="NAME", help="only this site's staff and their records")
    p.add_argument("--no-encrypt", action="store_true", help="write a plain (readable) bundle")
    p.add_argument("--passphrase-file", metavar="FILE")
    p.set_defaults(func=_export)

    p = sub.add_parser("import", help="merge bundles from other laptops and show what changed")
    p.add_argument("paths", nargs="+", metavar="PATH", type=typed_path)
    p.add_argument("--dry-run", action="store_true", help="only show what would change")
    p.add_argument("--allow-plain", action="store_true",
                   help="apply plain (unencrypted) bundles too: nothing proves who wrote them")
    p.add_argument("--passphrase-file", metavar="FILE")
    p.set_defaults(func=_import)

    p = sub.add_parser("sync", help="swap bundles through a shared folder or USB stick")
    p.add_argument("--new-passphrase", action="store_true",
                   help="the trust has a new passphrase and this laptop is the first to use it: write even though "
                        "no bundle in the folder opens with it")
    p.add_argument("folder", type=typed_path)
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
    from coachtui.sync.suffix import SUFFIX, with_suffix
    from coachtui.sync.trouble import one_line

    paths, cfg = _open(args)
    secret = passphrase(args, cfg, needed=True)
    out, added = with_suffix(args.out)
    with one_line(out), bars() as new:
        counts = bundle.export(out, secret, site=args.site, device_name=cfg.device_name,
                               progress=new and new(f"writing {Path(out).name}", "rows"))
    kind = "plain" if secret is None else "encrypted"
    where = out if len(counts["files"]) == 1 else (
        f"{len(counts['files'])} parts (each under FAT32's 4 GiB; import them all): "
        + ", ".join(str(p) for p in counts["files"]))
    _say(f"wrote {where}: {plural(counts['rows'], 'record')}, {plural(counts['purged'], 'erasure')} ({kind})")
    if added:
        _say(f"({SUFFIX} added to the name: folder sync reads only {SUFFIX} files)")
    return 0


def _import(args) -> int:
    from coachtui.sync.trouble import one_line

    paths, cfg = _open(args)
    secret = passphrase(args, cfg, needed=False)
    for path in args.paths:
        with one_line(path), bars() as new:
            _import_one(path, secret, paths, args, new)
    return 0


def _import_one(path: str, secret: str | None, paths, args, new) -> None:
    from coachtui.sync import merge
    from coachtui.sync.words import remember

    # One pass: applied as it is read (a preview only with --dry-run), then what it did.
    done = merge.merge(path, secret, commit=not args.dry_run, backups=None if args.dry_run else paths.backups,
                       allow_plain=args.allow_plain,
                       progress=new and new(f"{'checking' if args.dry_run else 'importing'} {Path(path).name}",
                                            "bytes"))
    if done.applied:
        remember([done], path)
    _say(done.headline())
    for line in done.lines():
        _say(f"  {line}")


def _sync(args) -> int:
    from coachtui.sync import folder
    from coachtui.sync.trouble import one_line
    from coachtui.sync.words import remember

    paths, cfg = _open(args)
    secret = passphrase(args, cfg, needed=True)
    with one_line(args.folder), bars() as new:
        steps = new and (lambda what: new(what, "bytes" if what.startswith("reading") else "rows"))
        report = folder.sync(args.folder, secret, paths.backups, device_name=cfg.device_name, progress=steps,
                             new_passphrase=args.new_passphrase)
        remember(report.imported, args.folder)
    for s in report.imported:
        _say(s.headline())
    for name, why in report.skipped:
        _say(folder.skip_line(name, why))
    if report.known:
        _say(f"{plural(report.known, 'file')} read before, passed over")
    _say(f"wrote {report.written}" if report.written else "nothing new to write: the folder holds all this laptop has")
    for name in report.removed:
        _say(f"removed {name} (this laptop's older file: the new one holds all of it)")
    return 0
