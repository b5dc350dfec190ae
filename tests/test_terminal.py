"""The terminal (issue 15): Ctrl+Y is honest where a terminal cannot copy,
ASCII mode where it cannot draw the symbols, and every F-key or Delete place
and action has a plain key or a palette command (Mac laptops need Fn)."""

from __future__ import annotations

import pytest

from coachtui.base import glyphs, terminal
from coachtui.base.terminal import MAYBE, NO, YES, clipboard, old_windows_console


@pytest.fixture(autouse=True)
def _unicode_again():
    yield
    glyphs.use_ascii(False)


@pytest.mark.parametrize("env, platform, state", [
    ({"WT_SESSION": "abc"}, "win32", YES),
    ({}, "win32", NO),  # conhost
    ({"TERM_PROGRAM": "Apple_Terminal"}, "darwin", NO),
    ({"TERM_PROGRAM": "iTerm.app"}, "darwin", MAYBE),
    ({"TERM_PROGRAM": "WezTerm"}, "darwin", YES),
    ({"KITTY_WINDOW_ID": "1", "TERM": "xterm-kitty"}, "linux", YES),
    ({"VTE_VERSION": "7600", "TERM": "xterm-256color"}, "linux", NO),
    ({"TMUX": "/tmp/tmux-1000/default,1,0", "TERM_PROGRAM": "tmux"}, "linux", MAYBE),
    ({"TERM": "xterm-256color"}, "linux", MAYBE),
])
def test_which_terminals_can_copy(env, platform, state):
    assert clipboard(env, platform)[0] == state


def test_the_old_windows_console_is_told_from_windows_terminal():
    assert old_windows_console({}, "win32")
    assert not old_windows_console({"WT_SESSION": "x"}, "win32")
    assert not old_windows_console({"TERM": "xterm"}, "win32")  # mintty, Git Bash
    assert not old_windows_console({}, "darwin")


def test_copy_lines_never_claim_a_copy_that_cannot_happen():
    assert "copied" in terminal.copy_line("Teacher's summary", YES, "kitty")
    no = terminal.copy_line("Teacher's summary", NO, "Terminal.app")
    assert "nothing was copied" in no and "file" in no and "Terminal.app" in no
    assert "Applications in terminal may access clipboard" in terminal.copy_line("X", MAYBE, "iTerm2")


def in_terminal(monkeypatch, platform, **env):
    for name in ("WT_SESSION", "TERM_PROGRAM", "TMUX", "TERM", "VTE_VERSION", "KITTY_WINDOW_ID", "ConEmuANSI",
                 "ALACRITTY_WINDOW_ID"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(terminal, "PLATFORM", platform)


async def test_ctrl_y_in_terminal_app_writes_the_file_and_says_so(app, tmp_path, monkeypatch):
    from test_exports_ui import seed_join

    from coachtui.screens.feedback import FeedbackScreen

    jid = seed_join()
    in_terminal(monkeypatch, "darwin", TERM_PROGRAM="Apple_Terminal")
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(FeedbackScreen(jid))
        await pilot.pause()
        await pilot.press("ctrl+y")
        await pilot.pause()
        said = " ".join(str(n.message) for n in app._notifications)
        assert "copied as plain text" not in said and "Terminal.app" in said
        assert list((tmp_path / "Documents" / "coachtui").glob("*.md"))


async def test_the_old_windows_console_starts_in_ascii(ctx, monkeypatch):
    from coachtui.app import CoachApp

    in_terminal(monkeypatch, "win32")
    app = CoachApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert glyphs.ascii_on()


async def test_symbols_setting_in_f9_switches_ascii_mode(app, monkeypatch):
    from textual.widgets import Select

    from coachtui.base.config import load_config

    in_terminal(monkeypatch, "linux", TERM="xterm-256color")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not glyphs.ascii_on()
        await pilot.press("f9")
        await pilot.pause()
        app.screen.query_one("#symbols", Select).value = "ascii"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert glyphs.ascii_on() and load_config(app.ctx.paths).symbols == "ascii"


def test_ascii_charts_and_marks_hold_no_unicode_symbol():
    from coachtui.widgets.charts import bar, bar_lines

    glyphs.use_ascii(True)
    drawn = bar(3.5, 8, 10) + str(bar_lines([("Routines", 3), ("Questioning", 7)], 40))
    assert set(drawn) <= set(" #+RoutinesQuestioning37\n")
    for name in glyphs.UNICODE:
        assert glyphs.glyph(name).isascii()


def test_every_f_key_or_delete_binding_has_a_plain_key_or_a_palette_command():
    """Mac laptops need Fn for F1-F9 and Delete. The app's F-keys are palette
    commands (places, help, settings); a screen's Delete is bound with a letter too."""
    import importlib
    import pkgutil

    import coachtui.screens as screens
    from coachtui.app import CoachApp

    missing = []
    for info in pkgutil.iter_modules(screens.__path__):
        module = importlib.import_module(f"coachtui.screens.{info.name}")
        for cls in vars(module).values():
            for b in getattr(cls, "BINDINGS", []) if isinstance(cls, type) else []:
                keys = getattr(b, "key", "").split(",")
                if any(k == "delete" or (k.startswith("f") and k[1:].isdigit()) for k in keys):
                    plain = [k for k in keys if k != "delete" and not (k.startswith("f") and k[1:].isdigit())]
                    others = [o for o in cls.BINDINGS if getattr(o, "action", None) == b.action and o is not b
                              and not o.key.startswith(("f", "delete"))]
                    if not plain and not others and not getattr(b, "description", ""):
                        missing.append(f"{cls.__name__}: {b.key} -> {b.action}")
                    if b.key == "delete" and not plain and not others:
                        missing.append(f"{cls.__name__}: Delete alone -> {b.action}")
    assert not missing, missing
    commands = {b.action for b in CoachApp.BINDINGS}
    assert {"help", "settings"} <= commands
