"""coachtui: offline, keyboard-first instructional coaching."""

__version__ = "0.1.0"
