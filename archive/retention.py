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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from archive import tables as t
from archive.query import parse_query

if TYPE_CHECKING:
    from archive.service import Archive

DEFAULT_DAYS = 2555
RULE_KEYS = ("direction", "domain", "department", "rule", "verdict")
HOLD_KINDS = ("address", "query", "record")

# Which of the given record ids something outside the archive still needs (see Retention).
StillNeeded = Callable[[sa.Connection, Sequence[int]], Iterable[int]]
# What outside the archive goes with purged records (their delivery attempts), in the purge's transaction.
Forget = Callable[[sa.Connection, Sequence[int]], None]


DIRECTIONS = ("inbound", "outbound", "internal")
VERDICTS = ("delivered", "queued", "quarantined", "rejected", "released")


class RetentionError(ValueError):
    """A retention rule or legal hold is invalid. ``index`` and ``key`` say where in the
    ``retention`` list (settings turn them into ``file:line: archive.retention[i].key``)."""

    def __init__(self, message: str, index: int | None = None, key: str | None = None):
        super().__init__(message)
        self.problem = message
        self.index = index
        self.key = key

    def __str__(self) -> str:
        if self.index is None:
            return self.problem
        return f"retention[{self.index}]{'.' + self.key if self.key else ''}: {self.problem}"


# Pauses before a purge tries again the records an indexer was indexing (seconds).
BUSY_RETRY_PAUSES = (0.2, 0.5, 1.0, 2.0)


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
        """Checked here, not when purge runs: a rule that never matches (a typo) would let
        records go at the default (or a shorter) period without anyone noticing."""
        for key in data:
            if key not in ("days", *RULE_KEYS):
                raise RetentionError(f"unknown key (use days and any of {', '.join(RULE_KEYS)})", index, str(key))
        days = data.get("days")
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            raise RetentionError("must be a positive integer (days)", index, "days")
        if not any(data.get(k) for k in RULE_KEYS):
            raise RetentionError(f"needs one of {', '.join(RULE_KEYS)}", index)
        for key, allowed in (("direction", DIRECTIONS), ("verdict", VERDICTS)):
            if data.get(key) and data[key] not in allowed:
                raise RetentionError(f"{data[key]!r} is not one of {', '.join(allowed)}", index, key)
        for key in RULE_KEYS:
            if key in data and not isinstance(data[key], str):
                raise RetentionError("must be a string", index, key)
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

    @property
    def label(self) -> str:
        """How reports name the rule: its conditions, e.g. ``direction=inbound rule=spam``."""
        return " ".join(f"{k}={getattr(self, k)}" for k in RULE_KEYS if getattr(self, k))


def parse_rules(rules: Iterable[Mapping[str, Any]]) -> list[RetentionRule]:
    """Every rule of a ``retention`` list, or :class:`RetentionError` naming the first bad one."""
    if isinstance(rules, Mapping | str | bytes):
        raise RetentionError("retention must be a list of rules")
    parsed = []
    for i, rule in enumerate(rules):
        if not isinstance(rule, Mapping):
            raise RetentionError("must be a mapping such as {direction: inbound, days: 90}", i)
        parsed.append(RetentionRule.from_dict(rule, i))
    return parsed


@dataclass
class PurgeReport:
    """What a purge removed (or, for a dry run, would remove) and what it kept back.

    ``by_rule`` counts removals per deciding retention rule and direction, so an operator can
    see which policy line a purge acts on before it runs (``--dry-run``) and after.
    """

    purged: int = 0
    held: int = 0                 # expired, kept by a legal hold
    needed: int = 0               # expired, kept because something still needs it (held mail, queue)
    blobs_deleted: int = 0
    busy: int = 0                 # expired, being indexed at that moment: left for the next run
    purged_ids: list[int] = field(default_factory=list)
    by_rule: dict[tuple[str, str], int] = field(default_factory=dict)
    dry_run: bool = False

    def to_dict(self, first: int = 20) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run, "purged": self.purged, "held": self.held, "needed": self.needed,
            "blobs_deleted": self.blobs_deleted, "busy": self.busy, "first_ids": self.purged_ids[:first],
            "by_rule": [{"rule": rule, "direction": direction, "count": n}
                        for (rule, direction), n in sorted(self.by_rule.items())],
        }


