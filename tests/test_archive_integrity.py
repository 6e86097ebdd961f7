"""Tamper evidence: flipped blob bytes, swapped blobs, deleted and edited rows are all named by verify."""

from __future__ import annotations

import os
import stat
import subprocess

import pytest
import sqlalchemy as sa

from archive import tables as t
from archive.blobstore import FilesystemBlobStore, SyncBatch
from archive.service import ArchiveIntegrityError, RecordMeta
from tests.test_archive_support import build, make_archive, put


@pytest.fixture
def filled(engine, tmp_path):
    archive = make_archive(engine, tmp_path)
    ids = [put(archive, build(f"message {i}", f"body {i} 正文")) for i in range(6)]
    assert archive.verify().ok
    return archive, ids


def blob_path(archive, rid):
    with archive.engine.connect() as conn:
        address = conn.execute(sa.select(t.records.c.blob_address).where(t.records.c.id == rid)).scalar_one()
    return archive.blob_store._path(address)


def broken_ids(report):
    return {rid for rid, _ in report.broken}


def test_clean_archive_verifies_with_progress(filled):
    archive, ids = filled
    calls = []
    report = archive.verify(progress=lambda done, total: calls.append((done, total)))
    assert report.ok and report.checked == 6 and not report.broken
    assert calls[-1] == (6, 6)


def test_flipped_blob_byte_is_named(filled):
    archive, ids = filled
    path = blob_path(archive, ids[2])
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    report = archive.verify()
    assert not report.ok
    assert broken_ids(report) == {ids[2]}
    assert "authenticate" in dict(report.broken)[ids[2]]
    with pytest.raises(ArchiveIntegrityError):
        archive.open(ids[2])
    assert archive.open(ids[3])


def test_swapped_blobs_are_detected(filled):
    archive, ids = filled
    a, b = blob_path(archive, ids[0]), blob_path(archive, ids[1])
    a.write_bytes(b.read_bytes())
    report = archive.verify()
    assert broken_ids(report) == {ids[0]}
    with pytest.raises(ArchiveIntegrityError):
        archive.open(ids[0])


def test_missing_blob_is_named(filled):
    archive, ids = filled
    blob_path(archive, ids[4]).unlink()
    report = archive.verify()
    assert broken_ids(report) == {ids[4]}
    assert "missing" in dict(report.broken)[ids[4]]


def test_deleted_record_breaks_chain_at_successor(filled):
    archive, ids = filled
    with archive.engine.begin() as conn:
        conn.execute(sa.delete(t.records).where(t.records.c.id == ids[3]))
    report = archive.verify()
    assert broken_ids(report) == {ids[4]}
    reason = dict(report.broken)[ids[4]]
    assert "chain break" in reason and str(ids[3]) in reason


def test_deleted_last_record_is_detected_by_head(filled):
    archive, ids = filled
    with archive.engine.begin() as conn:
        conn.execute(sa.delete(t.records).where(t.records.c.id == ids[-1]))
    report = archive.verify()
    assert broken_ids(report) == {ids[-1]}


@pytest.mark.parametrize("column,value", [
    ("mail_from", "mallory@evil.example"),
    ("verdict", "delivered"),
    ("received_at", 1.0),
    ("sha256", "0" * 64),
])
def test_edited_row_is_named(filled, column, value):
    archive, ids = filled
    with archive.engine.begin() as conn:
        conn.execute(sa.update(t.records).where(t.records.c.id == ids[1]).values({column: value}))
    report = archive.verify()
    assert ids[1] in broken_ids(report)
    assert ids[2] not in broken_ids(report)       # the chain link to the successor is intact
    assert any("altered" in r for rid, r in report.broken if rid == ids[1])


def test_edited_row_with_recomputed_hash_is_named_by_its_mac_and_breaks_the_successor(filled):
    from archive.service import chain_hash

    archive, ids = filled
    with archive.engine.begin() as conn:
        row = dict(conn.execute(sa.select(t.records).where(t.records.c.id == ids[2])).first()._mapping)
        row["mail_from"] = "mallory@evil.example"
        new_hash = chain_hash(row["prev_hash"], row)
        conn.execute(sa.update(t.records).where(t.records.c.id == ids[2])
                     .values(mail_from=row["mail_from"], record_hash=new_hash))
    assert broken_ids(archive.verify()) == {ids[2], ids[3]}


def test_swapped_encrypted_subject_is_detected(filled):
    archive, ids = filled
    with archive.engine.begin() as conn:
        enc = conn.execute(sa.select(t.records.c.meta_enc).where(t.records.c.id == ids[0])).scalar_one()
        conn.execute(sa.update(t.records).where(t.records.c.id == ids[1]).values(meta_enc=enc))
    assert ids[1] in broken_ids(archive.verify())
    with pytest.raises(ArchiveIntegrityError):
        archive.get_record(ids[1])


