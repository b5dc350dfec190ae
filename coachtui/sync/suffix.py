"""The bundle file's suffix, in a module that imports nothing: opening the
data checks that the data folder holds no bundles before any of sync (and
its cryptography) is loaded."""

SUFFIX = ".ctb"


def with_suffix(path: str) -> tuple[str, bool]:
    """`path` ending in SUFFIX, and whether it was added: folder sync reads only
    .ctb files, so a bundle named otherwise would be silently passed over. A
    path that exists is left as it is (a folder or a device is refused as such)."""
    import os

    if path.lower().endswith(SUFFIX) or os.path.lexists(os.path.expanduser(path)):
        return path, False
    return path + SUFFIX, True
