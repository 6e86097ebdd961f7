"""Server-side console sessions in the database.

The cookie carries a random id (256 bits); the table stores only its SHA-256, so a copy of
the database signs nobody in. A session ends on sign-out, after ``idle`` seconds without a
request, after ``absolute`` seconds whatever happens, when the password changes, or when the
account is disabled. A session in stage ``totp`` has passed the password but not yet the
second factor: it authorises nothing but the code page.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from admin_api import tables as t
from admin_api.users import Principal

COOKIE = "mw_session"
_TOUCH_GRANULARITY = 30.0   # seconds; avoids a write on every request


@dataclass(frozen=True)
class SessionPolicy:
    idle: float = 30 * 60.0
    absolute: float = 12 * 3600.0


@dataclass(frozen=True)
class Session:
    id: int
    user_id: int
    stage: str
    csrf: str
    created_at: float


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()


def create(engine: sa.Engine, user_id: int, *, stage: str, now: float, client_ip: str | None,
           user_agent: str | None) -> str:
    """A new session; returns the id for the cookie (shown to nobody else, stored hashed)."""
    sid = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(sa.insert(t.sessions).values(
            id_hash=_hash(sid), user_id=user_id, stage=stage, csrf=secrets.token_urlsafe(32),
            created_at=now, last_seen_at=now, client_ip=client_ip, user_agent=(user_agent or "")[:200] or None,
        ))
    return sid


def load(engine: sa.Engine, sid: str | None, *, now: float, policy: SessionPolicy) -> Session | None:
    """The live session of a cookie value (touched), or None: unknown, ended, idle or too old."""
    if not sid or len(sid) > 100:
        return None
    s = t.sessions
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(s, t.users.c.disabled).join(t.users, t.users.c.id == s.c.user_id)
            .where(s.c.id_hash == _hash(sid))
        ).first()
    if row is None or row.ended_at is not None:
        return None
    if row.disabled or now - row.last_seen_at > policy.idle or now - row.created_at > policy.absolute:
        with engine.begin() as conn:
            conn.execute(sa.update(s).where(s.c.id == row.id, s.c.ended_at.is_(None)).values(ended_at=now))
        return None
    if now - row.last_seen_at >= _TOUCH_GRANULARITY:
        with engine.begin() as conn:
            conn.execute(sa.update(s).where(s.c.id == row.id).values(last_seen_at=now))
    return Session(id=int(row.id), user_id=int(row.user_id), stage=row.stage, csrf=row.csrf,
                   created_at=float(row.created_at))


def promote(engine: sa.Engine, session: Session, *, now: float, client_ip: str | None,
            user_agent: str | None) -> str:
    """After the second factor: a fresh id in stage ``full`` (the pending one ends: no fixation)."""
    end(engine, session.id, now=now)
    return create(engine, session.user_id, stage="full", now=now, client_ip=client_ip, user_agent=user_agent)


def end(engine: sa.Engine, session_id: int, *, now: float) -> None:
    with engine.begin() as conn:
        conn.execute(sa.update(t.sessions).where(t.sessions.c.id == session_id, t.sessions.c.ended_at.is_(None))
                     .values(ended_at=now))


def csrf_ok(session: Session, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(session.csrf.encode(), str(token).encode())


def principal(engine: sa.Engine, session: Session) -> Principal | None:
    """The principal a full session acts as (token_id 0: no API token), None if disabled."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(t.users).where(t.users.c.id == session.user_id)).first()
        if row is None or row.disabled:
            return None
        addresses = {a for (a,) in conn.execute(
            sa.select(t.user_addresses.c.address).where(t.user_addresses.c.user_id == row.id))}
    if row.email:
        addresses.add(row.email.lower())
    return Principal(user_id=int(row.id), name=row.name, role=row.role,
                     departments=frozenset(row.departments or ()), email=row.email, token_id=0,
                     addresses=frozenset(addresses))
