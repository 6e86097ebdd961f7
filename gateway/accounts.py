"""SMTP AUTH accounts, with Argon2id password hashes (a memory-hard KDF).

Verification is slow on purpose; successful checks are remembered briefly in memory
(keyed by a per-process secret, never the password) so a busy relay that authenticates
every connection does not spend a core on the KDF.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from gateway.db import write_transaction
from gateway.sender_logins import BindingError, SenderLogins, normalise_binding, remove_bindings
from gateway.tables import smtp_accounts

_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_CACHE_SECONDS = 300.0


class AccountError(Exception):
    pass


class SmtpAccounts:
    def __init__(self, engine: sa.Engine):
        self._engine = engine
        self._pepper = secrets.token_bytes(32)
        self._recent: dict[bytes, float] = {}

    def add(self, username: str, password: str, addresses: list[str] | tuple[str, ...] = ()) -> None:
        """A login and, in the same transaction, the MAIL FROM addresses it may use
        (gateway/sender_logins.py; without any it may send only the null sender)."""
        if not username or len(password) < 8:
            raise AccountError("a username and a password of at least 8 characters are required")
        try:
            for address in addresses:
                normalise_binding(address)
        except BindingError as exc:
            raise AccountError(str(exc)) from None
        password_hash = _HASHER.hash(password)
        with write_transaction(self._engine) as conn:
            exists = conn.execute(sa.select(smtp_accounts.c.id).where(smtp_accounts.c.username == username))
            if exists.first():
                raise AccountError(f"SMTP account {username!r} exists")
            conn.execute(smtp_accounts.insert().values(
                username=username, password_hash=password_hash, created_at=time.time(), disabled=False))
            if addresses:
                SenderLogins(self._engine).allow(username, list(addresses), conn=conn)

    def remove(self, username: str) -> bool:
        with write_transaction(self._engine) as conn:
            remove_bindings(conn, username)
            result = conn.execute(smtp_accounts.delete().where(smtp_accounts.c.username == username))
            return result.rowcount > 0

    def verify(self, username: str, password: str) -> bool:
        token = hmac.new(self._pepper, f"{username}\0{password}".encode(), hashlib.sha256).digest()
        now = time.monotonic()
        if self._recent.get(token, 0) > now:
            return True
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.select(smtp_accounts.c.password_hash, smtp_accounts.c.disabled)
                .where(smtp_accounts.c.username == username)
            ).first()
        if row is None or row.disabled:
            _HASHER.hash(password)  # same cost whether or not the user exists
            return False
        try:
            _HASHER.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if len(self._recent) > 10000:
            self._recent.clear()
        self._recent[token] = now + _CACHE_SECONDS
        return True

    async def verify_async(self, username: str, password: str) -> bool:
        return await asyncio.to_thread(self.verify, username, password)
