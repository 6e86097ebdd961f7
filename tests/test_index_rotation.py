"""The blind index re-keyed (issue 13): `keys rotate-derived index`, then a resumable rebuild
while mail keeps coming; searches find everything before, during and after, from every node."""

from __future__ import annotations

import shutil

import sqlalchemy as sa

from archive import tables as t
from archive.blobstore import FilesystemBlobStore
from archive.keyring import KeyRing
from archive.mime import meta_from_raw, simple_text_extractor
from archive.service import Archive, create_schema
from archive.tokens import Hasher
from tests.test_archive_support import build, put


def node(engine, root, keys):
    return Archive(engine, FilesystemBlobStore(root / "blobs"), KeyRing.open(root / keys), simple_text_extractor)


def put_indexed(archive: Archive, raw: bytes) -> int:
    """The gateway's way: tokens hashed before the transaction, written with the record."""
    meta = meta_from_raw(raw)
    tokens = archive.index_tokens(meta.subject, [], simple_text_extractor(raw))
    sealed = archive.seal(raw)
    archive.write_blob(sealed)
    with archive.engine.begin() as conn:
        return archive.insert_record(conn, sealed, meta, tokens)


def found(archive: Archive, word: str) -> set[int]:
    return {item.id for item in archive.iter_search(word)}


def raw_matches(engine, hashed: list[str]) -> int:
    """Index entries matching these hashed tokens, straight from the index tables."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return len(conn.exec_driver_sql("SELECT rowid FROM archive_fts WHERE archive_fts MATCH ?",
                                            ('"' + " ".join(hashed) + '"',)).fetchall())
        return len(conn.execute(sa.text("SELECT record_id FROM archive_fulltext WHERE tsv @@ CAST(:q AS tsquery)"),
                                {"q": " <-> ".join(hashed)}).fetchall())


def test_index_rekeyed_while_mail_flows(engine, tmp_path):
    create_schema(engine)
    a = node(engine, tmp_path, "keys-a")
    shutil.copytree(tmp_path / "keys-a", tmp_path / "keys-b")
    b = node(engine, tmp_path, "keys-b")
    ids = [put_indexed(a, build(f"m{i}", f"common word{i} 机密合同")) for i in range(8)]
    ids.append(put(a, build("m8", "common word8 机密合同")))        # still pending at the rotation
    ids.append(put_indexed(a, build("m9", "common word9 机密合同")))
    old_hash = Hasher(a.keyring.index_key).query_term("common")
    assert raw_matches(engine, old_hash) == 9
    late_raw = build("late", "common wordlate 机密合同")            # a session on A hashes it now...
    late_meta = meta_from_raw(late_raw)
    late_tokens = a.index_tokens(late_meta.subject, [], simple_text_extractor(late_raw))

    assert b.keyring.rotate_derived("index") == 2
    assert found(a, "common") == set(ids) - {ids[8]}           # nothing rebuilt yet: all found
    sealed = a.seal(late_raw)                                  # ...and commits after the rotation
    a.write_blob(sealed)
    with engine.begin() as conn:
        late = a.insert_record(conn, sealed, late_meta, late_tokens)
    assert found(b, "common") == set(ids) - {ids[8]}           # old-key tokens: left to the indexer
    a.index_pending()
    ids.append(late)
    assert found(a, "common") == set(ids) and found(b, "wordlate") == {late}

    report = b.rebuild_index(batch=4, max_batches=1)           # part of it: records 1..4
    assert not report.finished and report.rebuilt == 4
    assert found(a, "common") == set(ids) == found(b, "common")
    assert found(a, "word2") == {ids[2]} and found(b, "word6") == {ids[6]} and found(a, "机密") == set(ids)
    put(a, build("during", "common wordduring"))   # more mail meanwhile, indexed by the indexer
    ids.append(max(ids) + 1)
    assert a.index_pending() == 1                  # the new one (record 9 was indexed under the old key)
    assert found(a, "common") == set(ids)

    seen = []
    report = a.rebuild_index(batch=3, progress=lambda done, total: seen.append((done, total)))
    assert report.finished and report.version == 2
    assert seen and seen[-1][0] == seen[-1][1] == 10
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.derived_keys.c.version, t.derived_keys.c.state)
                            .where(t.derived_keys.c.name == "index")).all()
    assert rows == [(2, "active")]
    assert raw_matches(engine, old_hash) == 0                   # no entry left under the old key
    for archive in (a, b, node(engine, tmp_path, "keys-a")):
        archive.keyring.refresh()
        assert found(archive, "common") == set(ids)
        assert found(archive, "word8") == {ids[8]} and found(archive, "wordduring") == {ids[-1]}
    assert b.rebuild_index().finished and a.verify().ok
    assert b.keyring.rotate_derived("index") == 3               # and again


def test_serve_rebuilds_the_index_in_the_background(tmp_path, database_url):
    """After `keys rotate-derived index`, the gateway's indexer re-keys the index when idle."""
    import time

    from tests.harness import InProcessGateway, free_port, send, simple_message, write_config

    config = write_config(tmp_path / "gw", database_url=database_url, next_hop="127.0.0.1:9",
                          smtp_port=free_port(), api_port=free_port())
    gateway = InProcessGateway(config, with_api=False).start()
    try:
        archive = gateway.services.archive
        for i in range(5):
            send(gateway.smtp_port, "alice@example.com", ["bob@example.com"],
                 simple_message(subject=f"rekey {i}", body=f"background rebuild word{i}\r\n"))
        deadline = time.monotonic() + 20
        while len(found(archive, "rebuild")) < 5 and time.monotonic() < deadline:
            time.sleep(0.1)
        before = found(archive, "rebuild")
        assert len(before) == 5
        old_hash = Hasher(archive.keyring.index_key).query_term("rebuild")
        archive.keyring.rotate_derived("index")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with archive.engine.connect() as conn:
                states = conn.execute(sa.select(t.derived_keys.c.version, t.derived_keys.c.state)
                                      .where(t.derived_keys.c.name == "index")).all()
            if states == [(2, "active")]:
                break
            time.sleep(0.2)
        assert states == [(2, "active")]
        assert raw_matches(archive.engine, old_hash) == 0
        assert found(archive, "rebuild") == before and found(archive, "word3") == {min(before) + 3}
    finally:
        gateway.stop()


