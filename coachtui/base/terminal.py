"""What the terminal coachtui runs in can do, read from the environment it
sets (TERM_PROGRAM, WT_SESSION, ...): pure functions of (env, platform), so
tests give them any terminal.

Two questions matter. Can it draw ✓ ✗ ★ and eighth blocks? Windows 10's old
console (conhost, Consolas, no font fallback) shows boxes: there coachtui
starts in ASCII mode. Can an app put text on the clipboard (OSC 52)? Windows
Terminal, kitty, WezTerm, Alacritty, foot and Ghostty can; macOS Terminal.app,
the old Windows console and VTE terminals (GNOME Terminal) cannot; iTerm2 can
only when the user allowed it, tmux only when set up for it.
"""

from __future__ import annotations

import os
import sys
from typing import Mapping

PLATFORM = sys.platform  # read at call time: tests replace it
YES, NO, MAYBE = "yes", "no", "maybe"


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def old_windows_console(env: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """Windows' old console host: on Windows, and no sign of Windows Terminal,
    VS Code, ConEmu or a Unix-like terminal (mintty sets TERM)."""
    env = _env(env)
    if (platform or PLATFORM) != "win32":
        return False
    return not (env.get("WT_SESSION") or env.get("TERM_PROGRAM") or env.get("ConEmuANSI") == "ON"
                or env.get("TERM"))


def clipboard(env: Mapping[str, str] | None = None, platform: str | None = None) -> tuple[str, str]:
    """(YES, NO or MAYBE, the terminal's name) for copying with OSC 52."""
    env = _env(env)
    program = env.get("TERM_PROGRAM", "")
    term = env.get("TERM", "")
    if env.get("TMUX") or term.startswith("screen"):
        return MAYBE, "tmux"
    if env.get("WT_SESSION"):
        return YES, "Windows Terminal"
    if old_windows_console(env, platform):
        return NO, "the Windows console"
    if program == "Apple_Terminal":
        return NO, "Terminal.app"
    if program == "iTerm.app":
        return MAYBE, "iTerm2"
    if program in ("WezTerm", "ghostty") or env.get("KITTY_WINDOW_ID") or term in ("xterm-kitty", "alacritty") \
            or env.get("ALACRITTY_WINDOW_ID") or term.startswith("foot"):
        return YES, program or term
    if env.get("VTE_VERSION"):
        return NO, "this terminal (GNOME Terminal and other VTE terminals)"
    return MAYBE, program or term or "this terminal"


def copy_line(what: str, state: str, name: str) -> str:
    """The one line shown after Ctrl+Y: honest about what the terminal does."""
    if state == YES:
        return f"{what} copied as plain text."
    if state == NO:
        return f"{name} cannot take a copy from an app, so nothing was copied: {what.lower()} is written to a file instead."
    hint = {"iTerm2": " (iTerm2: Settings > General > Selection > \"Applications in terminal may access clipboard\")",
            "tmux": " (tmux: set -g set-clipboard on)"}.get(name, "")
    return f"{what} sent to the clipboard, if {name} lets apps copy{hint}. Nothing to paste? Ctrl+E writes a file."
