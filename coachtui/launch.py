"""Opening coachtui's data: the one way the app and the command line do it.

Find the data folder, open the database (migrations, device id), load the
shipped teaching framework, wire the services' steps into sync, and for the
demo fill a made-up trust. Nothing is opened at import time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coachtui.base.config import Config, Paths, load_config, prepare_config, resolve_paths


@dataclass
class AppContext:
    paths: Paths
    config: Config
    demo: bool = False


def open_database(path: Path) -> None:
    """Open the database at `path` (creating it) with everything it needs:
    the store, the shipped framework, and sync's after-merge steps."""
    from coachtui.roster import erase, staff
    from coachtui.store.db import open_store
    from coachtui.sync import after_merge
    from coachtui.teaching import framework

    open_store(path)
    framework.ensure_loaded()
    # The same school typed in on two laptops is one site, after every import.
    after_merge.register(staff.merge_same_name_sites)
    # A person erased on another laptop: everything about them goes here too.
    after_merge.on_erasure(erase.erase_arrived)


def data_paths(data_dir: str | None = None, *, demo: bool = False) -> Paths:
    """Where the data and settings are (UserError if `data_dir` cannot be one),
    without opening anything: the demo's own folder when `demo`."""
    paths = resolve_paths(data_dir)
    if demo:
        # The demo lives apart from real data: nothing of the user's is touched.
        demo_dir = paths.data_dir / "demo"
        paths = Paths(demo_dir, demo_dir)
    return paths


def open_data(data_dir: str | None = None, *, demo: bool = False) -> AppContext:
    """Resolve the folder, open its database (filling a demo one if asked), read the settings.
    Raises UserError (one line) when it cannot."""
    paths = data_paths(data_dir, demo=demo)
    open_database(paths.db)
    if demo:
        from coachtui.demo import school

        school.fill_if_empty()
    prepare_config(paths)
    return AppContext(paths, load_config(paths), demo)
