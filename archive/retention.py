"""Retention rules, legal holds and purge.

Rules come from settings as a list of dicts; each names a number of ``days`` and any of
``direction``, ``domain`` (sender or any recipient domain), ``department``, ``rule`` (a rule hit),
``verdict``. A record is kept for the longest ``days`` among the rules that match it, or
``default_days`` (7 years) when none does::

    [{"direction": "inbound", "verdict": "rejected", "days": 90},
     {"department": "legal", "days": 3650},
     {"rule": "pci-card", "days": 3650},
     {"domain": "regulator.example", "days": 5475}]

Legal holds (by ``address`` or domain, by ``query`` in the search language, or by ``record`` id)
block purge of the records they cover until released; who placed and released each hold, why
and when, stays recorded.

Purging a record leaves a tombstone (its id and chain hash) so the chain stays verifiable; blobs
no longer referenced by any record are deleted with it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from archive import tables as t
from archive.query import parse_query
from archive.service import Archive

DEFAULT_DAYS = 2555
RULE_KEYS = ("direction", "domain", "department", "rule", "verdict")
HOLD_KINDS = ("address", "query", "record")


class RetentionError(ValueError):
    """A retention rule or legal hold is invalid."""


@dataclass(frozen=True)
class RetentionRule:
    days: int
    direction: str | None = None
    domain: str | None = None
    department: str | None = None
    rule: str | None = None
    verdict: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], index: int = 0) -> RetentionRule:
        unknown = set(data) - {"days", *RULE_KEYS}
        if unknown:
            raise RetentionError(f"retention[{index}]: unknown key(s) {', '.join(sorted(unknown))}")
        days = data.get("days")
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            raise RetentionError(f"retention[{index}]: 'days' must be a positive integer")
        if not any(data.get(k) for k in RULE_KEYS):
            raise RetentionError(f"retention[{index}]: needs one of {', '.join(RULE_KEYS)}")
        return cls(days=days, **{k: str(data[k]).lower() if k == "domain" else str(data[k])
                                 for k in RULE_KEYS if data.get(k)})

    def matches(self, rec: Mapping[str, Any], domains: set[str]) -> bool:
        if self.direction and rec["direction"] != self.direction:
            return False
        if self.verdict and rec["verdict"] != self.verdict:
            return False
        if self.department and rec["department"] != self.department:
            return False
        if self.rule and self.rule not in (rec["rules"] or []):
            return False
        return not (self.domain and self.domain.lstrip("@") not in domains)


@dataclass
class PurgeReport:
    purged: int = 0
    held: int = 0
    blobs_deleted: int = 0
    purged_ids: list[int] = field(default_factory=list)


class Retention:
    def __init__(self, archive: Archive, rules: Iterable[Mapping[str, Any]] = (),
                 default_days: int = DEFAULT_DAYS, clock: Callable[[], float] = time.time):
        self.archive = archive
        self.engine = archive.engine
        self.rules = [RetentionRule.from_dict(r, i) for i, r in enumerate(rules)]
        if default_days < 1:
            raise RetentionError("default_days must be positive")
        self.default_days = default_days
        self.clock = clock

    # ---- policy ---------------------------------------------------------------------
    def days_for(self, rec: Mapping[str, Any], domains: set[str]) -> int:
        matching = [r.days for r in self.rules if r.matches(rec, domains)]
        return max(matching) if matching else self.default_days

    # ---- legal holds ----------------------------------------------------------------
    def place_hold(self, kind: str, value: str | int, reason: str, by: str) -> int:
        if kind not in HOLD_KINDS:
            raise RetentionError(f"hold kind must be one of {', '.join(HOLD_KINDS)}")
        if not reason or not by:
            raise RetentionError("a legal hold needs a reason and who placed it")
        value = str(value).strip()
        if kind == "query":
            parse_query(value)   # raises QueryError when bad
        elif kind == "record" and not value.isdigit():
            raise RetentionError("a record hold needs a record id")
        elif kind == "address":
            value = value.lower().lstrip("@")
        with self.engine.begin() as conn:
            return conn.execute(t.legal_holds.insert().values(
                kind=kind, value=value, reason=reason, created_by=by, created_at=self.clock(),
            ).returning(t.legal_holds.c.id)).scalar_one()

    def release_hold(self, hold_id: int, by: str, reason: str = "") -> None:
        with self.engine.begin() as conn:
            res = conn.execute(sa.update(t.legal_holds).where(
                t.legal_holds.c.id == hold_id, t.legal_holds.c.released_at.is_(None),
            ).values(released_at=self.clock(), released_by=by, release_reason=reason))
            if res.rowcount != 1:
                raise RetentionError(f"no active legal hold {hold_id}")

    def holds(self, active_only: bool = False) -> list[dict[str, Any]]:
        q = sa.select(t.legal_holds).order_by(t.legal_holds.c.id)
        if active_only:
            q = q.where(t.legal_holds.c.released_at.is_(None))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def held_ids(self) -> set[int]:
        """Ids of every record covered by an active hold."""
        held: set[int] = set()
        active = self.holds(active_only=True)
        with self.engine.connect() as conn:
            for hold in active:
                if hold["kind"] == "record":
                    held.add(int(hold["value"]))
                elif hold["kind"] == "address":
                    v = hold["value"]
                    col = t.addresses.c.address if "@" in v else t.addresses.c.domain
                    held.update(conn.execute(sa.select(t.addresses.c.record_id).where(col == v)).scalars())
        for hold in active:
            if hold["kind"] == "query":
                held.update(self.archive.matching_ids(hold["value"]))
        return held

    # ---- purge ----------------------------------------------------------------------
    def purge(self, now: float | None = None, batch: int = 500,
              progress: Callable[[int, int], None] | None = None) -> PurgeReport:
        """Delete expired, unheld records (tombstoned) and blobs no longer referenced."""
        now = self.clock() if now is None else now
        shortest = min([self.default_days, *[r.days for r in self.rules]])
        horizon = now - shortest * 86400.0
        held = self.held_ids()
        report = PurgeReport()
        expired: list[int] = []
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(t.records.c.id, t.records.c.received_at, t.records.c.direction, t.records.c.verdict,
                          t.records.c.department, t.records.c.rules)
                .where(t.records.c.received_at < horizon).order_by(t.records.c.id)
            ).fetchall()
            for row in rows:
                domains = set(conn.execute(
                    sa.select(t.addresses.c.domain).where(t.addresses.c.record_id == row.id)).scalars())
                days = self.days_for(row._mapping, domains)
                if row.received_at + days * 86400.0 >= now:
                    continue
                if row.id in held:
                    report.held += 1
                    continue
                expired.append(row.id)
        for start in range(0, len(expired), batch):
            chunk = expired[start : start + batch]
            report.blobs_deleted += self._purge_batch(chunk, now)
            report.purged += len(chunk)
            report.purged_ids += chunk
            if progress:
                progress(report.purged, len(expired))
        return report

    def _purge_batch(self, ids: list[int], now: float) -> int:
        archive = self.archive
        deleted_blobs: list[str] = []
        with self.engine.begin() as conn:
            archive._lock_head(conn)   # serialise with acceptance: no new reference to a blob we delete
            pending = set(conn.execute(
                sa.select(t.index_pending.c.record_id).where(t.index_pending.c.record_id.in_(ids))).scalars())
            rows = conn.execute(sa.select(t.records).where(t.records.c.id.in_(ids))).fetchall()
            addresses = set()
            for row in rows:
                tokens = None
                if archive.dialect == "sqlite" and row.id not in pending:
                    try:   # contentless FTS5 deletes need the same tokens again
                        subject, atts = archive.decrypt_meta(row)
                        tokens = archive.document_tokens(archive.open(row.id, conn), subject, [n for n, _ in atts])
                    except Exception:  # noqa: BLE001 - unreadable: leave the orphan index entry
                        tokens = None
                archive._delete_index(conn, row.id, tokens)
                conn.execute(t.tombstones.insert().values(archive.tombstone_values(row, now, "retention")))
                addresses.add(row.blob_address)
            conn.execute(sa.delete(t.addresses).where(t.addresses.c.record_id.in_(ids)))
            conn.execute(sa.delete(t.record_rules).where(t.record_rules.c.record_id.in_(ids)))
            conn.execute(sa.delete(t.index_pending).where(t.index_pending.c.record_id.in_(ids)))
            conn.execute(sa.delete(t.records).where(t.records.c.id.in_(ids)))
            still = set(conn.execute(sa.select(t.records.c.blob_address).where(
                t.records.c.blob_address.in_(addresses))).scalars())
            for address in sorted(addresses - still):
                conn.execute(sa.delete(t.blobs).where(t.blobs.c.address == address))
                deleted_blobs.append(address)
            # Files go while the head is still locked: no acceptance can start referencing them.
            for address in deleted_blobs:
                archive.blob_store.delete(address)
        return len(deleted_blobs)

    def collect_orphans(self, min_age: float = 86400.0) -> int:
        """Delete blob files no row refers to (left by acceptances that rolled back), older than ``min_age``."""
        store = self.archive.blob_store
        age = getattr(store, "age", None)
        removed = 0
        batch: list[str] = []

        def flush() -> int:
            if not batch:
                return 0
            n = 0
            with self.engine.begin() as conn:
                self.archive._lock_head(conn)     # no acceptance adopts a blob while we decide
                known = set(conn.execute(sa.select(t.blobs.c.address).where(t.blobs.c.address.in_(batch))).scalars())
                for address in batch:
                    if address in known:
                        continue
                    if age is not None and age(address) < min_age:
                        continue
                    if store.delete(address):
                        n += 1
            batch.clear()
            return n

        for address in store.iter_addresses():
            batch.append(address)
            if len(batch) >= 500:
                removed += flush()
        removed += flush()
        return removed
