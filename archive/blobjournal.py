"""A write-ahead journal for blobs stored in batches: one append and one fdatasync per batch.

Why: the gateway answers ``250`` only once a message's blob is durable. Made durable file by
file, a batch of N blobs costs N file fsyncs and N directory fsyncs, each a journal commit of
the file system that the others wait on; that was most of the time a session spent waiting
for its ``250``. Here the batch's blobs are appended to one journal segment and that one
file is synced; the blob files themselves are still written (and linked under their
content address) at once, so every process reads them as before, but they are made durable
later, many batches at a time, by a background checkpoint. Only then is the segment removed.

The checkpoint fsyncs each blob file through the descriptor it was written (or found and
relied on) with, kept open until then: the kernel reports a write-back error to every
descriptor that was open when it happened, once, so no other process's sync, nor a
descriptor opened later, can take the error that says a blob never reached the disk.
(``syncfs`` would be one call, but it reports an error once per caller for the whole file
system: a checkpoint of one segment could swallow the error of a file of the next.) When a
file's fsync fails, a second fsync would report success for pages that were dropped, so the
segment's blobs are written again from their records before the segment may go.

What a crash leaves is put right by :func:`replay` (the archive runs it when it opens its
store): each record of a segment whose writer is gone that the caller says still matters
(the archive: those whose blob row names the same data key, so a record of a batch that
never committed, or of a blob since removed or stored afresh, is not brought back) is
written again as a new file, synced and renamed over the blob; then the segment goes. The
file that is there is never trusted: after a write-back error the page cache can show bytes
that are not on the disk. A writer holds an exclusive ``flock`` on each of its segments
until it has removed it, so a segment that can be locked, and is still there, has no writer.

Segment format: ``MWJ1\\n``, then records ``MWJR | address length (1) | data length (4) |
crc32 of address + data (4) | address | data``, big-endian. The first record that is short
or does not match its checksum ends the segment: it is a batch that was never synced, so
nobody was told it was stored.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
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
REPLAY_SETTLE_SECONDS = 2.0

#: ``keep(records)``: the indexes of the (address, data) records that still matter.
Keep = Callable[[list[tuple[str, bytes]]], set[int]]


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
class JournalRecord:
    """A blob for the journal: its bytes, its file and the descriptor the checkpoint syncs."""

    address: str
    data: bytes
    path: str
    fd: int


@dataclass
class Segment:
    """One journal file this process writes (or wrote): its descriptor holds the lock."""

    path: str
    fd: int
    opened: float = field(default_factory=time.monotonic)
    size: int = 0                                          # bytes of its durable records
    blobs: list[tuple[str, str, int]] = field(default_factory=list)   # (address, file, descriptor)
    addresses: set[str] = field(default_factory=set)      # of ``blobs``
    tainted: bool = False      # a sync of its files failed: they are written again, never re-synced


class BlobJournal:
    """This process's journal (see the module docstring). ``append`` is called by one writer
    thread at a time (the group committer); the checkpoint runs in a thread of its own.

    ``rewrite(address, data)`` writes a blob file again, durably, from its record when a
    checkpoint could not make it durable in place. ``root`` is the store's root: the
    checkpoint syncs every directory between a blob and it."""

    def __init__(self, directory: str, root: str, rewrite: Callable[[str, bytes], None], *,
                 segment_bytes: int = 8 << 20, segment_seconds: float = 1.0, max_descriptors: int | None = None):
        self.directory = directory
        self._root = root
        self._rewrite = rewrite
        self._segment_bytes = segment_bytes
        self._segment_seconds = segment_seconds
        # Every journalled blob holds a descriptor until its checkpoint: past this many, the
        # writer checkpoints before it goes on (back-pressure), so a disk slower than the mail
        # cannot run the process out of descriptors.
        self._max_descriptors = max_descriptors or _descriptor_budget()
        self._segment_files = max(16, self._max_descriptors // 2)
        self._pid = os.getpid()
        self._lock = threading.Lock()          # segments, pending addresses, descriptors
        self._current: Segment | None = None
        self._sealed: list[Segment] = []
        self._pending: dict[str, int] = {}     # address -> segments holding it not yet checkpointed
        self._open_fds: set[int] = set()       # every descriptor this journal holds (closed after fork)
        self._wake = threading.Condition(self._lock)
        self._checkpointing = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="blob-checkpoint", daemon=True)
        self._thread.start()
        _LIVE_JOURNALS.add(self)

    @property
    def foreign(self) -> bool:
        """True in a child process that inherited this journal through fork: it must not write
        to its parent's segments (their locks are the parent's)."""
        return self._pid != os.getpid()

    def _forget_after_fork(self) -> None:
        """In a forked child: close every descriptor inherited from the parent's journal, or the
        child would hold its segments' locks (and keep them from being replayed) after the
        parent is gone."""
        for fd in list(self._open_fds):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._open_fds.clear()
        self._current, self._sealed = None, []

    # ---- writing -------------------------------------------------------------------------
    def append(self, records: list[JournalRecord]) -> None:
        """Append the records in one write and make them durable; the journal then owns their
        descriptors. Raises OSError when they may not be taken as durable (their descriptors
        are closed; the segment is sealed and later batches go to a new one)."""
        if not records:
            return
        try:
            payload = b"".join(encode_record(r.address, r.data) for r in records)
        except OSError:
            _close_all(r.fd for r in records)
            raise
        # Under the lock: the checkpoint thread must not seal and retire a segment while a
        # batch is being written into it.
        with self._lock:
            try:
                if self._closed:
                    raise OSError(errno.ESHUTDOWN, "the blob journal is closed")
                segment = self._current
                if segment is None or self._due(segment):
                    segment = self._open_segment()
                try:
                    write_all(segment.fd, payload)
                    os.fdatasync(segment.fd)
                except OSError:
                    # Cut off what this batch wrote (best effort: replay only restores records
                    # the archive still names) and seal the segment for its earlier records.
                    with contextlib.suppress(OSError):
                        os.ftruncate(segment.fd, segment.size)
                        os.fdatasync(segment.fd)
                    self._seal_current()
                    raise
            except BaseException:
                _close_all(r.fd for r in records)
                raise
            segment.size += len(payload)
            for r in records:
                if r.address not in segment.addresses:
                    self._pending[r.address] = self._pending.get(r.address, 0) + 1
                    segment.addresses.add(r.address)
                segment.blobs.append((r.address, r.path, r.fd))
                self._open_fds.add(r.fd)
            crowded = len(self._open_fds) >= self._max_descriptors
        if crowded:
            try:
                self.checkpoint()
            except Exception as exc:  # noqa: BLE001 - this batch is durable; the checkpoint is retried
                log.error("blob journal: checkpoint at the descriptor limit failed (%s)", exc)

    def _due(self, segment: Segment) -> bool:
        return (segment.size >= self._segment_bytes or len(segment.blobs) >= self._segment_files
                or time.monotonic() - segment.opened >= self._segment_seconds)

    def _open_segment(self) -> Segment:
        """Seal the current segment (if any) and start a new one; caller holds the lock."""
        self._seal_current()
        name = f"{os.getpid()}-{secrets.token_hex(6)}"
        # Made under a name replay ignores and renamed once locked: a replay in another
        # process must never take a new segment for one whose writer is gone.
        building, path = f"{self.directory}/.{name}{BUILDING}", f"{self.directory}/{name}{SUFFIX}"
        fd = os.open(building, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC, 0o600)
        self._open_fds.add(fd)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            write_all(fd, SEGMENT_MAGIC)
            os.fsync(fd)
            os.rename(building, path)
            fsync_path(self.directory)   # the segment's name must survive a crash as its records do
        except BaseException:
            self._open_fds.discard(fd)
            os.close(fd)
            unlink_quietly(building)
            unlink_quietly(path)
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
        """Make every blob file written so far durable and remove the segments that covered
        them; raises OSError when some could not be (they are kept and tried again)."""
        with self._lock:
            self._seal_current()
        self._checkpoint_sealed()

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._closed and not self._sealed:
                    current = self._current
                    if current is not None and current.blobs and self._due(current):
                        self._seal_current()
                        break
                    self._wake.wait(timeout=self._segment_seconds / 2)
                if self._closed:       # close() makes the last attempt itself
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
            done = 0
            try:
                self._sync_files(segments)
                for segment in segments:
                    if segment.tainted:
                        self._rewrite_from(segment)
                    self._retire(segment)
                    done += 1
            except BaseException:
                with self._lock:
                    self._sealed[:0] = segments[done:]
                raise

    def _sync_files(self, segments: list[Segment]) -> None:
        """fsync each untainted segment's blob files through their own descriptors, then the
        directories they are named in; a segment with a file (or directory) whose fsync fails
        is tainted (see the module docstring). A directory that cannot be opened (no
        descriptor left, say) says nothing about the disk: it raises, and the checkpoint is
        tried again with every segment as it was."""
        directories: dict[str, list[Segment]] = {}
        for segment in segments:
            if segment.tainted:
                continue
            for _address, _path, fd in segment.blobs:
                try:
                    os.fsync(fd)
                except OSError as exc:
                    log.error("a blob file could not be made durable in place (%s); its segment's blobs are "
                              "written again from the journal", exc)
                    segment.tainted = True
                    break
            if segment.tainted:
                continue
            for _address, path, _fd in segment.blobs:
                directory = os.path.dirname(path)
                while directory.startswith(self._root):        # up to the root, for a new fan-out directory
                    holders = directories.setdefault(directory, [])
                    if segment not in holders:
                        holders.append(segment)
                    if directory == self._root:
                        break
                    directory = os.path.dirname(directory)
        for directory, holders in directories.items():
            fd = os.open(directory, os.O_RDONLY | os.O_CLOEXEC)
            try:
                os.fsync(fd)
            except OSError as exc:
                log.error("a blob directory could not be synced (%s); its blobs are written again", exc)
                for segment in holders:
                    segment.tainted = True
            finally:
                os.close(fd)

    def _rewrite_from(self, segment: Segment) -> None:
        """Write the segment's blobs again from its durable records (up to its good size); a
        blob whose file is no longer the one this journal wrote or relied on (removed, or
        stored afresh by another process since, or already written again by an earlier try)
        is left as it is."""
        content = _read_prefix(segment.path, segment.size)
        ours = {address: (path, fd) for address, path, fd in segment.blobs}
        for address, data in iter_records(content):
            held = ours.get(address)
            if held is not None and _still_named(held[1], held[0]):
                self._rewrite(address, data)

    def _retire(self, segment: Segment) -> None:
        unlink_quietly(segment.path)     # a lost unlink only means a replay, which checks with the archive
        with self._lock:
            held = [fd for _address, _path, fd in segment.blobs]
            _close_all([*held, segment.fd])                   # the segment's descriptor last: its lock
            self._open_fds.difference_update([*held, segment.fd])
            for address in segment.addresses:
                left = self._pending.get(address, 0) - 1
                if left > 0:
                    self._pending[address] = left
                else:
                    self._pending.pop(address, None)

    def close(self) -> None:
        """Checkpoint everything and stop. A clean stop leaves no segment behind; on a failing
        disk what could not be made durable stays in its segments (logged), their locks given
        up, for the next replay."""
        if self.foreign:
            return
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._seal_current()
            self._wake.notify()
        self._thread.join(timeout=60)
        try:
            self._checkpoint_sealed()
        except Exception as exc:  # noqa: BLE001 - kept for replay
            log.error("blob journal: %d segment(s) could not be checkpointed at close (%s); they are "
                      "replayed at the next start", len(self._sealed), exc)
        with self._lock:
            _close_all(self._open_fds)
            self._open_fds.clear()
            self._sealed = []


def replay(directory: str, rewrite: Callable[[str, bytes], None], keep: Keep | None = None, *,
           settle: float = REPLAY_SETTLE_SECONDS) -> int:
    """Put right what writers that are gone left in ``directory`` (see the module docstring):
    each record ``keep`` names (every record without ``keep``) is written again durably with
    ``rewrite``, then the segment is removed. Segments a live writer holds are left alone, and
    so is a segment whose ``keep`` fails (the database is unreachable, say): the next replay
    takes it. A segment written to less than ``settle`` seconds ago is judged only once it is
    that old: its writer may have died with a COMMIT on its way to the database server, which
    ``keep`` must see. Returns the number of blobs written again."""
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
            young = settle - (time.time() - os.fstat(fd).st_mtime)
            if young > 0:
                time.sleep(young)
            with os.fdopen(os.dup(fd), "rb") as f:
                records = list(iter_records(f.read()))
            try:
                wanted = keep(records) if keep is not None and records else set(range(len(records)))
            except Exception as exc:  # noqa: BLE001 - kept for the next replay
                log.warning("blob journal %s: cannot tell which blobs still matter (%s); kept for later", name, exc)
                continue
            for index, (address, data) in enumerate(records):
                if index in wanted:
                    rewrite(address, data)
                    replayed += 1
            if records:
                log.warning("blob journal %s: %d of %d record(s) of a writer that stopped were written again "
                            "(the others were never committed, or were removed or stored afresh since)",
                            name, len(wanted), len(records))
            unlink_quietly(path)
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


def _descriptor_budget() -> int:
    """A quarter of the process's open-files limit (sessions, connections and the database
    need the rest), at least 64."""
    import resource

    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 16384
    return max(64, soft // 4)


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


def _close_all(fds) -> None:  # noqa: ANN001 - any iterable of descriptors
    for fd in list(fds):
        with contextlib.suppress(OSError):
            os.close(fd)


def _read_prefix(path: str, size: int) -> bytes:
    with open(path, "rb") as f:
        return f.read(size)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
