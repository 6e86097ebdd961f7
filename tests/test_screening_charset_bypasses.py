"""Charsets an insider can pick to walk a marked text past the shipped rules (review of
issue 12). Each message here is rendered in clear by common mail clients (Outlook reads
UTF-7, HZ-GB-2312 and "Unicode" = UTF-16; a byte-order mark makes UTF-16 text), so the
screening must read it the same way. Every case was delivered unscreened on the old main."""

from __future__ import annotations

import base64
import codecs

import pytest

from rules.charsets import decode_bytes, normalize_charset
from rules.content import decode_header_value, parse
from rules.model import Action
from tests import bypass_mail as bm
from tests.test_rules_engine import run, shipped  # noqa: F401 - the shipped-rules fixture

MARKER = bm.MARKER
CARD = "card 4111 1111 1111 1111"
AWS = "key AKIAQ3EGRCYV5TNHX2LM"


def part(body: bytes, ctype: str, cte: str) -> bytes:
    return (bm.headers() + f"Content-Type: {ctype}\r\nContent-Transfer-Encoding: {cte}\r\n\r\n").encode() + body


def held(raw: bytes, engine) -> bool:  # noqa: ANN001
    return run(engine, raw, "alice@example.com", ["partner@other.org"]).action != Action.DELIVER


CASES = {
    "utf-7 declared": part(MARKER.encode("utf-7"), "text/plain; charset=utf-7", "7bit"),
    "utf-7 alias": part(MARKER.encode("utf-7"), "text/plain; charset=unicode-1-1-utf-7", "7bit"),
    "utf-7 base64": part(base64.encodebytes(MARKER.encode("utf-7")), "text/plain; charset=UTF-7", "base64"),
    "utf-7 card": part(b"card +ADQAMQAxADE- 1111 1111 1111", "text/plain; charset=utf-7", "7bit"),
    "utf-7 aws key": part(b"key +AEEASwBJAEE-Q3EGRCYV5TNHX2LM", "text/plain; charset=utf-7", "7bit"),
    "utf-7 html": part(f"<p>{MARKER}</p>".encode("utf-7"), "text/html; charset=utf-7", "7bit"),
    "hz declared": part(MARKER.encode("hz"), "text/plain; charset=HZ-GB-2312", "7bit"),
    "hz undeclared": part(MARKER.encode("hz"), "text/plain", "7bit"),
    "unicode (outlook utf-16)": part(base64.encodebytes(MARKER.encode("utf-16")), 'text/plain; charset="unicode"',
                                     "base64"),
    "ucs-2": part(base64.encodebytes(CARD.encode("utf-16")), "text/plain; charset=ucs-2", "base64"),
    "utf-16 bom undeclared": part(base64.encodebytes(MARKER.encode("utf-16")), "text/plain", "base64"),
    "utf-16 bom labelled us-ascii": part(base64.encodebytes(AWS.encode("utf-16")), "text/plain; charset=us-ascii",
                                         "base64"),
    "utf-32 bom undeclared": part(base64.encodebytes(MARKER.encode("utf-32")), "text/plain", "base64"),
    "utf-7 subject": (bm.headers(subject="=?utf-7?Q?" + MARKER.encode("utf-7").decode().replace("=", "=3D")
                                 + "?=") + "Content-Type: text/plain\r\n\r\nhello\r\n").encode(),
}


@pytest.mark.parametrize("name", list(CASES))
def test_marked_text_in_a_client_readable_charset_is_held(name: str, shipped) -> None:  # noqa: ANN001, F811
    assert held(CASES[name], shipped), name


def test_seven_bit_charsets_are_decoded_as_declared() -> None:
    assert decode_bytes(MARKER.encode("utf-7"), "utf-7") == (MARKER, True)
    assert decode_bytes(MARKER.encode("hz"), "hz-gb-2312") == (MARKER, True)
    assert decode_bytes(MARKER.encode("hz")) == (MARKER, True)
    assert decode_header_value("=?utf-7?B?" + base64.b64encode(MARKER.encode("utf-7")).decode() + "?=") == MARKER
    assert MARKER in parse(CASES["utf-7 declared"]).body_text


def test_plain_ascii_is_still_ascii() -> None:
    """A '+' or '~{' in ordinary text labelled us-ascii or undeclared is not decoded away."""
    assert decode_bytes(b"C++ and a+b=c", "us-ascii") == ("C++ and a+b=c", True)
    assert decode_bytes(b"use ~{ and ~} in templates") == ("use ~{ and ~} in templates", True)


def test_python_only_codecs_are_no_charsets() -> None:
    """rot13, base64, zlib: Python codecs no mail client reads; a label naming one is unknown."""
    for label in ("rot13", "base64", "zlib", "hex", "uu_codec"):
        assert normalize_charset(label) is None, label
    assert normalize_charset("GB2312-80") == codecs.lookup("gb18030").name


def iso2022cn(text: str) -> bytes:
    """ISO-2022-CN (RFC 1922) as a mailer writes it: GB 2312 designated to G1, shifted in."""
    gb = text.encode("gb2312")
    return b"\x1b$)A\x0e" + bytes(b & 0x7F for b in gb) + b"\x0f\r\n"


def test_a_seven_bit_charset_we_cannot_decode_is_held(shipped) -> None:  # noqa: ANN001, F811
    """Old main read ISO-2022-CN (no Python codec) as plain ASCII and delivered it; its shift
    sequences now make the part uninspectable (seen failing)."""
    raw = part(iso2022cn("本文件为机密"), "text/plain; charset=ISO-2022-CN", "7bit")
    assert "uninspectable: corrupt" in parse(raw).findings
    assert held(raw, shipped)
    assert parse(part(b"plain words\r\n", "text/plain; charset=x-unknown", "7bit")).findings == []
