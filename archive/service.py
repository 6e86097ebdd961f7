"""The archive: encrypted, deduplicated blobs; hash-chained records; blind full-text index.

Blob file format (all integers big-endian)::

    b"MWB1" | dek_id (16) | len(kid) (1) | kid | len(wrapped) (2) | wrapped DEK | nonce (12) | AES-GCM ciphertext

The body is ``zstd(raw)`` sealed with AES-256-GCM under a fresh random data key (DEK) with
associated data ``b"MWB1" + sha256(raw) + dek_id``; swapping or editing blobs therefore fails
to authenticate. The DEK is wrapped by the active master key; the authoritative wrapped copy is
the ``archive_blobs`` row (re-wrapped on rotation, body untouched). The copy in the header is
only used when a concurrent writer finds a blob it did not write (same message accepted twice
at the same time, or a blob left by a rolled-back transaction): it adopts that blob's key rather
than overwriting a file another transaction may be about to reference.

The blob address is ``HMAC-SHA256(address key, raw)`` so holding a candidate message does not
reveal whether it is archived; the record keeps the plain SHA-256 for auditors' manifests.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial

import sqlalchemy as sa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from archive import reindex
from archive import tables as t
from archive.blobstore import BlobStore
from archive.chain import ChainKey
from archive.indexing import IndexMixin, tsvector_literal
from archive.key_rotation import KeyRotationMixin
from archive.keyring import KeyRing

# The archive's value types and errors live in archive.model; they are re-exported here because
# callers (and docs/CONTRACTS.md) name them as archive.service.X.
from archive.model import (  # noqa: F401
    CHAIN_FIELDS,
    DEK_AAD,
    MAGIC,
    MAX_ATTEMPTS,
    META_AAD,
    TSV_MAX_POS,
    TSV_MAX_POS_PER_LEXEME,
    ArchiveError,
    ArchiveIntegrityError,
    ArchiveKeyMissing,
    KeyInUse,
    RecordMeta,
    RecordNotFound,
    RotationReport,
    SealedMessage,
    SearchItem,
    SearchPage,
    TextExtractor,
    VerifyReport,
    bare_addresses,
    chain_hash,
    date_value,
    domain_of,
)
from archive.record_chain import ChainMixin
from archive.record_search import SearchMixin, _cover, _id_ranges  # noqa: F401
from archive.sealing import SealingMixin
from archive.statements import CompiledStatement
from archive.tokens import Hasher

log = logging.getLogger(__name__)


class Archive(SealingMixin, ChainMixin, IndexMixin, SearchMixin, KeyRotationMixin):
    """See the module docstring and docs/CONTRACTS.md (archive/).

    One object over one store, its parts in their own modules: sealing (blobs and metadata),
    record_chain (head, MACs, verify), indexing (the blind index), record_search (queries) and
    key_rotation (master keys). This module keeps construction and the write of a record."""

    def __init__(
        self,
        engine: sa.Engine,
        blob_store: BlobStore,
        keyring: KeyRing,
        text_extractor: TextExtractor | None = None,
        *,
        zstd_level: int = 3,
        clock: Callable[[], float] = time.time,
    ):
        self.engine = engine
        self.blob_store = blob_store
        self.keyring = keyring.bind(engine)
        self.text_extractor = text_extractor or (lambda raw: ())
        self.zstd_level = zstd_level
        self.clock = clock
        self._hashers: dict[int, Hasher] = {}
        self._index: reindex.IndexKeys | None = None
        self._sync_index()
        self._meta_ciphers: dict[int, AESGCM] = {}   # metadata key version -> cipher
        self.chain = ChainKey(keyring, "archive-chain")
        self._head_written: tuple[int, str, str, str] | None = None   # the head this process last MACed
        self.dialect = engine.dialect.name
        self._prepare_statements()
        if self.dialect == "sqlite":   # whatever created the tables, make sure the FTS5 table exists
            with engine.begin() as conn:
                conn.exec_driver_sql(t.FTS_DDL)
        # Blobs a process that stopped had only in its journal (archive.blobjournal): those
        # whose blob row names the same data key are the ones that were committed.
        blob_store.recover(self._journalled_blobs_to_keep)


    def _prepare_statements(self) -> None:
        """Statements of the hot path, built once (building them per call costs more than running them)."""
        insert = self._insert()
        self._st_blob = insert(t.blobs).on_conflict_do_nothing()
        self._st_blob_dek = sa.select(t.blobs.c.dek_id).where(t.blobs.c.address == sa.bindparam("a"))
        self._st_record = t.records.insert()
        self._st_head = sa.update(t.head).where(t.head.c.id == 1).values(
            last_id=sa.bindparam("n_id"), last_hash=sa.bindparam("n_hash"),
            mac_kid=sa.bindparam("n_kid"), mac=sa.bindparam("n_mac"))
        self._st_addresses = t.addresses.insert()
        self._st_rules = t.record_rules.insert()
        self._st_pending = t.index_pending.insert()
        if self.dialect == "sqlite":
            # A write first takes SQLite's write lock (no read-then-upgrade deadlock).
            self._st_lock = (sa.update(t.head).where(t.head.c.id == 1).values(last_id=t.head.c.last_id)
                             .returning(t.head.c.last_id, t.head.c.last_hash, t.head.c.key_generation,
                                        t.head.c.mac_kid, t.head.c.mac))
        else:
            self._st_lock = (sa.select(t.head.c.last_id, t.head.c.last_hash, t.head.c.key_generation,
                                       t.head.c.mac_kid, t.head.c.mac)
                             .where(t.head.c.id == 1).with_for_update())
        # The same statements, compiled once for this dialect (see archive.statements).
        fast = partial(CompiledStatement, dialect=self.engine.dialect)
        self._sql_lock = fast(self._st_lock)
        self._sql_blob = fast(self._st_blob)
        self._sql_blob_dek = fast(self._st_blob_dek)
        self._sql_record = fast(self._st_record)
        self._sql_head = fast(self._st_head)
        self._sql_addresses = fast(self._st_addresses)
        self._sql_rules = fast(self._st_rules)
        self._sql_pending = fast(self._st_pending)
        self._sql_record_mac = fast(sa.select(t.records.c.mac).where(t.records.c.id == sa.bindparam("rid")))
        if self.dialect == "sqlite":
            self._sql_fts = fast(sa.text("INSERT INTO archive_fts(rowid, tokens) VALUES (:r, :tok)"))
        if self.dialect == "postgresql":
            tsv = sa.cast(sa.bindparam("tsv", type_=sa.Text), t.fulltext.c.tsv.type)
            upsert = insert(t.fulltext).values(record_id=sa.bindparam("record_id", type_=sa.BigInteger), tsv=tsv)
            self._sql_fulltext = fast(upsert.on_conflict_do_update(index_elements=["record_id"],
                                                                   set_={"tsv": upsert.excluded.tsv}))
            # PostgreSQL: everything after the blob row in one statement (one round trip instead
            # of up to five): the record, the head, its addresses and rules (arrays), its index
            # entry or pending row. Data-modifying WITH parts all run, once, in one snapshot.
            parts = (
                f"WITH rec AS ({self._sql_record.sql}), head AS ({self._sql_head.sql}), "
                "addr AS (INSERT INTO archive_addresses (record_id, kind, address, domain) "
                "SELECT %(id)s::BIGINT, u.kind, u.address, u.domain FROM unnest(%(x_kinds)s::VARCHAR[], "
                "%(x_addresses)s::VARCHAR[], %(x_domains)s::VARCHAR[]) AS u(kind, address, domain)), "
                "rul AS (INSERT INTO archive_record_rules (record_id, rule) "
                "SELECT %(id)s::BIGINT, unnest(%(x_rules)s::VARCHAR[])) "
            )
            plain = ("x_kinds", "x_addresses", "x_domains", "x_rules")
            # The head lock and the blob row in one statement (see _lock_head_adding_blob).
            head = self._st_lock.cte("head").prefix_with("MATERIALIZED")
            cols = list(t.blobs.c)
            values = sa.select(*[sa.bindparam(c.name, type_=c.type) for c in cols]).select_from(head)
            blob = (insert(t.blobs).from_select([c.name for c in cols], values).on_conflict_do_nothing()
                    .returning(t.blobs.c.dek_id).cte("blob"))
            self._sql_lock_blob = fast(sa.select(head.c.last_id, head.c.last_hash,
                                                 sa.select(blob.c.dek_id).scalar_subquery(), head.c.key_generation,
                                                 head.c.mac_kid, head.c.mac))
            self._sql_append_indexed = CompiledStatement.compose(
                parts + self._sql_fulltext.sql, (self._sql_record, self._sql_head, self._sql_fulltext), plain)
            self._sql_append_pending = CompiledStatement.compose(
                parts + self._sql_pending.sql, (self._sql_record, self._sql_head, self._sql_pending), plain)


    # ---- records ------------------------------------------------------------------
    def _insert(self):
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert


    def insert_record(self, conn: sa.Connection, sealed: SealedMessage, meta: RecordMeta,
                      tokens: list[str] | None = None) -> int:
        """Add a blob row (if new), a chained record row and its index entry. Never commits.

        ``tokens`` (from ``index_tokens``) are written to the blind index in the same
        transaction; without them an index-pending row is added and ``index_pending`` later
        decrypts and re-parses the message. A caller that has already parsed the message (the
        gateway) passes them: hashing the text it holds is far cheaper than a second parse.
        """
        now = self.clock()
        blob_row = {
            "address": sealed.address, "sha256": sealed.sha256, "size": sealed.size,
            "stored_size": len(sealed.blob), "dek_id": sealed.dek_id, "kid": sealed.kid,
            "wrapped_dek": sealed.wrapped_dek, "created_at": now,
        }
        # Head first: it serialises appends, and purge holds it while deleting unreferenced blobs.
        if self.dialect == "postgresql":
            last_id, last_hash, added, generation, head_kid, head_mac = self._lock_head_adding_blob(conn, blob_row)
            if self._follow_key_change(conn, sealed, generation) and added:
                conn.execute(sa.update(t.blobs).where(t.blobs.c.address == sealed.address,
                                                      t.blobs.c.dek_id == sealed.dek_id)
                             .values(kid=sealed.kid, wrapped_dek=sealed.wrapped_dek))
        else:
            last_id, last_hash, generation, head_kid, head_mac = self._lock_head(conn)
            if self._follow_key_change(conn, sealed, generation):
                blob_row.update(kid=sealed.kid, wrapped_dek=sealed.wrapped_dek)
            added = self._sql_blob.run(conn, blob_row).rowcount == 1
        self._check_head(conn, last_id, last_hash, head_kid, head_mac)
        if tokens is not None and getattr(tokens, "version", None) not in (None, self._sync_index().write_version):
            tokens = None   # hashed under an index key no longer written (rotated): the indexer redoes it
        dek_id = sealed.dek_id
        if not added:
            dek_id = self._sql_blob_dek.run(conn, {"a": sealed.address}).fetchone()[0]
        elif not self.blob_store.exists(sealed.address):
            # write_blob found the blob present, then a purge removed it: store ours again.
            self.blob_store.put(sealed.address, sealed.blob, overwrite=True)
        new_id = last_id + 1
        attachments = [(str(n or ""), str(ty or "")) for n, ty in meta.attachments]
        types = sorted({ty for _n, ty in attachments if ty})
        row = {
            "id": new_id,
            "blob_address": sealed.address,
            "sha256": sealed.sha256,
            "dek_id": dek_id,
            "event": meta.event or "accepted",
            "received_at": float(meta.received_at if meta.received_at is not None else now),
            "message_id": meta.message_id,
            "mail_from": meta.mail_from or "",
            "rcpt_tos": list(meta.rcpt_tos),
            "header_from": meta.header_from,
            "header_to": list(meta.header_to),
            "header_cc": list(meta.header_cc),
            "date_at": date_value(meta.date),
            "size": int(meta.size if meta.size is not None else sealed.size),
            "direction": str(meta.direction) if meta.direction is not None else None,
            "verdict": str(meta.verdict) if meta.verdict is not None else None,
            "rules": sorted({str(r) for r in meta.rules}),
            "department": meta.department,
            "attachment_types": types,
            "has_attachment": bool(attachments),
        }
        row["meta_enc"] = self.encrypt_meta(new_id, sealed.sha256, row["event"], meta.subject, attachments,
                                            meta.session, meta.screening)
        row["prev_hash"] = last_hash
        row["record_hash"] = record_hash = chain_hash(last_hash, row)
        row["mac_kid"], row["mac"] = self.record_mac(new_id, record_hash)
        n_kid, n_mac = self.head_mac(new_id, record_hash)
        self._head_written = (new_id, record_hash, n_kid, n_mac)
        senders = bare_addresses([meta.mail_from, meta.header_from])
        recipients = bare_addresses([*meta.rcpt_tos, *meta.header_to, *meta.header_cc])
        if self.dialect == "postgresql":
            addresses = senders + recipients
            row.update(n_id=new_id, n_hash=record_hash, n_kid=n_kid, n_mac=n_mac, record_id=new_id,
                       x_kinds=["f"] * len(senders) + ["t"] * len(recipients), x_addresses=addresses,
                       x_domains=[domain_of(a) for a in addresses], x_rules=row["rules"])
            if tokens is None:
                row.update(attempts=0, last_error=None)
                self._sql_append_pending.run(conn, row)
            else:
                row["tsv"] = tsvector_literal(tokens)
                self._sql_append_indexed.run(conn, row)
            return new_id
        self._sql_record.run(conn, row)
        self._sql_head.run(conn, {"n_id": new_id, "n_hash": record_hash, "n_kid": n_kid, "n_mac": n_mac})
        addr_rows = [{"record_id": new_id, "kind": "f", "address": a, "domain": domain_of(a)} for a in senders]
        addr_rows += [{"record_id": new_id, "kind": "t", "address": a, "domain": domain_of(a)} for a in recipients]
        if addr_rows:
            self._sql_addresses.run_many(conn, addr_rows)
        if row["rules"]:
            self._sql_rules.run_many(conn, [{"record_id": new_id, "rule": r} for r in row["rules"]])
        if tokens is None:
            self._sql_pending.run(conn, {"record_id": new_id, "attempts": 0, "last_error": None})
        else:
            self._write_index(conn, new_id, tokens)
        return new_id

    def store(self, conn: sa.Connection, raw: bytes, meta: RecordMeta) -> tuple[int, SealedMessage]:
        """Convenience: seal, write the blob and insert the record in ``conn``'s transaction."""
        sealed = self.seal(raw)
        self.write_blob(sealed)
        return self.insert_record(conn, sealed, meta), sealed


def create_schema(engine: sa.Engine) -> None:
    """Create the archive tables, the SQLite FTS5 table and the chain head (tests, first runs)."""
    t.create_schema(engine)
