"""The blob journal: a batch of blobs is durable after one append and one fdatasync, and what
a writer that stopped left only in its journal is put right by the next store that opens.

Crashes are real processes killed with SIGKILL; a lost page cache (what a power failure
does to files written without fsync) is reproduced by emptying or removing the blob files
the dead writer left, which is what the journal is there to repair."""

from __future__ import annotations

import errno
import multiprocessing as mp
import os
import resource
import shutil
import signal
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.blobjournal import SEGMENT_MAGIC, encode_record, fsync_path, iter_records
from archive.blobstore import FilesystemBlobStore, SyncBatch

FORK = mp.get_context("fork")


def _segments(root: Path) -> list[Path]:
    return sorted((root / ".journal").glob("*.seg"))


def _in_a_child(target, *args):  # noqa: ANN001, ANN002, ANN202
    """Run ``target(*args, out)`` in a forked process that must exit cleanly; its ``out`` queue."""
    out = FORK.SimpleQueue()
    child = FORK.Process(target=target, args=(*args, out))
    child.start()
    child.join(120)
    assert child.exitcode == 0, f"{target.__name__} exited with {child.exitcode}"
    return out


def _address(i: int) -> str:
    return f"{i:064x}"


def _blob(i: int) -> bytes:
    return (b"blob %d " % i) * 300


def _write_batch(store: FilesystemBlobStore, numbers: range) -> None:
    batch = SyncBatch()
    for i in numbers:
        assert store.put(_address(i), _blob(i), batch=batch) is True
    batch.sync()


def test_a_batch_is_one_journal_append_and_the_checkpoint_removes_it(tmp_path):
    root = tmp_path / "blobs"
    store = FilesystemBlobStore(root, checkpoint_interval=600)
    _write_batch(store, range(5))
    (segment,) = _segments(root)
    records = list(iter_records(segment.read_bytes()))
    assert records == [(_address(i), _blob(i)) for i in range(5)]
    assert [store.get(_address(i)) for i in range(5)] == [_blob(i) for i in range(5)]   # readable at once
    _write_batch(store, range(5, 8))
    assert _segments(root) == [segment]                # the same segment until it is due
    store.flush()
    assert _segments(root) == []
    assert [store.get(_address(i)) for i in range(8)] == [_blob(i) for i in range(8)]
    _write_batch(store, range(8, 10))
    store.close()                                      # a clean stop leaves no journal
    assert _segments(root) == []
    assert store.get(_address(9)) == _blob(9)


def test_the_background_checkpoint_retires_segments_on_its_own(tmp_path):
    root = tmp_path / "blobs"
    store = FilesystemBlobStore(root, checkpoint_interval=0.2)
    _write_batch(store, range(3))
    journal = store._journal_for_this_process()
    deadline = time.monotonic() + 10
    while (_segments(root) or journal.pending(_address(0))) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _segments(root) == [], "the checkpoint thread never retired the segment"
    assert not journal.pending(_address(0))
    store.close()


def _crash_after_a_batch(root: str, numbers: range, ready) -> None:  # noqa: ANN001
    store = FilesystemBlobStore(root, checkpoint_interval=600)
    _write_batch(store, numbers)
    ready.set()
    signal.pause()                                     # killed here, before any checkpoint


def _kill_a_writer_after(root: Path, numbers: range) -> None:
    ready = FORK.Event()
    child = FORK.Process(target=_crash_after_a_batch, args=(str(root), numbers, ready))
    child.start()
    assert ready.wait(30)
    os.kill(child.pid, signal.SIGKILL)
    child.join(30)


def test_a_killed_writers_blobs_are_rewritten_from_its_journal(tmp_path):
    root = tmp_path / "blobs"
    FilesystemBlobStore(root)
    _kill_a_writer_after(root, range(6))
    assert len(_segments(root)) == 1
    # What a power failure can leave of files written without fsync: nothing, or a torn file.
    (root / _address(0)[:2] / _address(0)).unlink()
    (root / _address(1)[:2] / _address(1)).write_bytes(b"")
    (root / _address(2)[:2] / _address(2)).write_bytes(_blob(2)[:100])
    store = FilesystemBlobStore(root)
    assert store.recover(settle=0) == 6                        # what the archive does when it opens its store
    assert _segments(root) == []
    assert [store.get(_address(i)) for i in range(6)] == [_blob(i) for i in range(6)]
    assert not [p for p in root.rglob("*.tmp")]


