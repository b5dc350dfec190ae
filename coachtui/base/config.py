"""Where things live, and the user's settings: config.toml, read with tomllib
and changed in place with tomlkit (the file is the user's: what the app does
not change is kept as written)."""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import platformdirs

from coachtui.base.atomic_write import atomic, target
from coachtui.base.errors import UserError
from coachtui.base.user_files import kind_of, read_bytes, typed_path

APP = "coachtui"
DB_NAME = "coachtui.db"
CONFIG_NAME = "config.toml"
THEMES = ("textual-dark", "textual-light")
CONFIG_LIMIT = 1_000_000  # a settings file is a few hundred bytes


@dataclass
class Config:
    device_name: str = ""
    home_site: str = ""
    join_minutes: int = 20
    coach_load_limit: int = 10
    theme: str = "textual-dark"
    passphrase: str = ""  # the trust's bundle passphrase; empty: asked for when needed
    passphrase_in_keyring: bool = False  # kept in the OS keyring (`coachtui passphrase set`), not here
    # Aggregate reports and the review's patterns show counts resting on fewer
    # people than this as "fewer than N" (at least 2: a count of 1 is never shown).
    suppress_below: int = 3
    # "auto": ASCII stand-ins for ✓ ✗ ★ and chart blocks in Windows' old console
    # only; "ascii" or "unicode" everywhere (F9).
    symbols: str = "auto"
    # Who uses this laptop: a coach's staff id (their joins are recorded as
    # theirs, their roster opens on their teachers), "none" for someone who
    # is not a coach, "" not asked yet (the app asks at start).
    me: str = ""
    # The sync screen's (F5) folder or file and site, as last used there.
    sync_path: str = ""
    sync_site: str = ""


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    config_dir: Path

    @property
    def db(self) -> Path:
        return self.data_dir / DB_NAME

    @property
    def config(self) -> Path:
        return self.config_dir / CONFIG_NAME

    @property
    def backups(self) -> Path:
        return self.data_dir / "backups"


def resolve_paths(data_dir: str | os.PathLike | None = None) -> Paths:
    """--data-dir, then COACHTUI_DATA_DIR, then the platform's dirs.

    An explicit data dir holds the config too, so a USB stick or a test
    directory is self-contained.
    """
    # Read as a pasted path is (one parser): quotes from cmd's `set VAR="..."` or a
    # doubly quoted --data-dir would otherwise make a folder named with them.
    if data_dir is not None and not typed_path(os.fspath(data_dir)):
        # An empty --data-dir '' (an unset shell variable, often) is not "the usual folder".
        raise UserError("--data-dir is empty: give a folder, or leave --data-dir out for the usual one")
    env = os.environ.get("COACHTUI_DATA_DIR")
    if data_dir is None and env and not typed_path(env):
        raise UserError("COACHTUI_DATA_DIR is empty: give a folder, or unset it for the usual one")
    chosen = typed_path(os.fspath(data_dir)) if data_dir is not None else typed_path(env) if env else ""
    if chosen:
        try:
            d = Path(chosen).expanduser().resolve()
            mode = d.stat().st_mode if d.exists() else None
        except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop
            raise UserError(f"cannot use {chosen} as the data folder: {getattr(exc, 'strerror', None) or exc}") \
                from None
        if mode is not None and not stat.S_ISDIR(mode):
            what = "a file" if stat.S_ISREG(mode) else kind_of(mode)
            raise UserError(f"{d} is {what}, not a folder: give a folder for the data (--data-dir)")
        return Paths(d, d)
    return Paths(Path(platformdirs.user_data_dir(APP)), Path(platformdirs.user_config_dir(APP)))


