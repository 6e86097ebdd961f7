"""Which MAIL FROM addresses each SMTP login may use (as Postfix's smtpd_sender_login_maps
with reject_sender_login_mismatch).

A login is an identity, not a licence to be anyone: without this, a phished password for
one mailbox sends as the CEO, and the gateway would call it internal. Each login is bound
to exact addresses or to ``@domain`` (every address of that domain, for a relay such as the
organisation's Postfix). A login with no binding may send only the null sender (bounces).

Answers are remembered per process for a few seconds, so a relay that sends thousands of
messages over one login does not ask the database for each; a change made with
``mailwarden smtp-user allow|deny`` reaches every process within that time.
"""

from __future__ import annotations

import asyncio
import time

import sqlalchemy as sa

from gateway.db import write_transaction
from gateway.tables import smtp_accounts, smtp_sender_addresses

CACHE_SECONDS = 5.0


class BindingError(Exception):
    pass


def normalise_binding(address: str) -> str:
    """``alice@example.com`` or ``@example.com``, lower case; anything else is refused."""
    value = address.strip().strip("<>").lower()
    local, at, domain = value.rpartition("@")
    if not at or not domain or "." not in domain or any(c.isspace() for c in value) or "@" in local:
        raise BindingError(f"not an address or @domain: {address!r}")
    return value


def binding_covers(binding: str, address: str) -> bool:
    address = address.strip().strip("<>").lower()
    if binding.startswith("@"):
        return address.rpartition("@")[2] == binding[1:] and bool(address.rpartition("@")[0])
    return address == binding


class SenderLogins:
    def __init__(self, engine: sa.Engine, *, cache_seconds: float = CACHE_SECONDS):
        self._engine = engine
        self._cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}

    # ---- administration (the CLI) ------------------------------------------------------
    def allow(self, username: str, addresses: list[str], *, conn: sa.Connection | None = None) -> list[str]:
        """Bind ``addresses`` to ``username`` (an existing login); returns the new ones."""
        values = [normalise_binding(a) for a in addresses]
        if conn is None:
            with write_transaction(self._engine) as c:
                return self.allow(username, addresses, conn=c)
        if conn.execute(sa.select(smtp_accounts.c.id).where(smtp_accounts.c.username == username)).first() is None:
            raise BindingError(f"no SMTP account {username!r}")
        have = set(self._query(conn, username))
        added = [v for v in dict.fromkeys(values) if v not in have]
        if added:
            now = time.time()
            conn.execute(smtp_sender_addresses.insert(),
                         [{"username": username, "address": v, "created_at": now} for v in added])
        self._cache.pop(username, None)
        return added

    def deny(self, username: str, addresses: list[str]) -> int:
        """Unbind ``addresses`` from ``username``; returns how many bindings went."""
        values = [normalise_binding(a) for a in addresses]
        with write_transaction(self._engine) as conn:
            result = conn.execute(smtp_sender_addresses.delete().where(
                smtp_sender_addresses.c.username == username, smtp_sender_addresses.c.address.in_(values)))
        self._cache.pop(username, None)
        return result.rowcount

    def addresses(self, username: str) -> list[str]:
        with self._engine.connect() as conn:
            return self._query(conn, username)

    # ---- the SMTP session ----------------------------------------------------------------
    def may_send_as(self, username: str, address: str) -> bool:
        if not address or address == "<>":
            return True     # the null sender: bounces and notifications
        now = time.monotonic()
        cached = self._cache.get(username)
        if cached is None or cached[0] < now:
            bindings = frozenset(self.addresses(username))
            if len(self._cache) > 10000:
                self._cache.clear()
            self._cache[username] = (now + self._cache_seconds, bindings)
        else:
            bindings = cached[1]
        return any(binding_covers(b, address) for b in bindings)

    async def may_send_as_async(self, username: str, address: str) -> bool:
        cached = self._cache.get(username)
        if cached is not None and cached[0] >= time.monotonic():
            return self.may_send_as(username, address)   # no database: stay on the loop
        return await asyncio.to_thread(self.may_send_as, username, address)

    @staticmethod
    def _query(conn: sa.Connection, username: str) -> list[str]:
        return list(conn.execute(
            sa.select(smtp_sender_addresses.c.address).where(smtp_sender_addresses.c.username == username)
            .order_by(smtp_sender_addresses.c.address)).scalars())


def remove_bindings(conn: sa.Connection, username: str) -> None:
    """Drop every binding of a login that is being removed."""
    conn.execute(smtp_sender_addresses.delete().where(smtp_sender_addresses.c.username == username))
