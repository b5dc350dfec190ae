"""Small helpers shared by screens."""

from __future__ import annotations

from functools import wraps

from coachtui.base.errors import UserError


def guarded(method):
    """Run a screen method that writes; turn a refused or failed write into one
    line for the user instead of a crash. Writes are transactions, so a failure
    (disk full, read-only folder, file locked too long) left nothing half-saved."""

    @wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UserError as exc:  # the store reports a failed write as one too (NotSaved)
            self.notify(str(exc), severity="error", timeout=8, markup=False)
        return None

    return wrapper


class ReloadOnResume:
    """For screens with `refresh_data()`: shown again (back from a form, or from
    another place), re-read the store only if something was written since."""

    _seen: str | None = None

    def mark_loaded(self) -> None:
        from coachtui.sync.changes import generation

        self._seen = generation()

    def on_screen_resume(self) -> None:
        from coachtui.sync.changes import generation

        if self.is_mounted and generation() != self._seen:
            self.refresh_data()


def polled(method):
    """For timers and polls, which no key press is waiting on: a database
    failure (a read that fails, a write refused) becomes one notification,
    shown once while the same trouble lasts, never a crash."""

    @wraps(method)
    def wrapper(self, *args, **kwargs):
        from coachtui.sync.changes import is_damage, reading

        troubles = self.__dict__.setdefault("_polled_troubles", {})
        try:
            with reading():
                result = method(self, *args, **kwargs)
        except UserError as exc:
            if is_damage(exc):
                raise  # a damaged file is not a passing trouble: the app leaves with the line that says so
            if troubles.get(method.__name__) != str(exc):
                troubles[method.__name__] = str(exc)
                self.notify(str(exc), severity="error", timeout=8, markup=False)
            return None
        troubles.pop(method.__name__, None)
        return result

    return wrapper


def copy_or_write(screen, text: str, what: str, write_file) -> None:
    """Ctrl+Y: copy `text` with OSC 52 and say so honestly. Where the terminal
    cannot copy (Terminal.app, the old Windows console) nothing is claimed:
    `write_file()` writes it to a file instead, which says where."""
    from coachtui.base import terminal

    state, name = terminal.clipboard()
    line = terminal.copy_line(what, state, name)
    if state == terminal.NO:
        screen.notify(line, severity="warning", timeout=8, markup=False)
        write_file()
        return
    screen.app.copy_to_clipboard(text)
    screen.notify(line, timeout=3 if state == terminal.YES else 10, markup=False)
