"""Append-only, hash-chained and keyed audit log of the admin API.

Each row's ``hash`` is SHA-256 over its fields and ``prev_hash`` (the previous row's hash;
64 zeros for the first row), and its ``mac`` an HMAC of that hash under the audit chain's key
(:class:`archive.chain.ChainKey`, derived from the master key, never stored): the database
alone lets anyone recompute the hashes, not the MACs. Appends are serialized through the
``admin_audit_head`` row, MACed too, and an append refuses to extend a head it cannot verify
(else it would give a rewound head a valid MAC). :func:`audit_report` names every row that
does not verify and why. Nothing in the API updates or deletes audit rows.
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
from archive.chain import ChainKey

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


class AuditChainError(RuntimeError):
    """The audit chain's head was not written by the gateway: appends stop until it is looked into."""


def _check_head(conn: sa.Connection, chain: ChainKey, head: sa.Row) -> None:
    if head.mac is None and head.mac_kid is None:
        if int(head.last_id) == 0:
            return
        last = conn.execute(sa.select(t.audit.c.mac).where(t.audit.c.id == head.last_id)).first()
        if last is None or last.mac is None:   # a head from before the log was keyed
            return
    reason = chain.check(head.mac_kid, head.mac, "head", int(head.last_id), head.last_hash)
    if reason is not None:
        raise AuditChainError(f"audit chain head (row {head.last_id}) does not verify ({reason}): "
                              "run `mailwarden audit verify`")


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
    chain: ChainKey,
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
    """Append one row, hashed and MACed under ``chain``; returns its id."""
    for attempt in range(2):
        try:
            with engine.begin() as conn:
                head = _lock_head(conn)
                chain.follow(conn)
                _check_head(conn, chain, head)
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
                kid, mac = chain.sign("row", fields["id"], digest)
                conn.execute(sa.insert(t.audit).values(**fields, prev_hash=head.last_hash, hash=digest,
                                                       mac_kid=kid, mac=mac))
                head_kid, head_mac = chain.sign("head", fields["id"], digest)
                conn.execute(
                    sa.update(t.audit_head)
                    .where(t.audit_head.c.id == 1)
                    .values(last_id=fields["id"], last_hash=digest, mac_kid=head_kid, mac=head_mac)
                )
                return int(fields["id"])
        except LookupError:
            if attempt:
                raise
            ensure_head(engine)
    raise AssertionError("unreachable")


def audit_report(engine: sa.Engine, chain: ChainKey, batch: int = 1000) -> list[tuple[int, str]]:
    """Recompute the chain and check every MAC: ``[(row id, why)]`` in chain order (the first
    entry is the first broken row; empty when everything verifies). A deleted row shows as the
    next row's broken link; a truncated tail as the head's id (its MAC, if it was rewound)."""
    broken: list[tuple[int, str]] = []
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
                rid = int(r.id)
                if r.prev_hash != prev:
                    gap = f"rows {last_id + 1}-{rid - 1} deleted" if rid > last_id + 1 else "prev_hash altered"
                    broken.append((rid, f"chain break: {gap}"))
                if row_hash(dict(r._mapping), r.prev_hash) != r.hash:
                    broken.append((rid, "row altered: its hash does not match its fields"))
                bad = chain.check(r.mac_kid, r.mac, "row", rid, r.hash)
                if bad:
                    broken.append((rid, f"row hash rewritten: {bad} (fields or chain recomputed without the key)"
                                        if r.mac else f"row {bad}: unkeyed rows are only self-consistent"))
                prev = r.hash
                last_id = rid
        head = conn.execute(sa.select(t.audit_head).where(t.audit_head.c.id == 1)).first()
    if head is not None:
        if int(head.last_id) > last_id:
            broken.append((int(head.last_id), f"rows {last_id + 1}-{head.last_id} at the end of the log deleted"))
        elif int(head.last_id) != last_id or head.last_hash != prev:
            broken.append((int(head.last_id), "audit head does not match the last row"))
        if int(head.last_id) or head.mac:
            bad = chain.check(head.mac_kid, head.mac, "head", int(head.last_id), head.last_hash)
            if bad:
                broken.append((int(head.last_id), f"audit head not written by the gateway ({bad}): rows after "
                                                  f"{head.last_id} deleted and the head rewound, or the head edited"))
    return broken


