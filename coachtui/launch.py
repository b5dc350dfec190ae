"""Opening coachtui's data: the one way the app and the command line do it.

Find the data folder, open the database (migrations, device id), load the
shipped teaching framework, wire the services' steps into sync, and for the
demo fill a made-up trust. Nothing is opened at import time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from coachtui.base.config import Config, Paths, ensure_dir, load_config, prepare_config, resolve_paths
from coachtui.base.errors import UserError


@dataclass
class AppContext:
    paths: Paths
    config: Config
    demo: bool = False
    # One line each, for the user before anything else (a data folder on a stick).
    warnings: list[str] = field(default_factory=list)


def open_database(path: Path) -> None:
    """Open the database at `path` (creating it) with everything it needs:
    the store, the shipped framework, and sync's after-merge steps."""
    from coachtui.roster import duplicates, erase, staff
    from coachtui.store.db import open_store
    from coachtui.sync import after_merge
    from coachtui.teaching import framework

    open_store(path)
    framework.ensure_loaded()
    # The same school typed in on two laptops is one site, after every import.
    after_merge.register(staff.merge_same_name_sites)
    after_merge.register(duplicates.merge_same_mis_people)
    # A person erased on another laptop: everything about them goes here too.
    after_merge.on_erasure(erase.erase_arrived)


def data_paths(data_dir: str | None = None, *, demo: bool = False,
               warn: Callable[[str], None] | None = None) -> Paths:
    """Where the data and settings are (UserError if `data_dir` cannot be one),
    without opening anything: the demo's own folder when `demo`.

    A data folder on a network share or in a synced folder (OneDrive, Dropbox,
    Syncthing, iCloud) is refused: the database would be damaged there. One on
    removable media is used, after one line to `warn`."""
    paths = resolve_paths(data_dir)
    refuse_bundle_folder(paths.data_dir)
    if demo:
        # The demo lives apart from real data: nothing of the user's is touched.
        demo_dir = paths.data_dir / "demo"
        paths = Paths(demo_dir, demo_dir)
    line = place_warning(paths)
    if line and warn:
        warn(line)
    return paths


def refuse_bundle_folder(folder: Path) -> None:
    """UserError when `folder` holds sync bundles: it is a stick or shared
    folder for bundles, and the database (and a passphrase in its config)
    would travel, and be lost, with them."""
    from coachtui.sync.suffix import SUFFIX

    try:
        holds = folder.is_dir() and any(p.suffix.lower() == SUFFIX for p in folder.iterdir())
    except OSError:
        return  # unreadable: opening it says why
    if holds:
        raise UserError(f"{folder} holds sync bundles ({SUFFIX}): it is for bundles, not a data folder. "
                        "Keep the data on this laptop's own disk (leave --data-dir out for the usual folder)")


def place_warning(paths: Paths) -> str | None:
    """UserError when the data folder is on a network share or in a synced
    folder; the warning line when it is on removable media; else None."""
    from coachtui.base import storage

    place = storage.where(paths.data_dir, storage.facts_here())
    refused = storage.refusal(place, paths.data_dir)
    if refused:
        raise UserError(refused)
    line = storage.warning(place, paths.data_dir)
    if line and _passphrase_in_config(paths):
        line += f"; and {paths.config} holds the passphrase: move it to the keyring (coachtui passphrase set)"
    return line


def _passphrase_in_config(paths: Paths) -> bool:
    try:
        return bool(load_config(paths).passphrase)
    except UserError:
        return False  # a broken config is said when it is read


def open_data(data_dir: str | None = None, *, demo: bool = False) -> AppContext:
    """Resolve the folder, open its database (filling a demo one if asked), read the settings.
    Raises UserError (one line) when it cannot; `warnings` holds lines to show first."""
    warnings: list[str] = []
    paths = data_paths(data_dir, demo=demo, warn=warnings.append)
    if demo:
        ensure_dir(paths.data_dir.parent)  # the data root holding demo/: private too, whoever makes it
    open_database(paths.db)
    if demo:
        from coachtui.demo import school
        from coachtui.store.db import mark_demo

        mark_demo()  # its bundles say so, and real data refuses them
        school.fill_if_empty()
    prepare_config(paths)
    return AppContext(paths, load_config(paths), demo, warnings)
