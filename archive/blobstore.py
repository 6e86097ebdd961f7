"""Blob storage behind a small Protocol (a filesystem today; S3 or similar can implement it later).

Blobs are opaque, already-encrypted bytes named by an address (lower-case hex). The filesystem
store fans out as ``ab/cd/abcdef…`` and writes atomically: temp file in the target directory,
write, fsync the file, rename, fsync the directory.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

_ADDRESS = re.compile(r"^[0-9a-f]{16,128}$")


class BlobNotFound(KeyError):
    """No blob at that address."""


@runtime_checkable
class BlobStore(Protocol):
    def put(self, address: str, data: bytes, *, overwrite: bool = False) -> bool:
        """Store ``data``; returns False (and writes nothing) when the address exists and not overwrite."""

    def get(self, address: str) -> bytes: ...

    def exists(self, address: str) -> bool: ...

    def delete(self, address: str) -> bool: ...

    def iter_addresses(self) -> Iterator[str]: ...


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FilesystemBlobStore:
    """Content-addressed files under ``root`` with two levels of fan-out."""

    def __init__(self, root: str | os.PathLike[str], *, fsync: bool = True):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._fsync = fsync

    def _path(self, address: str) -> Path:
        if not _ADDRESS.match(address):
            raise ValueError(f"invalid blob address {address!r}")
        return self.root / address[:2] / address[2:4] / address

    def put(self, address: str, data: bytes, *, overwrite: bool = False) -> bool:
        path = self._path(address)
        if not overwrite and path.exists():
            return False
        directory = path.parent
        created = not directory.exists()
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = directory / f".{address[:16]}.{secrets.token_hex(6)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if self._fsync:
                os.fsync(fd)
        except BaseException:
            os.close(fd)
            tmp.unlink(missing_ok=True)
            raise
        os.close(fd)
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)      # never replaces a blob someone else just wrote
            except FileExistsError:
                tmp.unlink(missing_ok=True)
                return False
            tmp.unlink()
        if self._fsync:
            _fsync_dir(directory)
            if created:
                _fsync_dir(directory.parent)
                _fsync_dir(self.root)
        return True

    def get(self, address: str) -> bytes:
        try:
            return self._path(address).read_bytes()
        except FileNotFoundError as exc:
            raise BlobNotFound(address) from exc

    def exists(self, address: str) -> bool:
        return self._path(address).exists()

    def delete(self, address: str) -> bool:
        path = self._path(address)
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
            if not first.is_dir() or len(first.name) != 2:
                continue
            for second in sorted(first.iterdir()):
                if not second.is_dir():
                    continue
                for entry in sorted(second.iterdir()):
                    if _ADDRESS.match(entry.name):
                        yield entry.name
