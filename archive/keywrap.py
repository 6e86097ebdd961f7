"""Key material primitives shared by the key ring and its database state: key ids, wrapping,
private files. Small on purpose: everything that touches a master key's bytes is here or in
:mod:`archive.keyring`.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE = 12
MASTER_AAD = b"mailwarden/master\x00"
DERIVED_AAD = b"mailwarden/derived\x00"


class KeyRingError(Exception):
    """A key is missing, malformed or cannot be used."""


class KeyMissing(KeyRingError):
    """A master key the data needs is not held here. The message names the key ("master key
    mk-… missing"): an operator's problem to fix, not a sign of tampering."""


class KeyRingRefused(KeyRingError):
    """The key given to this process does not open the archive's key ring (a wrong or retired
    ``MAILWARDEN_MASTER_KEY``, say). Raised before anything is written."""


def key_id_of(key: bytes) -> str:
    """``mk-`` + 12 hex digits of a domain-separated SHA-256: the same key has the same id
    wherever it is loaded from, so an id alone says whether a key is the one the ring names."""
    return "mk-" + hashlib.sha256(b"mailwarden/kid\x00" + key).hexdigest()[:12]


def decode_key(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (ValueError, TypeError) as exc:
        raise KeyRingError(f"{where}: not valid base64") from exc
    if len(key) != 32:
        raise KeyRingError(f"{where}: master key must be 32 bytes, got {len(key)}")
    return key


def wrap(master: bytes, key: bytes, aad: bytes) -> bytes:
    """``nonce + AES-256-GCM(key)`` under ``master``."""
    nonce = secrets.token_bytes(NONCE)
    return nonce + AESGCM(master).encrypt(nonce, key, aad)


def unwrap(master: bytes, wrapped: bytes, aad: bytes, what: str) -> bytes:
    try:
        return AESGCM(master).decrypt(wrapped[:NONCE], wrapped[NONCE:], aad)
    except InvalidTag as exc:
        raise KeyRingError(f"{what} does not authenticate") from exc


def master_aad(kid: str, wrapped_by: str) -> bytes:
    return MASTER_AAD + kid.encode() + b"\x00" + wrapped_by.encode()


def derived_aad(name: str, version: int, kid: str) -> bytes:
    return DERIVED_AAD + name.encode() + b"\x00" + str(version).encode() + b"\x00" + kid.encode()


def write_private(path: Path, data: bytes) -> None:
    """Write a 0600 file atomically (temp file, fsync, rename, fsync dir)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    dfd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def shred(path: Path) -> None:
    """Overwrite a key file, then unlink it (best effort on copy-on-write file systems)."""
    try:
        with open(path, "r+b") as fh:
            size = fh.seek(0, 2)
            fh.seek(0)
            fh.write(b"\0" * size)
            fh.flush()
            os.fsync(fh.fileno())
        path.unlink()
        fsync_dir(path.parent)
    except FileNotFoundError:
        pass


def key_file_bytes(key: bytes) -> bytes:
    return base64.b64encode(key) + b"\n"
