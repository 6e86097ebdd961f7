"""The record chain: its head, MACs, legacy sealing, tombstones and ``verify``. Mixed into
:class:`archive.service.Archive` (chain key ``self.chain``; statements from ``_prepare_statements``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from archive import tables as t
from archive.blobstore import BlobNotFound
from archive.model import (
    DEK_AAD,
    ArchiveError,
    ArchiveIntegrityError,
    ArchiveKeyMissing,
    SealedMessage,
    VerifyReport,
    chain_hash,
)

log = logging.getLogger(__name__)


class ChainMixin:
    """The archive's record chain (see the module docstring)."""

    def _lock_head(self, conn: sa.Connection) -> tuple[int, str, int, str | None, str | None]:
        """Lock the chain head and return (last_id, last_hash, key generation, mac_kid, mac)."""
        for _ in range(2):
            row = self._sql_lock.run(conn).fetchone()
            if row is not None:
                return int(row[0]), row[1], int(row[2]), row[3], row[4]
            t.ensure_head(conn)
        raise ArchiveError("cannot lock the archive chain head")

    def _lock_head_adding_blob(self, conn: sa.Connection, blob_row: dict[str, Any]
                               ) -> tuple[int, str, bool, int, str | None, str | None]:
        """PostgreSQL: lock the chain head, then add the blob row unless its address exists, in
        one statement (the insert selects from the locked head row, so it runs after the lock).
        Returns (last_id, last_hash, whether the blob row was added, key generation, mac_kid, mac)."""
        for _ in range(2):
            row = self._sql_lock_blob.run(conn, blob_row).fetchone()
            if row is not None:
                return int(row[0]), row[1], row[2] is not None, int(row[3]), row[4], row[5]
            t.ensure_head(conn)       # no head row: nothing was inserted either
        raise ArchiveError("cannot lock the archive chain head")

    def _follow_key_change(self, conn: sa.Connection, sealed: SealedMessage, generation: int) -> bool:
        """Have ``sealed``'s data key wrapped under the master key active at this commit: called
        under the head lock with the ring's generation read there, so no record commits under a
        key being rotated out or retired. What decides is the key ``sealed`` is wrapped under,
        not whether this process's ring looks current: the ring may have been reloaded since the
        sealing (by the commit of the message before it in the same group, or by another thread),
        and a message sealed under the old key would then pass as current. Returns whether the
        wrapped key changed."""
        dek = sealed.dek
        if generation != self.keyring.generation:
            if dek is None and sealed.kid != self.keyring.active_kid:   # unwrapped before a retired key leaves
                dek = self.keyring.unwrap(sealed.kid, sealed.wrapped_dek, DEK_AAD + bytes.fromhex(sealed.dek_id))
            self.keyring.refresh(conn)
        if sealed.kid == self.keyring.active_kid:
            return False
        aad = DEK_AAD + bytes.fromhex(sealed.dek_id)
        if dek is None:
            dek = self.keyring.unwrap(sealed.kid, sealed.wrapped_dek, aad)
        sealed.kid, sealed.wrapped_dek = self.keyring.wrap(dek, aad)
        return True

    # ---- the keyed chain (archive.chain) ------------------------------------------------
    def head_mac(self, last_id: int, last_hash: str) -> tuple[str, str]:
        return self.chain.sign("head", int(last_id), last_hash)

    def record_mac(self, record_id: int, record_hash: str) -> tuple[str, str]:
        return self.chain.sign("record", int(record_id), record_hash)

    def _check_head(self, conn: sa.Connection, last_id: int, last_hash: str, kid: str | None,
                    mac: str | None) -> None:
        """Refuse to extend a head the archive did not write: the next append would otherwise
        give a rewound head (the newest records deleted, the head set back to an older record's
        hash) a valid MAC and erase the evidence. Mail is answered 4xx meanwhile, and
        ``archive verify`` names what happened."""
        if (last_id, last_hash, kid, mac) == self._head_written:
            return      # the head this process MACed itself (the rest of a group commit): authentic
        if kid is None and mac is None:
            if last_id == 0:
                return
            # A head from before the chain was keyed (its last record unkeyed too) is extended;
            # a keyed record under an unkeyed head means the head's MAC was removed.
            last_mac = self._sql_record_mac.run(conn, {"rid": last_id}).fetchone()
            if last_mac is None or last_mac[0] is None:
                return
        reason = self.chain.check(kid, mac, "head", int(last_id), last_hash)
        if reason is not None:
            log.error("archive chain head (record %s) does not verify: %s; refusing to append", last_id, reason)
            raise ArchiveIntegrityError(f"archive chain head does not verify ({reason}): "
                                        "run `mailwarden archive verify`")

    def seal_legacy(self, batch: int = 1000) -> int:
        """Key the rows written before the chain was keyed (an upgraded database): once, after
        checking that they are a prefix of the chain (no unkeyed row after a keyed one) and that
        their hashes and links hold from the first record. Refuses (ArchiveIntegrityError,
        naming the row) otherwise: sealing must not bless an edit. Returns how many were keyed."""
        r, tb = t.records.c, t.tombstones.c
        with self.engine.connect() as conn:
            first_keyed = min([v for v in (
                conn.execute(sa.select(sa.func.min(r.id)).where(r.mac.is_not(None))).scalar(),
                conn.execute(sa.select(sa.func.min(tb.record_id)).where(tb.mac.is_not(None))).scalar()) if v]
                or [None])
            late = None
            if first_keyed is not None:
                late = conn.execute(sa.select(sa.func.min(r.id)).where(r.mac.is_(None), r.id > first_keyed)).scalar()
            if late is not None:
                raise ArchiveIntegrityError(f"record {late} has no MAC but comes after keyed record {first_keyed}: "
                                            "its MAC was removed; not sealed")
            tombs = {row.record_id: row for row in conn.execute(sa.select(t.tombstones).where(tb.mac.is_(None)))}
        prev, expected, done, last_id = t.GENESIS, 1, 0, 0
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(sa.select(t.records).where(r.mac.is_(None), r.id > last_id)
                                    .order_by(r.id).limit(batch)).fetchall()
            updates: list[tuple[Any, Any, dict[str, Any]]] = []
            for row in rows:
                while expected < row.id:
                    tomb = tombs.pop(expected, None)
                    if tomb is None or tomb.prev_hash != prev:
                        raise ArchiveIntegrityError(f"record {expected} deleted or its tombstone altered: not sealed")
                    values = {"record_id": tomb.record_id, "prev_hash": tomb.prev_hash,
                              "record_hash": tomb.record_hash, "purged_at": tomb.purged_at, "reason": tomb.reason}
                    kid, mac = self._tombstone_mac(values)
                    updates.append((t.tombstones, tb.record_id == tomb.record_id, {"mac_kid": kid, "mac": mac}))
                    prev, expected = tomb.record_hash, expected + 1
                if row.prev_hash != prev or chain_hash(row.prev_hash, row) != row.record_hash:
                    raise ArchiveIntegrityError(f"record {row.id} does not match its hash or link: not sealed")
                kid, mac = self.record_mac(int(row.id), row.record_hash)
                updates.append((t.records, r.id == row.id, {"mac_kid": kid, "mac": mac}))
                prev, expected, last_id = row.record_hash, int(row.id) + 1, int(row.id)
            if updates:
                with self.engine.begin() as conn:
                    for table, where, values in updates:
                        conn.execute(sa.update(table).where(where, table.c.mac.is_(None)).values(values))
                done += len(updates)
            if not rows:
                break
        with self.engine.begin() as conn:
            head_id, head_hash, _generation, head_kid, _head_mac = self._lock_head(conn)
            if head_kid is None and head_id:
                if head_id != last_id or head_hash != prev:
                    raise ArchiveIntegrityError(f"the unkeyed chain head ({head_id}) is not its last record "
                                                f"({last_id}): not sealed")
                n_kid, n_mac = self.head_mac(head_id, head_hash)
                conn.execute(sa.update(t.head).where(t.head.c.id == 1).values(mac_kid=n_kid, mac=n_mac))
                done += 1
        return done

    LOST_REASON = "lost: chain head accepted by the operator"

    def accept_head(self) -> tuple[int, int]:
        """The operator's way out after ``verify`` named a head the archive did not write (appends
        are refused meanwhile): the chain goes on from the last record there is, once its own
        hash and MAC verify; each id after it that the head or anything else still names gets a
        MACed tombstone saying it was lost (so ``verify`` passes on and the loss stays in the
        chain, and the checkpoints keep naming it). Audited as a CLI command. Returns (old head
        id, id the chain now ends at)."""
        now = self.clock()
        with self.engine.begin() as conn:
            old_id, _old_hash, _generation, _kid, _mac = self._lock_head(conn)
            last = conn.execute(sa.select(t.records).order_by(t.records.c.id.desc()).limit(1)).first()
            tomb = conn.execute(sa.select(t.tombstones).order_by(t.tombstones.c.record_id.desc()).limit(1)).first()
            if tomb is not None and (last is None or tomb.record_id > last.id):
                bad = self.chain.check(tomb.mac_kid, tomb.mac, "tombstone", int(tomb.record_id), tomb.prev_hash,
                                       tomb.record_hash, float(tomb.purged_at), tomb.reason)
                good_id, good_hash = int(tomb.record_id), tomb.record_hash
            elif last is not None:
                bad = None if chain_hash(last.prev_hash, last) == last.record_hash else "its hash does not match"
                bad = bad or self.chain.check(last.mac_kid, last.mac, "record", int(last.id), last.record_hash)
                good_id, good_hash = int(last.id), last.record_hash
            else:
                bad, good_id, good_hash = None, 0, t.GENESIS
            if bad:
                raise ArchiveIntegrityError(f"the last record {good_id} does not verify ({bad}): not accepted")
            named = [old_id] + [conn.execute(sa.select(sa.func.max(c))).scalar() or 0 for c in (
                t.addresses.c.record_id, t.record_rules.c.record_id, t.index_pending.c.record_id)]
            if self.dialect == "postgresql":   # (SQLite's contentless FTS5 table cannot be scanned)
                named.append(conn.execute(sa.select(sa.func.max(t.fulltext.c.record_id))).scalar() or 0)
            top = max(good_id, *[int(n) for n in named])
            lost = list(range(good_id + 1, top + 1))
            for rid in lost:
                values = {"record_id": rid, "prev_hash": good_hash, "record_hash": good_hash,
                          "purged_at": now, "reason": self.LOST_REASON}
                values["mac_kid"], values["mac"] = self._tombstone_mac(values)
                conn.execute(t.tombstones.insert().values(values))
            if lost:   # what the lost records left behind (search joins records, so FTS rows are inert)
                for table in (t.addresses, t.record_rules, t.index_pending):
                    conn.execute(sa.delete(table).where(table.c.record_id.in_(lost)))
            n_kid, n_mac = self.head_mac(top, good_hash) if top else (None, None)
            conn.execute(sa.update(t.head).where(t.head.c.id == 1).values(
                last_id=top, last_hash=good_hash, mac_kid=n_kid, mac=n_mac))
        log.warning("archive chain head accepted: the chain goes on from record %s; ids %s recorded as lost "
                    "(the head said %s)", good_id, f"{lost[0]}-{lost[-1]}" if lost else "none", old_id)
        return old_id, top

    def verified_head(self) -> tuple[int, str]:
        """(last_id, last_hash) of the chain head after checking its MAC: what a checkpoint
        signs (a head the archive did not write is never signed)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t.head).where(t.head.c.id == 1)).first()
        if row is None:
            return 0, t.GENESIS
        if row.last_id == 0 and row.mac is None:
            return 0, row.last_hash
        reason = self.chain.check(row.mac_kid, row.mac, "head", int(row.last_id), row.last_hash)
        if reason is not None:
            raise ArchiveIntegrityError(f"archive chain head does not verify ({reason}): not checkpointed")
        return int(row.last_id), row.last_hash

    def last_chain_id(self) -> int:
        """The last id the record chain holds (a record's or a purged record's tombstone)."""
        with self.engine.connect() as conn:
            rec = conn.execute(sa.select(sa.func.max(t.records.c.id))).scalar() or 0
            tomb = conn.execute(sa.select(sa.func.max(t.tombstones.c.record_id))).scalar() or 0
        return int(max(rec, tomb))

    def hashes_at(self, ids: list[int]) -> dict[int, str]:
        """The chain hash each of ``ids`` has now (its record's, or its purge tombstone's)."""
        out: dict[int, str] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                for table, key in ((t.tombstones, t.tombstones.c.record_id), (t.records, t.records.c.id)):
                    rows = conn.execute(sa.select(key, table.c.record_hash).where(key.in_(chunk)))
                    out.update((int(rid), digest) for rid, digest in rows)
        return out

    def tombstone_values(self, row: Any, purged_at: float, reason: str) -> dict[str, Any]:
        """The tombstone row of a purged record, MACed so a deletion cannot pass for a purge.
        A record whose own MAC does not verify gets an unkeyed tombstone (verify names it): a
        purge must not launder an edit."""
        m = row._mapping if hasattr(row, "_mapping") else row
        values = {"record_id": int(m["id"]), "prev_hash": m["prev_hash"], "record_hash": m["record_hash"],
                  "purged_at": float(purged_at), "reason": reason, "mac_kid": None, "mac": None}
        intact = (chain_hash(m["prev_hash"], row) == m["record_hash"]
                  and self.chain.check(m["mac_kid"], m["mac"], "record", int(m["id"]), m["record_hash"]) is None)
        if intact:
            values["mac_kid"], values["mac"] = self._tombstone_mac(values)
        return values

    def _tombstone_mac(self, v: dict[str, Any], kid: str | None = None) -> tuple[str, str]:
        parts = (int(v["record_id"]), v["prev_hash"], v["record_hash"], float(v["purged_at"]), v["reason"])
        if kid is None:
            return self.chain.sign("tombstone", *parts)
        return kid, self.chain.mac(kid, "tombstone", *parts)

    # ---- integrity ----------------------------------------------------------------
    def verify(self, progress: Callable[[int, int], None] | None = None, *, check_blobs: bool = True,
               batch: int = 1000) -> VerifyReport:
        """Recompute every record's hash, the chain, and (by default) every blob; check every
        record's, tombstone's and the head's MAC (archive.chain). Each problem is named with the
        record id and why, in chain order: the first entry is the first broken row."""
        broken: list[tuple[int, str]] = []
        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(t.records)).scalar_one()
            tombs = {r.record_id: r for r in conn.execute(sa.select(t.tombstones))}
            head_row = conn.execute(sa.select(t.head).where(t.head.c.id == 1)).first()
        blob_ok: dict[str, str | None] = {}
        prev_hash = t.GENESIS
        expected = 1
        checked = 0
        last_key = 0

        def walk_gap(upto: int) -> list[int]:
            nonlocal prev_hash, expected
            missing = []
            while expected < upto:
                tomb = tombs.get(expected)
                if tomb is not None:
                    if tomb.prev_hash != prev_hash and not missing:
                        broken.append((expected, "chain break at purge tombstone"))
                    bad = self.chain.check(tomb.mac_kid, tomb.mac, "tombstone", int(tomb.record_id), tomb.prev_hash,
                                           tomb.record_hash, float(tomb.purged_at), tomb.reason)
                    if bad:
                        broken.append((expected, f"purge tombstone not written by the archive ({bad}): "
                                                 "record deleted and made to look purged"))
                    prev_hash = tomb.record_hash
                    missing = []
                else:
                    missing.append(expected)
                expected += 1
            return missing

        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    sa.select(t.records, *[c.label("b_" + c.name) for c in self._BLOB_COLS])
                    .select_from(t.records.join(t.blobs, t.blobs.c.address == t.records.c.blob_address, isouter=True))
                    .where(t.records.c.id > last_key).order_by(t.records.c.id).limit(batch)
                ).fetchall()
            if not rows:
                break
            for row in rows:
                rid = row.id
                missing = walk_gap(rid)
                reasons = []
                if chain_hash(row.prev_hash, row) != row.record_hash:
                    reasons.append("record altered: its hash does not match its fields")
                bad = self.chain.check(row.mac_kid, row.mac, "record", int(rid), row.record_hash)
                if bad:
                    reasons.append(f"record hash rewritten: {bad} (fields or chain recomputed without the key)"
                                   if row.mac else f"record {bad}: unkeyed rows are only self-consistent")
                if row.prev_hash != prev_hash:
                    if missing:
                        span = f"{missing[0]}" if len(missing) == 1 else f"{missing[0]}-{missing[-1]}"
                        reasons.append(f"chain break: record {span} deleted (no purge tombstone)")
                    else:
                        reasons.append("chain break: prev_hash does not match the previous record")
                if check_blobs:
                    reason = self._check_blob(row, blob_ok)
                    if reason:
                        reasons.append(reason)
                for reason in reasons:
                    broken.append((rid, reason))
                prev_hash = row.record_hash
                expected = rid + 1
                checked += 1
                if progress:
                    progress(checked, total)
            last_key = rows[-1].id
        if head_row is not None:
            missing = walk_gap(head_row.last_id + 1)
            if missing:
                broken.append((missing[0], f"records {missing[0]}-{missing[-1]} at the end of the chain deleted"))
            elif head_row.last_hash != prev_hash:
                broken.append((head_row.last_id, "chain head does not match the last record"))
            if head_row.last_id or head_row.mac:
                bad = self.chain.check(head_row.mac_kid, head_row.mac, "head", int(head_row.last_id),
                                       head_row.last_hash)
                if bad:
                    broken.append((head_row.last_id, f"chain head not written by the archive ({bad}): "
                                                     f"records after {head_row.last_id} deleted and the head "
                                                     "rewound, or the head edited"))
        return VerifyReport(ok=not broken, checked=checked, broken=broken)

    VERIFY_CACHE = 50_000     # blob results kept while verifying (the copies of a message are archived close together)

    def _check_blob(self, row: Any, cache: dict[str, str | None]) -> str | None:
        if row.b_address is None:
            return "blob row missing"
        if row.b_sha256 != row.sha256 or row.b_dek_id != row.dek_id:
            return "record does not match its blob row"
        if row.blob_address in cache:
            return cache[row.blob_address]
        if len(cache) >= self.VERIFY_CACHE:   # oldest first out: memory stays flat at any archive size
            del cache[next(iter(cache))]
        reason = None
        try:
            blob = self.blob_store.get(row.b_address)
            self._decrypt_blob(blob, sha256=row.b_sha256, dek_id=row.b_dek_id, kid=row.b_kid,
                               wrapped=bytes(row.b_wrapped_dek), address=row.b_address, size=row.b_size)
        except BlobNotFound:
            reason = "blob file missing"
        except ArchiveKeyMissing as exc:
            reason = str(exc)
        except ArchiveIntegrityError as exc:
            reason = f"blob: {exc}"
        cache[row.blob_address] = reason
        return reason