def test_a_live_writers_segment_is_left_alone(tmp_path):
    root = tmp_path / "blobs"
    FilesystemBlobStore(root)
    ready = FORK.Event()
    child = FORK.Process(target=_crash_after_a_batch, args=(str(root), range(2), ready))
    child.start()
    try:
        assert ready.wait(30)
        (segment,) = _segments(root)
        (root / _address(0)[:2] / _address(0)).unlink()        # as if lost, but its writer lives
        assert FilesystemBlobStore(root).recover(settle=0) == 0
        assert _segments(root) == [segment], "a replay took a segment whose writer holds it"
        assert not (root / _address(0)[:2] / _address(0)).exists()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.join(30)
    store = FilesystemBlobStore(root)
    assert store.recover(settle=0) == 2 and store.get(_address(0)) == _blob(0)   # now it is the dead writer's
    assert _segments(root) == []


def test_a_torn_last_record_ends_the_segment(tmp_path):
    """A batch cut off mid-write was never synced, so nobody was told it was stored: the
    records before it are replayed, it is not, and nothing fails."""
    root = tmp_path / "blobs"
    FilesystemBlobStore(root)
    _kill_a_writer_after(root, range(3))
    (segment,) = _segments(root)
    segment.write_bytes(segment.read_bytes() + encode_record(_address(3), _blob(3))[:-7])
    for i in range(3):
        (root / _address(i)[:2] / _address(i)).unlink()
    store = FilesystemBlobStore(root)
    assert store.recover(settle=0) == 3
    assert [store.get(_address(i)) for i in range(3)] == [_blob(i) for i in range(3)]
    assert not store.exists(_address(3))
    assert _segments(root) == []


def test_a_blob_that_was_already_stored_is_journalled_when_relied_on(tmp_path):
    """The same message accepted again: put() leaves the file that is there (perhaps one a
    failed batch, or another process, left unsynced) and writes nothing; once the caller has
    read and checked it and relies on it, its bytes go to the journal with the batch."""
    root = tmp_path / "blobs"
    store = FilesystemBlobStore(root, checkpoint_interval=600)
    (root / _address(1)[:2] / _address(1)).write_bytes(b"left by an earlier batch")
    batch = SyncBatch()
    assert store.put(_address(1), b"this batch's bytes", batch=batch) is False
    assert not batch
    assert store.rely_on(_address(1), b"left by an earlier batch", batch) is True
    batch.sync()
    (segment,) = _segments(root)
    assert list(iter_records(segment.read_bytes())) == [(_address(1), b"left by an earlier batch")]
    assert store.rely_on(_address(2), b"never stored", SyncBatch()) is False
    store.close()
    assert _segments(root) == []


def _remove_and_replace_then_crash(root: str, ready) -> None:  # noqa: ANN001
    store = FilesystemBlobStore(root, checkpoint_interval=600)
    _write_batch(store, range(2))
    assert store.delete(_address(0))                   # checkpoints first: no record of it is left
    _write_batch(store, range(2, 4))
    assert store.put(_address(3), b"replaced", overwrite=True)     # the same, before it replaces
    ready.set()
    signal.pause()                                     # killed here


def test_a_blob_removed_or_replaced_before_its_checkpoint_is_not_brought_back(tmp_path):
    """A writer that removes (or replaces) a blob its journal still holds checkpoints first:
    if it then crashes, no replay can bring the old bytes back (here with no ``keep`` to
    filter them, as for a store used without an archive)."""
    root = tmp_path / "blobs"
    FilesystemBlobStore(root)
    ready = FORK.Event()
    writer = FORK.Process(target=_remove_and_replace_then_crash, args=(str(root), ready))
    writer.start()
    assert ready.wait(30)
    os.kill(writer.pid, signal.SIGKILL)
    writer.join(30)
    assert _segments(root) == []
    store = FilesystemBlobStore(root)
    assert store.recover(settle=0) == 0
    assert not store.exists(_address(0))
    assert store.get(_address(3)) == b"replaced" and store.get(_address(2)) == _blob(2)


