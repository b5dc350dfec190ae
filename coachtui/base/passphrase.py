"""The trust's bundle passphrase in the OS keyring (Secret Service on Linux,
the Keychain on macOS, the Credential Locker on Windows), through the
`keyring` package, with config.toml as the fallback.

The config's `passphrase_in_keyring = true` says that it is kept there, so
that the keyring is only asked (it may ask the user to unlock it) by those
who chose it. Where there is no keyring (a server, a bare Linux session, or
the config on a USB stick taken to another laptop) every call says so in one
line: KeyringUnavailable from the calls that need one, a `warn` callback from
`lookup`, which then lets the usual order go on. Never a traceback: keyring
backends raise what their platform raises, so every failure is caught here.
"""

from __future__ import annotations

from typing import Callable

from coachtui.base.config import Config
from coachtui.base.errors import UserError

SERVICE = "coachtui"
ACCOUNT = "trust passphrase"


class KeyringUnavailable(UserError):
    pass


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _backend():
    """The keyring backend in use; KeyringUnavailable when there is none."""
    try:
        import keyring

        backend = keyring.get_keyring()
        priority = getattr(backend, "priority", 1)
    except Exception as exc:  # whatever a platform's keyring raises is one line here
        raise KeyringUnavailable(f"no OS keyring here ({_first_line(exc)})") from None
    # The fail backend (priority 0) is what keyring picks when it finds none;
    # the null one (-1) is keyring switched off by the user.
    if priority <= 0:
        raise KeyringUnavailable("no OS keyring here")
    return backend


def backend_name() -> str:
    """A name for the keyring in use ("SecretService Keyring"); KeyringUnavailable when none."""
    backend = _backend()
    return getattr(backend, "name", "") or type(backend).__name__


def available() -> bool:
    try:
        _backend()
    except KeyringUnavailable:
        return False
    return True


def _call(what: str, fn, *args):
    try:
        return fn(*args)
    except Exception as exc:  # a locked keyring, D-Bus gone, a refused prompt
        raise KeyringUnavailable(f"the OS keyring could not {what} the passphrase ({_first_line(exc)})") from None


def get() -> str | None:
    """The passphrase kept in the keyring, or None; KeyringUnavailable when there is no keyring."""
    return _call("read", _backend().get_password, SERVICE, ACCOUNT) or None


def put(secret: str) -> None:
    _call("keep", _backend().set_password, SERVICE, ACCOUNT, secret)


def remove() -> bool:
    """Take the passphrase out of the keyring: True if it was there."""
    backend = _backend()
    if _call("read", backend.get_password, SERVICE, ACCOUNT) is None:
        return False
    _call("remove", backend.delete_password, SERVICE, ACCOUNT)
    return True


def lookup(cfg: Config, warn: Callable[[str], None] | None = None) -> str | None:
    """The passphrase from the keyring if the config says it is kept there;
    else, or when the keyring cannot give it, None (after one line to `warn`)."""
    if not cfg.passphrase_in_keyring:
        return None
    try:
        kept = get()
    except KeyringUnavailable as exc:
        if warn:
            warn(f"{exc}: the config says the passphrase is kept there")
        return None
    if kept is None and warn:
        warn("the config says the passphrase is in the OS keyring, but it is not there")
    return kept
