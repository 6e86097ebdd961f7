"""Console passwords: argon2id hashes (argon2-cffi), set from the CLI or an invitation link.

An unknown account costs the same hash verification as a known one, so the sign-in's timing
does not tell which names exist.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from admin_api import tables as t

MIN_LENGTH = 10
MAX_LENGTH = 1024
_HASHER = PasswordHasher()   # argon2id, the library's current RFC 9106 low-memory profile
_DUMMY = _HASHER.hash("mailwarden-no-such-account")


def check_policy(password: str) -> None:
    """ValueError unless the password is long enough and storable."""
    if len(password) < MIN_LENGTH:
        raise ValueError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise ValueError(f"a password has at most {MAX_LENGTH} characters")
    if "\x00" in password or password.strip() == "":
        raise ValueError("a password may not be blank or contain NUL characters")


def user_id_of(conn: sa.Connection, name: str) -> int | None:
    row = conn.execute(sa.select(t.users.c.id).where(t.users.c.name == name)).first()
    return None if row is None else int(row.id)


def ensure_account(conn: sa.Connection, user_id: int) -> None:
    """The console row of a user (created empty on first need)."""
    if conn.execute(sa.select(t.console_accounts.c.user_id).where(t.console_accounts.c.user_id == user_id)).first():
        return
    conn.execute(sa.insert(t.console_accounts).values(user_id=user_id))


def store_password(conn: sa.Connection, user_id: int, password: str, now: float) -> None:
    """Hash and store; every session of the account ends (a changed password signs out elsewhere)."""
    check_policy(password)
    ensure_account(conn, user_id)
    conn.execute(
        sa.update(t.console_accounts)
        .where(t.console_accounts.c.user_id == user_id)
        .values(password_hash=_HASHER.hash(password), password_changed_at=now)
    )
    conn.execute(
        sa.update(t.sessions)
        .where(t.sessions.c.user_id == user_id, t.sessions.c.ended_at.is_(None))
        .values(ended_at=now)
    )


def set_password(engine: sa.Engine, name: str, password: str, clock: Callable[[], float] = time.time) -> None:
    """``mailwarden user password NAME``: LookupError for an unknown user, ValueError for a weak password."""
    with engine.begin() as conn:
        uid = user_id_of(conn, name)
        if uid is None:
            raise LookupError(f"no user {name!r}")
        store_password(conn, uid, password, clock())


def verify_password(engine: sa.Engine, name: str, password: str) -> int | None:
    """The user id when ``password`` is the enabled account's password; None otherwise."""
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(t.users.c.id, t.users.c.disabled, t.console_accounts.c.password_hash)
            .join(t.console_accounts, t.console_accounts.c.user_id == t.users.c.id)
            .where(t.users.c.name == name)
        ).first()
    stored = row.password_hash if row is not None and row.password_hash else _DUMMY
    try:
        _HASHER.verify(stored, password[:MAX_LENGTH])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None or not row.password_hash or row.disabled:
        return None
    if _HASHER.check_needs_rehash(stored):
        with engine.begin() as conn:
            conn.execute(sa.update(t.console_accounts).where(t.console_accounts.c.user_id == row.id)
                         .values(password_hash=_HASHER.hash(password)))
    return int(row.id)
