"""Admin users and bearer tokens. Tokens are shown once; only their SHA-256 is stored.

Used by the API's authentication and by the gateway CLI (``mailwarden user add|list|revoke``).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from admin_api import tables as t
from admin_api.refusals import AccountRefused

TOKEN_PREFIX = "mw_"
_LAST_USED_GRANULARITY = 60.0  # seconds; avoids a write on every request


@dataclass(frozen=True)
class Principal:
    user_id: int
    name: str
    role: str
    departments: frozenset[str]
    email: str | None
    token_id: int
    addresses: frozenset[str] = frozenset()  # every address the account is bound to (email included)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
# Roles that decide on held mail: routing and separation of duties need their addresses.
NEEDS_ADDRESS = frozenset({"supervisor", "compliance"})

# check(role, departments, addresses) -> None, raising ValueError: the gateway's directory check.
AccountCheck = Callable[[str, list[str], list[str]], None]


def _validate(name: str, role: str, departments: list[str], addresses: list[str]) -> None:
    if not name or len(name) > 200 or name.strip() != name:
        raise AccountRefused("bad-name", "name")
    if role not in t.ROLES:
        raise AccountRefused("bad-role", "role", roles=", ".join(t.ROLES))
    if role == "supervisor" and not departments:
        raise AccountRefused("supervisor-without-department", "departments")
    for address in addresses:
        if len(address) > 320 or not _ADDRESS.fullmatch(address):
            raise AccountRefused("bad-address", "addresses", address=address)
    if role in NEEDS_ADDRESS and not addresses:
        raise AccountRefused("needs-address", "addresses", role=role)


def normalise_addresses(email: str | None, addresses: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(a.strip().strip("<>").lower() for a in [email or "", *addresses] if a and a.strip()))


def add_user(
    engine: sa.Engine,
    name: str,
    role: str,
    departments: Iterable[str] = (),
    email: str | None = None,
    *,
    addresses: Sequence[str] = (),
    check: AccountCheck | None = None,
    token_lifetime_days: float | None = None,
    clock: Callable[[], float] = time.time,
) -> str:
    """Create a user bound to ``email`` and ``addresses`` and its first token; return the token
    (shown once). ValueError if the name is taken, an address is malformed or bound to another
    account, a supervisor or compliance officer has no address, or ``check`` (the directory)
    refuses the combination."""
    depts = sorted({d.strip() for d in departments if d and d.strip()})
    bound = normalise_addresses(email, addresses)
    _validate(name, role, depts, bound)
    if check is not None:
        check(role, depts, bound)
    now = clock()
    token = new_token()
    with engine.begin() as conn:
        if conn.execute(sa.select(t.users.c.id).where(t.users.c.name == name)).first():
            raise AccountRefused("user-exists", "name", name=name)
        if bound:
            taken = conn.execute(
                sa.select(t.user_addresses.c.address, t.users.c.name)
                .join(t.users, t.users.c.id == t.user_addresses.c.user_id)
                .where(t.user_addresses.c.address.in_(bound))
            ).first()
            if taken is not None:
                raise AccountRefused("address-taken", "addresses", address=taken.address, user=taken.name)
        uid = conn.execute(
            sa.insert(t.users).values(
                name=name, role=role, departments=depts, email=bound[0] if bound else None, created_at=now,
                disabled=False,
            )
        ).inserted_primary_key[0]
        if bound:
            conn.execute(sa.insert(t.user_addresses), [{"address": a, "user_id": int(uid)} for a in bound])
        _insert_token(conn, int(uid), token, now, token_lifetime_days)
    return token


def _insert_token(conn: sa.Connection, uid: int, token: str, now: float, lifetime_days: float | None) -> None:
    conn.execute(
        sa.insert(t.tokens).values(
            token_hash=hash_token(token),
            user_id=uid,
            created_at=now,
            expires_at=None if lifetime_days is None else now + lifetime_days * 86400.0,
        )
    )


def create_token(
    engine: sa.Engine,
    name: str,
    *,
    token_lifetime_days: float | None = None,
    clock: Callable[[], float] = time.time,
) -> str:
    """An additional token for an existing, enabled user (e.g. rotation)."""
    with engine.begin() as conn:
        row = conn.execute(sa.select(t.users).where(t.users.c.name == name)).first()
        if row is None or row.disabled:
            raise LookupError(f"no enabled user {name!r}")
        token = new_token()
        _insert_token(conn, int(row.id), token, clock(), token_lifetime_days)
    return token


def list_users(engine: sa.Engine, clock: Callable[[], float] = time.time) -> list[dict[str, Any]]:
    now = clock()
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.users).order_by(t.users.c.id)).all()
        bound: dict[int, list[str]] = {}
        for a in conn.execute(sa.select(t.user_addresses).order_by(t.user_addresses.c.address)):
            bound.setdefault(int(a.user_id), []).append(a.address)
        active: dict[int, int] = {}
        last_used: dict[int, float | None] = {}
        for tok in conn.execute(sa.select(t.tokens)):
            if tok.revoked_at is None and (tok.expires_at is None or tok.expires_at > now):
                active[tok.user_id] = active.get(tok.user_id, 0) + 1
            if tok.last_used_at is not None:
                last_used[tok.user_id] = max(last_used.get(tok.user_id) or 0.0, tok.last_used_at)
    return [
        {
            "id": int(r.id),
            "name": r.name,
            "role": r.role,
            "departments": list(r.departments or []),
            "email": r.email,
            "addresses": bound.get(int(r.id), [r.email] if r.email else []),
            "created_at": r.created_at,
            "disabled": bool(r.disabled),
            "active_tokens": active.get(r.id, 0),
            "last_used_at": last_used.get(r.id),
        }
        for r in rows
    ]


def revoke_token(engine: sa.Engine, token: str, clock: Callable[[], float] = time.time) -> bool:
    """Revoke one token (given in clear); True when a live token was revoked."""
    with engine.begin() as conn:
        res = conn.execute(
            sa.update(t.tokens)
            .where(t.tokens.c.token_hash == hash_token(token), t.tokens.c.revoked_at.is_(None))
            .values(revoked_at=clock())
        )
    return res.rowcount > 0


def revoke_user(engine: sa.Engine, name: str, clock: Callable[[], float] = time.time) -> int:
    """Disable a user and revoke all its tokens; returns the number of tokens revoked.
    The user row stays (the audit log refers to it by name)."""
    with engine.begin() as conn:
        row = conn.execute(sa.select(t.users.c.id).where(t.users.c.name == name)).first()
        if row is None:
            raise LookupError(f"no user {name!r}")
        conn.execute(sa.update(t.users).where(t.users.c.id == row.id).values(disabled=True))
        res = conn.execute(
            sa.update(t.tokens)
            .where(t.tokens.c.user_id == row.id, t.tokens.c.revoked_at.is_(None))
            .values(revoked_at=clock())
        )
    return res.rowcount


def expire(engine: sa.Engine, now: float | None = None) -> int:
    """Mark tokens past their ``expires_at`` as revoked (they are refused anyway); returns count."""
    now = time.time() if now is None else now
    with engine.begin() as conn:
        res = conn.execute(
            sa.update(t.tokens)
            .where(
                t.tokens.c.revoked_at.is_(None),
                t.tokens.c.expires_at.is_not(None),
                t.tokens.c.expires_at <= now,
            )
            .values(revoked_at=now)
        )
    return res.rowcount


def authenticate(engine: sa.Engine, token: str, clock: Callable[[], float] = time.time) -> Principal | None:
    """The principal of a live token of an enabled user, else None."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    now = clock()
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(
                t.tokens.c.id.label("token_id"),
                t.tokens.c.expires_at,
                t.tokens.c.revoked_at,
                t.tokens.c.last_used_at,
                t.users.c.id.label("user_id"),
                t.users.c.name,
                t.users.c.role,
                t.users.c.departments,
                t.users.c.email,
                t.users.c.disabled,
            )
            .join(t.users, t.users.c.id == t.tokens.c.user_id)
            .where(t.tokens.c.token_hash == hash_token(token))
        ).first()
    if row is None or row.revoked_at is not None or row.disabled:
        return None
    if row.expires_at is not None and row.expires_at <= now:
        return None
    with engine.connect() as conn:
        addresses = {a for (a,) in conn.execute(
            sa.select(t.user_addresses.c.address).where(t.user_addresses.c.user_id == row.user_id))}
    if row.email:
        addresses.add(row.email.lower())
    if row.last_used_at is None or now - row.last_used_at >= _LAST_USED_GRANULARITY:
        with engine.begin() as conn:
            conn.execute(sa.update(t.tokens).where(t.tokens.c.id == row.token_id).values(last_used_at=now))
    return Principal(
        user_id=int(row.user_id),
        name=row.name,
        role=row.role,
        departments=frozenset(row.departments or ()),
        email=row.email,
        token_id=int(row.token_id),
        addresses=frozenset(addresses),
    )
