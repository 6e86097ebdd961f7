"""Real-world broken MIME and fuzzing: parsing never raises, every message gets a verdict."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.attachments import Extractor
from rules.charsets import decode_bytes
from rules.content import decode_header_value, parse
from rules.engine import Engine, EvaluationContext
from rules.html_text import html_to_text
from rules.loader import load_ruleset
from rules.model import Direction, Envelope

ROOT = Path(__file__).parent
CORPUS = sorted(p for p in (ROOT / "corpus_mail_gem").rglob("*") if p.is_file() and p.name != "LICENSE")
ENGINE = Engine(load_ruleset(ROOT.parent / "configs" / "rules.yaml"))


class _Dir:
    def is_internal(self, a: str) -> bool:
        return a.lower().endswith("@example.com")

    def department_of(self, a: str) -> str | None:
        return None

    def groups_of(self, a: str) -> frozenset[str]:
        return frozenset()

    def may_send_externally(self, a: str) -> bool:
        return True


def verdict_for(raw: bytes, sender: str = "alice@example.com") -> dict[str, object]:
    rcpts = ("bob@example.com", "x@other.test")
    dirs = {"bob@example.com": Direction.INTERNAL, "x@other.test": Direction.OUTBOUND}
    m = parse(raw)
    v = ENGINE.evaluate(m, Envelope(sender, rcpts), EvaluationContext(dirs, _Dir()))
    list(m.iter_text())
    return v.to_json()


def test_corpus_present() -> None:
    assert len(CORPUS) > 50


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(ROOT / "corpus_mail_gem")))
def test_corpus_message_parses_and_gets_verdict(path: Path) -> None:
    raw = path.read_bytes()
    m = parse(raw)
    assert isinstance(m.subject, str)
    assert isinstance(m.headers, list)
    for where, text in m.iter_text():
        assert isinstance(where, str) and isinstance(text, str)
    out = verdict_for(raw)
    assert out["action"] in ("deliver", "quarantine", "reject")


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_SEEDS = [p.read_bytes() for p in CORPUS[:40]]


@FUZZ
@given(st.binary(max_size=4096))
def test_fuzz_random_bytes(data: bytes) -> None:
    verdict_for(data)
    decode_bytes(data, "gb2312")
    decode_header_value(data.decode("latin-1"))


@FUZZ
@given(st.sampled_from(_SEEDS), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255),
                                                    st.sampled_from(["flip", "cut", "dup", "insert"])),
                                          min_size=1, max_size=8))
def test_fuzz_mutated_corpus(seed: bytes, edits: list[tuple[int, int, str]]) -> None:
    data = bytearray(seed)
    for pos, byte, op in edits:
        if not data:
            break
        i = pos % len(data)
        if op == "flip":
            data[i] = byte
        elif op == "cut":
            del data[i:i + byte]
        elif op == "dup":
            data[i:i] = data[i:i + byte]
        else:
            data[i:i] = bytes([byte]) * 3 + b"\r\n--"
    verdict_for(bytes(data))


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for k, v in members.items():
            zf.writestr(k, v)
    return buf.getvalue()


@FUZZ
@given(st.binary(max_size=2048), st.integers(0, 4000), st.integers(0, 255))
def test_fuzz_attachment_extractors(payload: bytes, pos: int, byte: int) -> None:
    for container in (_zip({"a.txt": payload, "[Content_Types].xml": b"<x/>", "word/document.xml": payload}),
                      b"%PDF-1.4\n" + payload, b"\x1f\x8b\x08" + payload, b"BZh9" + payload):
        data = bytearray(container)
        if data:
            data[pos % len(data)] = byte
        atts = Extractor().extract(bytes(data), "f.bin")
        assert atts and all(isinstance(a.text, str) for a in atts)
    html_to_text(payload.decode("utf-8", "replace"))
