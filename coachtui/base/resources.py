"""Find shipped files (styles/, data/) from a checkout or an installed wheel."""

from importlib.resources import files
from importlib.resources.abc import Traversable


def resource(*parts: str) -> Traversable:
    """Return a shipped file inside the package, e.g. resource("data", "framework.toml")."""
    node = files("coachtui")
    for part in parts:
        node = node / part
    return node


def read_text(*parts: str) -> str:
    return resource(*parts).read_text(encoding="utf-8")