def verify_audit(engine: sa.Engine, chain: ChainKey, batch: int = 1000) -> tuple[bool, list[int]]:
    """(ok, ids of the rows named by :func:`audit_report`, each once, in chain order)."""
    ids = list(dict.fromkeys(rid for rid, _why in audit_report(engine, chain, batch)))
    return (not ids, ids)


def seal_legacy(engine: sa.Engine, chain: ChainKey, batch: int = 1000) -> int:
    """Key the rows written before the audit log was keyed (an upgraded database), once they are
    checked to be an intact prefix of the chain; refuses (AuditChainError, naming the row)
    otherwise. Returns how many were keyed (rows and head)."""
    a = t.audit.c
    with engine.connect() as conn:
        first_keyed = conn.execute(sa.select(sa.func.min(a.id)).where(a.mac.is_not(None))).scalar()
        if first_keyed is not None:
            late = conn.execute(sa.select(sa.func.min(a.id)).where(a.mac.is_(None), a.id > first_keyed)).scalar()
            if late is not None:
                raise AuditChainError(f"audit row {late} has no MAC but comes after keyed row {first_keyed}: "
                                      "its MAC was removed; not sealed")
    prev, last_id, done = GENESIS, 0, 0
    while True:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(t.audit).where(a.mac.is_(None), a.id > last_id)
                                .order_by(a.id).limit(batch)).all()
        if not rows:
            break
        macs = []
        for r in rows:
            if int(r.id) != last_id + 1 or r.prev_hash != prev or row_hash(dict(r._mapping), r.prev_hash) != r.hash:
                raise AuditChainError(f"audit row {r.id} does not match its hash or link: not sealed")
            macs.append((int(r.id), *chain.sign("row", int(r.id), r.hash)))
            prev, last_id = r.hash, int(r.id)
        with engine.begin() as conn:
            for rid, kid, mac in macs:
                conn.execute(sa.update(t.audit).where(a.id == rid, a.mac.is_(None)).values(mac_kid=kid, mac=mac))
        done += len(macs)
    with engine.begin() as conn:
        head = _lock_head(conn)
        if head.mac is None and int(head.last_id):
            if int(head.last_id) != last_id or head.last_hash != prev:
                raise AuditChainError(f"the unkeyed audit head ({head.last_id}) is not its last row ({last_id}): "
                                      "not sealed")
            kid, mac = chain.sign("head", last_id, prev)
            conn.execute(sa.update(t.audit_head).where(t.audit_head.c.id == 1).values(mac_kid=kid, mac=mac))
            done += 1
    return done


def accept_head(engine: sa.Engine, chain: ChainKey) -> tuple[int, int]:
    """The operator's way out after ``audit verify`` named a head the gateway did not write
    (every audited action is refused meanwhile): the log goes on from its last row, once that
    row's hash and MAC verify. Returns (old head id, new head id); the caller audits it, and the
    checkpoints keep naming rows that were lost."""
    with engine.begin() as conn:
        head = _lock_head(conn)
        chain.follow(conn)
        last = conn.execute(sa.select(t.audit).order_by(t.audit.c.id.desc()).limit(1)).first()
        if last is None:
            new_id, new_hash = 0, GENESIS
        else:
            bad = None if row_hash(dict(last._mapping), last.prev_hash) == last.hash else "its hash does not match"
            bad = bad or chain.check(last.mac_kid, last.mac, "row", int(last.id), last.hash)
            if bad:
                raise AuditChainError(f"the last audit row {last.id} does not verify ({bad}): not accepted")
            new_id, new_hash = int(last.id), last.hash
        kid, mac = chain.sign("head", new_id, new_hash) if new_id else (None, None)
        conn.execute(sa.update(t.audit_head).where(t.audit_head.c.id == 1).values(
            last_id=new_id, last_hash=new_hash, mac_kid=kid, mac=mac))
    return int(head.last_id), new_id


