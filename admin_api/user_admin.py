"""Administering accounts: change role, departments and addresses, disable and enable.

Creation, tokens and the listing live in :mod:`admin_api.users` (the CLI uses them too). The
same checks apply to a change as to a new account (a supervisor needs a department, deciders
an address, an address belongs to one account, the directory must know it), so an admin can
never edit an account into a shape ``mailwarden user add`` would have refused.
Disabling revokes every token and ends every console session at once; enabling does not
bring old tokens back -- a new one is issued.

No change leaves the console without an enabled administrator (:class:`LastAdmin`): nobody
could then administer accounts from the console, and two admins disabling each other at the
same instant would both have passed a check made before either wrote. So the enabled admins'
rows are locked first (PostgreSQL: in id order, so two such changes queue instead of
deadlocking), the change is written, and the admins left are counted inside the same
transaction (SQLite: after the write, which holds the database's write lock).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa

from admin_api import tables as t
from admin_api.own_sessions import end_all
from admin_api.refusals import AccountRefused
from admin_api.users import AccountCheck, _validate, list_users, normalise_addresses


class LastAdmin(Exception):
    """The change would leave no enabled administrator; nothing was changed."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is the last enabled administrator; make another account an administrator first")
        self.name = name


def _lock_admins(conn: sa.Connection) -> None:
    """Lock the enabled admins' rows (before any other row of the change, always in id order)."""
    conn.execute(sa.select(t.users.c.id).where(t.users.c.role == "admin", t.users.c.disabled.is_(False))
                 .order_by(t.users.c.id).with_for_update()).all()


def _an_admin_is_left(conn: sa.Connection, name: str) -> None:
    """After the change, in its transaction: raise LastAdmin (rolling it back) when no enabled admin is left."""
    left = conn.execute(sa.select(sa.func.count()).select_from(t.users).where(
        t.users.c.role == "admin", t.users.c.disabled.is_(False))).scalar_one()
    if not left:
        raise LastAdmin(name)


# Hook for console sessions (console-core's table): end every session of a user id.
EndSessions = Callable[[sa.Connection, int], int]


def get_user(engine: sa.Engine, name: str, clock: Callable[[], float] = time.time) -> dict[str, Any]:
    for user in list_users(engine, clock=clock):
        if user["name"] == name:
            return user
    raise LookupError(f"no user {name!r}")


def update_user(engine: sa.Engine, name: str, *, role: str | None = None,
                departments: Iterable[str] | None = None, addresses: Iterable[str] | None = None,
                check: AccountCheck | None = None, clock: Callable[[], float] = time.time) -> dict[str, Any]:
    """Change what is given; ValueError (with the reason) or LastAdmin leaves the account as it was."""
    with engine.begin() as conn:
        demoting = role is not None and role != "admin"
        if demoting:
            _lock_admins(conn)
        row = conn.execute(sa.select(t.users).where(t.users.c.name == name).with_for_update()).first()
        if row is None:
            raise LookupError(f"no user {name!r}")
        current = [a for (a,) in conn.execute(sa.select(t.user_addresses.c.address)
                                              .where(t.user_addresses.c.user_id == row.id)
                                              .order_by(t.user_addresses.c.address))]
        new_role = role or row.role
        depts = sorted({d.strip() for d in (row.departments if departments is None else departments)
                        if d and d.strip()})
        bound = current if addresses is None else normalise_addresses(None, addresses)
        _validate(name, new_role, depts, bound)
        if check is not None:
            check(new_role, depts, bound)
        if bound:
            taken = conn.execute(
                sa.select(t.user_addresses.c.address, t.users.c.name)
                .join(t.users, t.users.c.id == t.user_addresses.c.user_id)
                .where(t.user_addresses.c.address.in_(bound), t.user_addresses.c.user_id != row.id)).first()
            if taken is not None:
                raise AccountRefused("address-taken", "addresses", address=taken.address, user=taken.name)
        email = row.email if row.email in bound else (bound[0] if bound else None)
        conn.execute(sa.update(t.users).where(t.users.c.id == row.id)
                     .values(role=new_role, departments=depts, email=email))
        if addresses is not None:
            conn.execute(sa.delete(t.user_addresses).where(t.user_addresses.c.user_id == row.id))
            if bound:
                conn.execute(sa.insert(t.user_addresses), [{"address": a, "user_id": int(row.id)} for a in bound])
        if demoting and row.role == "admin" and not row.disabled:
            _an_admin_is_left(conn, name)
    return get_user(engine, name, clock=clock)


def set_disabled(engine: sa.Engine, name: str, disabled: bool, *, end_sessions: EndSessions | None = None,
                 clock: Callable[[], float] = time.time) -> dict[str, Any]:
    """Disable (every token revoked, every session ended, in one transaction) or enable an
    account. LookupError: no such account; LastAdmin: it is the last enabled administrator."""
    with engine.begin() as conn:
        if disabled:
            _lock_admins(conn)
        user = conn.execute(sa.select(t.users.c.id, t.users.c.role, t.users.c.disabled)
                            .where(t.users.c.name == name)).first()
        if user is None:
            raise LookupError(f"no user {name!r}")
        conn.execute(sa.update(t.users).where(t.users.c.id == user.id).values(disabled=disabled))
        if disabled:
            if user.role == "admin" and not user.disabled:
                _an_admin_is_left(conn, name)
            uid = int(user.id)
            conn.execute(sa.update(t.tokens).where(t.tokens.c.user_id == uid, t.tokens.c.revoked_at.is_(None))
                         .values(revoked_at=clock()))
            (end_sessions or (lambda c, u: end_all(c, u, clock())))(conn, uid)
    return get_user(engine, name, clock=clock)