def _batch_then_fail_on_the_journal(root: str, out) -> None:  # noqa: ANN001
    """Writes bigger than RLIMIT_FSIZE fail with EFBIG (SIGXFSZ ignored): a real write error
    on the journal while the blob files, each small, are written."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    store = FilesystemBlobStore(root, checkpoint_interval=600)
    _write_batch(store, range(2))                      # a first segment, fine
    journal = store._journal
    assert journal is not None
    # The failure seals the segment, and the checkpoint thread retires sealed segments: not
    # while the segment is looked at (it once vanished between the glob and the read).
    with journal._checkpointing:
        resource.setrlimit(resource.RLIMIT_FSIZE, (12_000, resource.RLIM_INFINITY))
        batch = SyncBatch()
        for i in range(10, 15):
            store.put(_address(i), _blob(i), batch=batch)
        try:
            batch.sync()
            out.put("synced")
        except OSError as exc:
            out.put(f"failed: {exc.errno}")
        resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        out.put(sorted(i for i in range(10, 15) if store.exists(_address(i))))
        out.put(sorted(a for seg in Path(root, ".journal").glob("*.seg") for a, _d in iter_records(seg.read_bytes())))
    _write_batch(store, range(20, 22))                 # the journal goes on in a new segment
    store.close()
    out.put(sorted(p.name for p in Path(root, ".journal").glob("*.seg")))


def test_a_failed_journal_write_fails_the_batch_and_is_cut_from_the_segment(tmp_path):
    """The batch fails (451 for its sessions); what it wrote to the segment is cut off, so a
    replay cannot bring those blobs back over a retry's; its files stay (their pages were
    never refused, and another process may rely on the same blob), as orphans until retried."""
    root = tmp_path / "blobs"
    out = _in_a_child(_batch_then_fail_on_the_journal, str(root))
    assert out.get() == f"failed: {errno.EFBIG}"
    assert out.get() == [10, 11, 12, 13, 14]
    assert out.get() == [_address(0), _address(1)]     # the failed batch's records were cut off
    assert out.get() == []                             # every segment checkpointed at close
    store = FilesystemBlobStore(root)
    assert store.get(_address(21)) == _blob(21) and store.get(_address(0)) == _blob(0)


def _write_in_a_child(store: FilesystemBlobStore, out) -> None:  # noqa: ANN001
    _write_batch(store, range(30, 32))
    out.put(sorted(p.name.split("-")[0] for p in _segments(store.root)))
    store.close()


def test_a_forked_child_writes_its_own_segments(tmp_path):
    root = tmp_path / "blobs"
    store = FilesystemBlobStore(root, checkpoint_interval=600)
    _write_batch(store, range(2))
    out = FORK.SimpleQueue()
    child = FORK.Process(target=_write_in_a_child, args=(store, out))
    child.start()
    child.join(30)
    assert sorted(out.get()) == sorted([str(os.getpid()), str(child.pid)])
    assert [p.name.split("-")[0] for p in _segments(root)] == [str(os.getpid())]   # ours, untouched
    store.close()
    assert _segments(root) == [] and store.get(_address(31)) == _blob(31)


def test_a_store_without_fsync_keeps_no_journal(tmp_path):
    root = tmp_path / "blobs"
    store = FilesystemBlobStore(root, fsync=False)
    _write_batch(store, range(2))
    assert not (root / ".journal").exists()
    assert store.get(_address(1)) == _blob(1)


records_strategy = st.lists(st.tuples(st.text("0123456789abcdef", min_size=16, max_size=128),
                                      st.binary(max_size=300)), max_size=6)


@settings(max_examples=200, deadline=None)
@given(records=records_strategy, cut=st.integers(min_value=0, max_value=4000))
def test_a_segment_cut_anywhere_gives_a_prefix_of_its_records(records, cut):
    content = SEGMENT_MAGIC + b"".join(encode_record(a, d) for a, d in records)
    assert list(iter_records(content)) == records
    got = list(iter_records(content[:cut]))
    assert got == records[:len(got)]


@settings(max_examples=300, deadline=None)
@given(content=st.binary(max_size=600))
def test_any_bytes_parse_without_error(content):
    assert isinstance(list(iter_records(SEGMENT_MAGIC + content)), list)
    assert list(iter_records(content)) == [] or content.startswith(SEGMENT_MAGIC)


# ---- replay picks what still matters, and only from writers that are gone ----------------------
def test_replay_writes_only_the_records_the_caller_keeps(tmp_path):
    root = tmp_path / "blobs"
    FilesystemBlobStore(root)
    _kill_a_writer_after(root, range(3))
    for i in range(3):
        (root / _address(i)[:2] / _address(i)).unlink()
    seen: list[list[str]] = []

    def keep(records):  # noqa: ANN001, ANN202
        seen.append([address for address, _data in records])
        return {1}

    store = FilesystemBlobStore(root)
    assert store.recover(keep, settle=0) == 1
    assert seen == [[_address(i) for i in range(3)]]
    assert store.get(_address(1)) == _blob(1)
    assert not store.exists(_address(0)) and not store.exists(_address(2))
    assert _segments(root) == []


def test_a_segment_is_kept_when_the_caller_cannot_tell_what_matters(tmp_path):
    root = tmp_path / "blobs"
    FilesystemBlobStore(root)
    _kill_a_writer_after(root, range(2))

    def unreachable(records):  # noqa: ANN001, ANN202
        raise ConnectionError("database down")

    store = FilesystemBlobStore(root)
    assert store.recover(unreachable, settle=0) == 0
    assert len(_segments(root)) == 1                   # for the next replay
    assert store.recover(settle=0) == 2 and _segments(root) == []


def test_a_segment_retired_while_replay_waited_for_its_lock_is_left_alone(tmp_path):
    from archive.blobjournal import _still_named

    path = tmp_path / "1-ab.seg"
    path.write_bytes(SEGMENT_MAGIC)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert _still_named(fd, str(path))
        path.unlink()                                  # its writer retired it
        assert not _still_named(fd, str(path))
        path.write_bytes(SEGMENT_MAGIC)                # and a new file took the name
        assert not _still_named(fd, str(path))
    finally:
        os.close(fd)


def _writer_with_a_forked_child(root: str, ready, child_pid) -> None:  # noqa: ANN001
    store = FilesystemBlobStore(root, checkpoint_interval=600)
    _write_batch(store, range(2))
    grandchild = FORK.Process(target=signal.pause)     # a child that outlives this writer
    grandchild.daemon = False
    grandchild.start()
    child_pid.value = grandchild.pid
    ready.set()
    signal.pause()


def test_a_forked_child_does_not_keep_its_parents_segments_locked(tmp_path):
    root = tmp_path / "blobs"
    FilesystemBlobStore(root)
    ready, child_pid = FORK.Event(), FORK.Value("i", 0)
    writer = FORK.Process(target=_writer_with_a_forked_child, args=(str(root), ready, child_pid))
    writer.start()
    try:
        assert ready.wait(30)
        os.kill(writer.pid, signal.SIGKILL)
        writer.join(30)
        assert FilesystemBlobStore(root).recover(settle=0) == 2, "the writer's child still held its segment's lock"
        assert _segments(root) == []
    finally:
        if child_pid.value:
            os.kill(child_pid.value, signal.SIGKILL)


# ---- real write-back errors (a failing disk) and a real power cycle -------------------------------


def _one_blob_journalled_on(disk, number: int):  # noqa: ANN001, ANN202
    """A store on the failing disk holding one 4 MiB blob, durable through its journal only."""
    root = disk.mountpoint / "blobs"
    store = FilesystemBlobStore(root, checkpoint_interval=600)
    address, blob = _address(number), os.urandom(4 << 20)
    os.sync()                                          # the store's directories are on the disk
    batch = SyncBatch()
    store.put(address, blob, batch=batch)
    batch.sync()                                       # the 250
    return root, store, address, blob
def test_a_checkpoint_that_failed_writes_the_files_again_instead_of_syncing_again(tmp_path):
    """The kernel reports a write-back error once: a second sync would say the blob is safe
    while its pages never reached the disk. After a failed checkpoint the blob is written
    again from the journal, and only then does the segment go."""
    from tests.faulty_disk import faulty_disk

    with faulty_disk(tmp_path) as disk:
        root, store, address, blob = _one_blob_journalled_on(disk, 7)
        disk.fail_writes()
        with pytest.raises(OSError):
            store.flush()                              # cannot sync, cannot write again: kept
        assert len(_segments(root)) == 1
        disk.heal()
        store.flush()                                  # written again, then the segment goes
        assert _segments(root) == []
        store.close()
        disk.power_cycle()
        assert (root / address[:2] / address).read_bytes() == blob


def _write_then_fail_to_checkpoint(root: str, address: str, blob: bytes, step, out) -> None:  # noqa: ANN001
    store = FilesystemBlobStore(root, checkpoint_interval=600)
    batch = SyncBatch()
    store.put(address, blob, batch=batch)
    batch.sync()
    out.put("synced")
    step.wait()
    try:
        store.flush()
        out.put("flushed")
    except OSError as exc:
        out.put(f"failed: {exc}")
    signal.pause()


def test_replay_writes_the_blob_again_rather_than_trust_the_page_cache(tmp_path):
    """A writer whose checkpoint met a write-back error dies: its blob's bytes still show in
    the page cache, but they are not on the disk and a sync would not say so. The replay
    writes them again from the journal."""
    from tests.faulty_disk import faulty_disk

    with faulty_disk(tmp_path) as disk:
        root = disk.mountpoint / "blobs"
        FilesystemBlobStore(root)
        os.sync()
        address, blob = _address(8), os.urandom(4 << 20)
        step, out = FORK.Event(), FORK.SimpleQueue()
        writer = FORK.Process(target=_write_then_fail_to_checkpoint, args=(str(root), address, blob, step, out))
        writer.start()
        try:
            assert out.get() == "synced"
            disk.fail_writes()
            step.set()
            assert out.get().startswith("failed")
            disk.heal()
        finally:
            os.kill(writer.pid, signal.SIGKILL)
            writer.join(30)
        assert (root / address[:2] / address).read_bytes() == blob     # what the page cache shows
        store = FilesystemBlobStore(root)
        assert store.recover(settle=0) == 1
        store.close()
        disk.power_cycle()
        assert (root / address[:2] / address).read_bytes() == blob


# ---- the archive's choice: the blobs its rows name, under the same data key ---------------------
def _journal_sealed_blobs(root: str, blobs: list[tuple[str, bytes]], ready) -> None:  # noqa: ANN001
    store = FilesystemBlobStore(root, checkpoint_interval=600)
    batch = SyncBatch()
    for address, data in blobs:
        store.put(address, data, batch=batch, overwrite=True)
    batch.sync()
    ready.set()
    signal.pause()


def test_the_archive_replays_only_blobs_it_recorded_under_the_same_data_key(engine, tmp_path):
    """A dead writer's segment holds: a committed blob (its row names its data key), a blob
    whose transaction never committed (no row), and an older sealing of a message that has
    since been stored afresh under another data key. Only the first is written again."""
    from tests.test_archive_support import build, make_archive, put

    archive = make_archive(engine, tmp_path)
    root = tmp_path / "blobs"
    committed_raw, stored_afresh_raw = build("committed", "one"), build("stored afresh", "two")
    put(archive, committed_raw)
    committed = archive.seal(committed_raw)
    committed_bytes = archive.blob_store.get(committed.address)
    uncommitted = archive.seal(build("never committed", "three"))
    older = archive.seal(stored_afresh_raw)             # sealed twice: two data keys, one address
    put(archive, stored_afresh_raw)
    current_bytes = archive.blob_store.get(older.address)
    assert older.blob != current_bytes

    ready = FORK.Event()
    writer = FORK.Process(target=_journal_sealed_blobs, args=(str(root), [
        (committed.address, committed_bytes), (uncommitted.address, uncommitted.blob),
        (older.address, older.blob)], ready))
    writer.start()
    assert ready.wait(30)
    os.kill(writer.pid, signal.SIGKILL)
    writer.join(30)
    # The power failure: nothing the writer left unsynced survived.
    for address in (committed.address, uncommitted.address, older.address):
        (root / address[:2] / address).unlink(missing_ok=True)
    (root / older.address[:2] / older.address).write_bytes(current_bytes)   # synced long ago

    reopened = make_archive(engine, tmp_path)           # replays as it opens its store
    assert _segments(root) == []
    assert reopened.blob_store.get(committed.address) == committed_bytes
    assert not reopened.blob_store.exists(uncommitted.address)
    assert reopened.blob_store.get(older.address) == current_bytes
    assert reopened.open_digest(older.digest) == stored_afresh_raw
    assert reopened.open_digest(committed.digest) == committed_raw


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root (a command run as root on the gateway user's store)")
def test_what_root_writes_into_a_users_store_belongs_to_that_user():
    """``mailwarden`` run as root (a replay after a crash, an import) on the store of the
    gateway's user: the directories and files it makes are that user's, or the gateway could
    no longer read them (every delivery of those messages would fail) nor write beside them."""
    import pwd

    nobody = pwd.getpwnam("nobody")
    base = Path(tempfile.mkdtemp(prefix="mw-owner-"))   # pytest's own tmp is root's alone (0700)
    try:
        base.chmod(0o755)
        root = base / "blobs"
        root.mkdir(mode=0o700)
        os.chown(root, nobody.pw_uid, nobody.pw_gid)
        FilesystemBlobStore(root)                      # as root: makes its directories
        _kill_a_writer_after(root, range(2))           # as root too, like the replay below
        (root / _address(0)[:2] / _address(0)).unlink()
        store = FilesystemBlobStore(root)
        assert store.recover(settle=0) == 2
        store.put(_address(5), _blob(5))
        made = [root / ".layout", root / ".journal", root / "00", root / "ff",
                *(root / _address(i)[:2] / _address(i) for i in (0, 1, 5))]
        assert {(p.name, p.stat().st_uid) for p in made} == {(p.name, nobody.pw_uid) for p in made}

        def read_as_nobody() -> None:
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            reader = FilesystemBlobStore(root)
            os._exit(0 if all(reader.get(_address(i)) == _blob(i) for i in (0, 1, 5)) else 3)

        child = FORK.Process(target=read_as_nobody)
        child.start()
        child.join(30)
        assert child.exitcode == 0
    finally:
        shutil.rmtree(base, ignore_errors=True)


# ---- what a batch relies on, and what it never journals ----------------------------------------
def test_a_blob_another_process_stored_is_journalled_by_the_batch_that_adopts_it(engine, tmp_path):
    """Two processes accept the same message at once: the one whose put() finds the file (or
    loses the race to link it) adopts the other's sealing, and its batch journals those
    bytes: its 250 must not depend on the other's batch succeeding."""
    from tests.test_archive_support import build, make_archive

    archive = make_archive(engine, tmp_path)
    raw = build("accepted twice at once", "body")
    theirs = archive.seal(raw)
    other_process = FilesystemBlobStore(tmp_path / "blobs", checkpoint_interval=600)
    their_batch = SyncBatch()
    assert other_process.put(theirs.address, theirs.blob, batch=their_batch)   # linked, not yet synced
    ours = archive.seal(raw)
    batch = SyncBatch()
    archive.write_blob(ours, batch=batch)
    assert ours.blob == theirs.blob and ours.dek_id == theirs.dek_id           # adopted
    batch.sync()
    journalled = [r for seg in _segments(tmp_path / "blobs") for r in iter_records(seg.read_bytes())]
    assert journalled == [(theirs.address, theirs.blob)]
    their_batch.sync()
    other_process.close()
    archive.blob_store.close()


