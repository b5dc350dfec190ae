"""Settings: the config file's values, edited in the app and saved as TOML."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from coachtui.base.config import THEMES, Config


class SettingsForm(ModalScreen[Config | None]):
    HELP = """\
Settings

Device name: how this laptop is named in sync bundles (e.g. "Head of Maths laptop").
Home site: the site new staff get by default.
Join length: the planned length of a lesson join, in minutes (default 20).
Coach load limit: warn when a coach has more teachers than this (default 10).
Saved to config.toml in the config folder. Ctrl+S saves, Esc cancels.
"""
    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True), Binding("escape", "cancel", "Cancel")]

    def __init__(self, config: Config, path: str) -> None:
        super().__init__()
        self.config = config
        self.path = path

    def compose(self) -> ComposeResult:
        c = self.config
        with Vertical(id="form"):
            yield Static("Settings", classes="form-title")
            with Grid(classes="form-grid settings-grid"):
                yield Label("Device name")
                yield Input(c.device_name, id="device_name", compact=True, max_length=100)
                yield Label("Home site")
                yield Input(c.home_site, id="home_site", compact=True, max_length=200)
                yield Label("Join (min)")
                yield Input(str(c.join_minutes), id="join_minutes", compact=True, type="integer", max_length=3)
                yield Label("Coach limit")
                yield Input(str(c.coach_load_limit), id="coach_load_limit", compact=True, type="integer",
                            max_length=3)
                yield Label("Theme")
                yield Select([("dark", "textual-dark"), ("light", "textual-light")], value=c.theme,
                             allow_blank=False, id="theme", compact=True)
            yield Static(Text(f"Saved in {self.path}", style="dim"), classes="hint")
            yield Static("", id="form-error", markup=False)
            with Horizontal(classes="form-buttons"):
                yield Button("Save (Ctrl+S)", variant="primary", id="save")
                yield Button("Cancel (Esc)", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.action_cancel()

    def on_input_submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        error = self.query_one("#form-error", Static)
        values = {}
        for name, low, high in (("join_minutes", 1, 240), ("coach_load_limit", 1, 200)):
            raw = self.query_one(f"#{name}", Input).value.strip()
            if not raw.isdigit() or not low <= int(raw) <= high:
                label = "join length" if name == "join_minutes" else "coach load limit"
                error.update(f"✗ {label} must be a whole number from {low} to {high}")
                error.add_class("error")
                return
            values[name] = int(raw)
        theme = self.query_one("#theme", Select).value
        self.dismiss(
            replace(
                self.config,
                device_name=self.query_one("#device_name", Input).value.strip(),
                home_site=self.query_one("#home_site", Input).value.strip(),
                theme=theme if theme in THEMES else self.config.theme,
                **values,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
