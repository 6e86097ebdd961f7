"""The key ring's state in the database, where every process and node sees it.

Tables (archive.tables): ``archive_keyring`` (the active master key id), ``archive_master_keys``
(ids and states, never values), ``archive_master_wraps`` (each live master key wrapped under each
other live one), ``archive_derived_keys`` (the long-lived derived keys, wrapped by the active
master key) and ``archive_head.key_generation``.

Why the generation sits in the chain head: every append already locks that row and reads it, so
the lock statement returns the generation at no extra cost and an appending process notices a
ring change *inside the transaction that would commit a record* (then re-wraps its data key under
the new active key before committing). Every change here takes the same lock first, so an append
either commits before the change (and the change, or the re-wrap after it, sees its blob row) or
after it (and sees the new generation). That is what lets ``retire`` count the data keys wrapped
under a key and know no process is about to add one.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from archive import keywrap
from archive import tables as t

ACTIVE, OLD, RETIRED, BUILDING = "active", "old", "retired", "building"


@dataclass(frozen=True)
class DerivedRow:
    name: str
    version: int
    state: str
    kid: str
    wrapped: bytes
    created_at: float = 0.0


@dataclass(frozen=True)
class RingState:
    generation: int
    active: str
    states: dict[str, str]                       # kid -> active | old | retired
    wraps: list[tuple[str, str, bytes]]          # (kid, wrapped_by, wrapped)
    derived: list[DerivedRow]

    def live(self, kid: str) -> bool:
        return self.states.get(kid) in (ACTIVE, OLD)


def generation(conn: sa.Connection) -> int:
    value = conn.execute(sa.select(t.head.c.key_generation).where(t.head.c.id == 1)).scalar()
    return int(value or 0)


def load(conn: sa.Connection) -> RingState | None:
    """The ring as committed (None: no ring yet). Reads only."""
    ring = conn.execute(sa.select(t.keyring.c.active_kid).where(t.keyring.c.id == 1)).first()
    if ring is None:
        return None
    states = {kid: state for kid, state in conn.execute(sa.select(t.master_keys.c.kid, t.master_keys.c.state))}
    wraps = [(r.kid, r.wrapped_by, bytes(r.wrapped)) for r in conn.execute(sa.select(t.master_wraps))]
    derived = [DerivedRow(r.name, int(r.version), r.state, r.kid, bytes(r.wrapped), float(r.created_at))
               for r in conn.execute(sa.select(t.derived_keys).order_by(t.derived_keys.c.name,
                                                                          t.derived_keys.c.version))]
    return RingState(generation(conn), ring.active_kid, states, wraps, derived)


def lock(conn: sa.Connection) -> int:
    """Take the chain-head lock (serialises with every append) and return the generation."""
    t.ensure_head(conn)
    if conn.dialect.name == "sqlite":
        stmt = (sa.update(t.head).where(t.head.c.id == 1).values(last_id=t.head.c.last_id)
                .returning(t.head.c.key_generation))
    else:
        stmt = sa.select(t.head.c.key_generation).where(t.head.c.id == 1).with_for_update()
    return int(conn.execute(stmt).scalar_one())


def bump(conn: sa.Connection) -> None:
    conn.execute(sa.update(t.head).where(t.head.c.id == 1)
                 .values(key_generation=t.head.c.key_generation + 1))


def _insert_wraps(conn: sa.Connection, kid: str, key: bytes, others: Mapping[str, bytes]) -> None:
    """``kid`` under each of ``others`` and each of ``others`` under ``kid``."""
    rows = []
    for other, other_key in others.items():
        if other == kid:
            continue
        rows.append({"kid": kid, "wrapped_by": other,
                     "wrapped": keywrap.wrap(other_key, key, keywrap.master_aad(kid, other))})
        rows.append({"kid": other, "wrapped_by": kid,
                     "wrapped": keywrap.wrap(key, other_key, keywrap.master_aad(other, kid))})
    if rows:
        conn.execute(t.master_wraps.insert(), rows)


def _derived_rows(values: Mapping[tuple[str, int], tuple[str, bytes]], kid: str, master: bytes,
                  now: float) -> list[dict]:
    return [{"name": name, "version": version, "state": state, "kid": kid, "created_at": now,
             "wrapped": keywrap.wrap(master, value, keywrap.derived_aad(name, version, kid))}
            for (name, version), (state, value) in values.items()]


def initialise(conn: sa.Connection, active: str, masters: Mapping[str, bytes],
               derived: Mapping[tuple[str, int], tuple[str, bytes]]) -> bool:
    """Create the ring (first run, or the import of an older ``keys_dir``): ``active`` and the
    other ``masters`` (as old keys), the derived keys wrapped by ``active``. False when another
    process created it first (nothing written then)."""
    lock(conn)
    if conn.execute(sa.select(t.keyring.c.id).where(t.keyring.c.id == 1)).first() is not None:
        return False
    now = time.time()
    conn.execute(t.keyring.insert().values(id=1, active_kid=active, updated_at=now))
    conn.execute(t.master_keys.insert(), [
        {"kid": kid, "state": ACTIVE if kid == active else OLD, "created_at": now, "retired_at": None}
        for kid in masters])
    conn.execute(t.master_wraps.delete())
    for kid in masters:
        if kid != active:
            _insert_wraps(conn, kid, masters[kid], {active: masters[active]})
    conn.execute(t.derived_keys.delete())
    conn.execute(t.derived_keys.insert(), _derived_rows(derived, active, masters[active], now))
    bump(conn)
    return True


def activate(conn: sa.Connection, kid: str, key: bytes, live: Mapping[str, bytes],
             derived: Mapping[tuple[str, int], tuple[str, bytes]]) -> None:
    """Make a new master key active (the caller holds the lock): wrapped both ways with every
    live key, the derived keys re-wrapped under it, the generation bumped — one transaction."""
    now = time.time()
    conn.execute(sa.update(t.master_keys).where(t.master_keys.c.state == ACTIVE).values(state=OLD))
    conn.execute(t.master_keys.insert().values(kid=kid, state=ACTIVE, created_at=now, retired_at=None))
    _insert_wraps(conn, kid, key, live)
    conn.execute(sa.update(t.keyring).where(t.keyring.c.id == 1).values(active_kid=kid, updated_at=now))
    replace_derived(conn, derived, kid, key)
    bump(conn)


def replace_derived(conn: sa.Connection, derived: Mapping[tuple[str, int], tuple[str, bytes]], kid: str,
                    master: bytes) -> None:
    """Re-wrap every derived key under ``kid`` (values, states and dates unchanged)."""
    for (name, version), (_state, value) in derived.items():
        conn.execute(sa.update(t.derived_keys)
                     .where(t.derived_keys.c.name == name, t.derived_keys.c.version == version)
                     .values(kid=kid, wrapped=keywrap.wrap(master, value, keywrap.derived_aad(name, version, kid))))


def add_derived(conn: sa.Connection, name: str, version: int, value: bytes, kid: str, master: bytes, *,
                state: str) -> None:
    """A new version of derived key ``name`` (the caller holds the lock). ``active`` makes the
    others of that name ``old``; ``building`` (the blind index) waits for its rebuild, which
    covers the records there are now (``target``)."""
    if state == ACTIVE:
        conn.execute(sa.update(t.derived_keys).where(t.derived_keys.c.name == name, t.derived_keys.c.state == ACTIVE)
                     .values(state=OLD))
    [row] = _derived_rows({(name, version): (state, value)}, kid, master, time.time())
    if state == BUILDING:
        last = conn.execute(sa.select(t.head.c.last_id).where(t.head.c.id == 1)).scalar()
        row.update(progress=0, target=int(last or 0))
    conn.execute(t.derived_keys.insert(), [row])
    bump(conn)


def set_derived_state(conn: sa.Connection, name: str, version: int, state: str) -> None:
    conn.execute(sa.update(t.derived_keys).where(t.derived_keys.c.name == name, t.derived_keys.c.version == version)
                 .values(state=state))


def retire(conn: sa.Connection, kid: str) -> None:
    """Mark ``kid`` retired and delete every wrap that involves it (the caller holds the lock
    and has checked nothing uses it)."""
    conn.execute(sa.update(t.master_keys).where(t.master_keys.c.kid == kid)
                 .values(state=RETIRED, retired_at=time.time()))
    conn.execute(sa.delete(t.master_wraps).where(sa.or_(t.master_wraps.c.kid == kid,
                                                        t.master_wraps.c.wrapped_by == kid)))
    bump(conn)


def data_keys_under(conn: sa.Connection, kid: str) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(t.blobs)
                            .where(t.blobs.c.kid == kid)).scalar_one())
