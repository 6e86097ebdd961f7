"""Fuzzing the extractors (issue 12): whatever bytes an attachment holds — a valid document,
archive or compound file with random damage, or plain noise — extraction never raises and the
message always gets a verdict."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile
from email.message import EmailMessage
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.policy import PolicyHolder, check
from rules.content import parse
from rules.extraction import Extractor
from tests.archivers import pe_executable, rar4
from tests.bombs import pdf_bomb
from tests.ole_writer import compound_file, ole10_native, word_fib
from tests.test_e2e_screening import docx_bytes

REPO = Path(__file__).resolve().parent.parent
TEXT = "本文件为机密资料 confidential".encode()


def _tar(compression: str) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=f"w:{compression}") as tf:
        info = tarfile.TarInfo("dir/a.txt")
        info.size = len(TEXT)
        tf.addfile(info, io.BytesIO(TEXT))
    return buf.getvalue()


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.txt", TEXT)
        z.writestr("inner/plan.docx", docx_bytes("nested"))
    return buf.getvalue()


@cache
def seeds() -> list[tuple[str, bytes]]:
    """One valid sample of every kind the extractors read (made without external tools)."""
    return [
        ("a.zip", _zip()),
        ("plan.docx", docx_bytes("quarterly plan")),
        ("a.tar", _tar("")), ("a.tar.gz", _tar("gz")), ("a.tar.bz2", _tar("bz2")), ("a.tar.xz", _tar("xz")),
        ("a.txt.gz", gzip.compress(TEXT)), ("a.txt.bz2", bz2.compress(TEXT)), ("a.txt.xz", lzma.compress(TEXT)),
        ("a.rar", rar4({"a.txt": TEXT, "b.exe": pe_executable()})),
        ("a.pdf", pdf_bomb(pages=2, stream_bytes=2000, shared=False, text="report")),
        ("a.doc", compound_file({"WordDocument": word_fib("minutes"),
                                 "ObjectPool/_1/\x01Ole10Native": ole10_native("x.txt", TEXT)})),
        ("a.exe", pe_executable()),
    ]


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    name, data = draw(st.sampled_from(seeds()))
    buf = bytearray(data)
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "zero"]))
        at = draw(st.integers(0, max(len(buf) - 1, 0)))
        if op == "flip" and buf:
            buf[at] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del buf[at:at + draw(st.integers(1, 512))]
        elif op == "insert":
            buf[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif buf:
            buf[at:at + draw(st.integers(1, 64))] = bytes(min(64, len(buf) - at))
    return name, bytes(buf)


def _assert_sane(name: str, data: bytes) -> None:
    attachments = Extractor().extract(data, name)
    assert attachments and attachments[0].name == name
    for a in attachments:
        assert isinstance(a.text, str) and all(isinstance(f, str) for f in a.findings)


@cache
def _policy():  # noqa: ANN202
    return PolicyHolder(REPO / "configs" / "rules.yaml", REPO / "configs" / "directory.yaml").current


def _mail(name: str, data: bytes) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "alice@example.com", "partner@other.org", "files"
    msg.set_content("attached\n")
    msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return msg.as_bytes()


_FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FUZZ
@given(damaged())
def test_damaged_documents_and_archives_never_raise(sample: tuple[str, bytes]) -> None:
    _assert_sane(*sample)


@_FUZZ
@given(st.sampled_from([s[0] for s in seeds()]), st.binary(max_size=4096))
def test_noise_under_any_name_never_raises(name: str, data: bytes) -> None:
    _assert_sane(name, data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_every_damaged_attachment_still_gets_a_verdict(sample: tuple[str, bytes]) -> None:
    raw = _mail(*sample)
    message = parse(raw)
    assert isinstance(message.findings, list)
    verdict = check(_policy(), raw, "alice@example.com", ["partner@other.org"])
    assert str(verdict.action) in ("deliver", "quarantine", "reject")
