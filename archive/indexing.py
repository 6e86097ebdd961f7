"""The blind full-text index: tokens under the index key, the pending queue, and the rebuild under
a new index key. Mixed into :class:`archive.service.Archive`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import sqlalchemy as sa

from archive import reindex
from archive import tables as t
from archive.keyring import KeyRingError
from archive.model import (
    MAX_ATTEMPTS,
    TSV_MAX_POS,
    TSV_MAX_POS_PER_LEXEME,
    ArchiveError,
)
from archive.tokens import Hasher

log = logging.getLogger(__name__)


_STALE = object()     # see Archive._index_commit_state


_POSITIONS = tuple(map(str, range(1, TSV_MAX_POS + 1)))     # "1" .. "16383", formatted once


def tsvector_literal(tokens: list[str]) -> str:
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


class IndexMixin:
    """The archive's indexing (see the module docstring)."""

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
            self._sql_fulltext.run(conn, {"record_id": record_id, "tsv": tsvector_literal(tokens)})

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
