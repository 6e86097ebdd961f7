"""Administering accounts: change role, departments and addresses, disable and enable.

Creation, tokens and the listing live in :mod:`admin_api.users` (the CLI uses them too). The
same checks apply to a change as to a new account (a supervisor needs a department, deciders
an address, an address belongs to one account, the directory must know it), so an admin can
never edit an account into a shape ``mailwarden user add`` would have refused.
Disabling revokes every token and ends every console session at once; enabling does not
bring old tokens back -- a new one is issued.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa

from admin_api import tables as t
from admin_api.own_sessions import end_all
from admin_api.users import AccountCheck, _validate, list_users, normalise_addresses, revoke_user

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
    """Change what is given; ValueError (with the reason) leaves the account as it was."""
    with engine.begin() as conn:
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
                raise ValueError(f"{taken.address} is already bound to user {taken.name!r}")
        email = row.email if row.email in bound else (bound[0] if bound else None)
        conn.execute(sa.update(t.users).where(t.users.c.id == row.id)
                     .values(role=new_role, departments=depts, email=email))
        if addresses is not None:
            conn.execute(sa.delete(t.user_addresses).where(t.user_addresses.c.user_id == row.id))
            if bound:
                conn.execute(sa.insert(t.user_addresses), [{"address": a, "user_id": int(row.id)} for a in bound])
    return get_user(engine, name, clock=clock)


def set_disabled(engine: sa.Engine, name: str, disabled: bool, *, end_sessions: EndSessions | None = None,
                 clock: Callable[[], float] = time.time) -> dict[str, Any]:
    """Disable (every token revoked, every session ended) or enable an account."""
    if disabled:
        revoke_user(engine, name, clock=clock)
        with engine.begin() as conn:
            uid = int(conn.execute(sa.select(t.users.c.id).where(t.users.c.name == name)).scalar_one())
            (end_sessions or (lambda c, u: end_all(c, u, clock())))(conn, uid)
    else:
        with engine.begin() as conn:
            res = conn.execute(sa.update(t.users).where(t.users.c.name == name).values(disabled=False))
            if res.rowcount != 1:
                raise LookupError(f"no user {name!r}")
    return get_user(engine, name, clock=clock)
