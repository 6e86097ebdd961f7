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

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import re
import struct
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from email.utils import getaddresses, parsedate_to_datetime
from functools import partial
from typing import Any, NamedTuple

import sqlalchemy as sa
import zstandard
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from archive import keystate, reindex
from archive import tables as t
from archive.blobstore import BlobNotFound, BlobStore, SyncBatch
from archive.chain import ChainKey
from archive.keyring import KeyMissing, KeyRing, KeyRingError
from archive.query import Query, QueryError, parse_query
from archive.statements import CompiledStatement
from archive.tokens import Hasher

log = logging.getLogger(__name__)

MAGIC = b"MWB1"
_DEK_AAD = b"mailwarden/dek\x00"
_META_AAD = b"mailwarden/meta\x00"
MAX_ATTEMPTS = 5
_STALE = object()     # see Archive._index_commit_state
TSV_MAX_POS = 16383
TSV_MAX_POS_PER_LEXEME = 255

TextExtractor = Callable[[bytes], Iterable[Any]]


class ArchiveError(Exception):
    """Base class of archive errors."""


class ArchiveIntegrityError(ArchiveError):
    """A blob or record does not verify (tampering, corruption, missing blob or key)."""


class ArchiveKeyMissing(ArchiveError):
    """A master key the record needs is not held by this process (nor to be had from the
    ring): an operator's problem ("master key mk-… missing"), answered 503, not tampering."""


class RecordNotFound(ArchiveError, KeyError):
    """No archive record (or blob) with that id / digest."""


class KeyInUse(ArchiveError):
    """A master key cannot be retired: data keys are still wrapped by it."""


@dataclass
class SealedMessage:
    """A message sealed for storage (output of :meth:`Archive.seal`)."""

    address: str
    sha256: str
    size: int
    dek_id: str
    kid: str
    wrapped_dek: bytes
    blob: bytes

    @property
    def digest(self) -> str:
        return self.sha256


@dataclass
class RecordMeta:
    message_id: str | None = None
    mail_from: str = ""
    rcpt_tos: list[str] | tuple[str, ...] = ()
    header_from: str | None = None
    header_to: list[str] | tuple[str, ...] = ()
    header_cc: list[str] | tuple[str, ...] = ()
    date: float | dt.datetime | str | None = None
    size: int | None = None
    direction: str | None = None
    verdict: str | None = None
    rules: list[str] | tuple[str, ...] = ()
    department: str | None = None
    attachments: list[tuple[str, str]] | tuple[tuple[str, str], ...] = ()
    subject: str | None = None
    event: str = "accepted"
    received_at: float | None = None


@dataclass
class SearchItem:
    id: int
    date: str
    received_at: float
    sender: str
    recipients: list[str]
    subject: str
    direction: str | None
    verdict: str | None
    size: int
    attachments: list[dict[str, str]]
    message_id: str | None = None
    header_from: str | None = None
    header_date: float | None = None
    sha256: str = ""
    event: str = ""
    rules: list[str] = field(default_factory=list)
    department: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchPage:
    """One page of results. ``total`` is exact when ``total_exact``; otherwise it is a lower
    bound (the count stopped at ``Archive.COUNT_CAP``, or after ``COUNT_BUDGET``),
    as counting every match of a common word in a million messages would cost more than
    finding the page. ``exact_total=True`` asks for the full count."""

    items: list[SearchItem]
    total: int
    next: str | None
    total_exact: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"items": [i.to_dict() for i in self.items], "total": self.total,
                "total_exact": self.total_exact, "next": self.next}


@dataclass
class VerifyReport:
    ok: bool
    checked: int
    broken: list[tuple[int, str]]


@dataclass
class RotationReport:
    new_kid: str | None
    rewrapped: int
    remaining: int


# ---- small helpers ------------------------------------------------------------------
_tls = threading.local()


def _compressor(level: int) -> zstandard.ZstdCompressor:
    comp = getattr(_tls, "comp", None)
    if comp is None or _tls.level != level:
        comp = _tls.comp = zstandard.ZstdCompressor(level=level)
        _tls.level = level
    return comp


def _decompressor() -> zstandard.ZstdDecompressor:
    dec = getattr(_tls, "dec", None)
    if dec is None:
        dec = _tls.dec = zstandard.ZstdDecompressor()
    return dec


def _date_value(value: float | dt.datetime | str | None) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.timestamp()
    try:
        return parsedate_to_datetime(str(value)).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


# A bare address (dot-atoms of letters, digits, ``_+-``), which is what the envelope and the
# parsed headers hold: getaddresses() would return it unchanged, and its parser costs more
# than everything else about a record's addresses.
_BARE_ADDRESS = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")


def _addrs(values: Iterable[str | None]) -> list[str]:
    values = [v for v in values if v]
    bare = _BARE_ADDRESS.fullmatch
    if all(isinstance(v, str) and bare(v) for v in values):
        return list(dict.fromkeys(v.lower() for v in values))
    out: list[str] = []
    for _name, addr in getaddresses(values):
        addr = addr.strip().lower()
        if addr and addr not in out:
            out.append(addr)
    return out


def _domain(addr: str) -> str:
    return addr.rsplit("@", 1)[1] if "@" in addr else addr


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat().replace("+00:00", "Z")


CHAIN_FIELDS = (
    "id", "blob_address", "sha256", "dek_id", "event", "received_at", "message_id", "mail_from",
    "rcpt_tos", "header_from", "header_to", "header_cc", "date_at", "size", "direction", "verdict",
    "rules", "department", "attachment_types", "has_attachment",
)


class _Cursor(NamedTuple):
    received_at: float
    id: int
    total: int | None = None      # what the first page counted (None: an old cursor)
    exact: bool = True
    shown: int = 0                # items on the pages before


# json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True) without building an
# encoder per call (the same encoder class and options: the same bytes).
_canonical_json = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode
_meta_json = json.JSONEncoder(ensure_ascii=False).encode     # json.dumps(doc, ensure_ascii=False)


def chain_hash(prev_hash: str, row: Any) -> str:
    """SHA-256 over the previous hash and the record's canonical fields (incl. encrypted metadata)."""
    get = row.__getitem__ if isinstance(row, dict) else row._mapping.__getitem__
    doc = {name: get(name) for name in CHAIN_FIELDS}
    doc["has_attachment"] = bool(doc["has_attachment"])
    doc["received_at"] = float(doc["received_at"])
    if doc["date_at"] is not None:
        doc["date_at"] = float(doc["date_at"])
    doc["meta_enc"] = bytes(get("meta_enc")).hex()
    canon = _canonical_json(doc)
    return hashlib.sha256(prev_hash.encode() + b"\n" + canon.encode()).hexdigest()


def _id_ranges(ids: list[int], gap: int) -> list[tuple[int, int]]:
    """Sorted ids grouped into (low, high) runs whose neighbours are at most ``gap`` apart."""
    out: list[tuple[int, int]] = []
    for i in sorted(ids):
        if out and i - out[-1][1] <= gap:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


