"""The encrypted envelope around a bundle body, streamed in frames.

    magic   8 bytes  b"CTBNDL01"
    salt   16 bytes  scrypt salt
    n, r, p 3 bytes  scrypt cost: log2(n), r, p
    prefix  7 bytes  random nonce prefix
    frames: flag (1 byte: 0 more, 1 final) + length (4 bytes, big-endian)
            + AES-256-GCM ciphertext of up to 1 MiB of body

Every frame but the last holds exactly FRAME bytes of body; the last holds
0 to FRAME. Each frame's nonce is prefix + flag + frame number (4 bytes), and the header
is the associated data, so frames cannot be reordered, dropped, moved to
another bundle, or have their "final" flag changed; a file cut short lacks its
final frame and is refused. A wrong passphrase fails on the first frame.
"""

from __future__ import annotations

import functools
import os
import struct
import unicodedata
from typing import BinaryIO, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"CTBNDL01"
HEADER_LEN = len(MAGIC) + 16 + 3 + 7
FRAME = 1024 * 1024
N_LOG2, R, P = 15, 8, 1
# What a reader accepts. scrypt needs 128 * r * N bytes: at most 128 MiB here
# (2**17 * 8), so a hostile header cannot make a laptop allocate gigabytes.
N_LOG2_RANGE, R_RANGE, P_RANGE = range(10, 18), range(1, 9), range(1, 5)


class EnvelopeError(ValueError):
    pass


def passphrase_bytes(passphrase: str) -> bytes:
    """What scrypt is given, the same for writing and reading, whatever typed
    it: Unicode NFC (a Mac's keyboard and a Windows one may send "ë" as one
    code point or as "e" + combining diaeresis), then whitespace trimmed from
    both ends (str.strip(): a passphrase file's newline, a pasted space), as UTF-8."""
    text = unicodedata.normalize("NFC", passphrase).strip()
    if not text:
        raise EnvelopeError("the passphrase is empty")
    return text.encode("utf-8")


@functools.lru_cache(maxsize=16)  # a bundle is opened twice (its manifest, then all of it): one scrypt
def derive_key(passphrase: str, salt: bytes, n_log2: int = N_LOG2, r: int = R, p: int = P) -> bytes:
    secret = passphrase_bytes(passphrase)
    if n_log2 not in N_LOG2_RANGE or r not in R_RANGE or p not in P_RANGE:
        raise EnvelopeError("not a coachtui bundle (unreasonable key parameters)")
    return Scrypt(salt=salt, length=32, n=2 ** n_log2, r=r, p=p).derive(secret)


class Encryptor:
    """Write body bytes through `write`; `close` emits the final frame."""

    def __init__(self, out: BinaryIO, passphrase: str):
        salt, prefix = os.urandom(16), os.urandom(7)
        self.header = MAGIC + salt + bytes([N_LOG2, R, P]) + prefix
        self.aes = AESGCM(derive_key(passphrase, salt))
        self.prefix = prefix
        self.out = out
        self.buf = bytearray()
        self.count = 0
        out.write(self.header)

    def write(self, data: bytes) -> None:
        self.buf += data
        while len(self.buf) > FRAME:
            self._frame(bytes(self.buf[:FRAME]), final=False)
            del self.buf[:FRAME]

    def close(self) -> None:
        self._frame(bytes(self.buf), final=True)
        self.buf.clear()

    def _frame(self, chunk: bytes, final: bool) -> None:
        flag = 1 if final else 0
        nonce = self.prefix + bytes([flag]) + struct.pack(">I", self.count)
        ct = self.aes.encrypt(nonce, chunk, self.header)
        self.out.write(bytes([flag]) + struct.pack(">I", len(ct)) + ct)
        self.count += 1


def is_encrypted(head: bytes) -> bool:
    return head.startswith(MAGIC)


def decrypt_stream(f: BinaryIO, passphrase: str) -> Iterator[bytes]:
    """Yield plaintext chunks; raise EnvelopeError on any tampering or a wrong passphrase."""
    header = f.read(HEADER_LEN)
    if len(header) < HEADER_LEN or not header.startswith(MAGIC):
        raise EnvelopeError("not a coachtui bundle")
    salt = header[8:24]
    n_log2, r, p = header[24], header[25], header[26]
    prefix = header[27:34]
    aes = AESGCM(derive_key(passphrase, salt, n_log2, r, p))
    count = 0
    while True:
        head = f.read(5)
        if len(head) < 5:
            raise EnvelopeError("the bundle is cut short (incomplete copy?)")
        flag, length = head[0], struct.unpack(">I", head[1:])[0]
        # Writers fill every frame but the last: a short one is a sign of tampering or damage.
        if flag not in (0, 1) or length > FRAME + 16 or (flag == 0 and length != FRAME + 16):
            raise EnvelopeError("the bundle is damaged")
        ct = f.read(length)
        if len(ct) < length:
            raise EnvelopeError("the bundle is cut short (incomplete copy?)")
        nonce = prefix + bytes([flag]) + struct.pack(">I", count)
        try:
            chunk = aes.decrypt(nonce, ct, header)
        except InvalidTag:
            if count == 0:
                raise EnvelopeError("wrong passphrase, or the bundle is damaged") from None
            raise EnvelopeError("the bundle is damaged (it was changed after it was written)") from None
        count += 1
        yield chunk
        if flag == 1:
            if f.read(1):
                raise EnvelopeError("the bundle is damaged (data after its end)")
            return
