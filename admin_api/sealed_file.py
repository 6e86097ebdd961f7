"""A file written and read back in AES-256-GCM sealed chunks: export bundles made by a
background job wait on the server's disk for their download, and message content never sits
on disk in plaintext (the product's rule), not even for an export.

Layout: ``MWX1`` then chunks of ``length (4 bytes) | nonce (12) | ciphertext+tag``. Each
chunk's associated data is the file's label, its index and whether it is the last one, so
chunks cannot be reordered, dropped or the file cut short without the read failing.
The key is handed in (derived from the master key by the caller, never stored).
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"MWX1"
CHUNK = 256 * 1024


class SealedFileError(ValueError):
    """The file is not one of ours, or was changed."""


def _aad(label: str, index: int, last: bool) -> bytes:
    return label.encode() + struct.pack(">QB", index, int(last))


class SealedWriter:
    """A write-only binary stream that seals what it is given into ``path`` (0600)."""

    def __init__(self, path: Path, key: bytes, label: str) -> None:
        self._aes = AESGCM(key)
        self._label = label
        self._buf = bytearray()
        self._index = 0
        self._pos = 0
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        self._fh = os.fdopen(fd, "wb")
        self._fh.write(MAGIC)
        self.closed = False

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        return self._pos

    def write(self, data: bytes) -> int:
        self._buf += data
        self._pos += len(data)
        while len(self._buf) > CHUNK:
            self._seal(bytes(self._buf[:CHUNK]), last=False)
            del self._buf[:CHUNK]
        return len(data)

    def flush(self) -> None:
        self._fh.flush()

    def _seal(self, data: bytes, last: bool) -> None:
        nonce = os.urandom(12)
        sealed = self._aes.encrypt(nonce, data, _aad(self._label, self._index, last))
        self._fh.write(struct.pack(">I", len(sealed)) + nonce + sealed)
        self._index += 1

    def close(self) -> None:
        if self.closed:
            return
        self._seal(bytes(self._buf), last=True)
        self._buf.clear()
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        self.closed = True

    def __enter__(self) -> SealedWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_sealed(path: Path, key: bytes, label: str) -> Iterator[bytes]:
    """The plaintext, chunk by chunk; SealedFileError if anything does not verify."""
    aes = AESGCM(key)
    with open(path, "rb") as fh:
        if fh.read(4) != MAGIC:
            raise SealedFileError("not a sealed export")
        index = 0
        header = fh.read(4)
        while header:
            if len(header) != 4:
                raise SealedFileError("sealed export truncated")
            (length,) = struct.unpack(">I", header)
            nonce = fh.read(12)
            body = fh.read(length)
            if len(nonce) != 12 or len(body) != length:
                raise SealedFileError("sealed export truncated")
            header = fh.read(4)
            try:
                yield aes.decrypt(nonce, body, _aad(label, index, last=not header))
            except Exception as exc:  # noqa: BLE001 - InvalidTag: changed, cut or reordered
                raise SealedFileError("sealed export does not verify") from exc
            index += 1