def _cover(ids: list[int], count: int) -> list[tuple[int, int]]:
    """At most ``count`` (low, high) ranges covering ``ids``, split at the widest gaps: the
    least id space to probe (a few old imported ids among recent ones cost one more range,
    not the whole span between them)."""
    ordered = sorted(set(ids))
    gaps = sorted(range(len(ordered) - 1), key=lambda k: ordered[k + 1] - ordered[k], reverse=True)
    cuts = sorted(gaps[: max(0, count - 1)])
    out, start = [], 0
    for k in cuts:
        out.append((ordered[start], ordered[k]))
        start = k + 1
    out.append((ordered[start], ordered[-1]))
    return out


_POSITIONS = tuple(map(str, range(1, TSV_MAX_POS + 1)))     # "1" .. "16383", formatted once


def _tsvector_literal(tokens: list[str]) -> str:
    """``'lexeme':positions`` for PostgreSQL: each token's first TSV_MAX_POS_PER_LEXEME
    positions (1-based), those past TSV_MAX_POS counted as TSV_MAX_POS, without duplicates."""
    positions: defaultdict[str, list[str]] = defaultdict(list)
    for pos, tok in zip(_POSITIONS, tokens, strict=False):   # increasing: sorted, no duplicates
        positions[tok].append(pos)
    if len(tokens) > TSV_MAX_POS:
        last = _POSITIONS[-1]
        for tok in dict.fromkeys(tokens[TSV_MAX_POS:]):   # all at TSV_MAX_POS
            pos = positions[tok]
            if pos[-1:] != [last]:
                pos.append(last)
    return " ".join(f"'{tok}':{','.join(p[:TSV_MAX_POS_PER_LEXEME])}" for tok, p in positions.items())