@dataclass(frozen=True)
class _Candidate:
    id: int
    direction: str
    rule: str
    blob_address: str


class Retention:
    """Retention policy over one archive.

    ``still_needed(conn, ids)`` answers which of ``ids`` something outside the archive still
    needs (a held quarantine entry, a queued delivery): the archive cannot know, and must not
    import the packages that do, so the gateway hands that question in. It is asked again
    inside each purge transaction, under the chain head lock, so a hold or a queue row added
    after the scan is still honoured. ``forget(conn, ids)``, likewise handed in, drops what
    outside the archive goes with purged records (the log of their delivery attempts), in the
    same transaction.
    """

    def __init__(self, archive: Archive, rules: Iterable[Mapping[str, Any]] = (),
                 default_days: int = DEFAULT_DAYS, clock: Callable[[], float] = time.time,
                 still_needed: StillNeeded | None = None, forget: Forget | None = None):
        self.archive = archive
        self.engine = archive.engine
        self.rules = parse_rules(rules)
        if default_days < 1:
            raise RetentionError("default_days must be positive")
        self.default_days = default_days
        self.clock = clock
        self.still_needed = still_needed
        self.forget = forget

    # ---- policy ---------------------------------------------------------------------
    def days_for(self, rec: Mapping[str, Any], domains: set[str]) -> int:
        return self._decide(rec, domains)[0]

    def _decide(self, rec: Mapping[str, Any], domains: set[str]) -> tuple[int, str]:
        """(days kept, label of the deciding rule): the longest matching rule, else the default."""
        best: tuple[int, str] | None = None
        for rule in self.rules:
            if rule.matches(rec, domains) and (best is None or rule.days > best[0]):
                best = (rule.days, rule.label)
        return best or (self.default_days, "default")

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
        with self.engine.connect() as conn:
            ids = list(conn.execute(sa.select(t.records.c.id)).scalars())
            return self._legally_held(conn, ids)

    def _legally_held(self, conn: sa.Connection, ids: Sequence[int]) -> set[int]:
        """Which of ``ids`` an active legal hold covers (read on ``conn``: inside the purge's
        own transaction, a hold committed before it is seen)."""
        if not ids:
            return set()
        active = conn.execute(sa.select(t.legal_holds.c.kind, t.legal_holds.c.value)
                              .where(t.legal_holds.c.released_at.is_(None))).fetchall()
        held: set[int] = set()
        wanted = set(ids)
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            for kind, value in active:
                if kind == "record":
                    if value.isdigit() and int(value) in wanted:
                        held.add(int(value))
                elif kind == "address":
                    col = t.addresses.c.address if "@" in value else t.addresses.c.domain
                    held.update(conn.execute(sa.select(t.addresses.c.record_id).where(
                        col == value, t.addresses.c.record_id.in_(chunk))).scalars())
                elif kind == "query":
                    query = parse_query(value)
                    conds = self.archive._conditions(query, None)
                    held.update(conn.execute(sa.select(t.records.c.id).where(
                        t.records.c.id.in_(chunk), *conds)).scalars())
                    if query.terms:
                        # Words are matched in the blind index: a record not indexed yet (or whose
                        # indexing keeps failing) cannot be ruled out, so the hold keeps it.
                        rest = self.archive._conditions(query, None, fulltext=False)
                        held.update(conn.execute(sa.select(t.records.c.id).where(
                            t.records.c.id.in_(chunk), *rest, t.records.c.id.in_(
                                sa.select(t.index_pending.c.record_id)))).scalars())
        return held

    def _blocked(self, conn: sa.Connection, ids: Sequence[int]) -> tuple[set[int], set[int]]:
        """(legally held, still needed elsewhere) among ``ids``."""
        held = self._legally_held(conn, ids)
        rest = [i for i in ids if i not in held]
        needed = set(self.still_needed(conn, rest)) & set(rest) if self.still_needed and rest else set()
        return held, needed

    # ---- purge ----------------------------------------------------------------------
    def _scan(self, conn: sa.Connection, now: float) -> list[_Candidate]:
        """Records whose retention has run out, oldest id first (holds not yet applied)."""
        shortest = min([self.default_days, *[r.days for r in self.rules]])
        horizon = now - shortest * 86400.0
        rows = conn.execute(
            sa.select(t.records.c.id, t.records.c.received_at, t.records.c.direction, t.records.c.verdict,
                      t.records.c.department, t.records.c.rules, t.records.c.blob_address)
            .where(t.records.c.received_at < horizon).order_by(t.records.c.id)
        ).fetchall()
        found: list[_Candidate] = []
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            domains: dict[int, set[str]] = {}
            for rid, domain in conn.execute(sa.select(t.addresses.c.record_id, t.addresses.c.domain).where(
                    t.addresses.c.record_id.in_([r.id for r in chunk]))):
                domains.setdefault(rid, set()).add(domain)
            for row in chunk:
                days, label = self._decide(row._mapping, domains.get(row.id, set()))
                if row.received_at + days * 86400.0 < now:
                    found.append(_Candidate(row.id, row.direction or "", label, row.blob_address))
        return found

    def plan(self, now: float | None = None) -> PurgeReport:
        """Exactly what :meth:`purge` would remove now, removing nothing (``--dry-run``)."""
        now = self.clock() if now is None else now
        report = PurgeReport(dry_run=True)
        with self.engine.connect() as conn:
            candidates = self._scan(conn, now)
            held, needed = self._blocked(conn, [c.id for c in candidates])
            going = [c for c in candidates if c.id not in held and c.id not in needed]
            report.held, report.needed = len(held), len(needed)
            for c in going:
                report.purged_ids.append(c.id)
                report.by_rule[(c.rule, c.direction)] = report.by_rule.get((c.rule, c.direction), 0) + 1
            report.purged = len(going)
            addresses = {c.blob_address for c in going}
            going_ids = {c.id for c in going}
            still: set[str] = set()
            listed = sorted(addresses)
            for start in range(0, len(listed), 500):
                for rid, address in conn.execute(sa.select(t.records.c.id, t.records.c.blob_address).where(
                        t.records.c.blob_address.in_(listed[start : start + 500]))):
                    if rid not in going_ids:
                        still.add(address)
            report.blobs_deleted = len(addresses - still)
        return report

    def purge(self, now: float | None = None, batch: int = 500,
              progress: Callable[[int, int], None] | None = None) -> PurgeReport:
        """Delete expired records nothing holds (tombstoned) and blobs no longer referenced."""
        now = self.clock() if now is None else now
        report = PurgeReport()
        with self.engine.connect() as conn:
            candidates = self._scan(conn, now)
        deferred: list[_Candidate] = []
        for start in range(0, len(candidates), batch):
            chunk = candidates[start : start + batch]
            deferred += self._purge_into(report, chunk, now)
            if progress:
                progress(start + len(chunk), len(candidates))
        for pause in BUSY_RETRY_PAUSES:       # an indexer's claim lasts one batch: wait it out a little
            if not deferred:
                break
            time.sleep(pause)
            deferred = self._purge_into(report, deferred, now)
        report.busy = len(deferred)
        return report

    def _purge_into(self, report: PurgeReport, chunk: list[_Candidate], now: float) -> list[_Candidate]:
        """Purge ``chunk``, add the outcome to ``report``; return the candidates an indexer held."""
        purged, held, needed, blobs, busy = self._purge_batch(chunk, now)
        report.held += held
        report.needed += needed
        report.blobs_deleted += blobs
        report.purged += len(purged)
        report.purged_ids += [c.id for c in purged]
        for c in purged:
            report.by_rule[(c.rule, c.direction)] = report.by_rule.get((c.rule, c.direction), 0) + 1
        return busy

    def _purge_batch(self, chunk: list[_Candidate], now: float
                     ) -> tuple[list[_Candidate], int, int, int, list[_Candidate]]:
        """Purge what of ``chunk`` is still unheld, in one transaction under the head lock.
        Returns (purged, kept by legal hold, kept as still needed, blobs deleted, being indexed)."""
        archive = self.archive
        deleted_blobs: list[str] = []
        busy: list[_Candidate] = []
        with self.engine.begin() as conn:
            archive._lock_head(conn)   # serialise with acceptance: no new reference to a blob we delete
            held, needed = self._blocked(conn, [c.id for c in chunk])
            purged = [c for c in chunk if c.id not in held and c.id not in needed]
            ids = [c.id for c in purged]
            if not ids:
                return [], len(held), len(needed), 0, []
            pending = set(conn.execute(
                sa.select(t.index_pending.c.record_id).where(t.index_pending.c.record_id.in_(ids))).scalars())
            if pending and archive.dialect == "postgresql":
                # The indexer claims pending rows (FOR UPDATE SKIP LOCKED) and then reads the head we
                # hold: waiting here for its rows would deadlock. A record it is indexing right now
                # is left for the next run; the rows we claim no indexer can take meanwhile.
                claimed = set(conn.execute(
                    sa.select(t.index_pending.c.record_id).where(t.index_pending.c.record_id.in_(sorted(pending)))
                    .with_for_update(skip_locked=True)).scalars())
                busy_ids = pending - claimed
                if busy_ids:
                    busy = [c for c in purged if c.id in busy_ids]
                    purged = [c for c in purged if c.id not in busy_ids]
                    ids = [c.id for c in purged]
                    pending = claimed
                    if not ids:
                        return [], len(held), len(needed), 0, busy
            rows = conn.execute(sa.select(t.records).where(t.records.c.id.in_(ids))).fetchall()
            present = {row.id for row in rows}        # a purge run elsewhere meanwhile took the rest
            purged = [c for c in purged if c.id in present]
            addresses = set()
            for row in rows:
                tokens = None
                if archive.dialect == "sqlite" and row.id not in pending:
                    try:   # contentless FTS5 deletes need the same tokens again
                        subject, atts = archive.decrypt_meta(row)
                        tokens = archive.indexed_tokens(conn, row.id, archive.open(row.id, conn), subject,
                                                        [n for n, _ in atts])
                    except Exception:  # noqa: BLE001 - unreadable: leave the orphan index entry
                        tokens = None
                archive._delete_index(conn, row.id, tokens)
                conn.execute(t.tombstones.insert().values(archive.tombstone_values(row, now, "retention")))
                addresses.add(row.blob_address)
            conn.execute(sa.delete(t.addresses).where(t.addresses.c.record_id.in_(ids)))
            conn.execute(sa.delete(t.record_rules).where(t.record_rules.c.record_id.in_(ids)))
            conn.execute(sa.delete(t.record_history).where(t.record_history.c.record_id.in_(ids)))
            conn.execute(sa.delete(t.index_pending).where(t.index_pending.c.record_id.in_(ids)))
            conn.execute(sa.delete(t.records).where(t.records.c.id.in_(ids)))
            if self.forget is not None:
                self.forget(conn, ids)
            still = set(conn.execute(sa.select(t.records.c.blob_address).where(
                t.records.c.blob_address.in_(addresses))).scalars())
            for address in sorted(addresses - still):
                conn.execute(sa.delete(t.blobs).where(t.blobs.c.address == address))
                deleted_blobs.append(address)
            # Files go while the head is still locked: no acceptance can start referencing them.
            for address in deleted_blobs:
                archive.blob_store.delete(address)
        return purged, len(held), len(needed), len(deleted_blobs), busy

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
