"""Blobs and encrypted metadata: sealing a message, writing and opening its blob, the metadata
ciphertext. Mixed into :class:`archive.service.Archive`; uses its ``engine``, ``blob_store``,
``keyring`` and ``_meta_ciphers``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import struct
import threading
from typing import Any

import sqlalchemy as sa
import zstandard
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from archive import tables as t
from archive.blobstore import BlobNotFound, SyncBatch
from archive.keyring import KeyMissing, KeyRingError
from archive.model import (
    DEK_AAD,
    MAGIC,
    META_AAD,
    ArchiveIntegrityError,
    ArchiveKeyMissing,
    RecordNotFound,
    SealedMessage,
    meta_json,
)

# ---- small helpers ------------------------------------------------------------------
_META_V2 = b"MWm2"    # metadata sealed under a versioned (rotated) metadata key


def _address(key: bytes, version: int, raw: bytes) -> str:
    digest = hmac.new(key, raw, hashlib.sha256).hexdigest()
    return digest if version == 1 else digest[:60] + f"{version:04x}"


def _meta_aad(version: int, record_id: int, sha256: str, event: str) -> bytes:
    if version == 1:
        return META_AAD + f"{record_id}:{sha256}:{event}".encode()
    return META_AAD + f"v{version}:{record_id}:{sha256}:{event}".encode()


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


class SealingMixin:
    """The archive's sealing (see the module docstring)."""

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

    # ---- sealing and blobs --------------------------------------------------------
    def address_of(self, raw: bytes) -> str:
        """The blob address of ``raw`` under the active address key.

        Version 1 is the whole HMAC-SHA256 in hex (as before addresses were versioned); a later
        version ``v`` is the first 60 hex digits of its HMAC followed by ``v`` in four hex digits,
        so an address still fits the 64-character column and names the key that made it.
        """
        version, key = self.keyring.active_derived("address")
        return _address(key, version, raw)

    def address_matches(self, raw: bytes, address: str) -> bool:
        """Whether ``address`` is ``raw``'s address under the version the address names (or,
        for a 64-digit address that is not a versioned one, under version 1)."""
        if len(address) == 64 and (version := int(address[60:], 16)) >= 2:
            try:
                key = self.keyring.derived_version("address", version)
            except KeyMissing:
                key = None
            if key is not None and hmac.compare_digest(_address(key, version, raw), address):
                return True
        return hmac.compare_digest(_address(self.keyring.derived_version("address", 1), 1, raw), address)

    def seal(self, raw: bytes) -> SealedMessage:
        """Compress and encrypt ``raw`` under a fresh data key. CPU only, thread-safe."""
        raw = bytes(raw)
        sha = hashlib.sha256(raw)
        digest = sha.hexdigest()
        rand = os.urandom(60)      # one call for the data key (32), its id (16) and the nonce (12)
        dek, dek_id, nonce = rand[:32], rand[32:48], rand[48:]
        kid, wrapped = self.keyring.wrap(dek, DEK_AAD + dek_id)
        body = AESGCM(dek).encrypt(nonce, _compressor(self.zstd_level).compress(raw), MAGIC + sha.digest() + dek_id)
        kid_b = kid.encode()
        blob = b"".join((
            MAGIC, dek_id, bytes((len(kid_b),)), kid_b, struct.pack(">H", len(wrapped)), wrapped, nonce, body,
        ))
        return SealedMessage(self.address_of(raw), digest, len(raw), dek_id.hex(), kid, wrapped, blob, dek)

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
                      address: str | None = None, size: int | None = None, dek: bytes | None = None) -> bytes:
        b_dek_id, _kid, _w, nonce, body = self._parse_blob(blob)
        if b_dek_id.hex() != dek_id:
            raise ArchiveIntegrityError("blob was written under a different data key than its record")
        if dek is None:
            dek = self._unwrap_dek(kid, wrapped, b_dek_id)
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
        if address is not None and not self.address_matches(raw, address):
            raise ArchiveIntegrityError("blob address does not match its content")
        return raw

    def _unwrap_dek(self, kid: str, wrapped: bytes, dek_id: bytes) -> bytes:
        try:
            return self.keyring.unwrap(kid, wrapped, DEK_AAD + dek_id)
        except KeyMissing as exc:
            raise ArchiveKeyMissing(str(exc)) from exc
        except KeyRingError as exc:
            raise ArchiveIntegrityError(f"data key: {exc}") from exc

    def _blob_row(self, address: str) -> sa.Row | None:
        """The blob row of ``address`` (dek_id, kid, wrapped_dek), or None. The row, not a stored
        file's header, says which master key wraps its data key: a rotation re-wraps rows, never
        files (the header still names a key that may since be retired)."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(t.blobs.c.dek_id, t.blobs.c.kid, t.blobs.c.wrapped_dek)
                                .where(t.blobs.c.address == address)).first()

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
            row = self._blob_row(sealed.address)
            try:
                dek_id, kid, wrapped, _n, _b = self._parse_blob(existing)
                if row is not None and row.dek_id == dek_id.hex():
                    kid, wrapped = row.kid, bytes(row.wrapped_dek)
                dek = self._unwrap_dek(kid, wrapped, dek_id)
                self._decrypt_blob(existing, sha256=sealed.sha256, dek_id=dek_id.hex(), kid=kid,
                                   wrapped=wrapped, address=sealed.address, size=sealed.size, dek=dek)
            except (ArchiveIntegrityError, ArchiveKeyMissing):
                # (an orphan under a retired key is as unusable as a damaged one)
                if row is None:   # unusable orphan nobody references: replace it (synced now)
                    self.blob_store.put(sealed.address, sealed.blob, overwrite=True)
                return            # (never journal bytes that do not decrypt)
            # Adopt the stored blob's data key so whichever row wins describes the file on disk;
            # the key itself is kept, so the commit can re-wrap it whatever the ring holds by then.
            sealed.dek_id, sealed.kid, sealed.wrapped_dek, sealed.blob = dek_id.hex(), kid, wrapped, existing
            sealed.dek = dek
        # The blob there may be another process's, or a failed batch's, and not yet durable.
        if not self.blob_store.rely_on(sealed.address, existing, batch):
            self.blob_store.put(sealed.address, sealed.blob, overwrite=True)   # purged meanwhile

    def encrypt_meta(self, record_id: int, sha256: str, event: str, subject: str | None,
                     attachments: list[tuple[str, str]], session: dict[str, Any] | None = None,
                     screening: list[dict[str, Any]] | None = None) -> bytes:
        """The record's subject and attachment names, sealed under the active metadata key.

        Version 1: ``nonce | ciphertext`` (the format before the key was versioned). Later
        versions: ``b"MWm2" | version (2) | nonce | ciphertext``, the version also in the
        associated data, so a record names the key it needs and cannot be moved to another."""
        doc: dict[str, Any] = {"s": subject or "", "a": [[n, ty] for n, ty in attachments]}
        if session:
            doc["c"] = session
        if screening is not None:
            doc["f"] = screening
        plain = meta_json(doc).encode()
        nonce = os.urandom(12)
        version, key = self.keyring.active_derived("meta")
        if version == 1:
            return nonce + self._meta_cipher(1, key).encrypt(nonce, plain, _meta_aad(1, record_id, sha256, event))
        return (_META_V2 + struct.pack(">H", version) + nonce
                + self._meta_cipher(version, key).encrypt(nonce, plain, _meta_aad(version, record_id, sha256, event)))

    def _meta_cipher(self, version: int, key: bytes | None = None) -> AESGCM:
        cached = self._meta_ciphers.get(version)
        if cached is None:
            key = key if key is not None else self.keyring.derived_version("meta", version)
            cached = self._meta_ciphers[version] = AESGCM(key)
        return cached

    def decrypt_meta(self, row: Any) -> tuple[str, list[tuple[str, str]]]:
        """(subject, [(attachment name, type)]) of a record row."""
        doc = self._meta_doc(row)
        return doc["s"], [(n, ty) for n, ty in doc["a"]]

    def record_session(self, record_id: int) -> dict[str, Any] | None:
        """The SMTP session a record came in (client, HELO, TLS, login), for records archived
        since it was kept; None for older ones and for messages the gateway made itself."""
        session = self._meta_doc(self._meta_row(record_id)).get("c")
        return dict(session) if isinstance(session, dict) else None

    def record_screening(self, record_id: int) -> list[dict[str, Any]] | None:
        """What screening found in a record (gateway/screening_summary.py), for records
        archived since it was kept; None for older ones and for messages the gateway made."""
        found = self._meta_doc(self._meta_row(record_id)).get("f")
        return [dict(f) for f in found if isinstance(f, dict)] if isinstance(found, list) else None

    def _meta_row(self, record_id: int) -> Any:
        r = t.records.c
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(r.id, r.sha256, r.event, r.meta_enc).where(r.id == record_id)).first()
        if row is None:
            raise RecordNotFound(record_id)
        return row

    def _meta_doc(self, row: Any) -> dict[str, Any]:
        m = row._mapping if hasattr(row, "_mapping") else row
        enc = bytes(m["meta_enc"])
        rid, sha, event = m["id"], m["sha256"], m["event"]
        plain: bytes | None = None
        missing: KeyMissing | None = None
        if enc[:4] == _META_V2 and len(enc) >= 4 + 2 + 12 + 16:
            (version,) = struct.unpack(">H", enc[4:6])
            try:
                plain = self._meta_cipher(version).decrypt(enc[6:18], enc[18:], _meta_aad(version, rid, sha, event))
            except KeyMissing as exc:
                missing = exc
            except InvalidTag:
                pass     # or a version-1 nonce that happens to start with the marker: try that
        if plain is None:
            try:
                plain = self._meta_cipher(1).decrypt(enc[:12], enc[12:], _meta_aad(1, rid, sha, event))
            except InvalidTag as exc:
                if missing is not None:
                    raise ArchiveKeyMissing(f"record {rid}: {missing}") from exc
                raise ArchiveIntegrityError(f"record {rid}: encrypted metadata does not authenticate") from exc
        return json.loads(plain)

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

    def digest_size(self, sha256_hex: str) -> int | None:
        """The size of an archived message (None: not archived), without reading it: a
        reader can make room in its memory budget first."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(t.blobs.c.size).where(t.blobs.c.sha256 == sha256_hex.lower())
                                .limit(1)).scalar()

    def open_digest(self, sha256_hex: str) -> bytes:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(*self._BLOB_COLS).where(t.blobs.c.sha256 == sha256_hex.lower())).first()
        if row is None:
            raise RecordNotFound(sha256_hex)
        return self._open_blob_row(row)