def verified_head(engine: sa.Engine, chain: ChainKey) -> tuple[int, str]:
    """(last_id, last_hash) of the audit head after checking its MAC (what a checkpoint signs)."""
    with engine.connect() as conn:
        head = conn.execute(sa.select(t.audit_head).where(t.audit_head.c.id == 1)).first()
        if head is None:
            return 0, GENESIS
        _check_head(conn, chain, head)
    return int(head.last_id), head.last_hash


def hashes_at(engine: sa.Engine, ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    with engine.connect() as conn:
        for i in range(0, len(ids), 500):
            rows = conn.execute(sa.select(t.audit.c.id, t.audit.c.hash).where(t.audit.c.id.in_(ids[i:i + 500])))
            out.update((int(rid), digest) for rid, digest in rows)
    return out


def last_id(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(t.audit.c.id), 0))).scalar_one())


def _remac_rows(conn: sa.Connection, chain: ChainKey, kid: str, batch: int) -> int:
    """MAC again under the active key up to ``batch`` rows MACed under ``kid``; how many."""
    rows = conn.execute(sa.select(t.audit.c.id, t.audit.c.hash, t.audit.c.mac_kid, t.audit.c.mac)
                        .where(t.audit.c.mac_kid == kid).order_by(t.audit.c.id).limit(batch)).all()
    for r in rows:
        bad = chain.check(r.mac_kid, r.mac, "row", int(r.id), r.hash)
        if bad:
            raise AuditChainError(f"audit row {r.id}: {bad} under {kid}; not re-MACed "
                                  "(run `mailwarden audit verify`)")
        new_kid, mac = chain.sign("row", int(r.id), r.hash)
        conn.execute(sa.update(t.audit).where(t.audit.c.id == r.id).values(mac_kid=new_kid, mac=mac))
    return len(rows)


def remac_audit(engine: sa.Engine, chain: ChainKey, kid: str, batch: int = 1000) -> int:
    """MAC again under the active master key the rows and head MACed under ``kid`` (before ``kid``
    is retired). A MAC that does not verify under ``kid`` is left as it is and AuditChainError
    raised: retiring a key must not turn evidence of tampering into a valid MAC. Returns how many."""
    with engine.connect() as conn:
        chain.follow(conn)
    if kid == chain.active_kid:
        raise AuditChainError(f"{kid} is the active master key")
    done = 0
    while True:
        with engine.begin() as conn:
            rows = _remac_rows(conn, chain, kid, batch)
        done += rows
        if not rows:
            break
    with engine.begin() as conn:
        head = _lock_head(conn)
        # Under the head lock every append that began before the rotation has committed: one that
        # had read the old generation signed its row under ``kid`` after the walk above looked.
        while rows := _remac_rows(conn, chain, kid, batch):
            done += rows
        if head.mac_kid == kid:
            _check_head(conn, chain, head)
            new_kid, mac = chain.sign("head", int(head.last_id), head.last_hash)
            conn.execute(sa.update(t.audit_head).where(t.audit_head.c.id == 1).values(mac_kid=new_kid, mac=mac))
            done += 1
    return done


def list_audit(
    engine: sa.Engine,
    *,
    actor: str | None = None,
    action: str | None = None,
    after: float | None = None,
    before: float | None = None,
    cursor: int | None = None,
    limit: int = 50,
    record: str | None = None,
    outcome: str | None = None,
) -> tuple[list[dict[str, Any]], int, str | None]:
    """Newest first. ``action`` ending in ``.`` or ``*`` is a prefix (``archive.`` = every
    archive action); ``record`` is the object acted on (entry, record, job or user)."""
    c = t.audit.c
    conds: list[Any] = []
    if actor:
        conds.append(c.actor == actor)
    if action:
        prefix = action.rstrip("*")
        conds.append(c.action.startswith(prefix, autoescape=True) if prefix != action or action.endswith(".")
                     else c.action == action)
    if record:
        conds.append(c.record == record)
    if outcome:
        conds.append(c.outcome == outcome)
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
