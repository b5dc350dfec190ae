"""`coachtui passphrase set|clear|where`: where the trust's bundle passphrase
is kept. The OS keyring where there is one, else config.toml (readable by
you only). Never printed."""

from __future__ import annotations

import argparse
import getpass
import sys

from coachtui.base import passphrase as kept
from coachtui.base.config import Paths, load_config, prepare_config, refuse_passphrase_here, update_config
from coachtui.base.errors import UserError
from coachtui.base.text import clean
from coachtui.base.user_files import read_text
from coachtui.cli.common import PASSPHRASE_FILE_LIMIT, paths_for


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("passphrase", help="keep the trust's bundle passphrase in the OS keyring (or the config)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = actions.add_parser("set", help="keep a passphrase: the OS keyring where there is one, else config.toml")
    where = s.add_mutually_exclusive_group()
    where.add_argument("--keyring", action="store_true", help="only the OS keyring: fail if there is none")
    where.add_argument("--config", action="store_true", help="in config.toml (readable by you only)")
    s.add_argument("--from-file", metavar="FILE", help="read it from FILE (else typed twice, or one line of stdin)")
    s.set_defaults(func=_set)
    c = actions.add_parser("clear", help="forget it (keyring and config): bundles then ask for it")
    c.set_defaults(func=_clear)
    w = actions.add_parser("where", help="say where it is kept (never what it is)")
    w.set_defaults(func=_where)


def _paths(args) -> Paths:
    paths = paths_for(args)
    prepare_config(paths)
    return paths


def _read_secret(args) -> str:
    if args.from_file:
        text = read_text(args.from_file, what="a passphrase file", limit=PASSPHRASE_FILE_LIMIT)
    elif sys.stdin.isatty():
        text = getpass.getpass("Trust passphrase: ")
        if text and getpass.getpass("Again: ") != text:
            raise UserError("the two passphrases differ: nothing changed")
    else:
        text = _line_from_stdin()
    secret = clean(text, "passphrase", 1000)
    if not secret:
        raise UserError("the passphrase is empty: nothing changed")
    return secret


def _line_from_stdin() -> str:
    """One line from a pipe: at most PASSPHRASE_FILE_LIMIT bytes (`< /dev/zero` has no end), UTF-8."""
    stream = getattr(sys.stdin, "buffer", None)
    raw = stream.readline(PASSPHRASE_FILE_LIMIT + 1) if stream else sys.stdin.readline(PASSPHRASE_FILE_LIMIT + 1)
    if len(raw) > PASSPHRASE_FILE_LIMIT:
        raise UserError(f"the passphrase from stdin is too long (at most {PASSPHRASE_FILE_LIMIT // 1000} kB): "
                        "nothing changed")
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError("the passphrase from stdin is not UTF-8 text: nothing changed") from None


def _set(args) -> int:
    paths = _paths(args)
    load_config(paths)  # a broken config is one line before anything is typed
    if args.keyring and not kept.available():
        raise UserError(f"no OS keyring here: nothing changed (without --keyring it goes into {paths.config}, "
                        "readable by you only)")
    use_keyring = not args.config and (args.keyring or kept.available())
    if not use_keyring:
        refuse_passphrase_here(paths)  # before anything is typed: not into a config on a stick
    secret = _read_secret(args)
    if use_keyring:
        name = kept.backend_name()
        before = kept.get()
        kept.put(secret)
        try:
            update_config(paths, {"passphrase": "", "passphrase_in_keyring": True})
        except (UserError, OSError):
            _restore(before)  # the config could not say so: leave things as they were
            raise
        _forget_check(args)
        print(f"kept in the OS keyring ({name}); {paths.config} says so and no longer holds it")
        return 0
    update_config(paths, {"passphrase": secret, "passphrase_in_keyring": False})
    _forget_check(args)
    if kept.available():
        kept.remove()
        print(f"kept in {paths.config} (readable by you only)")
    else:
        print(f"no OS keyring here: kept in {paths.config} (readable by you only)")
    return 0


def _forget_check(args) -> None:
    """A passphrase set on purpose is the trust's from now on: the check value
    remembered from the old one would refuse it (see coachtui.sync.trust)."""
    from coachtui.cli.common import open_for
    from coachtui.sync import trust

    if (paths_for(args).db).exists():
        open_for(args)
        trust.forget()


def _restore(before: str | None) -> None:
    try:
        if before is None:
            kept.remove()
        else:
            kept.put(before)
    except UserError:
        pass


def _clear(args) -> int:
    paths = _paths(args)
    update_config(paths, {"passphrase": "", "passphrase_in_keyring": False})
    note = ""
    if kept.available():
        kept.remove()
    else:
        note = " (there is no OS keyring here to clear)"
    print(f"cleared: coachtui will ask for the passphrase when a bundle needs it{note}")
    return 0


def _where(args) -> int:
    paths = _paths(args)
    cfg = load_config(paths)
    first = " (COACHTUI_PASSPHRASE is set, and comes first)" if _env_set() else ""
    if cfg.passphrase_in_keyring:
        try:
            found = kept.get()
            name = kept.backend_name()
        except UserError as exc:
            print(f"the config says the OS keyring, but {exc}{first}")
            return 0
        if found:
            print(f"in the OS keyring ({name}){first}")
            return 0
        print(f"the config says the OS keyring ({name}), but it is not there{first}")
    elif cfg.passphrase:
        print(f"in {paths.config} (readable by you only){first}")
    else:
        print(f"not set: coachtui asks for it when a bundle needs it (coachtui passphrase set){first}")
    return 0


def _env_set() -> bool:
    import os

    return bool(os.environ.get("COACHTUI_PASSPHRASE"))