def test_blob_store_is_atomic_fanned_out_and_idempotent(tmp_path):
    store = FilesystemBlobStore(tmp_path / "blobs")
    address = "ab" * 32
    assert store.put(address, b"one") is True
    assert store.put(address, b"two") is False       # idempotent: the first write stays
    assert store.get(address) == b"one"
    path = tmp_path / "blobs" / "ab" / address
    assert path.exists()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert list(store.iter_addresses()) == [address]
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert store.delete(address) and not store.exists(address)
    with pytest.raises(ValueError):
        store.put("../../etc/passwd", b"x")


def test_blobs_written_into_a_sync_batch_are_synced_together(tmp_path):
    """The group commit's path without the journal (test_blob_journal.py has it with one):
    files written and linked at once, their fsyncs (and their directories' fsyncs) left to
    one SyncBatch.sync()."""
    store = FilesystemBlobStore(tmp_path / "blobs", journal=False)
    batch = SyncBatch()
    first, second, again = "ab" * 32, "cd" * 32, "ab" * 32
    assert store.put(first, b"one", batch=batch) is True
    assert store.put(second, b"two", batch=batch) is True
    assert store.put(again, b"three", batch=batch) is False      # already there: kept as it is
    assert store.get(first) == b"one"
    assert batch and len(batch._files) == 2
    assert store.rely_on(again, b"one", batch)                  # relied on: synced again with the batch
    assert len(batch._files) == 3
    root = tmp_path / "blobs"
    assert list(batch._dirs) == [str(root / "cd"), str(root / "ab"), str(root)]   # a parent after its children
    batch.sync()
    assert not batch
    assert store.get(first) == b"one" and store.get(second) == b"two"
    for path in (root / "ab", root / "cd"):
        assert not [p for p in path.iterdir() if p.name.endswith(".tmp")]
    # The directories exist from the start: a new blob syncs its own directory only.
    later = SyncBatch()
    assert store.put("ab" * 31 + "ff", b"four", batch=later)
    assert list(later._dirs) == [str(root / "ab")]
    later.sync()


def test_a_new_store_makes_its_256_directories_and_says_its_layout(tmp_path):
    root = tmp_path / "blobs"
    store = FilesystemBlobStore(root)
    assert store.levels == 1
    assert (root / ".layout").read_text() == "fanout-levels 1\n"
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == [".journal", *(f"{i:02x}" for i in range(256))]
    store.put("0f" * 32, b"x")
    again = FilesystemBlobStore(root)                 # opened again (another process, a restart)
    assert again.levels == 1 and again.get("0f" * 32) == b"x"
    (root / "0f" / ("0f" * 32)).unlink()
    (root / "0f").rmdir()                             # a directory removed by hand is made again
    assert again.put("0f" * 32, b"y") and again.get("0f" * 32) == b"y"
    (root / ".layout").write_text("fanout-levels 7\n")
    with pytest.raises(ValueError, match=r"\.layout.*fanout-levels 1"):
        FilesystemBlobStore(root)


def test_a_store_of_the_first_layout_keeps_its_two_levels(tmp_path):
    """Stores written before the layout file existed hold ab/cd/abcd… and are read, written,
    listed and deleted from in that layout."""
    root = tmp_path / "blobs"
    old = root / "ab" / "cd" / ("abcd" + "0" * 60)
    old.parent.mkdir(parents=True)
    old.write_bytes(b"old blob")
    store = FilesystemBlobStore(root, journal=False)
    assert store.levels == 2 and (root / ".layout").read_text() == "fanout-levels 2\n"   # now said
    assert store.get("abcd" + "0" * 60) == b"old blob"
    batch = SyncBatch()
    assert store.put("12" * 32, b"new", batch=batch)
    assert list(batch._dirs) == [str(root / "12" / "12"), str(root / "12"), str(root)]   # made now
    batch.sync()
    assert (root / "12" / "12" / ("12" * 32)).read_bytes() == b"new"
    journalled = FilesystemBlobStore(root)             # with the journal: the same layout
    batch = SyncBatch()
    assert journalled.put("34" * 32, b"newer", batch=batch)
    batch.sync()
    journalled.close()
    assert (root / "34" / "34" / ("34" * 32)).read_bytes() == b"newer"
    assert sorted(store.iter_addresses()) == sorted(["abcd" + "0" * 60, "12" * 32, "34" * 32])
    assert store.delete("abcd" + "0" * 60) and not old.exists()


def test_the_layout_is_read_from_the_blobs_when_the_layout_file_is_missing(tmp_path):
    """A copy made without dot-files, or a marker left empty by a crash, must not turn a
    one-level store into a two-level one (its blobs would all go missing)."""
    original = FilesystemBlobStore(tmp_path / "blobs")
    original.put("7a" * 32, b"kept")
    (tmp_path / "blobs" / ".layout").unlink()
    copy = FilesystemBlobStore(tmp_path / "blobs")
    assert copy.levels == 1 and copy.get("7a" * 32) == b"kept"
    (tmp_path / "blobs" / ".layout").write_text("")
    assert FilesystemBlobStore(tmp_path / "blobs").levels == 1


