"""A write-ahead journal for blobs stored in batches: one append and one fdatasync per batch.

Why: the gateway answers ``250`` only once a message's blob is durable. Made durable file by
file, a batch of N blobs costs N file fsyncs and N directory fsyncs, each a journal commit of
the file system that the others wait on; that was most of the time a session spent waiting
for its ``250``. Here the batch's blobs are appended to one journal segment and that one
file is synced; the blob files themselves are still written (and linked under their
content address) at once, so every process reads them as before, but they are made durable
later, many batches at a time, by a background checkpoint. Only then is the segment removed.

What a crash leaves is put right by :func:`replay` (the archive runs it when it opens its
store): each record of a segment whose writer is gone is written again as a new file, synced,
and renamed over the blob; then the segment goes. The file that is there is never trusted:
after a write-back error the page cache can show bytes that are not on the disk. The caller
says which records still matter (the archive: those whose blob row names the same data key),
so a record of a batch that never committed, or of a blob since removed or stored afresh,
is not brought back. A writer holds an exclusive ``flock`` on each of its segments until it
has removed it, so a segment that can be locked, and is still there, has no writer.

A checkpoint whose sync fails never trusts a second sync of the same files (the kernel
reports a write-back error once): the files of its segments are written again from their
records, and only then are the segments removed.

Segment format: ``MWJ1\\n``, then records ``MWJR | address length (1) | data length (4) |
crc32 of address + data (4) | address | data``, big-endian. The first record that is short
or does not match its checksum ends the segment: it is a batch that was never synced, so
nobody was told it was stored.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import logging
import os
import platform
import secrets
import struct
import threading
import time
import weakref
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

SEGMENT_MAGIC = b"MWJ1\n"
RECORD = struct.Struct(">4sBII")
RECORD_MAGIC = b"MWJR"
SUFFIX = ".seg"
BUILDING = ".building"
STALE_BUILDING_SECONDS = 3600


def encode_record(address: str, data: bytes) -> bytes:
    if len(data) >= 1 << 32:
        raise OSError(errno.EFBIG, "a blob of 4 GiB or more cannot be journalled")
    name = address.encode("ascii")
    return b"".join((RECORD.pack(RECORD_MAGIC, len(name), len(data), zlib.crc32(data, zlib.crc32(name))),
                     name, data))


def iter_records(content: bytes) -> Iterator[tuple[str, bytes]]:
    """The complete records of a segment, up to the first that is torn (see the module docstring)."""
    if not content.startswith(SEGMENT_MAGIC):
        return
    pos = len(SEGMENT_MAGIC)
    view = memoryview(content)
    while pos + RECORD.size <= len(content):
        magic, name_len, data_len, crc = RECORD.unpack_from(content, pos)
        start = pos + RECORD.size
        end = start + name_len + data_len
        if magic != RECORD_MAGIC or end > len(content):
            return
        name, data = view[start:start + name_len], view[start + name_len:end]
        if zlib.crc32(data, zlib.crc32(name)) != crc:
            return
        try:
            address = bytes(name).decode("ascii")
        except UnicodeDecodeError:
            return
        yield address, bytes(data)
        pos = end


@dataclass
class Segment:
    """One journal file this process writes (or wrote): its descriptor holds the lock."""

    path: str
    fd: int
    opened: float = field(default_factory=time.monotonic)
    size: int = 0                                          # bytes of its durable records
    files: dict[str, str] = field(default_factory=dict)    # address -> blob file written for it
    tainted: bool = False      # a sync of its files failed: they are written again, never re-synced


class Durability:
    """How written blob files are made durable at a checkpoint: ``syncfs`` of the store's file
    system where the kernel reports its write-back errors (Linux 5.8 and later), one journal
    commit for everything; otherwise an fsync of each file and of its directory."""

    def __init__(self, root: str, *, use_syncfs: bool | None = None):
        self._root = root
        wanted = _kernel_reports_syncfs_errors() if use_syncfs is None else use_syncfs
        self._syncfs = _load_syncfs() if wanted else None
        # syncfs reports the errors that happened after this descriptor was opened.
        self._root_fd = os.open(root, os.O_RDONLY) if self._syncfs is not None else -1

    def make_durable(self, paths: list[str]) -> None:
        if self._syncfs is not None:
            if self._syncfs(self._root_fd) != 0:
                err = ctypes.get_errno()
                raise OSError(err, f"syncfs of the blob store: {os.strerror(err)}")
            return
        directories: dict[str, None] = {}
        for path in paths:
            try:
                fd = os.open(path, os.O_RDONLY)
            except FileNotFoundError:   # removed since (a failed batch's, or purged): nothing to keep
                continue
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            directory = os.path.dirname(path)
            while directory.startswith(self._root) and directory not in directories:
                directories[directory] = None     # a fan-out directory made for it, up to the root
                directory = os.path.dirname(directory)
        for directory in directories:
            fsync_path(directory)

    def close(self) -> None:
        if self._root_fd >= 0:
            os.close(self._root_fd)
            self._root_fd = -1


class BlobJournal:
    """This process's journal (see the module docstring). ``append`` is called by one writer
    thread at a time (the group committer); the checkpoint runs in a thread of its own.

    ``rewrite(address, data)`` is how a blob file is written again, durably, from its record
    when a checkpoint finds it could not be made durable in place."""

    def __init__(self, directory: str, durability: Durability, rewrite: Callable[[str, bytes], None], *,
                 segment_bytes: int = 8 << 20, segment_seconds: float = 1.0):
        self.directory = directory
        self._durability = durability
        self._rewrite = rewrite
        self._segment_bytes = segment_bytes
        self._segment_seconds = segment_seconds
        self._pid = os.getpid()
        self._lock = threading.Lock()          # current segment, sealed list, pending addresses
        self._current: Segment | None = None
        self._sealed: list[Segment] = []
        self._pending: dict[str, int] = {}     # address -> segments holding it not yet checkpointed
        self._wake = threading.Condition(self._lock)
        self._checkpointing = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="blob-checkpoint", daemon=True)
        self._thread.start()
        _LIVE_JOURNALS.add(self)

    def _forget_after_fork(self) -> None:
        """In a forked child: close the parent's segment descriptors, or the child would hold
        their locks, and keep them from being replayed, after the parent is gone."""
        for segment in (self._current, *self._sealed):
            if segment is not None:
                with contextlib.suppress(OSError):
                    os.close(segment.fd)
        self._current, self._sealed = None, []
        self._durability.close()

    @property
    def foreign(self) -> bool:
        """True in a child process that inherited this journal through fork: it must not write
        to its parent's segments (their locks are the parent's)."""
        return self._pid != os.getpid()

    # ---- writing -------------------------------------------------------------------------
    def append(self, records: list[tuple[str, bytes, str]]) -> None:
        """Append (address, data, blob file) records in one write and make them durable. Raises
        OSError when they may not be; the segment is then sealed and none of them counts."""
        if not records:
            return
        payload = b"".join(encode_record(address, data) for address, data, _path in records)
        # Under the lock: the checkpoint thread must not seal and retire a segment while a
        # batch is being written into it.
        with self._lock:
            if self._closed:
                raise OSError("the blob journal is closed")
            segment = self._current
            if segment is None or self._due(segment):
                segment = self._open_segment()
            try:
                _write_all(segment.fd, payload)
                os.fdatasync(segment.fd)
            except OSError:
                # Cut off what this batch wrote (best effort: replay only restores records the
                # archive still names); later batches go to a new segment, and this one is
                # still checkpointed for its earlier records.
                with contextlib.suppress(OSError):
                    os.ftruncate(segment.fd, segment.size)
                    os.fdatasync(segment.fd)
                self._seal_current()
                raise
            segment.size += len(payload)
            for address, _data, path in records:
                if address not in segment.files:
                    self._pending[address] = self._pending.get(address, 0) + 1
                segment.files[address] = path

    def _due(self, segment: Segment) -> bool:
        return segment.size >= self._segment_bytes or time.monotonic() - segment.opened >= self._segment_seconds

    def _open_segment(self) -> Segment:
        """Seal the current segment (if any) and start a new one; caller holds the lock."""
        self._seal_current()
        name = f"{os.getpid()}-{secrets.token_hex(6)}"
        # Made under a name replay ignores and renamed once locked: a replay in another
        # process must never take a new segment for one whose writer is gone.
        building, path = f"{self.directory}/.{name}{BUILDING}", f"{self.directory}/{name}{SUFFIX}"
        fd = os.open(building, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            _write_all(fd, SEGMENT_MAGIC)
            os.fsync(fd)
            os.rename(building, path)
            fsync_path(self.directory)   # the segment's name must survive a crash as its records do
        except BaseException:
            os.close(fd)
            _unlink_quietly(building)
            _unlink_quietly(path)
            raise
        self._current = Segment(path, fd, size=len(SEGMENT_MAGIC))
        return self._current

    def _seal_current(self) -> None:
        if self._current is not None:
            self._sealed.append(self._current)
            self._current = None
            self._wake.notify()

    # ---- checkpoint ------------------------------------------------------------------------
    def pending(self, address: str) -> bool:
        """Whether the address has records not yet checkpointed (then a replay could still write it)."""
        with self._lock:
            return address in self._pending

    def checkpoint(self) -> None:
        """Make every blob file written so far durable and remove the segments that covered them."""
        with self._lock:
            self._seal_current()
        self._checkpoint_sealed()

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._closed and not self._sealed:
                    current = self._current
                    if current is not None and current.files and self._due(current):
                        self._seal_current()
                        break
                    self._wake.wait(timeout=self._segment_seconds / 2)
                if self._closed and not self._sealed:
                    return
            try:
                self._checkpoint_sealed()
            except Exception:  # noqa: BLE001 - logged; the segments stay and are tried again
                log.exception("blob journal checkpoint failed; its segments are kept and tried again")
                time.sleep(self._segment_seconds)

    def _checkpoint_sealed(self) -> None:
        with self._checkpointing:
            with self._lock:
                segments, self._sealed = self._sealed, []
            if not segments:
                return
            clean = [segment for segment in segments if not segment.tainted]
            try:
                self._durability.make_durable([path for segment in clean for path in segment.files.values()])
            except OSError as exc:
                # A file whose write-back failed may have lost its pages, and a second sync would
                # report success: every one is written again from its record before it may go.
                log.error("blob files could not be made durable in place (%s); writing them again from "
                          "the journal", exc)
                for segment in clean:
                    segment.tainted = True
            done = 0
            try:
                for segment in segments:
                    if segment.tainted:
                        self._rewrite_from(segment)
                    self._retire(segment)
                    done += 1
            except BaseException:
                with self._lock:
                    self._sealed[:0] = segments[done:]
                raise

    def _rewrite_from(self, segment: Segment) -> None:
        """Write the segment's blobs again from its durable records (up to its good size)."""
        content = _read_prefix(segment.path, segment.size)
        for address, data in iter_records(content):
            if address in segment.files:
                self._rewrite(address, data)

    def _retire(self, segment: Segment) -> None:
        _unlink_quietly(segment.path)     # a lost unlink only means a harmless replay
        os.close(segment.fd)              # releases the lock
        with self._lock:
            for address in segment.files:
                left = self._pending.get(address, 0) - 1
                if left > 0:
                    self._pending[address] = left
                else:
                    self._pending.pop(address, None)

    def close(self) -> None:
        """Checkpoint everything and stop the thread (a clean stop leaves no segment behind)."""
        if self.foreign:
            return
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._seal_current()
            self._wake.notify()
        self._thread.join(timeout=60)
        self._checkpoint_sealed()
        if not self._thread.is_alive():   # else it may still sync through that descriptor
            self._durability.close()


