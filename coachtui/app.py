"""The App: registers screens, bindings, the command palette and the theme."""

from __future__ import annotations

import gc
from dataclasses import fields, replace
from typing import Iterable

from textual import _ansi_sequences, events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import BUILTIN_THEMES
from textual.widgets import Input, TextArea

from coachtui.base.config import Config, update_config
from coachtui.base.errors import UserError
from coachtui.base.resources import resource
from coachtui.launch import AppContext
from coachtui.screens.common import guarded, polled
from coachtui.screens.places import PLACE_KEYS, PLACES

# Textual's light theme with text colours that read in a bright classroom
# (WCAG AA on its background, surface and panel): its orange accent and warning
# were 1.5:1 there, its footer keys' blue 3:1. Same name, so settings keep working.
LIGHT_THEME = replace(BUILTIN_THEMES["textual-light"], accent="#7a4800", warning="#963200",
                      variables={**BUILTIN_THEMES["textual-light"].variables, "footer-key-foreground": "#004578"})

# A terminal sends Esc then a key, typed within ~100 ms, as one Alt+key. Textual
# turns Esc+digit into the characters macOS's Option+digit types (¡ ™ £ ...),
# so "Esc 1" typed quickly would put ¡ in the note box, and a £ typed on a UK
# keyboard could not be told from "Esc 3". Without those entries Esc+digit
# arrives as alt+1 ... alt+0, and the app takes it as Esc, then the key (on_event).
for _digit in "1234567890":
    _ansi_sequences.ANSI_SEQUENCES_KEYS.pop(f"\x1b{_digit}", None)

# Keys that only edit the text in a box: typing them moves no focus.
_EDITING_KEYS = frozenset({"backspace", "delete", "left", "right", "home", "end", "space"})


