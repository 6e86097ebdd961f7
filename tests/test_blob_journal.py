"""The blob journal: a batch of blobs is durable after one append and one fdatasync, and what
a writer that stopped left only in its journal is put right by the next store that opens.

Crashes are real processes killed with SIGKILL; a lost page cache (what a power failure
does to files written without fsync) is reproduced by emptying or removing the blob files
the dead writer left, which is what the journal is there to repair."""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import signal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.blobjournal import SEGMENT_MAGIC, encode_record, iter_records
from archive.blobstore import FilesystemBlobStore, SyncBatch

FORK = mp.get_context("fork")


def _segments(root: Path) -> list[Path]:
    return sorted((root / ".journal").glob("*.seg"))


def _address(i: int) -> str:
    return f"{i:064x}"


def _blob(i: int) -> bytes:
    return (b"blob %d " % i) * 300


def _write_batch(store: FilesystemBlobStore, numbers: range) -> None:
    batch = SyncBatch()
    for i in numbers:
        assert store.put(_address(i), _blob(i), batch=batch) is True
    batch.sync()


@pytest.fixture(params=[True, False], ids=["syncfs", "fsync-each"])
def use_syncfs(request):  # noqa: ANN001, ANN201
    return request.param


def test_a_batch_is_one_journal_append_and_the_checkpoint_removes_it(tmp_path, use_syncfs):
    root = tmp_path / "blobs"
    store = FilesystemBlobStore(root, use_syncfs=use_syncfs, checkpoint_interval=600)
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
    import time

    root = tmp_path / "blobs"
    store = FilesystemBlobStore(root, checkpoint_interval=0.2)
    _write_batch(store, range(3))
    journal = store._journal_for_this_process()
    deadline = time.monotonic() + 10
    while _segments(root) and time.monotonic() < deadline:
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


def test_a_killed_writers_blobs_are_rewritten_from_its_journal(tmp_path, use_syncfs):
    root = tmp_path / "blobs"
    FilesystemBlobStore(root)
    _kill_a_writer_after(root, range(6))
    assert len(_segments(root)) == 1
    # What a power failure can leave of files written without fsync: nothing, or a torn file.
    (root / _address(0)[:2] / _address(0)).unlink()
    (root / _address(1)[:2] / _address(1)).write_bytes(b"")
    (root / _address(2)[:2] / _address(2)).write_bytes(_blob(2)[:100])
    store = FilesystemBlobStore(root, use_syncfs=use_syncfs)        # opening replays
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
        FilesystemBlobStore(root)
        assert _segments(root) == [segment], "a replay took a segment whose writer holds it"
        assert not (root / _address(0)[:2] / _address(0)).exists()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.join(30)
    assert FilesystemBlobStore(root).get(_address(0)) == _blob(0)   # now it is the dead writer's
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
    assert [store.get(_address(i)) for i in range(3)] == [_blob(i) for i in range(3)]
    assert not store.exists(_address(3))
    assert _segments(root) == []


def test_a_blob_that_was_already_stored_is_journalled_as_it_is(tmp_path):
    """The same message accepted again: the batch relies on the file that is there (perhaps
    one a failed batch left unsynced), so its bytes go to the journal."""
    root = tmp_path / "blobs"
    store = FilesystemBlobStore(root)
    (root / _address(1)[:2] / _address(1)).write_bytes(b"left by an earlier batch")
    batch = SyncBatch()
    assert store.put(_address(1), b"this batch's bytes", batch=batch) is False
    batch.sync()
    (segment,) = _segments(root)
    assert list(iter_records(segment.read_bytes())) == [(_address(1), b"left by an earlier batch")]
    store.close()


def test_a_blob_removed_before_its_checkpoint_is_not_brought_back(tmp_path):
    root = tmp_path / "blobs"
    store = FilesystemBlobStore(root, checkpoint_interval=600)
    _write_batch(store, range(2))
    assert _segments(root)
    assert store.delete(_address(0))                   # checkpoints first: no record of it is left
    assert _segments(root) == []
    assert not FilesystemBlobStore(root).exists(_address(0))
    assert store.put(_address(1), b"replaced", overwrite=True)
    assert FilesystemBlobStore(root).get(_address(1)) == b"replaced"
    store.close()


def _batch_then_fail_on_the_journal(root: str, out) -> None:  # noqa: ANN001
    """Writes bigger than RLIMIT_FSIZE fail with EFBIG (SIGXFSZ ignored): a real write error
    on the journal while the blob files, each small, are written."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    store = FilesystemBlobStore(root)
    _write_batch(store, range(2))                      # a first segment, fine
    resource.setrlimit(resource.RLIMIT_FSIZE, (12_000, resource.RLIM_INFINITY))
    batch = SyncBatch()
    for i in range(10, 15):
        store.put(_address(i), _blob(i), batch=batch)
    try:
        batch.sync()
        out.put("synced")
    except OSError as exc:
        out.put(f"failed: {exc.errno}")
    out.put(sorted(i for i in range(10, 15) if store.exists(_address(i))))
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    _write_batch(store, range(20, 22))                 # the journal goes on in a new segment
    store.close()
    out.put(sorted(p.name for p in Path(root, ".journal").glob("*.seg")))


def test_a_failed_journal_write_fails_the_batch_and_removes_its_files(tmp_path):
    root = tmp_path / "blobs"
    out = FORK.SimpleQueue()
    child = FORK.Process(target=_batch_then_fail_on_the_journal, args=(str(root), out))
    child.start()
    child.join(60)
    assert child.exitcode == 0
    import errno

    assert out.get() == f"failed: {errno.EFBIG}"
    assert out.get() == []                             # nothing of the failed batch may be adopted
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
