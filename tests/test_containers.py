"""Containers opened through libarchive, made by the real tools (7z, bsdtar; RAR written byte by
byte): what is inside is seen, an executable or an encrypted member is found, and every format
meets the same bomb limits (ratio, depth, count, total size)."""

from __future__ import annotations

import random
import time
import tracemalloc

import pytest

from rules.budget import Budget, Limits
from rules.content import parse
from rules.extraction import Extractor
from tests.archivers import bsdtar, pe_executable, rar4, seven_zip
from tests.test_rules_content import mime

SECRET = "本文件为机密资料，严禁外传。"


def _inside(data: bytes, name: str, limits: Limits | None = None):  # noqa: ANN202
    message = parse(mime([("application/octet-stream", data, name)]), limits)
    return message, {a.path: a for a in message.attachments}


@pytest.mark.parametrize(("name", "make"), [
    ("tools.7z", lambda f: seven_zip(f)),
    ("tools.tar", lambda f: bsdtar(f)),
    ("tools.tar.gz", lambda f: bsdtar(f, compress="gzip")),
    ("tools.tar.bz2", lambda f: bsdtar(f, compress="bzip2")),
    ("tools.tar.xz", lambda f: bsdtar(f, compress="xz")),
    ("tools.zip", lambda f: seven_zip(f, kind="zip")),
    ("tools.rar", lambda f: rar4(f)),
])
def test_executable_and_text_inside_every_archive_format_are_seen(name: str, make) -> None:  # noqa: ANN001
    data = make({"bin/setup.exe": pe_executable(), "notes.txt": SECRET.encode()})
    message, found = _inside(data, name)
    exe = next(a for path, a in found.items() if path.endswith("setup.exe"))
    assert exe.is_executable
    assert any(a.text == SECRET for a in found.values())
    assert not any(f.startswith("uninspectable") for f in message.findings), message.findings


@pytest.mark.parametrize("kind", ["gzip", "bzip2", "xz"])
def test_single_compressed_stream_is_read(kind: str) -> None:
    data = seven_zip({"report.txt": SECRET.encode()}, kind=kind)
    suffix = {"gzip": "gz", "bzip2": "bz2", "xz": "xz"}[kind]
    _message, found = _inside(data, f"report.txt.{suffix}")
    assert found[f"report.txt.{suffix}/report.txt"].text == SECRET


@pytest.mark.parametrize(("name", "make"), [
    ("locked.7z", lambda f: seven_zip(f, password="s3cret")),
    ("locked-names.7z", lambda f: seven_zip(f, password="s3cret", encrypt_names=True)),
    ("locked.zip", lambda f: seven_zip(f, kind="zip", password="s3cret")),
    ("locked.rar", lambda f: rar4(f, encrypted=True)),
])
def test_encrypted_archive_or_member_is_flagged(name: str, make) -> None:  # noqa: ANN001
    message, found = _inside(make({"payroll.xlsx": b"PK\x03\x04 not really"}), name)
    assert found[name].encrypted
    assert "encrypted attachment" in message.findings


def test_7z_bomb_stops_after_a_bounded_read() -> None:
    bomb = seven_zip({"zeros.bin": bytes(16 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    message, _found = _inside(bomb, "bomb.7z")
    findings = message.findings
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "archive bomb" in findings
    assert elapsed < 5
    assert peak < 16 * 1024 * 1024


def test_nesting_beyond_the_depth_limit_is_a_finding() -> None:
    data = SECRET.encode()
    name = "secret.txt"
    for level in range(7):
        data = seven_zip({name: data}) if level % 2 == 0 else bsdtar({name: data}, compress="gzip")
        name = f"level{level}.{'7z' if level % 2 == 0 else 'tgz'}"
    message, _found = _inside(data, name)
    assert "archive too deep" in message.findings


def test_too_many_members_is_a_finding() -> None:
    many = bsdtar({f"f{i:04d}.txt": b"x" for i in range(1100)})
    message, _found = _inside(many, "many.tar")
    assert "archive too many files" in message.findings


def test_total_expanded_size_is_shared_across_archives() -> None:
    text = random.Random(5).randbytes(1024 * 1024)      # 1 MiB that does not compress: no ratio finding
    ex = Extractor(Budget(Limits(max_total_bytes=1536 * 1024)))
    first = ex.extract(bsdtar({"a.bin": text}, compress="gzip"), "a.tgz")
    assert "archive bomb" not in first[0].findings
    second = ex.extract(seven_zip({"b.bin": text}), "b.7z")
    assert "archive bomb" in second[0].findings


def test_damaged_archive_keeps_what_was_read_and_is_corrupt() -> None:
    data = seven_zip({"a.txt": SECRET.encode(), "b.txt": b"second member " * 1000})
    message, found = _inside(data[: len(data) // 2], "cut.7z")
    assert "uninspectable: corrupt" in message.findings