Keep = Callable[[list[tuple[str, bytes]]], set[str]]


def replay(directory: str, rewrite: Callable[[str, bytes], None], keep: Keep | None = None) -> int:
    """Put right what writers that are gone left in ``directory`` (see the module docstring):
    each record ``keep`` names (every record without ``keep``) is written again durably with
    ``rewrite``, then the segment is removed. Segments a live writer holds are left alone, and
    so is a segment whose ``keep`` fails (the database is unreachable, say): the next replay
    takes it. Returns the number of blobs written again."""
    replayed = 0
    try:
        names = sorted(n for n in os.listdir(directory) if n.endswith(SUFFIX))
    except FileNotFoundError:
        return 0
    _remove_stale_building(directory)
    for name in names:
        path = f"{directory}/{name}"
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:      # retired meanwhile by its writer
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:    # its writer is alive
                continue
            if not _still_named(fd, path):   # retired (or replayed) between our open and our lock
                continue
            with os.fdopen(os.dup(fd), "rb") as f:
                records = list(iter_records(f.read()))
            try:
                wanted = keep(records) if keep is not None and records else {a for a, _d in records}
            except Exception as exc:  # noqa: BLE001 - kept for the next replay
                log.warning("blob journal %s: cannot tell which blobs still matter (%s); kept for later", name, exc)
                continue
            for address, data in records:
                if address in wanted:
                    rewrite(address, data)
                    replayed += 1
            if records:
                log.warning("blob journal %s: %d of %d blob(s) of a writer that stopped were written again "
                            "(the others were never committed, or were removed or stored afresh since)",
                            name, len({a for a, _d in records if a in wanted}), len({a for a, _d in records}))
            _unlink_quietly(path)
        finally:
            os.close(fd)
    return replayed


