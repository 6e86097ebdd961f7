"""Property (issue 12): a confidentiality marker, wrapped any way a sender can wrap it, never
leaves. The marker sits in a body, a text attachment, a zip, a uuencoded block, the subject
(RFC 2047) or a file name (RFC 2231 / RFC 2047), in UTF-8, GBK, GB18030 or Big5 (declared or
not), with random invalid bytes in the text around it (kept apart from it by a line break),
under base64, quoted-printable or 8-bit, nested in multiparts and attached messages (some of
them base64-encoded) — and the outbound verdict with the shipped rules is never ``deliver``.
"""

from __future__ import annotations

import base64
import binascii
import io
import urllib.parse
import zipfile
from pathlib import Path

import opencc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.content import parse
from rules.engine import Engine
from rules.loader import load_ruleset
from rules.model import Action
from tests import bypass_mail as bm
from tests.test_rules_engine import run

_S2TW = opencc.OpenCC("s2tw.json")
SHIPPED = Engine(load_ruleset(Path(__file__).parent.parent / "configs" / "rules.yaml"))
MARKERS = {"simplified": bm.MARKER, "traditional": "本文件為機密，嚴禁外傳。"}
FILLER = ["季度销售数据汇总如下，请查收。", "会议纪要已整理完毕，附件为最终版本。", "Quarterly figures attached.",
          "下周一上午十点在三楼会议室开会。"]
CHARSETS = ["utf-8", "gbk", "gb18030", "big5"]
PLACES = ["body", "attachment", "zip", "uuencode", "subject", "filename-2231", "filename-2047"]


def _encode(text: str, charset: str) -> bytes:
    # Big5 has no simplified characters: those texts are written in traditional ones
    if charset == "big5":
        text = _S2TW.convert(text)
    return text.encode(charset)


@st.composite
def marked_text(draw: st.DrawFn) -> tuple[bytes, str, bool, bytes]:
    """(bytes, charset, declared, the marker's bytes): filler, bad bytes, a line break, the
    marker, more of both."""
    charset = draw(st.sampled_from(CHARSETS))
    marker = MARKERS["traditional" if charset == "big5" else draw(st.sampled_from(list(MARKERS)))]
    out = bytearray()
    for slot in range(2):
        out += _encode(draw(st.sampled_from(FILLER)), charset)
        if draw(st.booleans()):
            out += bytes(draw(st.lists(st.integers(0x80, 0xFF), min_size=1, max_size=3))) + b" \r\n"
        out += b"\r\n"
        if slot == 0:
            out += _encode(marker, charset) + b"\r\n"
    return bytes(out), charset, draw(st.booleans()), _encode(marker, charset)


def _cte(draw: st.DrawFn, data: bytes) -> tuple[str, bytes]:
    cte = draw(st.sampled_from(["base64", "quoted-printable", "8bit"]))
    if cte == "base64":
        return cte, base64.encodebytes(data).replace(b"\n", b"\r\n")
    if cte == "quoted-printable":
        return cte, binascii.b2a_qp(data).replace(b"\n", b"\r\n")
    return cte, data


def _ctype(kind: str, charset: str, declared: bool) -> str:
    return kind + (f"; charset={charset}" if declared else "")


@st.composite
def leaf(draw: st.DrawFn) -> tuple[bytes, str | None]:
    """A MIME part carrying the marker, and the Subject to use (when the subject carries it)."""
    data, charset, declared, marker = draw(marked_text())
    place = draw(st.sampled_from(PLACES))
    plain = b"Content-Type: text/plain\r\n\r\nsee attached\r\n"
    if place == "subject":
        words, raw = [], data.replace(b"\r\n", b" ")
        for i in range(0, len(raw), 30):
            chunk = raw[i:i + 30]
            if draw(st.booleans()):
                words.append(f"=?{charset}?B?{base64.b64encode(chunk).decode()}?=")
            else:
                q = "".join(chr(b) if chr(b).isalnum() else f"={b:02X}" for b in chunk)
                words.append(f"=?{charset}?Q?{q}?=")
        return plain, "\r\n ".join(words)
    if place.startswith("filename"):
        name = marker + b".bin"
        if place == "filename-2231":
            param = f"filename*={charset}''{urllib.parse.quote_from_bytes(name)}"
        else:
            param = f'filename="=?{charset}?B?{base64.b64encode(name).decode()}?="'
        return (b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
                + f"Content-Disposition: attachment; {param}\r\n\r\n".encode() + base64.encodebytes(b"\x00\x01")), None
    if place == "zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("notes.txt", data)
        return (b'Content-Type: application/zip\r\nContent-Disposition: attachment; filename="notes.zip"\r\n'
                b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(buf.getvalue())), None
    if place == "uuencode":
        return (f"Content-Type: {_ctype('text/plain', 'us-ascii', declared)}\r\n\r\nhere:\r\n".encode()
                + bm.uuencode(data, "notes.txt").encode()), None
    cte, body = _cte(draw, data)
    disposition = 'Content-Disposition: attachment; filename="notes.txt"\r\n' if place == "attachment" else ""
    return (f"Content-Type: {_ctype('text/plain', charset, declared)}\r\n{disposition}"
            f"Content-Transfer-Encoding: {cte}\r\n\r\n").encode() + body, None


def _headers(subject: str | None) -> bytes:
    return ("From: alice@example.com\r\nTo: partner@other.org\r\n"
            f"Subject: {subject or 'Project files'}\r\nMessage-ID: <p@prop.test>\r\n"
            "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n").encode()


@st.composite
def wrapped(draw: st.DrawFn) -> bytes:
    part, subject = draw(leaf())
    for level in range(draw(st.integers(0, 4))):
        how = draw(st.sampled_from(["mixed", "alternative", "rfc822", "rfc822-base64"]))
        b = f"b{level}"
        if how in ("mixed", "alternative"):
            part = (f'Content-Type: multipart/{how}; boundary="{b}"\r\n\r\n--{b}\r\n'
                    "Content-Type: text/plain\r\n\r\nhello\r\n"
                    f"--{b}\r\n").encode() + part + f"\r\n--{b}--\r\n".encode()
        else:
            inner = _headers(subject) + part
            subject = None  # the subject travels inside the attached message
            encoded = how == "rfc822-base64"
            part = (b"Content-Type: message/rfc822\r\n"
                    + (b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(inner) if encoded
                       else b"\r\n" + inner))
    return _headers(subject) + part


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(wrapped())
def test_a_wrapped_marker_never_leaves(raw: bytes) -> None:
    verdict = run(SHIPPED, raw, "alice@example.com", ["partner@other.org"])
    assert verdict.action != Action.DELIVER, (raw[:3000], parse(raw).texts)
