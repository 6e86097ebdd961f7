"""A person's own console sessions: where they are signed in, and ending any of them.

Everyone sees only their own sessions (live ones: not ended, not idle or older than the
policy allows); ending one signs that browser out at its next request. The session ids
themselves are never shown (they are stored hashed); rows are named by their number.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from admin_api import tables as t
from admin_api.sessions import SessionPolicy


def list_sessions(engine: sa.Engine, user_id: int, *, now: float, policy: SessionPolicy,
                  current: int | None = None) -> list[dict[str, Any]]:
    s = t.sessions.c
    with engine.connect() as conn:
        rows = conn.execute(sa.select(s.id, s.stage, s.created_at, s.last_seen_at, s.client_ip, s.user_agent)
                            .where(s.user_id == user_id, s.ended_at.is_(None),
                                   s.last_seen_at >= now - policy.idle, s.created_at >= now - policy.absolute)
                            .order_by(s.last_seen_at.desc())).mappings().all()
    return [{**dict(r), "current": r["id"] == current} for r in rows]


def end_own(engine: sa.Engine, user_id: int, session_id: int, *, now: float) -> bool:
    """End one of ``user_id``'s sessions; False when it is not theirs or already ended."""
    with engine.begin() as conn:
        res = conn.execute(sa.update(t.sessions).where(t.sessions.c.id == session_id,
                                                       t.sessions.c.user_id == user_id,
                                                       t.sessions.c.ended_at.is_(None)).values(ended_at=now))
    return res.rowcount == 1


def end_all(conn: sa.Connection, user_id: int, now: float) -> int:
    """Every session of a user (an account disabled by an admin)."""
    return conn.execute(sa.update(t.sessions).where(t.sessions.c.user_id == user_id, t.sessions.c.ended_at.is_(None))
                        .values(ended_at=now)).rowcount