def test_purge_during_a_rebuild_removes_the_right_index_entries(engine, tmp_path):
    """A purge in the middle of a re-keying deletes each record's entries under the key it is
    indexed with (a contentless FTS5 delete with the wrong tokens would corrupt the index)."""
    from archive.retention import Retention

    now = 1_800_000_000.0
    create_schema(engine)
    a = node(engine, tmp_path, "keys")
    old_ids = [put(a, build(f"old {i}", f"purgeable stale{i}"), received_at=now - 400 * 86400) for i in range(6)]
    keep = [put(a, build(f"keep {i}", f"purgeable kept{i}"), received_at=now) for i in range(2)]
    a.index_pending()
    old_key = a.keyring.index_key
    a.keyring.rotate_derived("index")
    assert not a.rebuild_index(batch=3, max_batches=1).finished     # old_ids[:3] re-keyed, old_ids[3:] not
    report = Retention(a, [], default_days=30, clock=lambda: now).purge()
    assert sorted(report.purged_ids) == old_ids
    new_key = a._sync_index().write._key
    for key in (old_key, new_key):      # no entry of a purged record left, under either key
        for i in range(6):
            assert raw_matches(engine, Hasher(key).query_term(f"stale{i}")) == 0, (key == new_key, i)
    assert found(a, "purgeable") == set(keep)
    assert a.rebuild_index().finished
    assert found(a, "purgeable") == set(keep) and found(a, "kept1") == {keep[1]} and not found(a, "stale4")
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:   # the FTS5 index is consistent after the deletes
            conn.exec_driver_sql("INSERT INTO archive_fts(archive_fts, rank) VALUES ('integrity-check', 0)")
    put(a, build("after", "purgeable after"))
    a.index_pending()
    assert len(found(a, "purgeable")) == 3