def test_bytes_that_do_not_decrypt_are_never_journalled(engine, tmp_path):
    """A torn file a crash left for a batch that never committed: the retry replaces it (synced
    at once) and journals nothing of it, so no checkpoint or replay can write it back."""
    from tests.test_archive_support import build, make_archive

    archive = make_archive(engine, tmp_path)
    raw = build("retried after a crash", "body")
    sealed = archive.seal(raw)
    torn = tmp_path / "blobs" / sealed.address[:2] / sealed.address
    torn.write_bytes(sealed.blob[:50])
    batch = SyncBatch()
    archive.write_blob(sealed, batch=batch)
    batch.sync()
    assert torn.read_bytes() == sealed.blob
    assert not any(iter_records(seg.read_bytes()) for seg in _segments(tmp_path / "blobs"))
    with engine.begin() as conn:
        from archive.mime import meta_from_raw

        archive.insert_record(conn, sealed, meta_from_raw(raw, event="accepted"))
    assert archive.open_digest(sealed.digest) == raw
    archive.blob_store.close()


def test_a_write_back_error_someone_else_triggered_still_reaches_the_checkpoint(tmp_path):
    """The checkpoint syncs each blob through the descriptor it was written with: a write-back
    error that another descriptor's fsync of the same file saw first (another process relying
    on the same blob, a backup tool) is still reported to it, where a descriptor opened now
    would be told nothing; the blob is written again from the journal."""
    from tests.faulty_disk import faulty_disk

    with faulty_disk(tmp_path) as disk:
        root, store, address, blob = _one_blob_journalled_on(disk, 9)
        disk.fail_writes()
        with pytest.raises(OSError):                   # someone else's fsync meets the error first
            fsync_path(str(root / address[:2] / address))
        disk.heal()
        store.flush()                                  # told all the same: written again
        assert _segments(root) == []
        store.close()
        disk.power_cycle()
        assert (root / address[:2] / address).read_bytes() == blob


