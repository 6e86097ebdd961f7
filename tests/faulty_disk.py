"""A real disk that fails writes on demand, and a real power cycle, for durability tests.

ext4 on a loop device whose image is a sparse file on a small tmpfs: shrinking the tmpfs to
what it already holds makes the loop device fail every write that needs a new block, so the
file system above sees genuine write-back errors (EIO, ENOSPC) at fsync, syncfs and
fdatasync. :meth:`FaultyDisk.power_cycle` shuts ext4 down without flushing anything, as a
power failure would, then mounts it again: what is read afterwards is what reached the
disk. Needs root, losetup and mkfs.ext4.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

EXT4_IOC_SHUTDOWN = 0x8004587D          # _IOR('X', 125, __u32)
EXT4_GOING_FLAGS_NOLOGFLUSH = 2


class FaultyDisk:
    def __init__(self, base: Path):
        self.backing = base / "backing"
        self.mountpoint = base / "mnt"
        self.loop = ""

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(list(args), capture_output=True, text=True)

    def start(self) -> FaultyDisk:
        self.backing.mkdir()
        self.mountpoint.mkdir()
        if self._run("mount", "-t", "tmpfs", "-o", "size=300M", "tmpfs", str(self.backing)).returncode != 0:
            pytest.skip("cannot mount a tmpfs here")
        image = self.backing / "disk.img"
        self._run("truncate", "-s", "256M", str(image))
        loop = self._run("losetup", "-f", "--show", str(image))
        if loop.returncode != 0:
            self._run("umount", str(self.backing))
            pytest.skip(f"no loop device: {loop.stderr.strip()}")
        self.loop = loop.stdout.strip()
        made = self._run("mkfs.ext4", "-q", "-F", self.loop)
        assert made.returncode == 0, made.stderr
        self._mount()
        return self

    def _mount(self) -> None:
        mounted = self._run("mount", "-o", "errors=continue", self.loop, str(self.mountpoint))
        assert mounted.returncode == 0, mounted.stderr

    def fail_writes(self) -> None:
        """From now on, writes that need a new block of the disk fail. (The tmpfs is shrunk to what it
        holds; what it holds may grow between the reading and the remount - the loop device writing back
        under a loaded CI run - and a size below it is refused: read again and retry.)"""
        for _ in range(10):
            used = self._run("df", "-k", "--output=used", str(self.backing)).stdout.split()[-1]
            if self._run("mount", "-o", f"remount,size={used}k", str(self.backing)).returncode == 0:
                return
        raise AssertionError(f"could not shrink the tmpfs under {self.backing} to what it holds")

    def heal(self) -> None:
        assert self._run("mount", "-o", "remount,size=300M", str(self.backing)).returncode == 0

    def power_cycle(self) -> None:
        """Cut the power, then mount again (every file on it must be closed): ext4 is shut down
        without flushing anything (``EXT4_IOC_SHUTDOWN``, ``NOLOGFLUSH``), as a power failure
        would leave it, so what was not made durable is gone; a plain unmount would write
        every dirty page back first."""
        self.heal()
        fd = os.open(self.mountpoint, os.O_RDONLY)
        try:
            fcntl.ioctl(fd, EXT4_IOC_SHUTDOWN, struct.pack("I", EXT4_GOING_FLAGS_NOLOGFLUSH))
        finally:
            os.close(fd)
        unmounted = self._run("umount", str(self.mountpoint))
        assert unmounted.returncode == 0, unmounted.stderr
        self._mount()

    def stop(self) -> None:
        self.heal()
        if self._run("umount", str(self.mountpoint)).returncode != 0:
            self._run("umount", "-l", str(self.mountpoint))
        if self.loop:
            self._run("losetup", "-d", self.loop)
        if self._run("umount", str(self.backing)).returncode != 0:
            self._run("umount", "-l", str(self.backing))


@contextlib.contextmanager
def faulty_disk(base: Path) -> Iterator[FaultyDisk]:
    if not all(shutil.which(tool) for tool in ("losetup", "mkfs.ext4", "mount")):
        pytest.skip("losetup, mkfs.ext4 and mount are needed")
    disk = FaultyDisk(base)
    try:
        yield disk.start()
    finally:
        disk.stop()
