"""Messages built the way an insider would to get a marked document past the screening
(issue 12): each hides ``MARKER`` behind one of the parser's limits or an old encoding."""

from __future__ import annotations

import base64
import binascii

MARKER = "本文件为机密，严禁外传。"


def headers(to: str = "partner@other.org", subject: str = "files", sender: str = "alice@example.com") -> str:
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{subject}@bypass.test>\r\n"
            "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n")


def b64_text_part(text: str, charset: str = "utf-8") -> bytes:
    return (f"Content-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: base64\r\n\r\n".encode()
            + base64.encodebytes(text.encode(charset)))


def nested_rfc822(depth: int, **kw: str) -> bytes:
    """The marker in a message attached to a message … ``depth`` times."""
    msg = headers(**kw).encode() + b64_text_part(MARKER)
    for i in range(depth):
        msg = (headers(**kw) + f'Content-Type: multipart/mixed; boundary="r{i}"\r\n\r\n'
               f"--r{i}\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
               f"--r{i}\r\nContent-Type: message/rfc822\r\n\r\n").encode() + msg + f"\r\n--r{i}--\r\n".encode()
    return msg


def many_parts(count: int, **kw: str) -> bytes:
    """The marker in the last of ``count`` parts."""
    filler = "".join(f"--P\r\nContent-Type: text/plain\r\n\r\nhello {i}\r\n" for i in range(count - 1))
    return ((headers(**kw) + 'Content-Type: multipart/mixed; boundary="P"\r\n\r\n' + filler).encode()
            + b"--P\r\n" + b64_text_part(MARKER) + b"--P--\r\n")


def after_text_limit(limit: int, **kw: str) -> bytes:
    """The marker at the end of a text attachment longer than ``limit`` characters."""
    line = "x" * 79 + "\n"
    body = line * (limit // len(line) + 10) + MARKER
    return ((headers(**kw) + 'Content-Type: multipart/mixed; boundary="T"\r\n\r\n'
             "--T\r\nContent-Type: text/plain\r\n\r\nsee the log\r\n"
             '--T\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: attachment; filename="log.txt"\r\n'
             "Content-Transfer-Encoding: base64\r\n\r\n").encode() + base64.encodebytes(body.encode()) + b"--T--\r\n")


def deep_multipart(depth: int, **kw: str) -> bytes:
    """The marker in a multipart nested ``depth`` deep (email's parser recurses per level)."""
    opening = "".join(f'--d{i}\r\nContent-Type: multipart/mixed; boundary="d{i + 1}"\r\n\r\n' for i in range(depth))
    closing = "".join(f"--d{i}--\r\n" for i in reversed(range(depth + 1)))
    return ((headers(**kw) + 'Content-Type: multipart/mixed; boundary="d0"\r\n\r\n' + opening).encode()
            + f"--d{depth}\r\n".encode() + b64_text_part(MARKER) + closing.encode())


def uuencode(data: bytes, name: str = "secret.txt") -> str:
    lines = [f"begin 644 {name}"]
    lines += [binascii.b2a_uu(data[i:i + 45]).decode().rstrip("\n") for i in range(0, len(data), 45)]
    return "\r\n".join([*lines, "`", "end"]) + "\r\n"


def uuencoded_body(data: bytes | None = None, name: str = "secret.txt", **kw: str) -> bytes:
    """The marker (or ``data``) uuencoded in a plain body, no MIME at all."""
    payload = MARKER.encode() if data is None else data
    return (headers(**kw) + "Content-Type: text/plain\r\n\r\nHi, here it is:\r\n\r\n"
            + uuencode(payload, name)).encode()


def yencode(data: bytes, name: str = "secret.txt") -> bytes:
    out = bytearray()
    for b in data:
        c = (b + 42) % 256
        if c in (0, 10, 13, 61):
            out += bytes([61, (c + 64) % 256])
        else:
            out.append(c)
    body = b"\r\n".join(bytes(out[i:i + 128]) for i in range(0, len(out), 128))
    return (f"=ybegin line=128 size={len(data)} name={name}\r\n".encode() + body
            + f"\r\n=yend size={len(data)}\r\n".encode())
