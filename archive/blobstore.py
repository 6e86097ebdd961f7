"""Blob storage behind a small Protocol (a filesystem today; S3 or similar can implement it later).

Blobs are opaque, already-encrypted bytes named by an address (lower-case hex). The filesystem
store fans out as ``ab/abcdef…`` (see :class:`FilesystemBlobStore` for the older ``ab/cd/``
layout) and writes atomically: temp file in the target directory,
write, fsync the file, rename, fsync the directory.

A writer storing many blobs at once (the gateway's group commit) passes a :class:`SyncBatch`:
the files are written and linked without fsync, and ``SyncBatch.sync()`` makes them durable
before the database says the blobs exist. With the journal (the default for a syncing
store), their bytes are appended to this process's journal segment and that one file is
synced: one fdatasync per batch. A background checkpoint later makes the files themselves
durable and drops the segment; after a crash, ``recover()`` (run by the archive as it opens
its store) writes again what is left (see
:mod:`archive.blobjournal`). Without it, each file and its directory are fsync'd.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from archive.blobjournal import (
    REPLAY_SETTLE_SECONDS,
    BlobJournal,
    JournalRecord,
    Keep,
    fsync_path,
    replay,
    unlink_quietly,
    write_all,
)

log = logging.getLogger(__name__)
_ADDRESS = re.compile(r"^[0-9a-f]{16,128}$")


class BlobNotFound(KeyError):
    """No blob at that address."""


@runtime_checkable
class BlobStore(Protocol):
    def put(self, address: str, data: bytes, *, overwrite: bool = False, batch: SyncBatch | None = None) -> bool:
        """Store ``data``; returns False (and writes nothing) when the address exists and not
        overwrite. A store that cannot defer its syncs ignores ``batch`` and syncs at once."""

    def get(self, address: str) -> bytes: ...

    def exists(self, address: str) -> bool: ...

    def delete(self, address: str) -> bool: ...

    def iter_addresses(self) -> Iterator[str]: ...

    def close(self) -> None:
        """Leave every stored blob durable in its final place and stop any background work."""

    def recover(self, keep: Callable[[list[tuple[str, bytes]]], set[int]] | None = None) -> int:
        """Complete what writers that stopped left undone; ``keep(records)`` gives the indexes
        of the (address, data) records that still matter. Returns how many blobs it wrote."""

    def rely_on(self, address: str, data: bytes, batch: SyncBatch | None = None) -> bool:
        """The caller relies on the blob stored at ``address`` (``data``, read and checked by
        it): make it durable, with ``batch`` or now. False when it is gone."""


def _fsync_dir(path: str | Path) -> None:
    fsync_path(str(path))


class SyncBatch:
    """Files written without fsync and the directories their names went into, made durable
    together by :meth:`sync` (see the module docstring). Not thread-safe: one writer."""

    def __init__(self) -> None:
        self._files: list[tuple[int, str | None]] = []    # descriptors; the path this batch linked
        self._dirs: dict[str, None] = {}                  # in order: a parent after its child
        self._journaled: dict[BlobJournal, list[JournalRecord]] = {}

    def __bool__(self) -> bool:
        return bool(self._files or self._dirs or self._journaled)

    def add_journaled(self, journal: BlobJournal, record: JournalRecord) -> None:
        """A blob file written (or found) without fsync whose bytes go to ``journal`` at
        :meth:`sync`, which then owns its descriptor (see archive.blobjournal). Unlike a file
        whose fsync failed, it is left in place when the journal fails: its pages were never
        refused by the disk, and another process may rely on it (the same message accepted
        there at the same moment)."""
        self._journaled.setdefault(journal, []).append(record)

    def add_file(self, fd: int, linked: str | None = None) -> None:
        """``fd`` to fsync; ``linked``: the name this batch gave it, removed if the sync fails."""
        self._files.append((fd, linked))

    def add_dir(self, path: str) -> None:
        self._dirs.pop(path, None)
        self._dirs[path] = None

    def sync(self) -> None:
        """Append the journalled blobs (one write and fdatasync per journal), then fsync every
        other file, then every directory; raises (after closing everything) when any of them
        fails, and then none of the batch may be taken as durable.

        After a failed fsync the kernel may have dropped the unwritten pages and a second
        fsync would report success for data that never reached the disk, so the files this
        batch linked are removed: a retry writes them afresh instead of trusting them."""
        error: OSError | None = None
        journaled, self._journaled = self._journaled, {}
        for journal, records in journaled.items():
            if error is not None:
                for record in records:
                    os.close(record.fd)
                continue
            try:
                journal.append(records)
            except OSError as exc:
                error = exc
        files, self._files = self._files, []
        for fd, _linked in files:
            try:
                if error is None:
                    os.fsync(fd)
            except OSError as exc:
                error = exc
            finally:
                os.close(fd)
        dirs, self._dirs = list(self._dirs), {}
        for path in dirs:
            if error is None:
                try:
                    _fsync_dir(path)
                except OSError as exc:
                    error = exc
        if error is not None:
            for _fd, linked in files:
                if linked is not None:
                    unlink_quietly(linked)
            raise error


class FilesystemBlobStore:
    """Content-addressed files under ``root``, fanned out by the address's first hex digits.

    A store made by this version has one level of 256 directories (``ab/abcdef…``), all made
    when the store is, and says so in its ``.layout`` file. The first layout had two levels
    (``ab/cd/abcdef…``, 65,536 directories made as blobs arrived): a young store paid a mkdir
    and two more directory fsyncs for most of its first hundred thousand blobs, a third of
    the gateway's file-system work per message. 256 directories stay fast at the sizes an
    archive reaches (ext4's and XFS's hashed directories: 40,000 files each at ten million
    messages). A store of the two-level layout keeps it (and gets a ``.layout`` saying so).
    """

    LAYOUT_FILE = ".layout"
    JOURNAL_DIR = ".journal"

    def __init__(self, root: str | os.PathLike[str], *, fsync: bool = True, journal: bool = True,
                 checkpoint_interval: float = 1.0):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._root = str(self.root)
        self._fsync = fsync
        self._owner = _owner_to_give(self._root)
        self.levels = self._open_layout()
        # Batched puts go through a journal (archive.blobjournal) when the store syncs at all.
        self._journal_dir = f"{self._root}/{self.JOURNAL_DIR}" if fsync and journal else None
        self._checkpoint_interval = checkpoint_interval
        self._journal: BlobJournal | None = None
        self._journal_lock = threading.Lock()
        self._closed = False
        if self._journal_dir is not None:
            try:
                self._make_dir(self._journal_dir)
            except OSError as exc:   # a read-only copy: it is read as it is
                log.warning("blob store %s: no journal directory: %s", self._root, exc)

    # ---- the journal ---------------------------------------------------------------------
    def recover(self, keep: Keep | None = None, *, settle: float = REPLAY_SETTLE_SECONDS) -> int:
        """Write again, durably, the blobs that writers which stopped left only in their journal
        segments (see archive.blobjournal.replay); ``keep`` picks the records that still matter
        (without it, all). Returns how many were written. Best effort on a read-only copy."""
        if self._journal_dir is None:
            return 0
        try:
            return replay(self._journal_dir, self._write_durably, keep, settle=settle)
        except OSError as exc:
            log.warning("blob store %s: could not replay its journal: %s", self._root, exc)
            return 0

    def _journal_for_this_process(self) -> BlobJournal:
        """This process's journal, made on its first batched put (never a parent's, through fork)."""
        journal = self._journal
        if journal is not None and not journal.foreign:
            return journal
        with self._journal_lock:
            if self._closed and (self._journal is None or not self._journal.foreign):
                # A writer still running after close() (a committer that outlived its stop)
                # must not start a journal nobody will close: its batch fails (451).
                raise OSError(errno.ESHUTDOWN, "the blob store is closed")
            if self._journal is None or self._journal.foreign:
                assert self._journal_dir is not None
                self._journal = BlobJournal(self._journal_dir, self._root, self._write_durably,
                                            segment_seconds=self._checkpoint_interval)
            return self._journal

    def _settle_pending(self, address: str) -> None:
        """Before a blob is replaced or removed outside a batch: checkpoint this process's
        journal if it still holds the address, or a replay after a crash could bring back the
        old bytes."""
        journal = self._journal
        if journal is not None and not journal.foreign and journal.pending(address):
            journal.checkpoint()

    def flush(self) -> None:
        """Make every blob this process wrote durable in its final place (no journal left)."""
        journal = self._journal
        if journal is not None and not journal.foreign:
            journal.checkpoint()

    def close(self) -> None:
        """Flush, and stop this process's checkpoint thread; later batched puts fail."""
        with self._journal_lock:
            self._closed = True
            journal, self._journal = self._journal, None
        if journal is not None and not journal.foreign:
            journal.close()

    def _write_durably(self, address: str, data: bytes) -> None:
        """Replace the blob file with ``data``, synced (a replay, or a checkpoint's recovery)."""
        directory, path = self._where(address)
        self._make_dir(directory)
        tmp = f"{directory}/.{address[:16]}.{secrets.token_hex(6)}.tmp"
        fd = self._new_file(tmp)
        try:
            write_all(fd, data)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            unlink_quietly(tmp)
            raise
        os.close(fd)
        os.replace(tmp, path)
        for d in (directory, *self._parents(directory)):
            _fsync_dir(d)

    def _open_layout(self) -> int:
        """The store's number of fan-out levels, from its ``.layout`` file or, where that is
        missing (a store of the first version, or a copy without dot-files), from what it holds;
        a one-level store gets its missing directories made and synced. Several processes may
        open a new store at once: each comes to the same answer and the same files."""
        marker = self.root / self.LAYOUT_FILE
        try:
            text = marker.read_text()
        except FileNotFoundError:
            text = ""
        levels = _parse_layout(text, marker) if text.strip() else self._levels_held()
        try:
            if not text.strip():
                self._write_marker(marker, levels)
            if levels == 1:
                self._make_directories()
        except OSError as exc:   # a read-only store (an auditor's copy) is still read; writes make
            log.warning("blob store %s: could not prepare its layout: %s", self._root, exc)  # what they need
        return levels

    def _make_dir(self, directory: str) -> None:
        """``makedirs`` of a directory under the root, owned like the root (see _owner_to_give)."""
        if os.path.isdir(directory):
            return
        os.makedirs(directory, mode=0o700, exist_ok=True)
        if self._owner is not None:
            while directory != self._root and directory.startswith(self._root):
                os.chown(directory, *self._owner)
                directory = os.path.dirname(directory)

    def _new_file(self, path: str) -> int:
        """A new file of the store (O_EXCL, 0600), owned like the root."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        if self._owner is not None:
            try:
                os.fchown(fd, *self._owner)
            except BaseException:
                os.close(fd)
                unlink_quietly(path)
                raise
        return fd

    def _make_directories(self) -> None:
        missing = [f"{self._root}/{i:02x}" for i in range(256) if not os.path.isdir(f"{self._root}/{i:02x}")]
        for directory in missing:
            self._make_dir(directory)
        if missing and self._fsync:
            for directory in missing:
                _fsync_dir(directory)
            _fsync_dir(self._root)

    def _levels_held(self) -> int:
        """2 when a fan-out directory holds fan-out directories (``ab/cd/``), else 1. The first
        entry of each directory decides: the two layouts never mix."""
        for first in self.root.iterdir():
            if not _is_fanout_dir(first):
                continue
            with os.scandir(first) as entries:
                for entry in entries:
                    if len(entry.name) == 2 and entry.is_dir():
                        return 2
                    if _ADDRESS.match(entry.name):
                        break
        return 1

    def _write_marker(self, marker: Path, levels: int) -> None:
        tmp = f"{self._root}/.layout.{secrets.token_hex(6)}.tmp"
        fd = self._new_file(tmp)
        try:
            os.write(fd, f"fanout-levels {levels}\n".encode())
            if self._fsync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, marker)
        if self._fsync:
            _fsync_dir(self._root)

    def _path(self, address: str) -> Path:
        return Path(self._where(address)[1])

    def _where(self, address: str) -> tuple[str, str]:
        """(directory, file) of ``address``."""
        if not _ADDRESS.match(address):
            raise ValueError(f"invalid blob address {address!r}")
        fanout = address[:2] if self.levels == 1 else f"{address[:2]}/{address[2:4]}"
        directory = f"{self._root}/{fanout}"
        return directory, f"{directory}/{address}"

    def put(self, address: str, data: bytes, *, overwrite: bool = False, batch: SyncBatch | None = None) -> bool:
        """Store ``data``; returns False (and writes nothing) when the address exists and not
        overwrite: a caller that then relies on the blob there says so with :meth:`rely_on`.
        With ``batch`` the syncs are left to ``batch.sync()``."""
        directory, path = self._where(address)
        if not overwrite and os.path.exists(path):
            return False
        if overwrite:
            self._settle_pending(address)
        journal = self._journal_for_this_process() if batch is not None and self._journal_dir is not None else None
        tmp = f"{directory}/.{address[:16]}.{secrets.token_hex(6)}.tmp"
        created = False
        while True:
            try:
                fd = self._new_file(tmp)
                break
            except FileNotFoundError:   # the first blob in this directory
                if created:
                    raise
                self._make_dir(directory)
                created = True
        try:
            write_all(fd, data)
            if self._fsync and batch is None:
                os.fsync(fd)
        except BaseException:
            os.close(fd)
            unlink_quietly(tmp)
            raise
        try:
            if overwrite:
                os.replace(tmp, path)
            else:
                try:
                    os.link(tmp, path)      # never replaces a blob someone else just wrote
                except FileExistsError:
                    unlink_quietly(tmp)
                    os.close(fd)
                    return False
                os.unlink(tmp)
        except BaseException:
            os.close(fd)
            raise
        if not self._fsync:
            os.close(fd)
            return True
        if journal is not None:      # durable through the journal when the batch syncs
            batch.add_journaled(journal, JournalRecord(address, data, path, fd))  # type: ignore[union-attr]
            return True
        dirs = [directory, *self._parents(directory)] if created else [directory]
        if batch is not None:
            batch.add_file(fd, None if overwrite else path)
            for d in dirs:
                batch.add_dir(d)
            return True
        os.close(fd)
        for d in dirs:
            _fsync_dir(d)
        return True

    def rely_on(self, address: str, data: bytes, batch: SyncBatch | None = None) -> bool:
        """The caller relies on the blob already stored at ``address``, whose bytes it read and
        checked (``data``): it may be one a failed batch, or another process, wrote and never
        made durable, so it is made durable, with ``batch`` (journalled, or synced again, which
        is nearly free when it is clean) or now. Returns False when it is gone (purged
        meanwhile): the caller stores its own."""
        directory, path = self._where(address)
        if not self._fsync:
            return os.path.exists(path)
        journal = self._journal_for_this_process() if batch is not None and self._journal_dir is not None else None
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            return False
        if journal is not None:
            batch.add_journaled(journal, JournalRecord(address, data, path, fd))  # type: ignore[union-attr]
            return True
        if batch is not None:
            batch.add_file(fd)
            for d in (directory, *self._parents(directory)):
                batch.add_dir(d)
            return True
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        for d in (directory, *self._parents(directory)):
            _fsync_dir(d)
        return True

    def _parents(self, directory: str) -> list[str]:
        """The directories between a blob's directory and the root, the root included."""
        return [os.path.dirname(directory), self._root] if self.levels == 2 else [self._root]

    def get(self, address: str) -> bytes:
        try:
            return self._path(address).read_bytes()
        except FileNotFoundError as exc:
            raise BlobNotFound(address) from exc

    def exists(self, address: str) -> bool:
        return self._path(address).exists()

    def delete(self, address: str) -> bool:
        path = self._path(address)
        self._settle_pending(address)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        if self._fsync:
            _fsync_dir(path.parent)
        return True

    def age(self, address: str, now: float | None = None) -> float:
        """Seconds since the blob was written (for collecting orphans safely)."""
        import time

        return (time.time() if now is None else now) - self._path(address).stat().st_mtime

    def iter_addresses(self) -> Iterator[str]:
        for first in sorted(self.root.iterdir()):
            if not _is_fanout_dir(first):
                continue
            leaves = [first] if self.levels == 1 else [d for d in sorted(first.iterdir()) if _is_fanout_dir(d)]
            for leaf in leaves:
                for entry in sorted(leaf.iterdir()):
                    if _ADDRESS.match(entry.name):
                        yield entry.name


def _owner_to_give(root: str) -> tuple[int, int] | None:
    """(uid, gid) for what this process makes in the store: the root directory's owner when
    this process is root and the store is not root's. A ``mailwarden`` command run as root
    (a replay after a crash, an import) must not leave files or directories the gateway's
    own user cannot read or write."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    st = os.stat(root)
    return (st.st_uid, st.st_gid) if st.st_uid != 0 else None


def _is_fanout_dir(path: Path) -> bool:
    return len(path.name) == 2 and path.is_dir()


def _parse_layout(text: str, where: Path) -> int:
    parts = text.split()
    if len(parts) == 2 and parts[0] == "fanout-levels" and parts[1] in ("1", "2"):
        return int(parts[1])
    raise ValueError(f"{where}: not a blob store layout ({text.strip()[:60]!r}); expected 'fanout-levels 1'")
