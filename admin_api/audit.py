"""Append-only, hash-chained audit log of the admin API.

Each row's ``hash`` is SHA-256 over its fields and ``prev_hash`` (the previous row's hash;
64 zeros for the first row). Appends are serialized through the ``admin_audit_head`` row.
:func:`verify_audit` recomputes the chain and names every row that does not match.
Nothing in the API updates or deletes audit rows.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from admin_api import tables as t

GENESIS = "0" * 64


def row_hash(fields: dict[str, Any], prev_hash: str) -> str:
    material = json.dumps(
        [
            int(fields["id"]),
            repr(float(fields["at"])),
            fields.get("actor"),
            fields.get("role"),
            fields["action"],
            fields.get("record"),
            fields.get("client_ip"),
            fields["outcome"],
            int(fields["status_code"]),
            fields.get("detail"),
            prev_hash,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        default=str,
    )
    return hashlib.sha256(material.encode("ascii")).hexdigest()


def _lock_head(conn: sa.Connection) -> sa.Row:
    if conn.dialect.name == "sqlite":
        # Take SQLite's write lock before reading the head (pysqlite starts the transaction
        # only at the first write), so no other writer can append in between.
        conn.execute(
            sa.update(t.audit_head).where(t.audit_head.c.id == 1).values(last_id=t.audit_head.c.last_id)
        )
    head = conn.execute(sa.select(t.audit_head).where(t.audit_head.c.id == 1).with_for_update()).first()
    if head is None:
        raise LookupError("audit head missing")
    return head


def ensure_head(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        if conn.execute(sa.select(t.audit_head.c.id).where(t.audit_head.c.id == 1)).first():
            return
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(t.audit_head).values(id=1, last_id=0, last_hash=GENESIS))
    except IntegrityError:
        pass  # created concurrently


def append_audit(
    engine: sa.Engine,
    *,
    action: str,
    outcome: str,
    status_code: int,
    actor: str | None = None,
    role: str | None = None,
    record: str | None = None,
    client_ip: str | None = None,
    detail: Any = None,
    clock: Callable[[], float] = time.time,
) -> int:
    """Append one row; returns its id."""
    for attempt in range(2):
        try:
            with engine.begin() as conn:
                head = _lock_head(conn)
                fields = {
                    "id": int(head.last_id) + 1,
                    "at": float(clock()),
                    "actor": actor,
                    "role": role,
                    "action": action,
                    "record": None if record is None else str(record)[:1000],
                    "client_ip": client_ip,
                    "outcome": outcome,
                    "status_code": int(status_code),
                    "detail": detail,
                }
                digest = row_hash(fields, head.last_hash)
                conn.execute(sa.insert(t.audit).values(**fields, prev_hash=head.last_hash, hash=digest))
                conn.execute(
                    sa.update(t.audit_head)
                    .where(t.audit_head.c.id == 1)
                    .values(last_id=fields["id"], last_hash=digest)
                )
                return int(fields["id"])
        except LookupError:
            if attempt:
                raise
            ensure_head(engine)
    raise AssertionError("unreachable")


def verify_audit(engine: sa.Engine, batch: int = 1000) -> tuple[bool, list[int]]:
    """Recompute the chain. Returns (ok, ids of rows whose hash or link does not match).
    A deleted row shows as the next row's broken link; a truncated tail as the head's id."""
    broken: list[int] = []
    prev = GENESIS
    last_id = 0
    with engine.connect() as conn:
        while True:
            rows = conn.execute(
                sa.select(t.audit).where(t.audit.c.id > last_id).order_by(t.audit.c.id).limit(batch)
            ).all()
            if not rows:
                break
            for r in rows:
                fields = dict(r._mapping)
                if r.prev_hash != prev or row_hash(fields, r.prev_hash) != r.hash:
                    broken.append(int(r.id))
                prev = r.hash
                last_id = int(r.id)
        head = conn.execute(sa.select(t.audit_head).where(t.audit_head.c.id == 1)).first()
    if head is not None and (int(head.last_id) != last_id or head.last_hash != prev):
        broken.append(int(head.last_id))
    return (not broken, broken)


def list_audit(
    engine: sa.Engine,
    *,
    actor: str | None = None,
    action: str | None = None,
    after: float | None = None,
    before: float | None = None,
    cursor: int | None = None,
    limit: int = 50,
) -> tuple[list[dict[str, Any]], int, str | None]:
    c = t.audit.c
    conds: list[Any] = []
    if actor:
        conds.append(c.actor == actor)
    if action:
        conds.append(c.action == action)
    if after is not None:
        conds.append(c.at >= after)
    if before is not None:
        conds.append(c.at < before)
    with engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(t.audit).where(*conds)).scalar_one()
        q = sa.select(t.audit).where(*conds)
        if cursor is not None:
            q = q.where(c.id < cursor)
        rows = [dict(r._mapping) for r in conn.execute(q.order_by(c.id.desc()).limit(limit + 1))]
    nxt = str(rows[limit - 1]["id"]) if len(rows) > limit else None
    return rows[:limit], int(total), nxt