class Archive:
    """See the module docstring and docs/CONTRACTS.md (archive/)."""

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
        self._meta = AESGCM(keyring.meta_key)
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

    def _journalled_blobs_to_keep(self, records: list[tuple[str, bytes]]) -> set[int]:
        """The indexes of the ``records`` whose bytes are the blob the archive records: a record
        of a batch that never committed has no row; one of a blob removed, or stored afresh
        under another data key since, does not match its row."""
        rows: dict[str, str] = {}
        addresses = sorted({address for address, _data in records})
        with self.engine.connect() as conn:
            for i in range(0, len(addresses), 500):
                chunk = addresses[i:i + 500]
                query = sa.select(t.blobs.c.address, t.blobs.c.dek_id).where(t.blobs.c.address.in_(chunk))
                rows.update((address, dek_id) for address, dek_id in conn.execute(query))
        return {i for i, (address, data) in enumerate(records)
                if data[:4] == MAGIC and rows.get(address) == data[4:20].hex()}

    @property
    def hasher(self) -> Hasher:
        """The index key new entries are hashed with (the newest version)."""
        return self._sync_index().write

    @hasher.setter
    def hasher(self, value: Hasher) -> None:
        """Replace the current index key's hasher (benchmarks start it cold)."""
        self._hashers[self._sync_index().write_version] = value
        self._index = None

    def _sync_index(self) -> reindex.IndexKeys:
        """The index keys as of the ring's generation (rebuilt when the ring changed)."""
        keys = self._index
        if keys is None or keys.generation != self.keyring.generation:
            keys = self._index = reindex.index_keys(self.keyring, self._hashers)
        return keys

    def rebuild_index(self, batch: int = 200, progress: Callable[[int, int], None] | None = None,
                      *, max_batches: int | None = None) -> reindex.RebuildReport:
        """Re-key the blind index after ``keys rotate-derived index`` (see archive.reindex)."""
        return reindex.rebuild(self, batch, progress, max_batches=max_batches)

    def rebuild_index_step(self) -> bool:
        """One batch of a re-keying of the blind index, if one is under way (the background
        indexer calls it when it has nothing else to do). Returns whether there is more."""
        self.keyring.check()
        if self._sync_index().old_version is None:
            return False
        return not self.rebuild_index(max_batches=1).finished

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

    # ---- sealing and blobs --------------------------------------------------------
    def address_of(self, raw: bytes) -> str:
        return hmac.new(self.keyring.address_key, raw, hashlib.sha256).hexdigest()

    def seal(self, raw: bytes) -> SealedMessage:
        """Compress and encrypt ``raw`` under a fresh data key. CPU only, thread-safe."""
        raw = bytes(raw)
        sha = hashlib.sha256(raw)
        digest = sha.hexdigest()
        rand = os.urandom(60)      # one call for the data key (32), its id (16) and the nonce (12)
        dek, dek_id, nonce = rand[:32], rand[32:48], rand[48:]
        kid, wrapped = self.keyring.wrap(dek, _DEK_AAD + dek_id)
        body = AESGCM(dek).encrypt(nonce, _compressor(self.zstd_level).compress(raw), MAGIC + sha.digest() + dek_id)
        kid_b = kid.encode()
        blob = b"".join((
            MAGIC, dek_id, bytes((len(kid_b),)), kid_b, struct.pack(">H", len(wrapped)), wrapped, nonce, body,
        ))
        return SealedMessage(self.address_of(raw), digest, len(raw), dek_id.hex(), kid, wrapped, blob)

    @staticmethod
    def _parse_blob(blob: bytes) -> tuple[bytes, str, bytes, bytes, bytes]:
        """-> (dek_id, kid, wrapped, nonce, ciphertext)."""
        try:
            if blob[:4] != MAGIC:
                raise ValueError("bad magic")
            dek_id = blob[4:20]
            klen = blob[20]
            kid = blob[21 : 21 + klen].decode("ascii")
            pos = 21 + klen
            (wlen,) = struct.unpack(">H", blob[pos : pos + 2])
            pos += 2
            wrapped = blob[pos : pos + wlen]
            pos += wlen
            nonce = blob[pos : pos + 12]
            if len(dek_id) != 16 or len(nonce) != 12:
                raise ValueError("truncated")
            return dek_id, kid, wrapped, nonce, blob[pos + 12 :]
        except (ValueError, IndexError, struct.error, UnicodeDecodeError) as exc:
            raise ArchiveIntegrityError(f"malformed blob: {exc}") from exc

    def _decrypt_blob(self, blob: bytes, *, sha256: str, dek_id: str, kid: str, wrapped: bytes,
                      address: str | None = None, size: int | None = None) -> bytes:
        b_dek_id, _kid, _w, nonce, body = self._parse_blob(blob)
        if b_dek_id.hex() != dek_id:
            raise ArchiveIntegrityError("blob was written under a different data key than its record")
        try:
            dek = self.keyring.unwrap(kid, wrapped, _DEK_AAD + b_dek_id)
        except KeyMissing as exc:
            raise ArchiveKeyMissing(str(exc)) from exc
        except KeyRingError as exc:
            raise ArchiveIntegrityError(f"data key: {exc}") from exc
        try:
            compressed = AESGCM(dek).decrypt(nonce, body, MAGIC + bytes.fromhex(sha256) + b_dek_id)
        except InvalidTag as exc:
            raise ArchiveIntegrityError("blob does not authenticate (altered, swapped or wrong digest)") from exc
        try:
            raw = _decompressor().decompress(compressed, max_output_size=size or 0)
        except zstandard.ZstdError as exc:
            raise ArchiveIntegrityError(f"blob does not decompress: {exc}") from exc
        if hashlib.sha256(raw).hexdigest() != sha256:
            raise ArchiveIntegrityError("content digest mismatch")
        if address is not None and not hmac.compare_digest(self.address_of(raw), address):
            raise ArchiveIntegrityError("blob address does not match its content")
        return raw

    def write_blob(self, sealed: SealedMessage, *, batch: SyncBatch | None = None) -> None:
        """Store the sealed blob durably (atomic, fsync'd); no-op when the content is already
        stored. With ``batch``, durable once ``batch.sync()`` returns (see archive.blobstore)."""
        if self.blob_store.put(sealed.address, sealed.blob, batch=batch):
            return
        try:
            existing = self.blob_store.get(sealed.address)
        except BlobNotFound:   # deleted between put and get (purge): write ours
            self.blob_store.put(sealed.address, sealed.blob, overwrite=True)
            return
        if existing != sealed.blob:
            try:
                dek_id, kid, wrapped, _n, _b = self._parse_blob(existing)
                self._decrypt_blob(existing, sha256=sealed.sha256, dek_id=dek_id.hex(), kid=kid,
                                   wrapped=wrapped, address=sealed.address, size=sealed.size)
            except ArchiveIntegrityError:
                with self.engine.connect() as conn:
                    row = conn.execute(
                        sa.select(t.blobs.c.dek_id).where(t.blobs.c.address == sealed.address)
                    ).first()
                if row is None:   # unusable orphan nobody references: replace it (synced now)
                    self.blob_store.put(sealed.address, sealed.blob, overwrite=True)
                return            # (never journal bytes that do not decrypt)
            # Adopt the stored blob's data key so whichever row wins describes the file on disk.
            sealed.dek_id, sealed.kid, sealed.wrapped_dek, sealed.blob = dek_id.hex(), kid, wrapped, existing
        # The blob there may be another process's, or a failed batch's, and not yet durable.
        if not self.blob_store.rely_on(sealed.address, existing, batch):
            self.blob_store.put(sealed.address, sealed.blob, overwrite=True)   # purged meanwhile

    # ---- records ------------------------------------------------------------------
    def _insert(self):
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert

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

    def _follow_key_change(self, conn: sa.Connection, sealed: SealedMessage) -> bool:
        """The key ring changed since this process sealed ``sealed`` (seen under the head lock):
        reload it in this transaction and re-wrap the data key under the now active master key,
        so no record commits under a key that is being rotated out or was retired. Returns
        whether the wrapped key changed."""
        aad = _DEK_AAD + bytes.fromhex(sealed.dek_id)
        dek = self.keyring.unwrap(sealed.kid, sealed.wrapped_dek, aad)   # with the ring it was sealed under
        self.keyring.refresh(conn)
        if sealed.kid == self.keyring.active_kid:
            return False
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

    def encrypt_meta(self, record_id: int, sha256: str, event: str, subject: str | None,
                     attachments: list[tuple[str, str]]) -> bytes:
        doc = {"s": subject or "", "a": [[n, ty] for n, ty in attachments]}
        plain = _meta_json(doc).encode()
        nonce = os.urandom(12)
        return nonce + self._meta.encrypt(nonce, plain, _META_AAD + f"{record_id}:{sha256}:{event}".encode())

    def decrypt_meta(self, row: Any) -> tuple[str, list[tuple[str, str]]]:
        """(subject, [(attachment name, type)]) of a record row."""
        m = row._mapping if hasattr(row, "_mapping") else row
        enc = bytes(m["meta_enc"])
        try:
            plain = self._meta.decrypt(enc[:12], enc[12:], _META_AAD + f"{m['id']}:{m['sha256']}:{m['event']}".encode())
        except InvalidTag as exc:
            raise ArchiveIntegrityError(f"record {m['id']}: encrypted metadata does not authenticate") from exc
        doc = json.loads(plain)
        return doc["s"], [(n, ty) for n, ty in doc["a"]]

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
            if generation != self.keyring.generation and self._follow_key_change(conn, sealed) and added:
                conn.execute(sa.update(t.blobs).where(t.blobs.c.address == sealed.address,
                                                      t.blobs.c.dek_id == sealed.dek_id)
                             .values(kid=sealed.kid, wrapped_dek=sealed.wrapped_dek))
        else:
            last_id, last_hash, generation, head_kid, head_mac = self._lock_head(conn)
            if generation != self.keyring.generation and self._follow_key_change(conn, sealed):
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
            "date_at": _date_value(meta.date),
            "size": int(meta.size if meta.size is not None else sealed.size),
            "direction": str(meta.direction) if meta.direction is not None else None,
            "verdict": str(meta.verdict) if meta.verdict is not None else None,
            "rules": sorted({str(r) for r in meta.rules}),
            "department": meta.department,
            "attachment_types": types,
            "has_attachment": bool(attachments),
        }
        row["meta_enc"] = self.encrypt_meta(new_id, sealed.sha256, row["event"], meta.subject, attachments)
        row["prev_hash"] = last_hash
        row["record_hash"] = record_hash = chain_hash(last_hash, row)
        row["mac_kid"], row["mac"] = self.record_mac(new_id, record_hash)
        n_kid, n_mac = self.head_mac(new_id, record_hash)
        self._head_written = (new_id, record_hash, n_kid, n_mac)
        senders = _addrs([meta.mail_from, meta.header_from])
        recipients = _addrs([*meta.rcpt_tos, *meta.header_to, *meta.header_cc])
        if self.dialect == "postgresql":
            addresses = senders + recipients
            row.update(n_id=new_id, n_hash=record_hash, n_kid=n_kid, n_mac=n_mac, record_id=new_id,
                       x_kinds=["f"] * len(senders) + ["t"] * len(recipients), x_addresses=addresses,
                       x_domains=[_domain(a) for a in addresses], x_rules=row["rules"])
            if tokens is None:
                row.update(attempts=0, last_error=None)
                self._sql_append_pending.run(conn, row)
            else:
                row["tsv"] = _tsvector_literal(tokens)
                self._sql_append_indexed.run(conn, row)
            return new_id
        self._sql_record.run(conn, row)
        self._sql_head.run(conn, {"n_id": new_id, "n_hash": record_hash, "n_kid": n_kid, "n_mac": n_mac})
        addr_rows = [{"record_id": new_id, "kind": "f", "address": a, "domain": _domain(a)} for a in senders]
        addr_rows += [{"record_id": new_id, "kind": "t", "address": a, "domain": _domain(a)} for a in recipients]
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

    # ---- reading ------------------------------------------------------------------
    _BLOB_COLS = (t.blobs.c.address, t.blobs.c.sha256, t.blobs.c.size, t.blobs.c.dek_id, t.blobs.c.kid,
                  t.blobs.c.wrapped_dek)

    def _open_blob_row(self, b: Any) -> bytes:
        m = b._mapping
        try:
            blob = self.blob_store.get(m["address"])
        except BlobNotFound as exc:
            raise ArchiveIntegrityError(f"blob {m['address'][:16]}… is missing") from exc
        return self._decrypt_blob(blob, sha256=m["sha256"], dek_id=m["dek_id"], kid=m["kid"],
                                  wrapped=bytes(m["wrapped_dek"]), address=m["address"], size=m["size"])

    def open(self, archive_id: int, conn: sa.Connection | None = None) -> bytes:
        """The raw message of a record, decrypted and verified (raises ArchiveIntegrityError)."""
        q = (sa.select(t.records.c.sha256.label("r_sha"), t.records.c.dek_id.label("r_dek"), *self._BLOB_COLS)
             .select_from(t.records.join(t.blobs, t.blobs.c.address == t.records.c.blob_address, isouter=True))
             .where(t.records.c.id == int(archive_id)))
        if conn is None:
            with self.engine.connect() as c:
                row = c.execute(q).first()
        else:
            row = conn.execute(q).first()
        if row is None:
            raise RecordNotFound(archive_id)
        if row.address is None:
            raise ArchiveIntegrityError(f"record {archive_id}: its blob row is missing")
        if row.r_sha != row.sha256 or row.r_dek != row.dek_id:
            raise ArchiveIntegrityError(f"record {archive_id}: does not match its blob row")
        return self._open_blob_row(row)

    def open_digest(self, sha256_hex: str) -> bytes:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(*self._BLOB_COLS).where(t.blobs.c.sha256 == sha256_hex.lower())).first()
        if row is None:
            raise RecordNotFound(sha256_hex)
        return self._open_blob_row(row)

    def get_record(self, archive_id: int) -> SearchItem:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t.records).where(t.records.c.id == int(archive_id))).first()
        if row is None:
            raise RecordNotFound(archive_id)
        return self._item(row)

    def _item(self, row: Any) -> SearchItem:
        subject, attachments = self.decrypt_meta(row)
        m = row._mapping
        atts = [{"name": n, "type": ty} for n, ty in attachments]
        return SearchItem(
            id=m["id"], date=_iso(m["received_at"]), received_at=m["received_at"], sender=m["mail_from"],
            recipients=list(m["rcpt_tos"]), subject=subject, direction=m["direction"], verdict=m["verdict"],
            size=m["size"], attachments=atts,
            message_id=m["message_id"], header_from=m["header_from"], header_date=m["date_at"],
            sha256=m["sha256"], event=m["event"], rules=list(m["rules"]), department=m["department"],
        )

    # ---- blind index ----------------------------------------------------------------
    def index_tokens(self, subject: str | None, attachment_names: Iterable[str], texts: Iterable[Any]) -> list[str]:
        """The hashed index tokens of a message from its readable texts (CPU only, thread-safe).

        ``texts`` are what the text extractor yields (str, bytes, or (where, text) pairs).
        Only keyed hashes leave this function, so the result may be stored or queued freely.
        """
        def plain() -> Iterator[str]:
            for name in attachment_names:
                if name:
                    yield str(name)
            for part in texts:
                if isinstance(part, tuple | list):
                    part = part[-1]
                if isinstance(part, bytes):
                    part = part.decode("utf-8", "replace")
                if part:
                    yield str(part)

        keys = self._sync_index()
        tokens = reindex.Tokens(keys.write.document(subject or "", plain()))
        tokens.version = keys.write_version
        return tokens

    def document_tokens(self, raw: bytes, subject: str, attachment_names: list[str]) -> list[str]:
        return self.index_tokens(subject, attachment_names, self.text_extractor(raw) or ())

    def document_tokens_by_version(self, raw: bytes, subject: str, attachment_names: list[str],
                                   versions: Iterable[int]) -> dict[int, list[str]]:
        """The tokens under each of ``versions`` of the index key (the text extracted once)."""
        texts = [str(n) for n in attachment_names if n]
        for part in self.text_extractor(raw) or ():
            if isinstance(part, tuple | list):
                part = part[-1]
            if isinstance(part, bytes):
                part = part.decode("utf-8", "replace")
            if part:
                texts.append(str(part))
        hashers = self._sync_index().hashers
        return {v: hashers[v].document(subject or "", texts) for v in dict.fromkeys(versions)}

    def _write_index(self, conn: sa.Connection, record_id: int, tokens: list[str]) -> None:
        if self.dialect == "sqlite":
            self._sql_fts.run(conn, {"r": record_id, "tok": " ".join(tokens)})
        else:
            self._sql_fulltext.run(conn, {"record_id": record_id, "tsv": _tsvector_literal(tokens)})

    def _delete_index(self, conn: sa.Connection, record_id: int, tokens: list[str] | None) -> None:
        if self.dialect == "sqlite":
            if tokens is not None:
                conn.exec_driver_sql(
                    "INSERT INTO archive_fts(archive_fts, rowid, tokens) VALUES ('delete', ?, ?)",
                    (record_id, " ".join(tokens)),
                )
        else:
            conn.execute(sa.delete(t.fulltext).where(t.fulltext.c.record_id == record_id))

    def index_pending(self, limit: int = 500) -> int:
        """Index up to ``limit`` pending records (decrypt, extract, hash, write); returns how many.

        The index rows are written and the pending rows deleted in one transaction, so an entry is
        never lost. On PostgreSQL the pending rows are claimed FOR UPDATE SKIP LOCKED (several nodes
        may run indexers); on SQLite the decrypt/extract/hash work happens before the write
        transaction so the single writer lock is held only briefly (acceptance is not held up).
        Which index key a record gets is decided at commit (archive.reindex); tokens hashed
        under a ring that changed meanwhile are dropped and the batch is tried again later.
        """
        pending_q = (sa.select(t.index_pending.c.record_id).where(t.index_pending.c.attempts < MAX_ATTEMPTS)
                     .order_by(t.index_pending.c.record_id).limit(limit))
        if self.dialect == "postgresql":
            done = 0
            with self.engine.begin() as conn:
                ids = list(conn.execute(pending_q.with_for_update(skip_locked=True)).scalars())
                prepared: list[tuple[int, dict[int, list[str]] | None]] = []
                for record_id in ids:
                    try:
                        prepared.append((record_id, self._tokens_for(conn, record_id)))
                    except Exception as exc:  # noqa: BLE001 - keep the entry, count the failure
                        self._index_failed(conn, record_id, exc)
                if prepared:
                    state = self._index_commit_state(conn)
                    if state is _STALE:
                        conn.rollback()
                        return 0
                    for record_id, tokens in prepared:
                        if tokens is not None:
                            self._write_index(conn, record_id, tokens[reindex.version_for(self._index, state,
                                                                                          record_id)])
                            done += 1
                        conn.execute(sa.delete(t.index_pending).where(t.index_pending.c.record_id == record_id))
            return done
        prepared = []
        failed: list[tuple[int, Exception]] = []
        with self.engine.connect() as conn:
            for record_id in list(conn.execute(pending_q).scalars()):
                try:
                    prepared.append((record_id, self._tokens_for(conn, record_id)))
                except Exception as exc:  # noqa: BLE001
                    failed.append((record_id, exc))
        if not prepared and not failed:
            return 0
        done = 0
        with self.engine.begin() as conn:
            for record_id, exc in failed:
                self._index_failed(conn, record_id, exc)
            state = self._index_commit_state(conn) if prepared else None
            if state is _STALE:
                prepared = []
            for record_id, tokens in prepared:
                res = conn.execute(sa.delete(t.index_pending).where(t.index_pending.c.record_id == record_id))
                if res.rowcount == 1 and tokens is not None:   # 0: indexed or purged meanwhile
                    self._write_index(conn, record_id, tokens[reindex.version_for(self._index, state, record_id)])
                    done += 1
        return done

    def _index_commit_state(self, conn: sa.Connection) -> Any:
        """At an index write's commit: _STALE when the ring changed since the tokens were hashed
        (the caller drops them), else the rebuild's state (None: none under way). On PostgreSQL
        the generation is read FOR SHARE: a rotation or a rebuild's end waits for this commit."""
        q = sa.select(t.head.c.key_generation).where(t.head.c.id == 1)
        if self.dialect == "postgresql":
            q = q.with_for_update(read=True)
        generation = conn.execute(q).scalar()
        if generation is not None and int(generation) != self._sync_index().generation:
            self.keyring.refresh()
            self._sync_index()
            return _STALE
        return reindex.building(conn) if self._index.old_version is not None else None

    def _tokens_for(self, conn: sa.Connection, record_id: int,
                    versions: Iterable[int] | None = None) -> dict[int, list[str]] | None:
        """The record's index tokens under ``versions`` of the index key (default: the ones a
        write may need now: the newest, and the one a rebuild replaces). None: no such record."""
        row = conn.execute(sa.select(t.records).where(t.records.c.id == record_id)).first()
        if row is None:
            return None
        raw = self.open(record_id, conn)
        subject, attachments = self.decrypt_meta(row)
        keys = self._sync_index()
        if versions is None:
            versions = [keys.write_version] + ([keys.old_version] if keys.old_version is not None else [])
        return self.document_tokens_by_version(raw, subject, [n for n, _ty in attachments], versions)

    def indexed_tokens(self, conn: sa.Connection, record_id: int, raw: bytes, subject: str,
                       attachment_names: list[str]) -> list[str]:
        """The tokens ``record_id`` is indexed under now (a contentless FTS5 delete needs them):
        while the index is re-keyed that depends on how far the rebuild got."""
        keys = self._sync_index()
        state = reindex.building(conn) if keys.old_version is not None else None
        version = reindex.version_for(keys, state, record_id)
        return self.document_tokens_by_version(raw, subject, attachment_names, [version])[version]

    @staticmethod
    def _index_failed(conn: sa.Connection, record_id: int, exc: Exception) -> None:
        # Only our own error texts are recorded: an extractor's message might quote message content.
        detail = f"{type(exc).__name__}: {exc}" if isinstance(exc, ArchiveError | KeyRingError) else (
            f"{type(exc).__name__} in text extraction")
        log.warning("archive: cannot index record %s: %s", record_id, detail)
        conn.execute(
            sa.update(t.index_pending).where(t.index_pending.c.record_id == record_id)
            .values(attempts=t.index_pending.c.attempts + 1, last_error=detail[:300])
        )

    # ---- search -------------------------------------------------------------------
    def _query_terms(self, q: Query) -> list[list[list[str]]]:
        """Per text term, its hashed tokens under each index key a search must ask (one; two
        while the index is re-keyed: a record matches under the key it is indexed with)."""
        self.keyring.check()
        hashers = self._sync_index().query
        terms = []
        for term in q.terms:
            alternatives = [h for h in (hasher.query_term(term.text, term.field) for hasher in hashers) if h]
            if alternatives:
                terms.append(alternatives)
        return terms

    @staticmethod
    def _fts_expression(terms: list[list[list[str]]]) -> str:
        def one(alternatives: list[list[str]]) -> str:
            phrases = ['"' + " ".join(h) + '"' for h in alternatives]
            return phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")"
        return " AND ".join(one(a) for a in terms)

    def _fts_match(self, q: Query) -> str | None:
        """The SQLite FTS5 MATCH expression (hashed tokens) of the query's text terms, if any."""
        terms = self._query_terms(q)
        return self._fts_expression(terms) if terms else None

    def _fulltext_condition(self, q: Query) -> Any:
        terms = self._query_terms(q)
        if not terms:
            return None
        if self.dialect == "sqlite":
            sub = sa.select(sa.column("rowid")).select_from(sa.table("archive_fts")).where(
                sa.text("archive_fts MATCH :fts").bindparams(fts=self._fts_expression(terms)))
        else:
            def one(alternatives: list[list[str]]) -> str:
                phrases = ["(" + " <-> ".join(h) + ")" if len(h) > 1 else h[0] for h in alternatives]
                return phrases[0] if len(phrases) == 1 else "(" + " | ".join(phrases) + ")"
            tsq = " & ".join(one(a) for a in terms)
            sub = sa.select(t.fulltext.c.record_id).where(
                sa.text("archive_fulltext.tsv @@ CAST(:tsq AS tsquery)").bindparams(tsq=tsq))
        return t.records.c.id.in_(sub)

    SMALL_SET = 5000          # a side-table filter this selective is fetched whole, else probed per record

    def _side_filter(self, conn: sa.Connection | None, table: sa.Table, where: list[Any]) -> Any:
        """Records with a matching row in ``table`` (addresses, rules). A few thousand such
        records are fetched by the side table's index and ordered; more (a whole domain, a
        busy rule) are checked one by one while walking records newest first, which stops
        after a page instead of first collecting every match."""
        ids = sa.select(table.c.record_id).where(*where)
        if conn is not None:
            n = conn.execute(sa.select(sa.func.count()).select_from(ids.limit(self.SMALL_SET + 1).subquery()))
            if n.scalar_one() <= self.SMALL_SET:
                return t.records.c.id.in_(ids)
        return sa.exists(sa.select(sa.literal(1)).select_from(table).where(
            table.c.record_id == t.records.c.id, *where))

    def _conditions(self, q: Query, departments: Iterable[str] | None, *, fulltext: bool = True,
                    conn: sa.Connection | None = None) -> list[Any]:
        r = t.records.c
        conds: list[Any] = []
        for kind, values in (("f", q.senders), ("t", q.recipients)):
            if values:
                ors = []
                for v in values:
                    col = t.addresses.c.address if "@" in v else t.addresses.c.domain
                    ors.append(col == v)
                conds.append(self._side_filter(conn, t.addresses, [t.addresses.c.kind == kind, sa.or_(*ors)]))
        if q.directions:
            conds.append(r.direction.in_(q.directions))
        if q.verdicts:
            conds.append(r.verdict.in_(q.verdicts))
        if q.rules:
            conds.append(self._side_filter(conn, t.record_rules, [t.record_rules.c.rule.in_(q.rules)]))
        if q.has_attachment:
            conds.append(r.has_attachment.is_(True))
        if q.after is not None:
            conds.append(r.received_at >= q.after)
        if q.before is not None:
            conds.append(r.received_at < q.before)
        if q.ids:
            conds.append(r.id.in_(q.ids))
        if departments is not None:
            conds.append(r.department.in_(list(departments)))
        fts = self._fulltext_condition(q) if fulltext else None
        if fts is not None:
            conds.append(fts)
        return conds

    @staticmethod
    def _encode_cursor(received_at: float, record_id: int, total: int | None = None, exact: bool = True,
                       shown: int = 0) -> str:
        """Where the next page starts, and the total the first page found (later pages show
        the same total instead of counting again, or a smaller lower bound)."""
        doc = [received_at, record_id] + ([total, int(exact), shown] if total is not None else [])
        return base64.urlsafe_b64encode(json.dumps(doc).encode()).decode().rstrip("=")

    @staticmethod
    def _decode_cursor(cursor: str) -> _Cursor:
        try:
            pad = "=" * (-len(cursor) % 4)
            doc = json.loads(base64.urlsafe_b64decode(cursor + pad))
            if not isinstance(doc, list) or len(doc) not in (2, 5):
                raise ValueError("shape")
            if len(doc) == 2:
                return _Cursor(float(doc[0]), int(doc[1]))
            return _Cursor(float(doc[0]), int(doc[1]), max(0, int(doc[2])), bool(doc[3]), max(0, int(doc[4])))
        except (ValueError, TypeError) as exc:
            raise QueryError("invalid cursor") from exc

    SCAN_THRESHOLD = 500      # above this many text matches, page by walking the time index
    SCAN_CHUNK = 1000
    SCAN_MAX_CHUNKS = 30
    SPAN_PER_CANDIDATE = 1000  # ids spanned per filtered record up to which range probes pay
    RANGE_GAP = 64            # ids this close are probed as one rowid range
    MAX_RANGES = 16

    COUNT_CAP = 10_000        # totals are counted exactly up to here unless asked for an exact count
    COUNT_BUDGET = 0.05       # seconds a count may take before it settles for a lower bound
    COUNT_CHECK_EVERY = 20_000    # SQLite VM steps between looks at the clock

    def _capped_count(self, conn: sa.Connection, ids: Any, exact: bool) -> tuple[int, bool]:
        """(count, exact?) of the rows ``ids`` (a SELECT) returns, stopping past COUNT_CAP or
        past COUNT_BUDGET (a filter intersected with a common word can cost more to
        count than to page); then the count is a lower bound (0 here; the caller raises it to
        what the page shows)."""
        if exact:
            return int(conn.execute(sa.select(sa.func.count()).select_from(ids.subquery())).scalar_one()), True
        stmt = sa.select(sa.func.count()).select_from(ids.limit(self.COUNT_CAP + 1).subquery())
        n = (self._count_within_budget(conn, stmt) if self.dialect == "sqlite"
             else self._count_within_budget_pg(conn, stmt))
        if n is None:
            return 0, False
        if n <= self.COUNT_CAP:
            return n, True
        return self.COUNT_CAP, False

    @staticmethod
    def _fts_ids(match: str) -> Any:
        return sa.select(sa.column("rowid")).select_from(sa.table("archive_fts")).where(
            sa.text("archive_fts MATCH :fts").bindparams(fts=match))

    def _fts_count_exceeds(self, conn: sa.Connection, match: str, n: int) -> bool:
        """Whether the text alone matches more than ``n`` records (stops counting at n + 1)."""
        capped = sa.select(sa.func.count()).select_from(self._fts_ids(match).limit(n + 1).subquery())
        return int(conn.execute(capped).scalar_one()) > n

    def _count_within_budget(self, conn: sa.Connection, stmt: Any) -> int | None:
        """Run a count on SQLite, interrupting it (None) once COUNT_BUDGET has passed."""
        conn.exec_driver_sql("SELECT 1")   # the read transaction begins before the clock can interrupt
        raw = conn.connection.driver_connection
        deadline = time.monotonic() + self.COUNT_BUDGET
        raw.set_progress_handler(lambda: time.monotonic() > deadline, self.COUNT_CHECK_EVERY)
        try:
            return int(conn.execute(stmt).scalar_one())
        except sa.exc.OperationalError:
            # "interrupted", or whatever SQLite made of an interrupt inside the statement
            # (connecting the FTS5 table, say): past the deadline, it was ours.
            if time.monotonic() <= deadline:
                raise
            return None
        finally:
            raw.set_progress_handler(None, 0)

    def _count_within_budget_pg(self, conn: sa.Connection, stmt: Any) -> int | None:
        """The same on PostgreSQL: the count runs under ``statement_timeout`` in a savepoint,
        which is rolled back either way (the count keeps nothing, and the rollback undoes the
        timeout); a count the server cancelled is None."""
        savepoint = conn.begin_nested()
        try:
            conn.exec_driver_sql(f"SET LOCAL statement_timeout = {max(1, round(self.COUNT_BUDGET * 1000))}")
            return int(conn.execute(stmt).scalar_one())
        except sa.exc.OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) == "57014":     # query_canceled: the budget ran out
                return None
            raise
        finally:
            savepoint.rollback()

    def search(self, query: str | Query = "", cursor: str | None = None, limit: int = 50,
               departments: Iterable[str] | None = None, *, exact_total: bool = False) -> SearchPage:
        """Newest first; ``next`` is an opaque cursor for the following page (None at the end).

        The total is exact up to COUNT_CAP matches and a lower bound beyond (``total_exact``
        False) unless ``exact_total``: the page itself costs the same at any archive size, an
        exact count of a common word grows with the archive.
        """
        q = parse_query(query) if isinstance(query, str) else query
        limit = max(1, min(int(limit), 1000))
        r = t.records.c
        after_cursor = []
        at = self._decode_cursor(cursor) if cursor else None
        if at is not None:
            after_cursor = [sa.or_(r.received_at < at.received_at,
                                   sa.and_(r.received_at == at.received_at, r.id < at.id))]
        carried = at is not None and at.total is not None and not exact_total
        order = (r.received_at.desc(), r.id.desc())
        match = self._fts_match(q) if self.dialect == "sqlite" else None
        exact = True
        count = partial(self._capped_count, exact=exact_total)
        if carried:   # the first page counted already
            def count(_conn: sa.Connection, _ids: Any) -> tuple[int, bool]:
                return at.total, at.exact
        with self.engine.connect() as conn:
            others = self._conditions(q, departments, fulltext=False, conn=conn)
            fts = self._fulltext_condition(q)
            conds = [*others, fts] if fts is not None else others
            rows = None
            if match is not None:
                # Only a time range keeps ids in few runs (mail is archived in time order).
                time_only = bool(others) and departments is None and not (
                    q.senders or q.recipients or q.directions or q.verdicts or q.rules or q.has_attachment or q.ids)
                narrowed = self._filtered_text_page(conn, match, others, cursor, limit + 1) if time_only else None
                if narrowed is not None:
                    total, rows = narrowed
                    if carried:
                        total, exact = at.total, at.exact
                elif not others:   # text only: count in the FTS index itself (no join)
                    total, exact = count(conn, self._fts_ids(match))
                elif not carried and not exact_total and self._fts_count_exceeds(conn, match, self.COUNT_CAP):
                    # Counting filters against a word in more than COUNT_CAP messages means
                    # collecting all of its matches first: a lower bound instead.
                    total, exact = 0, False
                else:
                    total, exact = count(conn, sa.select(t.records.c.id).where(*conds))
                if narrowed is None and (total > self.SCAN_THRESHOLD or not exact):
                    rows = self._scan_page(conn, match, others + after_cursor, order, limit + 1)
            else:
                total, exact = count(conn, sa.select(t.records.c.id).where(*conds))
            if rows is None:
                rows = conn.execute(sa.select(t.records).where(*conds, *after_cursor).order_by(*order)
                                    .limit(limit + 1)).fetchall()
        items = [self._item(row) for row in rows[:limit]]
        shown = (at.shown if carried else 0) + len(items)
        more = len(rows) > limit
        if not exact:   # a lower bound: at least what the pages so far showed, one more if it goes on
            total = max(total, shown + (1 if more else 0))
        nxt = None
        if more:
            last = rows[limit - 1]
            nxt = self._encode_cursor(last.received_at, last.id, int(total), exact, shown)
        return SearchPage(items, int(total), nxt, exact)

    FILTER_MAX = 50_000

    def _filtered_text_page(self, conn: sa.Connection, match: str, others: list[Any], cursor: str | None,
                            want: int) -> tuple[int, list[Any]] | None:
        """Filters plus text (SQLite): when the filters leave a moderate set of records whose ids
        fall in few runs (time-ordered mail), probe the FTS index by those rowid ranges and
        intersect, which gives the exact total and the page without materialising every text
        match. None when that does not apply (the caller uses the join)."""
        r = t.records.c
        many = conn.execute(sa.select(sa.func.count()).select_from(   # an index count, not a fetch
            sa.select(r.id).where(*others).limit(self.FILTER_MAX + 1).subquery())).scalar_one()
        if many > self.FILTER_MAX:
            return None
        cand = conn.execute(sa.select(r.id, r.received_at).where(*others)).fetchall()
        if not cand:
            return 0, []
        ranges = _id_ranges([c.id for c in cand], gap=64)
        if len(ranges) > 16:
            return None
        hits: set[int] = set()
        for lo, hi in ranges:
            hits.update(conn.exec_driver_sql(
                "SELECT rowid FROM archive_fts WHERE archive_fts MATCH ? AND rowid BETWEEN ? AND ?",
                (match, lo, hi)).scalars())
        matched = sorted(((c.received_at, c.id) for c in cand if c.id in hits), reverse=True)
        total = len(matched)
        if cursor:
            at = self._decode_cursor(cursor)
            matched = [m for m in matched if m < (at.received_at, at.id)]
        page_ids = [i for _ra, i in matched[:want]]
        if not page_ids:
            return total, []
        by_id = {row.id: row for row in conn.execute(sa.select(t.records).where(r.id.in_(page_ids)))}
        return total, [by_id[i] for i in page_ids if i in by_id]

    def _scan_page(self, conn: sa.Connection, match: str, conds: list[Any], order: tuple[Any, ...],
                   want: int) -> list[Any] | None:
        """Many text matches (SQLite): walk records newest first in chunks and keep those the FTS
        index confirms (a rowid-range probe), instead of materialising every match. None when the
        matches are too sparse among the newest records (the caller then uses the plain join)."""
        r = t.records.c
        found: list[int] = []
        bound: list[Any] = []
        size = min(self.SCAN_CHUNK, max(4 * want, 200))   # a page often needs few; grow if not
        for _ in range(self.SCAN_MAX_CHUNKS):
            chunk = conn.execute(sa.select(r.id, r.received_at).where(*conds, *bound).order_by(*order)
                                 .limit(size)).fetchall()
            if not chunk:
                break
            ids = [c.id for c in chunk]
            ranges = _id_ranges(ids, gap=self.RANGE_GAP)
            if len(ranges) > self.MAX_RANGES:
                # Scattered ids (a sender's mail among everyone's): probe the few ranges that
                # cover them, as long as these are not mostly other records' matches; when
                # they would be (a very rare filter), the join.
                ranges = _cover(ids, self.MAX_RANGES)
                if sum(hi - lo + 1 for lo, hi in ranges) > self.SPAN_PER_CANDIDATE * len(ids):
                    return None
            hits: set[int] = set()
            for lo, hi in ranges:     # FTS5 seeks rowid ranges; IN (...) would re-run the match per id
                hits.update(conn.exec_driver_sql(
                    "SELECT rowid FROM archive_fts WHERE archive_fts MATCH ? AND rowid BETWEEN ? AND ?",
                    (match, lo, hi)).scalars())
            found += [i for i in ids if i in hits]
            if len(found) >= want or len(chunk) < size:
                break
            size = min(self.SCAN_CHUNK, size * 2)
            last = chunk[-1]
            bound = [sa.or_(r.received_at < last.received_at, sa.and_(r.received_at == last.received_at,
                                                                      r.id < last.id))]
        else:
            return None
        found = found[:want]
        if not found:
            return []
        rows = conn.execute(sa.select(t.records).where(r.id.in_(found))).fetchall()
        by_id = {row.id: row for row in rows}
        return [by_id[i] for i in found if i in by_id]

    def iter_search(self, query: str | Query = "", departments: Iterable[str] | None = None,
                    page_size: int = 500) -> Iterator[SearchItem]:
        cursor = None
        while True:
            page = self.search(query, cursor=cursor, limit=page_size, departments=departments)
            yield from page.items
            if page.next is None:
                return
            cursor = page.next

    def matching_ids(self, query: str | Query) -> set[int]:
        q = parse_query(query) if isinstance(query, str) else query
        with self.engine.connect() as conn:
            return {r[0] for r in conn.execute(sa.select(t.records.c.id).where(*self._conditions(q, None)))}

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

    # ---- key rotation -----------------------------------------------------------------
    def keys_in_use(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t.blobs.c.kid, sa.func.count()).group_by(t.blobs.c.kid))
            return {kid: int(n) for kid, n in rows}

    def rotate_keys(self, batch_size: int = 500, progress: Callable[[int, int], None] | None = None,
                    *, new_key: bool = True) -> RotationReport:
        """Create a new master key (unless an earlier rotation is unfinished) and re-wrap every data key.

        The new key is active for every process before anything is re-wrapped (one transaction
        under the chain-head lock bumps the ring's generation; an append that sealed under the
        old key re-wraps inside its own transaction). Each re-wrap batch then commits on its own;
        running again after an interruption continues where it stopped.
        """
        self.keyring.refresh()
        new_kid = None
        if self._count_not_under(self.keyring.active_kid) == 0 and new_key:
            new_kid = self.keyring.rotate_master()
        total = self._count_not_under(self.keyring.active_kid)
        done = 0
        while True:
            active = self.keyring.active_kid
            with self.engine.begin() as conn:
                q = (sa.select(t.blobs.c.address, t.blobs.c.dek_id, t.blobs.c.kid, t.blobs.c.wrapped_dek)
                     .where(t.blobs.c.kid != active).order_by(t.blobs.c.address).limit(batch_size))
                if self.dialect == "postgresql":
                    q = q.with_for_update(skip_locked=True)
                rows = conn.execute(q).fetchall()
                for row in rows:
                    aad = _DEK_AAD + bytes.fromhex(row.dek_id)
                    dek = self.keyring.unwrap(row.kid, bytes(row.wrapped_dek), aad)
                    kid, wrapped = self.keyring.wrap(dek, aad)
                    conn.execute(sa.update(t.blobs).where(t.blobs.c.address == row.address, t.blobs.c.kid == row.kid)
                                 .values(kid=kid, wrapped_dek=wrapped))
            if not rows:
                break
            done += len(rows)
            if progress:
                progress(done, total)
        return RotationReport(new_kid=new_kid, rewrapped=done, remaining=0)

    def _count_not_under(self, kid: str) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(t.blobs)
                                    .where(t.blobs.c.kid != kid)).scalar_one())

    def retire_key(self, kid: str) -> None:
        """Retire an old master key: refused (KeyInUse) while any data key or derived key is
        wrapped under it. The check and the retirement run under the chain-head lock, so a data
        key an append wraps under it a moment earlier is counted, and one a moment later is
        re-wrapped by that append (it sees the new generation). Every process then drops the
        key; nodes keeping keys in files shred theirs."""
        if kid == self.keyring.env_kid:
            raise KeyInUse(f"{kid} comes from the environment ({self.keyring.env_name}); "
                           f"set that to the active key {self.keyring.active_kid} first")
        # Every MAC derived from the key is checked and made again under the active key first
        # (a retired key is gone: what it MACed would no longer verify).
        self.remac_chain(kid)
        with self.engine.begin() as conn:
            keystate.lock(conn)
            self.keyring.refresh(conn)
            state = keystate.load(conn)
            assert state is not None
            if kid == state.active:
                raise KeyInUse(f"{kid} is the active master key")
            if not state.live(kid):
                raise KeyRingError(f"no master key {kid}" if kid not in state.states else f"{kid} is already retired")
            count = keystate.data_keys_under(conn, kid)
            if count:
                raise KeyInUse(f"{count} data keys are still wrapped by {kid}; run key rotation first")
            if any(row.kid == kid for row in state.derived):
                raise KeyInUse(f"the derived keys are still wrapped by {kid}")
            macs = self._macs_under(conn, kid)
            if macs:   # MACed under it after remac_chain looked (a process that had not seen the rotation)
                raise KeyInUse(f"{macs} chain MACs were made under {kid} meanwhile; run retire again")
            keystate.retire(conn, kid)
        self.keyring.refresh()

    @staticmethod
    def _macs_under(conn: sa.Connection, kid: str) -> int:
        return sum(int(conn.execute(sa.select(sa.func.count()).select_from(table).where(table.c.mac_kid == kid))
                       .scalar_one()) for table in (t.records, t.tombstones, t.head))

    def remac_chain(self, kid: str, batch: int = 1000) -> int:
        """MAC again, under the active master key, every record, tombstone and the head whose MAC
        was derived from ``kid`` (before ``kid`` is retired, which would leave them unverifiable).
        Each MAC is checked under ``kid`` first; one that does not verify is left as it is and
        KeyInUse raised: retiring a key must never turn evidence of tampering into a valid MAC.
        Batches commit on their own (running again continues). Returns how many were re-MACed."""
        if kid == self.keyring.active_kid:
            raise KeyInUse(f"{kid} is the active master key")
        done = 0
        for table, label, parts in (
            (t.records, "record", lambda r: (int(r.id), r.record_hash)),
            (t.tombstones, "tombstone", lambda r: (int(r.record_id), r.prev_hash, r.record_hash,
                                                   float(r.purged_at), r.reason)),
        ):
            key_col = table.c.id if table is t.records else table.c.record_id
            after = 0       # walked in id order: one pass over the table, whatever its size
            while True:
                with self.engine.begin() as conn:
                    rows = conn.execute(sa.select(table).where(table.c.mac_kid == kid, key_col > after)
                                        .order_by(key_col).limit(batch)).fetchall()
                    if rows:
                        after = int(parts(rows[-1])[0])
                    for row in rows:
                        bad = self.chain.check(row.mac_kid, row.mac, label, *parts(row))
                        if bad:
                            raise KeyInUse(f"{label} {parts(row)[0]}: {bad} under {kid}; not re-MACed "
                                           "(run `mailwarden archive verify`)")
                        new_kid, mac = self.chain.sign(label, *parts(row))
                        conn.execute(sa.update(table).where(key_col == parts(row)[0], table.c.mac_kid == kid)
                                     .values(mac_kid=new_kid, mac=mac))
                done += len(rows)
                if not rows:
                    break
        with self.engine.begin() as conn:
            last_id, last_hash, _generation, head_kid, head_mac = self._lock_head(conn)
            if head_kid == kid:
                bad = self.chain.check(head_kid, head_mac, "head", last_id, last_hash)
                if bad:
                    raise KeyInUse(f"the chain head: {bad} under {kid}; not re-MACed (run `mailwarden archive verify`)")
                n_kid, n_mac = self.head_mac(last_id, last_hash)
                conn.execute(sa.update(t.head).where(t.head.c.id == 1).values(mac_kid=n_kid, mac=n_mac))
                done += 1
        return done


    # short names used in the issue text
    rotate = rotate_keys
    retire = retire_key


def create_schema(engine: sa.Engine) -> None:
    """Create the archive tables, the SQLite FTS5 table and the chain head (tests, first runs)."""
    t.create_schema(engine)