def test_closing_on_a_failing_disk_leaves_the_segment_for_replay(tmp_path):
    from tests.faulty_disk import faulty_disk

    with faulty_disk(tmp_path) as disk:
        root, store, address, blob = _one_blob_journalled_on(disk, 10)
        disk.fail_writes()
        started = time.monotonic()
        store.close()                                  # logs, does not raise, does not hang
        assert time.monotonic() - started < 30
        assert len(_segments(root)) == 1
        disk.heal()
        again = FilesystemBlobStore(root)
        assert again.recover(settle=0) == 1                    # its lock was given up
        disk.power_cycle()
        assert (root / address[:2] / address).read_bytes() == blob


# ---- descriptors: back-pressure, and a full table is not a disk error ---------------------------
def _many_batches_under_a_low_descriptor_limit(root: str, out) -> None:  # noqa: ANN001
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    store = FilesystemBlobStore(root, checkpoint_interval=600)
    most = 0
    for b in range(150):                               # 750 blobs: three times the limit
        _write_batch(store, range(b * 5, b * 5 + 5))
        most = max(most, len(os.listdir("/proc/self/fd")))
    out.put(most)
    store.close()
    out.put(len(_segments(Path(root))))


def test_the_journal_holds_no_more_descriptors_than_its_budget(tmp_path):
    """Each journalled blob keeps its descriptor until its checkpoint; past a quarter of the
    open-files limit the writer checkpoints before going on, so a disk slower than the mail
    (here: a checkpoint interval longer than the run) cannot exhaust the table."""
    root = tmp_path / "blobs"
    out = _in_a_child(_many_batches_under_a_low_descriptor_limit, str(root))   # a batch failing fails it
    assert out.get() < 256 // 4 + 40
    assert out.get() == 0
    store = FilesystemBlobStore(root)
    assert all(store.get(_address(i)) == _blob(i) for i in range(0, 750, 37))


