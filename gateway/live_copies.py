"""Live copies: the one copy of a sign-in link mail that carries the working link (issue 15).

mailwarden archives every message it sends, and the archive is readable by auditors and
compliance officers. A mail carrying an invitation or password-reset link is therefore archived
with the link withheld (gateway/notices.py), and the copy that is delivered waits here instead:

- sealed with AES-256-GCM under the key ring's versioned ``console`` key (the key that seals the
  console's other secrets; re-wrapped by ``keys rotate``), bound by its associated data to the
  archive record whose delivery it is, so it never touches the disk in plaintext;
- read only by the delivery worker, for queue rows of origin ``link``;
- deleted in the transaction that records the delivery's outcome (delivered or failed), and
  never delivered once its link has expired (then the row fails and the copy goes). Copies left
  by a queue row an operator deleted, or past their link's expiry, go at the next sweep
  (whenever a link mail is queued); what is left meanwhile is sealed, and its link dead.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gateway.tables import live_copies as table
from gateway.tables import queue as queue_table

ORIGIN = "link"            # the queue rows whose message is a live copy
KEY_NAME = "console"
_AAD = b"mailwarden/live-copy\x00"
_WAITING = ("queued", "delivering", "hold")


class LiveCopyError(Exception):
    """A stored live copy that does not open (tampered, moved to another record, key missing)."""


class LiveCopies:
    def __init__(self, engine: sa.Engine, keys: Any):
        """``keys``: a KeyRing (``versions(name)`` newest first, ``refresh()``)."""
        self._engine = engine
        self._keys = keys

    def _key(self, version: int | None) -> tuple[int, bytes]:
        for attempt in range(2):
            for v, state, _until, key in self._keys.versions(KEY_NAME):
                if (version is None and state == "active") or v == version:
                    return v, key
            if attempt == 0 and hasattr(self._keys, "refresh"):
                self._keys.refresh()        # another node rotated the key
        raise LiveCopyError(f"derived key {KEY_NAME} version {version} is not in the key ring")

    def put(self, conn: sa.Connection, archive_id: int, raw: bytes, *, expires_at: float,
            now: float | None = None) -> None:
        """Keep ``raw`` sealed for the delivery of record ``archive_id`` (in the caller's transaction)."""
        now = time.time() if now is None else now
        self.sweep(conn, now)
        version, key = self._key(None)
        nonce = os.urandom(12)
        sealed = nonce + AESGCM(key).encrypt(nonce, raw, _AAD + str(int(archive_id)).encode())
        conn.execute(table.insert().values(archive_id=int(archive_id), key_version=version, sealed=sealed,
                                           created_at=now, expires_at=expires_at))

    def open(self, archive_id: int, now: float | None = None) -> bytes | None:
        """The live copy of record ``archive_id``; None when there is none (any more) or its link expired."""
        now = time.time() if now is None else now
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(table.c.key_version, table.c.sealed, table.c.expires_at)
                               .where(table.c.archive_id == int(archive_id))).first()
        if row is None or row.expires_at <= now:
            return None
        _v, key = self._key(int(row.key_version))
        sealed = bytes(row.sealed)
        try:
            return AESGCM(key).decrypt(sealed[:12], sealed[12:], _AAD + str(int(archive_id)).encode())
        except InvalidTag as exc:
            raise LiveCopyError(f"live copy of record {archive_id} does not authenticate") from exc

    @staticmethod
    def drop(conn: sa.Connection, archive_ids: Iterable[int]) -> None:
        """Delete the live copies of these records (their delivery is decided)."""
        ids = sorted({int(i) for i in archive_ids})
        if ids:
            conn.execute(table.delete().where(table.c.archive_id.in_(ids)))

    @staticmethod
    def sweep(conn: sa.Connection, now: float) -> int:
        """Delete copies whose link expired or whose record has no queue row still waiting."""
        q = queue_table.c
        # correlated on the queue's archive_id index: the live table is small, the queue is not
        waiting = sa.exists().where(q.archive_id == table.c.archive_id, q.origin == ORIGIN, q.status.in_(_WAITING))
        return conn.execute(table.delete().where(sa.or_(table.c.expires_at <= now, ~waiting))).rowcount
