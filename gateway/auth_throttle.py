"""Failed SMTP AUTH, counted per client address and per login, in the database.

Password guessing over SMTP is cheap for the attacker and the KDF makes it dear for us, so
failures are counted in a fixed window (``max_failures`` in ``window`` seconds) and then the
address is locked out for ``lockout`` seconds: AUTH from it gets ``421 4.7.0`` and the
connection is closed. The counts live in the database (``gateway_auth_failures``) so every
worker process and every node sharing a PostgreSQL database sees the same numbers; an
attacker cannot spread attempts over connections that land on different processes.

Logins are counted too (under a hash of the login: what a user typed as a login can be a
mistyped password, which must not sit in the database or the logs). A login guessed at
from many addresses is locked with a threshold several times higher, and never for clients
in ``relay.trusted_networks``: a distributed guesser must not be able to lock our own mail
servers out of their account.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import logging
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from gateway.db import write_transaction
from gateway.tables import auth_failures

log = logging.getLogger("mailwarden.auth")

LOCKED_REPLY = "421 4.7.0 Too many failed authentication attempts; try again later"
LOGIN_FACTOR = 3   # a login is locked after this many times the per-address failures


@dataclass(frozen=True)
class ThrottleLimits:
    max_failures: int = 10
    window: float = 60.0
    lockout: float = 900.0
    delay: float = 1.0   # after each failure, before the reply: slows a guesser down


def login_key(login: str) -> str:
    return "login:" + hashlib.sha256(login.strip().lower().encode("utf-8", "replace")).hexdigest()[:40]


def address_key(ip: str) -> str:
    """An IPv4 address as it is; IPv6 by its /64, which one site (and one attacker) holds
    whole: counting single IPv6 addresses would give a guesser 2**64 fresh starts."""
    try:
        addr = ipaddress.ip_address(ip.split("%")[0])
    except ValueError:
        return "ip:" + ip[:90]
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped:
            return f"ip:{addr.ipv4_mapped}"
        return f"ip:{ipaddress.ip_network(f'{addr}/64', strict=False)}"
    return f"ip:{addr}"


class AuthThrottle:
    def __init__(self, engine: sa.Engine, limits: ThrottleLimits | None = None, *, namespace: str = ""):
        self._engine = engine
        self.limits = limits or ThrottleLimits()
        self.namespace = namespace    # e.g. "api:" for bearer tokens, counted apart from SMTP AUTH
        self._insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert

    # ---- questions -------------------------------------------------------------------
    def locked(self, ip: str, login: str, *, trusted: bool = False) -> float:
        """Seconds of lockout left for this address (or this login, unless ``trusted``); 0 if none."""
        keys = [self.namespace + address_key(ip)] + ([] if trusted else [self.namespace + login_key(login)])
        now = time.time()
        with self._engine.connect() as conn:
            until = conn.execute(sa.select(sa.func.max(auth_failures.c.locked_until))
                                 .where(auth_failures.c.key.in_(keys))).scalar()
        return max(0.0, (until or 0.0) - now)

    # ---- what happened ---------------------------------------------------------------
    def failed(self, ip: str, login: str, *, trusted: bool = False) -> float:
        """Count one failure; returns the lockout now in force (0 if none)."""
        now = time.time()
        lim = self.limits
        locked = 0.0
        with write_transaction(self._engine) as conn:
            for key, limit, applies in ((address_key(ip), lim.max_failures, True),
                                        (login_key(login), lim.max_failures * LOGIN_FACTOR, not trusted)):
                until = self._bump(conn, self.namespace + key, limit, now)
                if applies:
                    locked = max(locked, until - now)
            if int(now) % 16 == 0:   # now and then, forget old windows
                conn.execute(auth_failures.delete().where(auth_failures.c.window_start < now - lim.window,
                                                          auth_failures.c.locked_until < now))
        return max(0.0, locked)

    def clear(self, *, ip: str | None = None, login: str | None = None) -> int:
        """Lift a lockout (and forget the count) for a client address and/or a login, e.g. our
        own relay after its password was fixed; returns how many entries went."""
        keys = [self.namespace + k for k in ([address_key(ip)] if ip else []) + ([login_key(login)] if login else [])]
        if not keys:
            return 0
        with write_transaction(self._engine) as conn:
            removed = conn.execute(auth_failures.delete().where(auth_failures.c.key.in_(keys))).rowcount
        log.warning("authentication lockout lifted", extra={"peer": ip or "", "login_key": login_key(login)[6:18]
                                                            if login else ""})
        return removed

    def _bump(self, conn: sa.Connection, key: str, limit: int, now: float) -> float:
        conn.execute(self._insert(auth_failures).values(key=key, window_start=now, failures=0, locked_until=0.0)
                     .on_conflict_do_nothing(index_elements=["key"]))
        row = conn.execute(sa.select(auth_failures).where(auth_failures.c.key == key).with_for_update()).one()
        if row.locked_until > now:
            return row.locked_until
        if now - row.window_start > self.limits.window:
            window_start, failures = now, 1
        else:
            window_start, failures = row.window_start, row.failures + 1
        until = now + self.limits.lockout if failures >= limit else 0.0
        if until:   # a new window starts after the lockout
            window_start, failures = until, 0
        conn.execute(auth_failures.update().where(auth_failures.c.key == key)
                     .values(window_start=window_start, failures=failures, locked_until=until))
        return until

    # ---- the SMTP session ------------------------------------------------------------
    async def refusal(self, ip: str, login: str, *, trusted: bool = False) -> str | None:
        """Before checking a password: the 421 reply if this client or login is locked out."""
        left = await asyncio.to_thread(self.locked, ip, login, trusted=trusted)
        if left <= 0:
            return None
        log.warning("authentication refused: locked out", extra={"peer": ip, "seconds_left": round(left)})
        return LOCKED_REPLY

    async def after_failure(self, ip: str, login: str, *, trusted: bool = False) -> str | None:
        """After a wrong password: count it, wait a little, and the 421 reply if this failure
        locked the client (or the login) out."""
        left = await asyncio.to_thread(self.failed, ip, login, trusted=trusted)
        if self.limits.delay:
            await asyncio.sleep(self.limits.delay)
        if left <= 0:
            return None
        log.warning("authentication locked out after repeated failures",
                    extra={"peer": ip, "login_key": login_key(login)[6:18], "lockout_seconds": round(left)})
        return LOCKED_REPLY
