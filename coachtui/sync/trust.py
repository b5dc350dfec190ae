"""Is this the trust's passphrase? A laptop remembers a check value of the
key once a bundle from another laptop has opened with it, so that a mistyped
passphrase is refused before anything is written under it: a bundle written
under the wrong key opens on no other laptop, and names no one."""

from __future__ import annotations

import functools
import hashlib
import hmac

from coachtui.base.errors import UserError
from coachtui.store import db as store_db
from coachtui.store.models import Meta
from coachtui.sync.envelope import passphrase_bytes

KEY = "trust_check"
# A fixed salt: the value only has to tell one passphrase from another on
# this laptop, whose database holds the data in clear anyway.
_SALT = b"coachtui trust passphrase check v1"


@functools.lru_cache(maxsize=4)  # asked several times a sync
def check_value(passphrase: str) -> str:
    secret = passphrase_bytes(passphrase)  # the bytes a bundle's key is made from: NFC, trimmed
    return hashlib.scrypt(secret, salt=_SALT, n=2 ** 14, r=8, p=1, dklen=16).hex()


def known() -> bool:
    return bool(store_db.get_meta(KEY))


def refuse_other(passphrase: str) -> None:
    """Raise if a passphrase that opened the trust's bundles here before differs from this one."""
    stored = store_db.get_meta(KEY)
    if stored and not hmac.compare_digest(stored, check_value(passphrase)):
        raise UserError("this is not the trust's passphrase (bundles opened here with another one): check it; "
                        "nothing was read or written (a new passphrase for the trust: `coachtui passphrase set`)")


def remember(passphrase: str) -> None:
    """A bundle from another laptop opened with this passphrase: it is the trust's."""
    value = check_value(passphrase)
    if store_db.get_meta(KEY) != value:
        with store_db.transaction():
            store_db.set_meta(KEY, value)


def forget() -> None:
    """The passphrase was set anew (`coachtui passphrase set`): the next bundle
    that opens teaches this laptop its check value again. (Not the new one's
    check at once: a mistyped one would then be written under.)"""
    if store_db.get_meta(KEY) is not None:
        with store_db.transaction():
            Meta.delete().where(Meta.key == KEY).execute()
