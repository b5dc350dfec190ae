"""Settings: the config file's values, edited in the app and saved as TOML."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Input, Label, Select, Static

from coachtui.base.config import THEMES, Config
from coachtui.base.glyphs import SYMBOLS
from coachtui.roster import staff
from coachtui.widgets.form import FormScreen
from coachtui.widgets.inputs import NumberInput


class SettingsForm(FormScreen):
    """Dismisses with the new Config, or None when cancelled."""

    HELP = """\
Settings

Device name: how this laptop is named in sync bundles
  (e.g. "Head of Maths laptop").

Home site: the site new staff get by default.

Join length: the planned length of a lesson join, in minutes (default 20).

Coach load limit: a coach with more teachers than this reads "over" on the
  roster, in the review (F6) and in reports (default 10).

Small counts: aggregate reports and the review's patterns show a count
  resting on fewer people than this as "fewer than 3" (default 3, at least
  2), as published school statistics do: in a small school a count of 1
  beside a site points at one person.

I am: the coach who uses this laptop. Joins started here are recorded as
  theirs, and the roster opens on their teachers (f clears that filter).
  "not a coach" for a leader's or an office laptop; not set: asked at start.

Theme: dark, or light for bright rooms (Ctrl+T switches it anywhere).

Symbols: ✓ ✗ ★ and the chart's blocks, or ASCII stand-ins (+ x * #) where
  they show as boxes; auto uses ASCII in Windows' old console only.

The bundle passphrase is not edited here: the line under the fields says
where it is kept. `coachtui passphrase set` keeps it in the OS keyring (or,
where there is none, in config.toml, readable by you only).

Saved to config.toml in the config folder: only what you change here is
written, the rest of the file stays as it is. Ctrl+S saves, Esc cancels
(asking first when something was changed).
"""

    def __init__(self, config: Config, path: str) -> None:
        super().__init__()
        self.config = config
        self.path = path

    def form_title(self) -> str:
        return "Settings"

    def compose_fields(self) -> ComposeResult:
        c = self.config
        with Grid(classes="form-grid settings-grid"):
            yield Label("Device name")
            yield Input(c.device_name, id="device_name", compact=True, max_length=100)
            yield Label("Home site")
            yield Input(c.home_site, id="home_site", compact=True, max_length=200)
            yield Label("Join (min)")
            yield NumberInput(str(c.join_minutes), id="join_minutes", compact=True, max_length=10)
            yield Label("Coach limit")
            yield NumberInput(str(c.coach_load_limit), id="coach_load_limit", compact=True, max_length=10)
            yield Label("Small counts")
            yield NumberInput(str(c.suppress_below), id="suppress_below", compact=True, max_length=10)
            yield Label("I am")
            yield Select(self._me_options(), value=self._me_value(), prompt="not set (asked at start)",
                         id="me", compact=True)
            yield Label("Theme")
            yield Select([("dark", "textual-dark"), ("light", "textual-light")], value=c.theme,
                         allow_blank=False, id="theme", compact=True)
            yield Label("Symbols")
            yield Select([("auto (ASCII in the old Windows console)", "auto"), ("✓ ★ █ (unicode)", "unicode"),
                          ("+ * # (ASCII)", "ascii")], value=c.symbols if c.symbols in SYMBOLS else "auto",
                         allow_blank=False, id="symbols", compact=True)
        yield Static(Text(self._passphrase_where(), style="dim"), id="passphrase-where", classes="hint")
        yield Static(Text(f"Saved in {self.path}", style="dim"), classes="hint")

    def _me_options(self) -> list:
        if not hasattr(self, "_me_opts"):
            self._me_opts = [(Text(c.name), c.id) for c in staff.coaches()] + [("not a coach", "none")]
        return self._me_opts

    def _me_value(self):
        return self.config.me if self.config.me in {v for _, v in self._me_options()} else Select.NULL

    def _passphrase_where(self) -> str:
        # Where, never what. Moved with `coachtui passphrase set` (the OS keyring where there is one).
        if self.config.passphrase_in_keyring:
            return "Passphrase: kept in the OS keyring"
        if self.config.passphrase:
            return "Passphrase: in config.toml (to the keyring: coachtui passphrase set)"
        return "Passphrase: not set, asked for (to keep one: coachtui passphrase set)"

    def submit(self) -> Config:
        values = {}
        for name, label, low, high in (("join_minutes", "join length", 1, 240),
                                       ("coach_load_limit", "coach load limit", 1, 200),
                                       ("suppress_below", "small counts", 2, 100)):
            values[name] = self.query_one(f"#{name}", NumberInput).number(label, low, high)
        theme = self.query_one("#theme", Select).value
        symbols = self.query_one("#symbols", Select).value
        me = self.query_one("#me", Select).value
        if me is Select.NULL and self._me_value() is Select.NULL:
            me = self.config.me  # left alone: whatever the file says (a coach since archived, say) stays
        return replace(
            self.config,
            device_name=self.query_one("#device_name", Input).value.strip(),
            home_site=self.query_one("#home_site", Input).value.strip(),
            theme=theme if theme in THEMES else self.config.theme,
            symbols=symbols if symbols in SYMBOLS else self.config.symbols,
            me="" if me is Select.NULL else me,
            **values,
        )
