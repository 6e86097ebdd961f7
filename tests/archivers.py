"""Archives made by the real tools in tests: ``7z`` (Debian's p7zip-full) and ``bsdtar``
(libarchive-tools). RAR cannot be made here (``rar`` is not free software and no Debian package
writes it), so :func:`rar4` writes a RAR 4 archive of stored members byte by byte, as the format
note (technote.txt) describes it.

Tests that use the tools skip when they are missing, unless ``MAILWARDEN_REQUIRE_ARCHIVERS`` is
set (CI sets it): then a missing tool fails the test.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import pytest

REQUIRE_ARCHIVERS = os.environ.get("MAILWARDEN_REQUIRE_ARCHIVERS", "") not in ("", "0")


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} is not installed (Debian: p7zip-full, libarchive-tools)"
        if REQUIRE_ARCHIVERS:
            pytest.fail(message + " and MAILWARDEN_REQUIRE_ARCHIVERS is set")
        pytest.skip(message)
    return path


def pe_executable() -> bytes:
    """A minimal but well-formed PE32 image header (DOS stub pointing at a PE signature)."""
    dos = bytearray(64)
    dos[0:2] = b"MZ"
    dos[0x3C:0x40] = struct.pack("<I", 0x80)
    stub = bytes(0x80 - 64)
    coff = struct.pack("<4sHHIIIHH", b"PE\0\0", 0x14C, 1, 0, 0, 0, 0xE0, 0x0102)
    optional = struct.pack("<H", 0x10B) + bytes(0xE0 - 2)
    return bytes(dos) + stub + coff + optional + bytes(512)


def _write_tree(root: Path, files: dict[str, bytes]) -> list[str]:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return list(files)


def seven_zip(files: dict[str, bytes], *, kind: str = "7z", password: str | None = None,
              encrypt_names: bool = False) -> bytes:
    """An archive written by ``7z a -t<kind>`` (7z, zip, gzip, bzip2, xz: the last three hold
    one file)."""
    tool = need("7z")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "in"
        names = _write_tree(root, files)
        out = Path(tmp) / f"out.{kind}"
        cmd = [tool, "a", f"-t{kind}", "-bd", "-y", str(out), *names]
        if password is not None:
            cmd.insert(2, f"-p{password}")
            if encrypt_names:
                cmd.insert(2, "-mhe=on")
        subprocess.run(cmd, cwd=root, check=True, capture_output=True, timeout=60)
        return out.read_bytes()


def bsdtar(files: dict[str, bytes], *, compress: str = "") -> bytes:
    """A tar archive written by ``bsdtar``, compressed with ``compress`` (``""``, ``gzip``,
    ``bzip2``, ``xz``)."""
    tool = need("bsdtar")
    flag = {"": [], "gzip": ["-z"], "bzip2": ["-j"], "xz": ["-J"]}[compress]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "in"
        names = _write_tree(root, files)
        out = Path(tmp) / "out.tar"
        subprocess.run([tool, "-c", *flag, "-f", str(out), *names], cwd=root, check=True, capture_output=True,
                       timeout=60)
        return out.read_bytes()


def _rar_block(head_type: int, flags: int, body: bytes) -> bytes:
    size = 7 + len(body)
    rest = struct.pack("<BHH", head_type, flags, size) + body
    return struct.pack("<H", zlib.crc32(rest) & 0xFFFF) + rest


def rar4(files: dict[str, bytes], *, encrypted: bool = False) -> bytes:
    """A RAR 4 archive of stored (uncompressed) members; ``encrypted`` sets each member's
    password flag (its data is then unreadable, as it would be without the password)."""
    out = bytearray(b"Rar!\x1a\x07\x00")
    out += _rar_block(0x73, 0x0000, b"\0" * 6)                    # archive header
    for name, data in files.items():
        raw_name = name.encode()
        flags = 0x8000 | (0x0004 if encrypted else 0)             # LONG_BLOCK (+ PASSWORD)
        body = struct.pack("<IIBIIBBHI", len(data), len(data), 3, zlib.crc32(data), 0x5A000000, 29, 0x30,
                           len(raw_name), 0o100644 << 16 >> 16) + raw_name
        out += _rar_block(0x74, flags, body) + data
    out += _rar_block(0x7B, 0x4000, b"")                          # end of archive
    return bytes(out)
