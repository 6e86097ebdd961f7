"""TOTP secrets encrypted at rest (AES-256-GCM under a versioned derived key of the key ring).

Whoever reads ``admin_console_accounts`` (a backup, a replica, a read-only SQL account) must not
get the second factor with it, so the base32 secret is stored only as ``totp1:<version>:<b64>``
(nonce + ciphertext + tag). The key is the key ring's derived key ``console`` (see
:data:`archive.keyring.DERIVED_LABELS`): it is wrapped by the master key and re-wrapped by
``keys rotate``, so a master-key rotation leaves every secret readable; a rotation of ``console``
itself adds a version and older secrets open under the version they name. The AAD binds the
ciphertext to its account and column, so a sealed secret copied into another account's row
(or from ``totp_pending`` into ``totp_secret``) does not open.

Values without the prefix are secrets stored before this existed: :func:`open_secret` still
reads them (``legacy`` is True) and the caller re-stores them sealed (migration on read);
:func:`seal_plaintext` seals every remaining one at start-up.
"""

from __future__ import annotations

import base64
import os
from typing import Any, Protocol

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from admin_api import tables as t

KEY_NAME = "console"
PREFIX = "totp1:"
_AAD = b"mailwarden/console-totp\x00"


class KeySource(Protocol):
    """What :class:`archive.keyring.KeyRing` offers: (version, state, until, key), newest first."""

    def versions(self, name: str) -> list[tuple[int, str, float, bytes]]: ...


class SealError(Exception):
    """A stored secret that does not open (wrong account, tampered, key version missing)."""


def _aad(user_id: int, column: str) -> bytes:
    return _AAD + f"{int(user_id)}\x00{column}".encode()


def _key(keys: KeySource, version: int | None) -> tuple[int, bytes]:
    found = keys.versions(KEY_NAME)
    if version is None:
        for v, state, _until, key in found:
            if state == "active":
                return v, key
        raise SealError(f"derived key {KEY_NAME} has no active version")
    for v, _state, _until, key in found:
        if v == version:
            return v, key
    refresh = getattr(keys, "refresh", None)      # another node rotated it: reload once
    if refresh is not None:
        refresh()
        for v, _state, _until, key in keys.versions(KEY_NAME):
            if v == version:
                return v, key
    raise SealError(f"derived key {KEY_NAME} version {version} is not in the key ring")


def seal(keys: KeySource, user_id: int, column: str, secret: str) -> str:
    version, key = _key(keys, None)
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, secret.encode("ascii"), _aad(user_id, column))
    return f"{PREFIX}{version}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"


def open_secret(keys: KeySource, user_id: int, column: str, stored: str) -> tuple[str, bool]:
    """(base32 secret, legacy): ``legacy`` when ``stored`` was plaintext (re-store it sealed)."""
    if not stored.startswith(PREFIX):
        return stored, True
    try:
        version_text, blob = stored[len(PREFIX):].split(":", 1)
        raw = base64.urlsafe_b64decode(blob.encode("ascii"))
        _v, key = _key(keys, int(version_text))
        plain = AESGCM(key).decrypt(raw[:12], raw[12:], _aad(user_id, column))
    except (ValueError, InvalidTag) as exc:
        raise SealError(f"the stored TOTP secret of account {user_id} does not open") from exc
    return plain.decode("ascii"), False


def seal_plaintext(engine: sa.Engine, keys: Any) -> int:
    """Seal every TOTP secret still stored in plaintext; returns how many values were sealed."""
    a = t.console_accounts
    count = 0
    with engine.begin() as conn:
        rows = conn.execute(sa.select(a.c.user_id, a.c.totp_secret, a.c.totp_pending)).all()
        for row in rows:
            values = {col: seal(keys, row.user_id, col, value) for col, value in
                      (("totp_secret", row.totp_secret), ("totp_pending", row.totp_pending))
                      if value and not value.startswith(PREFIX)}
            if values:
                # only where the value is still the one read (a concurrent enrolment wins)
                conn.execute(sa.update(a).where(a.c.user_id == row.user_id,
                                                *(a.c[col] == getattr(row, col) for col in values))
                             .values(**values))
                count += len(values)
    return count