class CoachApp(App):
    TITLE = "coachtui"
    MODES = {mode: factory for mode, _, _, factory in PLACES}
    DEFAULT_MODE = "roster"
    CSS_PATH = str(resource("styles", "app.tcss"))
    # Priority, so they also work over modal screens (which cut off app bindings).
    BINDINGS = [
        Binding("f1", "help", "Help", id="help", priority=True),
        Binding("ctrl+z", "undo", "Undo", id="undo", priority=True),
        # Ctrl+R: sent by every terminal (Ctrl+Shift+Z is not), and Ctrl+Y copies on the feedback screen.
        Binding("ctrl+r", "redo", "Redo", show=False, id="redo", priority=True),
        Binding("ctrl+t", "toggle_theme", "Light/dark", show=False, id="theme", priority=True),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        Binding("f9", "settings", "Settings", show=False, id="settings", priority=True),
    ] + [
        Binding(key, f"place('{mode}')", title, show=False, id=f"place-{mode}", priority=True)
        for mode, key, title, _ in PLACES
    ]
    # How often to look for writes made by another copy of the app on this database.
    WATCH_SECONDS = 2.0

    def __init__(self, ctx: AppContext, ask_who: bool = False) -> None:
        """`ask_who`: at start, ask who uses this laptop when the settings do
        not say (the command line asks; tests and benches open without it)."""
        # Building the first screen makes many objects that live on (CSS
        # rules, widgets, the roster's rows) and little garbage: collecting
        # while they are made only walks them again and again (~30 ms of the
        # start-up). Collection resumes once the first screen is up.
        gc.disable()
        super().__init__()
        self.register_theme(LIGHT_THEME)
        self.ctx = ctx
        self.config = ctx.config
        self.ask_who = ask_who
        # Set when the app had to stop on an error the user can act on (a
        # damaged database): the command line prints it as one line.
        self.fatal: UserError | None = None
        self._held_keys: list[events.Key] | None = None
        self._releasing = False
        self._until_handled = False
        self._in_flight: events.Key | None = None
        self._typing: Input | TextArea | None = None  # a box text was just typed into, until it has taken it
        if ctx.demo:
            self.sub_title = "demo data"

    def on_mount(self) -> None:
        self.theme = self.config.theme
        self._apply_symbols()
        from coachtui.sync.changes import data_version

        self._data_version = data_version()
        self.set_interval(self.WATCH_SECONDS, self._watch_other_writers)
        self._take_me()
        self.call_after_refresh(self._resume_running_join)
        self.call_after_refresh(self._settle_heap)
        self._take_kept_passphrase()
        for line in self.ctx.warnings:  # a data folder on a stick: said once, at the start
            self.notify(line[0].upper() + line[1:] + ".", severity="warning", timeout=15, markup=False)
        if self.ask_who:
            self.call_after_refresh(self._ask_who)

    def _handle_exception(self, error: Exception) -> None:
        """SQLite met a damaged page outside a guarded write (a read while a
        screen drew): leave with the line that names the file and how to put
        a backup back, not a traceback. Anything else is Textual's to show."""
        from coachtui.store.db import DamagedDatabase, explain

        line = error if isinstance(error, DamagedDatabase) else explain(error)
        if line is None:
            super()._handle_exception(error)
            return
        self.fatal = line
        self.exit(return_code=1)

    def _settle_heap(self) -> None:
        """Once the first screen is up, move what is alive (Textual, the
        roster's rows) out of the garbage collector's sight: with 5,000 staff
        a full collection otherwise costs tens of ms on every later screen.
        New objects are collected as usual. No collection first: it would cost
        the start-up ~30 ms, and what little garbage there is stays small."""
        gc.freeze()
        gc.enable()

    def on_unmount(self) -> None:
        gc.enable()  # an app that ended before its first screen was up

    # --- who uses this laptop ------------------------------------------------------

    @guarded
    def _take_me(self) -> None:
        """Tell the joins who this laptop's coach is (the settings' `me`)."""
        from coachtui.lessons import joins

        me = self.config.me
        joins.set_this_coach(me if me and me != "none" else None)

    def _ask_who(self) -> None:
        """At start, while the settings do not say who uses this laptop (or
        name someone no longer a coach): a pick of the coaches, or "not a
        coach". Esc asks again next time. Never over a join in progress."""
        from coachtui.lessons import joins
        from coachtui.roster import staff
        from coachtui.widgets.form import PickModal

        me = self.config.me
        coaches = staff.coaches()
        if me == "none" or me in {c.id for c in coaches} or not coaches or joins.running_join() is not None:
            return
        sites = {s.id: s.name for s in staff.sites()}
        # "Not a coach" first: below a long list of coaches it was seen only by typing.
        items = [("Not a coach: don't ask again", "none")]
        items += [(" · ".join(x for x in (c.name, sites.get(c.site_id, "")) if x), c.id) for c in coaches]
        self.push_screen(PickModal("Who uses this laptop? Your joins are recorded as yours and the roster "
                                   "opens on your teachers. (Esc: ask next time; F9 changes it.)", items),
                         self._answer_who)

    def _answer_who(self, me: str | None) -> None:
        if me is None:
            return
        if self.save_settings({"me": me}, "Who uses this laptop"):
            self.refresh_screens()

    def _resume_running_join(self) -> None:
        """After a crash or a restart, go straight back to the join in progress."""
        from coachtui.lessons import joins

        running = joins.running_join()
        if running is not None:
            from coachtui.screens.join import JoinScreen  # only then: it is a big import

            screen = JoinScreen(running.id)
            self.push_screen(screen)
            # On the join's own message line: a toast would cover the notes, and follow onto the feedback.
            screen.notify("Back in the join that was running: every note and tally is here.")

    @polled
    def _watch_other_writers(self) -> None:
        """Another copy of coachtui (or a sync) wrote: show the new data."""
        from coachtui.sync.changes import data_version

        version = data_version()
        if version != self._data_version:
            self._data_version = version
            self.refresh_screens()

    # --- app-wide actions -------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo" and (isinstance(self.focused, TextArea) or getattr(self.focused, "UNDOES_TYPING", False)):
            return False  # a text box's own Ctrl+Z undoes typing
        if action == "place" and parameters and self.screen._bindings.key_to_bindings.get(PLACE_KEYS[parameters[0]]):
            return False  # the screen uses this F-key itself (the join's note kinds): let it have it
        return True

    async def action_quit(self) -> None:
        """Quit; first ask when a screen of any place holds unsaved text."""
        from coachtui.screens.leaving import QuitModal, unsaved

        if isinstance(self.screen, QuitModal):
            return
        left = unsaved(self)
        if not left:
            self.exit()
            return
        mode = left[0][0]
        self.push_screen(QuitModal([label for _, _, label in left]),
                         lambda quit_anyway: self.exit() if quit_anyway else self._back_to(mode))

    def _back_to(self, mode: str) -> None:
        if mode != self.current_mode:
            self.switch_mode(mode)

    def action_help(self) -> None:
        from coachtui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def _unsaved_here(self, label: str | None) -> bool:
        """Undo and redo change what a form or the feedback shows beneath the
        text being typed there (a one-line box has no undo of its own): not
        while it holds unsaved changes, unless the screen keeps them through
        that change (`undo_keeps_unsaved`). True when refused (and says so)."""
        ask = getattr(self.screen, "has_unsaved", None)
        if ask is None or not ask() or label is None or label in getattr(self.screen, "undo_keeps_unsaved", ()):
            return False
        label = getattr(self.screen, "unsaved_label", None)
        what = label() if label else "This screen"
        self.screen.notify(f"{what} has changes not saved: save them (Ctrl+S) or leave with Esc first, "
                           "then Ctrl+Z undoes the last change.", severity="warning", timeout=6, markup=False)
        return True

    @guarded
    def action_undo(self) -> None:
        self._step_history(undo=True)

    @guarded
    def action_redo(self) -> None:
        if isinstance(self.focused, TextArea):
            self.focused.action_redo()  # in a text area, as Ctrl+Z there: its own typing
            return
        self._step_history(undo=False)

    def _step_history(self, undo: bool) -> None:
        """One step back (undo) or forward (redo) through the app's changes."""
        from coachtui.store import write

        if self._unsaved_here(write.undo_label() if undo else write.redo_label()):
            return
        label = write.undo() if undo else write.redo()
        # Through the screen: a join shows it on its message line, not over the notes.
        if label is None:
            self.screen.notify(f"Nothing to {'undo' if undo else 'redo'}.", timeout=2)
            return
        self.screen.notify(f"Undone: {label} (Ctrl+R redoes it)" if undo else f"Redone: {label}",
                           timeout=3, markup=False)
        self.refresh_screens()
        self._show_running_join()

    def _show_running_join(self) -> None:
        """After an undo or a redo the running join is on screen: a join whose
        end was undone is running again, so the app goes back into it (over a
        feedback with typed text, which it returns to when the join ends)."""
        from coachtui.lessons import joins
        from coachtui.roster import staff
        from coachtui.screens.feedback import FeedbackScreen

        running = joins.running_join()
        if running is None or self.join_screen_mode(running.id) is not None:
            return
        teacher = staff.record(running.staff_id)
        self.notify(f"The join with {teacher.name if teacher else '?'} is running again.", timeout=4,
                    markup=False)
        current = self.screen
        if isinstance(current, FeedbackScreen) and current.join_id == running.id and not current.edited():
            from coachtui.screens.join import JoinScreen

            self.switch_screen(JoinScreen(running.id))
        else:
            self.show_join(running.id)

    def join_screen_mode(self, join_id: str) -> str | None:
        """The place whose screens include the join's screen, if one does."""
        from coachtui.screens.join import JoinScreen

        for mode, stack in self._screen_stacks.items():
            if any(isinstance(s, JoinScreen) and s.join_id == join_id and not s.leaving for s in stack):
                return mode
        return None

    def show_join(self, join_id: str) -> None:
        """Go to the join's screen: where it is already open, else a new one here."""
        from coachtui.screens.join import JoinScreen

        mode = self.join_screen_mode(join_id)
        if mode is None:
            self.push_screen(JoinScreen(join_id))
        elif mode != self.current_mode:
            self.switch_mode(mode)

    def refresh_screens(self) -> None:
        """Ask every screen in every place that shows data to re-read it. A
        database that cannot be read shows one line, not a crash."""
        from coachtui.sync.changes import reading

        for screen in (s for stack in self._screen_stacks.values() for s in stack):
            if not screen.is_mounted:
                continue  # not composed yet (a place opening): it reads the data when it mounts
            refresh = getattr(screen, "refresh_data", None)
            if refresh:
                try:
                    with reading():
                        refresh()
                except UserError as exc:
                    self.notify(str(exc), severity="error", timeout=8, markup=False)
                    return

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"
        if not self.save_settings({"theme": self.theme}, "Theme", severity="warning"):
            self.config = self.ctx.config = replace(self.config, theme=self.theme)  # this session only

    def save_settings(self, changes: dict, what: str = "Settings", severity: str = "error") -> bool:
        """Write `changes` into config.toml (the rest of the file kept as it is
        on disk) and take up the settings the file then holds. False, with one
        line shown, when it could not."""
        try:
            fresh = update_config(self.ctx.paths, changes)
        except UserError as exc:
            self.notify(f"{what} not saved: {exc}", severity=severity, markup=False)
            return False
        except OSError as exc:
            self.notify(f"{what} not saved: {exc.strerror or exc}", severity=severity, markup=False)
            return False
        before, self.config = self.config, fresh
        self.ctx.config = fresh
        if self.theme != fresh.theme:
            self.theme = fresh.theme
        self._apply_symbols()
        if fresh.me != before.me:
            self._take_me()
        self._take_kept_passphrase()
        return True

    def _apply_symbols(self) -> None:
        """ASCII stand-ins for the symbols where the terminal cannot draw them (the `symbols` setting)."""
        from coachtui.base import glyphs, terminal

        glyphs.use_ascii(glyphs.wants_ascii(self.config.symbols, terminal.old_windows_console()))

    def _take_kept_passphrase(self) -> None:
        """When the config says the passphrase is kept in the OS keyring, read
        it into the settings (the sync screen's passphrase); in a thread, as a
        keyring may ask to be unlocked. No keyring: one line, and F5 asks."""
        if self.config.passphrase_in_keyring:
            self._read_keyring()

    @work(thread=True, exclusive=True, group="keyring")
    def _read_keyring(self) -> None:
        from coachtui.base import passphrase

        try:
            secret = passphrase.get()
        except UserError as exc:
            self.call_from_thread(self.notify, f"{exc}: type the passphrase in F5 when a bundle needs it.",
                                  severity="warning", timeout=8, markup=False)
            return
        if not secret:
            self.call_from_thread(self.notify, "The OS keyring does not hold the passphrase (coachtui passphrase "
                                  "set): type it in F5 when a bundle needs it.", severity="warning", markup=False)
            return
        self.call_from_thread(self._kept_passphrase, secret)

    def _kept_passphrase(self, secret: str) -> None:
        # In memory only: no save writes it (a save writes only what it changes).
        self.config = self.ctx.config = replace(self.config, passphrase=secret)

    def action_place(self, mode: str) -> None:
        if self.current_mode != mode:
            self.switch_mode(mode)  # each place keeps where you were in it
            return
        # The key of the place you are in goes back to its first screen (the
        # roster under a cycle), stopping at a running join or unsaved text.
        while len(self.screen_stack) > 1:
            top = self.screen
            if hasattr(top, "place_refused"):
                top.place_refused()  # a screen over this place's own (a join) says why it stays
                return
            ask = getattr(top, "has_unsaved", None)
            if ask is not None and ask():
                label = getattr(top, "unsaved_label", None)
                what = (label() if label else top.sub_title) or "this screen"
                self.notify(f"{what[0].upper()}{what[1:]} is still open: Esc to leave it first.", timeout=4,
                            markup=False)
                return
            self.pop_screen()

    def action_settings(self) -> None:
        from coachtui.screens.settings import SettingsForm

        base = self.config
        self.push_screen(SettingsForm(base, str(self.ctx.paths.config)),
                         lambda config: self._after_settings(base, config))

    def _after_settings(self, base: Config, config: Config | None) -> None:
        """Save what the form changed, and only that: a setting left as it was
        keeps what the file holds now (it may have been edited meanwhile)."""
        if config is None:
            return
        changes = {f.name: getattr(config, f.name) for f in fields(Config)
                   if getattr(config, f.name) != getattr(base, f.name)}
        if not self.save_settings(changes):
            return
        self.refresh_screens()
        self.notify("Settings saved.", timeout=2)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Textual's own Theme picker is left out: it applies a theme unsaved, which
        # F9 knows nothing of. "Light or dark theme" below saves it.
        yield from (c for c in super().get_system_commands(screen) if c.title != "Theme")
        yield SystemCommand("Help for this screen", "Keys and how this screen works (F1)", self.action_help)
        yield SystemCommand("Undo", "Take back the last change (Ctrl+Z)", self.action_undo)
        yield SystemCommand("Redo", "Take back the last undo (Ctrl+R)", self.action_redo)
        yield SystemCommand("Settings", "Device name, who uses this laptop, join length, coach load limit, symbols (F9)",
                            self.action_settings)
        for mode, key, title, _ in PLACES:
            # An F-key the screen uses itself (F5-F8 set a note's kind in a join) is not shown as this.
            hint = "" if screen._bindings.key_to_bindings.get(key) else f" ({key.upper()})"
            yield SystemCommand(f"Go to: {title}", f"Open {title}{hint}",
                                lambda mode=mode: self.action_place(mode))
        yield SystemCommand("Light or dark theme", "Switch theme; bright classrooms need light (Ctrl+T)",
                            self.action_toggle_theme)
        # Every binding of the current screen is a command too (read from the
        # screen itself: while a text box has focus, its letters are not keys).
        # A screen's PALETTE_TITLES may give a binding a fuller title, in the words searched for.
        seen = set()
        titles = getattr(screen, "PALETTE_TITLES", {})
        for b in getattr(screen, "BINDINGS", []):
            if not isinstance(b, Binding) or not b.description or b.action in seen:
                continue
            seen.add(b.action)
            yield SystemCommand(titles.get(b.action, b.description), f"key {b.key_display or b.key.split(',')[0]}",
                                lambda action=b.action: self.call_later(screen.run_action, action))

    # --- keys typed while one screen gives way to another -------------------------

    def hold_keys(self) -> None:
        """Keys typed from now on wait until `release_keys()` (at most a second),
        then go where the focus is: typing straight after Ctrl+S in the join
        setup goes into the join's note box, not into the roster between them."""
        self._until_handled = False  # held on purpose: only release_keys() lets them go
        if self._held_keys is None:
            self._held_keys = []
            self._hold_timer = self.set_timer(1.0, self.release_keys)

    def release_keys(self) -> None:
        if self._held_keys is not None and not self._releasing:
            # Through the app's own queue: keys that reach the app before this
            # are still held, those after it come after; all in the order typed.
            self._releasing = True
            self.call_later(self._replay_keys)

    async def _replay_keys(self) -> None:
        held, self._held_keys = self._held_keys or [], None
        self._releasing = False
        self._hold_timer.stop()
        while held:
            key = held.pop(0)
            await self._route_key(key)
            if self._held_keys is not None:  # that key holds the rest in turn (or itself waits: first)
                first = int(bool(self._held_keys) and self._held_keys[0] is key)
                self._held_keys[first:first] = held
                return

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if event.key.startswith("alt+") and event.character and len(event.character) == 1:
                # Esc and a key typed quickly reach us as Alt+key (coachtui binds no Alt
                # keys): Esc, then that key, each where it would have gone on its own.
                char = event.character
                await self.on_event(events.Key("escape", "\x1b"))
                second = events.Key(char if char.isalnum() else event.key.removeprefix("alt+"), char)
                if self._held_keys is not None:
                    self._held_keys.insert(0, second)
                else:
                    await self.on_event(second)
                return
            if self._held_keys is not None:
                self._held_keys.append(event)
                return
            await self._route_key(event)
            return
        await super().on_event(event)
        if event is self._in_flight:  # back at the app: its bindings (and their actions) have run
            self._key_done()

    async def _route_key(self, event: events.Key) -> None:
        """Keys are routed to the focused widget as they arrive, before the ones
        ahead of them are handled: in a burst (a fast typist, a remote desktop,
        tmux) the text after a Tab would land in the field being left, and the
        letters after a key that opens a form would be searched for. So after
        any key but text typed into a text box, the keys behind it wait until
        it has been handled (stopped by a widget, or back at the app after the
        bindings) and the screen has caught up; then they go where the focus is."""
        target = self.focused
        typing = isinstance(target, (Input, TextArea)) and (event.is_printable or event.key in _EDITING_KEYS)
        if not typing and self._typing is not None:
            # Text typed just before is still on its way into its box: a key
            # such as Ctrl+F (a priority binding, acted on at once) waits until
            # the box holds all of it, or it would sync a half-typed folder.
            box, self._typing = self._typing, None
            self._held_keys = [event]
            self._until_handled = False
            self._hold_timer = self.set_timer(1.0, self.release_keys)
            box.call_later(self.release_keys)
            return
        await super().on_event(event)
        if typing:
            self._typing = target
            target.call_later(self._typed, target)
            return
        if self._held_keys is None:
            self._held_keys = []
            self._until_handled = True
            self._hold_timer = self.set_timer(1.0, self.release_keys)
        self._in_flight = event
        if not event.is_forwarded:  # a priority binding took it: its action has run
            self._key_done()
        else:
            self._follow(event, target or self.screen)

    def _typed(self, box) -> None:
        """The box has taken the text typed so far."""
        if self._typing is box:
            self._typing = None

    def _follow(self, event: events.Key, node) -> None:
        """Behind the key in each queue it bubbles through: done where a widget stopped it."""
        def check() -> None:
            if event is not self._in_flight:
                return
            if event._stop_propagation or not event.bubble:
                self._key_done()
            elif node.parent is not None and node.parent is not self:
                self._follow(event, node.parent)

        node.call_later(check)

    def _key_done(self) -> None:
        self._in_flight = None
        self.call_after_refresh(self._handled)

    def _handled(self) -> None:
        if self._until_handled:
            self.release_keys()
