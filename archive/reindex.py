"""Re-keying the blind index: ``keys rotate-derived index`` then ``keys rebuild-index``.

A rotation adds index key version N+1 in state ``building`` with a ``target``: the last record
id at that moment. From then on:

- new records are indexed under N+1 (an append whose tokens were hashed under N before it
  noticed the change writes an index-pending row instead, see ``Archive.insert_record``);
- the rebuild walks records 1..target in id order, replacing each one's entries under N by
  entries under N+1, and records how far it got (``progress``) in the same transaction, so it
  can stop and resume anywhere, and several runs never do a record twice;
- a record still pending is left to the indexer, which indexes it under N when it lies in the
  part not rebuilt yet (``progress < id <= target``) and under N+1 otherwise (decided at commit,
  in the order the database serialises the two);
- searches ask for both versions (a record matches under the one it is indexed with);
- at the end, N+1 becomes active and N is deleted: its hashes are then noise.

``serve`` runs the rebuild in the background (the indexer); ``keys rebuild-index`` runs it in
the foreground with a progress bar. Either may be interrupted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from archive import keystate
from archive import tables as t
from archive.keyring import KeyRing
from archive.tokens import Hasher


class Tokens(list):
    """Index tokens that remember the key version they were hashed with."""

    version: int = 0


@dataclass(frozen=True)
class IndexKeys:
    """The index key versions a process uses, as of one ring generation."""

    generation: int
    write_version: int
    write: Hasher
    query: tuple[Hasher, ...]                  # newest first: the write key, then the old active one
    old_version: int | None                    # while a rebuild runs: the version being replaced
    hashers: dict[int, Hasher]


def index_keys(ring: KeyRing, cache: dict[int, Hasher]) -> IndexKeys:
    versions = [(v, state, key) for v, state, _until, key in ring.versions("index") if state != "old"]
    hashers: dict[int, Hasher] = {}
    for version, _state, key in versions:
        hasher = cache.get(version)
        if hasher is None:
            hasher = cache[version] = Hasher(key)
        hashers[version] = hasher
    write_version = versions[0][0]
    old = next((v for v, state, _key in versions if state == "active" and v != write_version), None)
    query = tuple(hashers[v] for v, _s, _k in versions if v in (write_version, old))
    return IndexKeys(ring.generation, write_version, hashers[write_version], query, old, hashers)


def building(conn: sa.Connection) -> tuple[int, int, int] | None:
    """(version, progress, target) of the index key being built, as committed now."""
    row = conn.execute(sa.select(t.derived_keys.c.version, t.derived_keys.c.progress, t.derived_keys.c.target)
                       .where(t.derived_keys.c.name == "index", t.derived_keys.c.state == "building")).first()
    return None if row is None else (int(row.version), int(row.progress or 0), int(row.target or 0))


def version_for(keys: IndexKeys, state: tuple[int, int, int] | None, record_id: int) -> int:
    """The version record ``record_id`` is (to be) indexed under, given the rebuild's state."""
    if state is None or keys.old_version is None:
        return keys.write_version
    _version, progress, target = state
    return keys.old_version if progress < record_id <= target else keys.write_version


@dataclass
class RebuildReport:
    version: int | None
    rebuilt: int
    finished: bool


def rebuild(archive, batch: int = 200, progress: Callable[[int, int], None] | None = None,
            *, max_batches: int | None = None) -> RebuildReport:
    """Re-key the blind index (see the module docstring); returns what it did."""
    archive.keyring.refresh()
    keys = archive._sync_index()
    done = 0
    batches = 0
    version = None
    while max_batches is None or batches < max_batches:
        with archive.engine.connect() as conn:
            state = building(conn)
        if state is None or keys.old_version is None:
            return RebuildReport(version, done, True)
        version, start, target = state
        with archive.engine.connect() as conn:
            ids = list(conn.execute(sa.select(t.records.c.id).where(t.records.c.id > start, t.records.c.id <= target)
                                    .order_by(t.records.c.id).limit(batch)).scalars())
        if not ids:
            _finish(archive, version)
            archive.keyring.refresh()
            archive._sync_index()
            return RebuildReport(version, done, True)
        prepared: dict[int, dict[int, list[str]] | None] = {}
        with archive.engine.connect() as conn:
            pending = set(conn.execute(sa.select(t.index_pending.c.record_id)
                                       .where(t.index_pending.c.record_id.in_(ids))).scalars())
            for rid in ids:
                if rid not in pending:
                    prepared[rid] = archive._tokens_for(conn, rid, (keys.old_version, keys.write_version))
        with archive.engine.begin() as conn:
            if archive.dialect == "postgresql":   # wait for an indexer holding any of these, then look again
                conn.execute(sa.select(t.index_pending.c.record_id).where(t.index_pending.c.record_id.in_(ids))
                             .with_for_update())
            now_pending = set(conn.execute(sa.select(t.index_pending.c.record_id)
                                           .where(t.index_pending.c.record_id.in_(ids))).scalars())
            moved = conn.execute(sa.update(t.derived_keys).where(
                t.derived_keys.c.name == "index", t.derived_keys.c.version == version,
                t.derived_keys.c.state == "building", t.derived_keys.c.progress == start).values(progress=ids[-1]))
            if moved.rowcount != 1:     # another rebuild got there first
                continue
            for rid in ids:
                if rid in now_pending:
                    continue            # the indexer will index it (under the new key: it is behind progress now)
                tokens = prepared.get(rid)
                if rid not in prepared:  # indexed by the indexer meanwhile, under the old key
                    tokens = archive._tokens_for(conn, rid, (keys.old_version, keys.write_version))
                if tokens is None:       # purged meanwhile
                    continue
                archive._delete_index(conn, rid, tokens[keys.old_version])
                archive._write_index(conn, rid, tokens[keys.write_version])
                done += 1
        batches += 1
        if progress:
            progress(ids[-1], target)
    return RebuildReport(version, done, False)


def _finish(archive, version: int) -> None:
    """Make the new index key active everywhere and delete the old one (under the head lock,
    so it is one step for every process: appends see the new generation)."""
    with archive.engine.begin() as conn:
        keystate.lock(conn)
        state = building(conn)
        if state is None or state[0] != version:
            return
        conn.execute(sa.delete(t.derived_keys).where(t.derived_keys.c.name == "index",
                                                     t.derived_keys.c.version != version))
        keystate.set_derived_state(conn, "index", version, keystate.ACTIVE)
        keystate.bump(conn)