def test_a_read_only_store_of_the_first_layout_is_still_read(tmp_path):
    root = tmp_path / "blobs"
    old = root / "ab" / "cd" / ("abcd" + "0" * 60)
    old.parent.mkdir(parents=True)
    old.write_bytes(b"old blob")
    subprocess.run(["chattr", "-R", "+i", str(root)], capture_output=True)
    try:
        if os.access(root, os.W_OK) and not _immutable(root):
            root.chmod(0o500)              # without chattr: at least not writable for others
        store = FilesystemBlobStore(root)
        assert store.levels == 2 and store.get("abcd" + "0" * 60) == b"old blob"
    finally:
        subprocess.run(["chattr", "-R", "-i", str(root)], capture_output=True)
        root.chmod(0o700)


def _immutable(path) -> bool:  # noqa: ANN001
    out = subprocess.run(["lsattr", "-d", str(path)], capture_output=True, text=True).stdout
    return "i" in out.split(" ")[0] if out else False


def _open_store(root: str, out) -> None:  # noqa: ANN001
    out.put(FilesystemBlobStore(root).levels)


def test_processes_opening_a_new_store_at_once_agree_on_one_level(tmp_path):
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    for trial in range(20):
        root = str(tmp_path / f"store{trial}")
        out = ctx.SimpleQueue()
        procs = [ctx.Process(target=_open_store, args=(root, out)) for _ in range(3)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(30)
        assert sorted(out.get() for _ in procs) == [1, 1, 1]


def test_a_failed_sync_removes_what_it_linked_and_the_retry_writes_afresh(tmp_path):
    """After a failed fsync the page cache cannot be trusted: the blobs the batch linked are
    removed, so the client's retry writes and syncs them again instead of adopting them.
    (Without the journal: with it, no file's fsync is on this path, test_blob_journal.py.)"""
    store = FilesystemBlobStore(tmp_path / "blobs", journal=False)
    batch = SyncBatch()
    store.put("ab" * 32, b"one", batch=batch)
    r, w = os.pipe()               # a pipe cannot be fsync'd: EINVAL from the real syscall
    os.close(r)
    batch.add_file(w)
    with pytest.raises(OSError):
        batch.sync()
    assert not batch
    with pytest.raises(OSError):   # every descriptor was closed, the failing one too
        os.fstat(w)
    assert not store.exists("ab" * 32)
    retry = SyncBatch()
    assert store.put("ab" * 32, b"one", batch=retry) is True
    retry.sync()
    assert store.get("ab" * 32) == b"one"


def test_same_message_stored_once_one_record_per_event(engine, tmp_path):
    archive = make_archive(engine, tmp_path)
    raw = build("dedup", "same bytes twice")
    first = put(archive, raw, event="accepted")
    second = put(archive, raw, event="released")
    assert first != second
    assert len(list(archive.blob_store.iter_addresses())) == 1
    assert archive.open(first) == archive.open(second) == raw
    assert archive.open_digest(archive.get_record(first).sha256) == raw
    assert archive.verify().ok


def test_blob_left_by_rolled_back_acceptance_is_adopted(engine, tmp_path):
    """Two seals of the same message have different data keys; the second adopts the first blob."""
    archive = make_archive(engine, tmp_path)
    raw = build("race", "accepted twice at the same moment")
    first = archive.seal(raw)
    archive.write_blob(first)                 # its transaction then rolls back: no row
    second = archive.seal(raw)
    assert second.dek_id != first.dek_id
    archive.write_blob(second)
    assert second.dek_id == first.dek_id      # adopted the key of the blob on disk
    with engine.begin() as conn:
        rid = archive.insert_record(conn, second, RecordMeta(subject="race"))
    assert archive.open(rid) == raw
    assert archive.verify().ok


def test_group_commit_many_records_one_transaction(engine, tmp_path):
    archive = make_archive(engine, tmp_path)
    with engine.begin() as conn:
        ids = []
        for i in range(12):
            sealed = archive.seal(build(f"batch {i}", f"group commit {i}"))
            archive.write_blob(sealed)
            ids.append(archive.insert_record(conn, sealed, RecordMeta(subject=f"batch {i}")))
    assert ids == list(range(ids[0], ids[0] + 12))
    assert archive.verify().ok
    assert archive.index_pending() == 12


@pytest.mark.parametrize("cache", [1, 50_000])
def test_a_shared_blob_is_judged_for_every_record_however_small_the_cache(engine, tmp_path, cache):
    """verify keeps only a bounded number of blob results (flat memory at a million records);
    a blob checked again after it left the cache gets the same verdict."""
    archive = make_archive(engine, tmp_path)
    raw = build("shared", "the same message archived twice")
    first = put(archive, raw)
    other = put(archive, build("other", "something else"))
    second = put(archive, raw, event="released")
    path = blob_path(archive, first)
    assert path == blob_path(archive, second) != blob_path(archive, other)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    archive.VERIFY_CACHE = cache
    report = archive.verify()
    assert broken_ids(report) == {first, second}
