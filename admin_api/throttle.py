"""Throttled console sign-in, per account name and per client address, kept in the database.

Every API worker process and gateway node reads the same ``admin_signin_failures`` rows, so
the limit holds no matter which process answers. A successful sign-in clears the account's
failures (not the address's: one address guessing many accounts stays throttled).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from admin_api import tables as t


@dataclass(frozen=True)
class ThrottlePolicy:
    window: float = 900.0           # seconds failures are counted over
    per_account: int = 5            # failures of one account name within the window
    per_address: int = 20           # failures from one client address within the window


def retry_after(engine: sa.Engine, account: str, client_ip: str | None, now: float,
                policy: ThrottlePolicy) -> float:
    """Seconds until a sign-in of ``account`` from ``client_ip`` is tried again; 0 when allowed now."""
    since = now - policy.window
    f = t.signin_failures
    wait = 0.0
    with engine.connect() as conn:
        for column, value, limit in ((f.c.account, account.lower(), policy.per_account),
                                     (f.c.client_ip, client_ip, policy.per_address)):
            if value is None:
                continue
            times = conn.execute(
                sa.select(f.c.at).where(column == value, f.c.at > since).order_by(f.c.at.desc()).limit(limit)
            ).scalars().all()
            if len(times) >= limit:
                wait = max(wait, times[-1] + policy.window - now)
    return max(wait, 0.0)


def record_failure(engine: sa.Engine, account: str, client_ip: str | None, now: float) -> None:
    with engine.begin() as conn:
        conn.execute(sa.insert(t.signin_failures).values(account=account.lower()[:200], client_ip=client_ip, at=now))


def clear_account(engine: sa.Engine, account: str, now: float, policy: ThrottlePolicy) -> None:
    """After a successful sign-in: the account's count starts again; old rows of everyone go."""
    f = t.signin_failures
    with engine.begin() as conn:
        conn.execute(sa.delete(f).where(f.c.account == account.lower()))
        conn.execute(sa.delete(f).where(f.c.at <= now - policy.window))