def _checkpoint_with_a_full_descriptor_table(root: str, out) -> None:  # noqa: ANN001
    resource.setrlimit(resource.RLIMIT_NOFILE, (512, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    store = FilesystemBlobStore(root, checkpoint_interval=600)
    _write_batch(store, range(3))
    inode = os.stat(Path(root) / _address(1)[:2] / _address(1)).st_ino
    filler = []
    try:
        while True:
            filler.append(os.open("/dev/null", os.O_RDONLY))
    except OSError:
        pass
    try:
        store.flush()
        out.put("flushed")
    except OSError as exc:
        out.put(exc.errno)
    for fd in filler:
        os.close(fd)
    store.flush()
    out.put(os.stat(Path(root) / _address(1)[:2] / _address(1)).st_ino == inode)
    out.put(len(_segments(Path(root))))
    store.close()


def test_a_full_descriptor_table_is_retried_not_taken_for_a_disk_error(tmp_path):
    """A checkpoint that cannot open a directory (EMFILE) learned nothing about the disk: it is
    tried again as it was, and the blobs are not written again."""
    root = tmp_path / "blobs"
    out = _in_a_child(_checkpoint_with_a_full_descriptor_table, str(root))
    assert out.get() == errno.EMFILE
    assert out.get() is True                           # the same file: synced, not rewritten
    assert out.get() == 0


def test_a_failed_checkpoint_does_not_write_back_over_a_blob_stored_afresh_since(tmp_path):
    """Between a failed checkpoint and its retry, the blob is removed and stored afresh by
    another process (another data key, synced): the retry must not write the journal's older
    bytes over it."""
    from tests.faulty_disk import faulty_disk

    with faulty_disk(tmp_path) as disk:
        root, ours, address, _old = _one_blob_journalled_on(disk, 11)
        new = os.urandom(1 << 20)
        disk.fail_writes()
        with pytest.raises(OSError):
            ours.flush()
        disk.heal()
        other = FilesystemBlobStore(root)               # another process: purge, then a new acceptance
        assert other.delete(address)
        assert other.put(address, new)
        ours.flush()                                   # the retry: nothing of ours to write back
        assert other.get(address) == new
        ours.close()
        disk.power_cycle()
        assert (root / address[:2] / address).read_bytes() == new


def test_the_power_cycle_of_these_tests_loses_what_was_not_synced(tmp_path):
    """The failing-disk tests above are only worth something if their power cycle loses
    unsynced data as a power failure does (a plain unmount would write it back)."""
    from tests.faulty_disk import faulty_disk

    with faulty_disk(tmp_path) as disk:
        synced, unsynced = disk.mountpoint / "synced", disk.mountpoint / "unsynced"
        os.sync()
        for path, sync in ((synced, True), (unsynced, False)):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
            os.write(fd, b"x" * 8192)
            if sync:
                os.fsync(fd)
            os.close(fd)
        fsync_path(str(disk.mountpoint))
        unsynced.write_bytes(b"y" * 8192)              # written over, never synced
        disk.power_cycle()
        assert synced.read_bytes() == b"x" * 8192
        assert unsynced.read_bytes() != b"y" * 8192


def test_a_young_segment_of_a_dead_writer_is_judged_only_once_it_has_settled(tmp_path):
    """Its writer may have died with a COMMIT on its way to the database: ``keep`` is asked
    only once the segment is ``settle`` seconds old, when that commit is visible."""
    root = tmp_path / "blobs"
    FilesystemBlobStore(root)
    _kill_a_writer_after(root, range(2))
    (segment,) = _segments(root)
    written = segment.stat().st_mtime
    asked_at: list[float] = []

    def keep(records):  # noqa: ANN001, ANN202
        asked_at.append(time.time())
        return set(range(len(records)))

    assert FilesystemBlobStore(root).recover(keep, settle=1.0) == 2
    assert asked_at and asked_at[0] - written >= 1.0


def test_a_closed_store_takes_no_more_batches(tmp_path):
    store = FilesystemBlobStore(tmp_path / "blobs")
    _write_batch(store, range(2))
    store.close()
    with pytest.raises(OSError, match="closed"):
        store.put(_address(7), _blob(7), batch=SyncBatch())
    assert not store.exists(_address(7))
    assert store.get(_address(1)) == _blob(1)          # reads still work