def _still_named(fd: int, path: str) -> bool:
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return held.st_nlink > 0 and (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino)


def _remove_stale_building(directory: str) -> None:
    """A segment whose writer died between making and naming it holds nothing anyone relied
    on; it is removed once it is old enough that no writer can still be naming it."""
    now = time.time()
    for name in os.listdir(directory):
        if name.endswith(BUILDING):
            path = f"{directory}/{name}"
            try:
                if now - os.stat(path).st_mtime > STALE_BUILDING_SECONDS:
                    os.unlink(path)
            except OSError:
                pass


# ---- fork -----------------------------------------------------------------------------------
_LIVE_JOURNALS: weakref.WeakSet[BlobJournal] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for journal in list(_LIVE_JOURNALS):
        journal._forget_after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)


# ---- small helpers ---------------------------------------------------------------------------
def fsync_path(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_prefix(path: str, size: int) -> bytes:
    with open(path, "rb") as f:
        return f.read(size)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _kernel_reports_syncfs_errors() -> bool:
    """syncfs returns write-back errors from Linux 5.8 on; before, it could report success
    after failing to write."""
    if platform.system() != "Linux":
        return False
    try:
        major, minor = (int(part) for part in platform.release().split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (5, 8)


def _load_syncfs() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        function = libc.syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    return function
