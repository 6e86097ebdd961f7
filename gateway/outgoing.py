"""Turn an archived message into the bytes that go downstream.

The body is never touched: the gateway only prepends its own header lines (Received,
verdict, rule-requested tags), prefixes the Subject when a rule tags it, and DKIM-signs
outbound mail last, over the final bytes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from email.header import Header

_SUBJECT = re.compile(rb"^subject:[ \t]?", re.IGNORECASE | re.MULTILINE)
_OVERLONG = re.compile(rb"[^\r\n]{999,}")
MAX_LINE = 998


def _header_end(raw: bytes) -> int:
    """Offset of the blank line that ends the header block (or len(raw) if none)."""
    for sep in (b"\r\n\r\n", b"\n\n"):
        i = raw.find(sep)
        if i != -1:
            return i + len(sep) // 2
    return len(raw)


def encode_header_line(name: str, value: str) -> bytes:
    """``Name: value`` folded and RFC 2047-encoded when needed, ending in CRLF."""
    value = " ".join(value.split())
    if value.isascii():
        line = f"{name}: {value}"
        if len(line) <= 998:
            return (line + "\r\n").encode("ascii")
    encoded = Header(value, "utf-8", header_name=name).encode(linesep="\r\n")
    return f"{name}: {encoded}\r\n".encode("ascii")


def add_subject_prefix(raw: bytes, prefix: str) -> bytes:
    end = _header_end(raw)
    header_block = raw[:end]
    if prefix.isascii():
        token = prefix.encode("ascii") + b" "
    else:
        token = Header(prefix, "utf-8").encode().encode("ascii") + b" "
    match = _SUBJECT.search(header_block)
    if match is None:
        return encode_header_line("Subject", prefix) + raw
    existing = header_block[match.end():match.end() + len(token)]
    if existing == token:
        return raw  # already tagged (e.g. a retried or released copy)
    return raw[:match.end()] + token + raw[match.end():]


def break_long_lines(raw: bytes) -> bytes:
    """Lines over 998 octets are accepted on the way in (mail is messy) but would be refused
    downstream (RFC 5322 2.1.1); break them as Postfix does, with CRLF SPACE."""
    if len(raw) <= MAX_LINE or max(map(len, raw.split(b"\n"))) <= MAX_LINE:
        return raw

    def split(match: re.Match[bytes]) -> bytes:
        line = match.group(0)
        return b"\r\n ".join(line[i:i + MAX_LINE - 1] for i in range(0, len(line), MAX_LINE - 1))

    return _OVERLONG.sub(split, raw)


def prepare(raw: bytes, *, add_headers: Sequence[Sequence[str]], subject_prefix: str | None) -> bytes:
    if subject_prefix:
        raw = add_subject_prefix(raw, subject_prefix)
    prefix = b"".join(encode_header_line(name, value) for name, value in add_headers)
    return prefix + break_long_lines(raw)