def ensure_dir(path: Path) -> None:
    """Make the folder (0700). An existing one is made private too when it is
    coachtui's (holding nothing but coachtui's files); any other folder
    keeps its mode: `--data-dir ~`, a sticky shared folder such as /tmp, one
    that is not ours (the files coachtui puts there are private themselves)."""
    existed = path.is_dir()
    # Folders made on the way are private too (mkdir(parents=True) would make
    # them 0755): the data root that first holds only demo/, say.
    missing = [p for p in [path, *path.parents] if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(exist_ok=True, mode=0o700)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        if existed and not _coachtuis(path):
            return
        os.chmod(path, 0o700)
    except OSError:
        pass


def _coachtuis(path: Path) -> bool:
    st = os.stat(path)
    if st.st_mode & stat.S_ISVTX or (hasattr(os, "geteuid") and st.st_uid != os.geteuid()):
        return False
    with os.scandir(path) as entries:
        names = {e.name for e in entries}
    # Nothing but coachtui's own: the database and its companions, the config, backups/, demo/.
    return all(n.startswith((DB_NAME, CONFIG_NAME)) or n in ("backups", "demo") for n in names)


class ConfigError(UserError):
    pass


# What a new config.toml holds: every setting explained, none set (the
# defaults apply). F9 and `coachtui passphrase set` add the ones they change.
TEMPLATE = """\
# coachtui settings. F9 in the app changes most of them, and keeps the rest of
# this file as you wrote it. Remove the # before a line to set it.
# This file is readable by you only: keep it so if you put the passphrase here.
#
# device_name = "Maths office laptop"   # how this laptop is named in sync bundles
# home_site = "North Primary"           # the site new staff get by default
# join_minutes = 20                     # planned length of a lesson join
# coach_load_limit = 10                 # warn when a coach has more teachers
# theme = "textual-dark"                # or "textual-light"
# suppress_below = 3                    # reports and patterns show smaller counts as "fewer than 3"
# symbols = "auto"                      # "ascii" if ✓ ✗ ★ show as boxes; auto: ASCII in Windows' old console
# me = ""                               # who uses this laptop: a coach's staff id, or "none" (F9 sets it)
# sync_path = ""                        # the sync screen's (F5) folder or file, as last used there
# sync_site = ""                        # the site F5 exports (empty: every site)
#
# The trust's bundle passphrase. Better kept in the OS keyring, where there is
# one: `coachtui passphrase set`. Empty: asked for when needed.
# passphrase = ""
"""


def prepare_config(paths: Paths) -> None:
    """Make config.toml private before anyone types a passphrase into it: the
    folder 0700, the file 0600, created from TEMPLATE when missing (so an
    editor later keeps its mode) and made private when it is readable by
    others. Quietly does nothing where it cannot (a read-only stick)."""
    try:
        ensure_dir(paths.config_dir)
        try:
            fd = os.open(paths.config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            # Only a regular file of ours: a link to /dev/zero, or a pipe, is
            # not a config (load_config says so), and root must not chmod it.
            st = os.stat(paths.config)
            ours = not hasattr(os, "geteuid") or st.st_uid == os.geteuid()
            if stat.S_ISREG(st.st_mode) and ours and st.st_mode & 0o077:
                os.chmod(paths.config, 0o600)
            return
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(TEMPLATE)
    except OSError:
        pass


def refuse_passphrase_here(paths: Paths) -> None:
    """ConfigError when config.toml is on removable media or shared storage:
    a lost stick (FAT keeps no file modes) must not give away the passphrase
    that opens every bundle of the trust."""
    from coachtui.base import storage

    line = storage.passphrase_refusal(storage.where(paths.config_dir, storage.facts_here()), paths.config)
    if line:
        raise ConfigError(line)


def load_config(paths: Paths) -> Config:
    """Read config.toml; unknown keys are ignored, bad values fall back to defaults."""
    cfg = Config()
    if not os.path.lexists(paths.config):
        return cfg
    raw = read_bytes(paths.config, what="a settings file (TOML)", limit=CONFIG_LIMIT, error=ConfigError)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{paths.config} is not valid TOML: {exc}") from exc
    for f in fields(Config):
        if f.name in data:
            value = data[f.name]
            default = getattr(cfg, f.name)
            if isinstance(default, bool):
                if isinstance(value, bool):
                    setattr(cfg, f.name, value)
            elif isinstance(default, int) and isinstance(value, int) and not isinstance(value, bool):
                if value > 0:
                    setattr(cfg, f.name, value)
            elif isinstance(default, str) and isinstance(value, str):
                setattr(cfg, f.name, value)
    if cfg.theme not in THEMES:
        cfg.theme = Config.theme
    if cfg.suppress_below < 2:
        cfg.suppress_below = Config.suppress_below
    if cfg.symbols not in ("auto", "unicode", "ascii"):
        cfg.symbols = Config.symbols
    return cfg


def update_config(paths: Paths, changes: dict[str, Any]) -> Config:
    """Set the settings in `changes` (name: value) in config.toml and return the
    settings as the file then holds them.

    Only those keys are written. The rest is read from disk now and kept as it
    is: comments, order, keys this version does not know, and settings this
    save does not change (a passphrase typed into the file while the app ran
    survives a change of theme). A file that is not valid TOML is refused with
    ConfigError (one line) and left untouched; a disk error is an OSError and
    leaves the old file whole (written to NAME.partial, then renamed)."""
    import tomlkit
    from tomlkit.exceptions import ParseError

    names = {f.name for f in fields(Config)}
    unknown = set(changes) - names
    if unknown:
        raise ValueError(f"not settings: {sorted(unknown)}")
    if changes.get("passphrase"):
        refuse_passphrase_here(paths)
    ensure_dir(paths.config_dir)
    try:
        raw = (read_bytes(paths.config, what="a settings file (TOML)", limit=CONFIG_LIMIT, error=ConfigError)
               if os.path.lexists(paths.config) else b"")
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{paths.config} is not valid TOML (not UTF-8): settings not saved") from None
    try:
        doc = tomlkit.parse(text)
    except ParseError as exc:
        raise ConfigError(f"{paths.config} is not valid TOML ({exc}): fix or remove it") from None
    for name, value in changes.items():
        doc[name] = value
    with atomic(target(paths.config, ConfigError), binary=True) as fh:
        fh.write(tomlkit.dumps(doc).encode("utf-8"))
    return load_config(paths)
