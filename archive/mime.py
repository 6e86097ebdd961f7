"""Stdlib-only message helpers: metadata for import, and a fallback text extractor.

The gateway hands :class:`archive.service.Archive` the real extractor (``rules.content``); these
helpers let the archive import mail on its own (``mailwarden archive import``) and keep the
archive free of imports from our other packages.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from email.message import Message
from email.utils import getaddresses

from archive.service import RecordMeta

_POLICY = email.policy.compat32


def _parse(raw: bytes) -> Message:
    return email.message_from_bytes(raw, policy=_POLICY)


def _raw_8bit(value: str) -> str:
    """Undo the surrogate escapes compat32 leaves for raw 8-bit header bytes (UTF-8 in the
    wild, GBK/GB18030 from older Chinese clients)."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        data = value.encode("utf-8", "surrogateescape")
    for codec in ("utf-8", "gb18030"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _header(msg: Message, name: str) -> str:
    # raw_items(): the stored text (surrogate-escaped where 8-bit); msg.get() would hand back
    # a Header that has already replaced raw UTF-8/GBK bytes with U+FFFD.
    value = next((v for k, v in msg.raw_items() if k.lower() == name.lower()), None)
    if value is None:
        return ""
    value = _raw_8bit(value) if isinstance(value, str) else str(value)
    try:
        parts = email.header.decode_header(str(value))
        return str(email.header.make_header(parts))
    except (ValueError, LookupError, UnicodeError, TypeError):
        return str(value)


def _addresses(msg: Message, name: str) -> list[str]:
    values = msg.get_all(name) or []
    return [a for _n, a in getaddresses([str(v) for v in values]) if a]


def _filename(part: Message) -> str | None:
    name = part.get_filename()
    if name is None:
        return None
    try:
        return str(email.header.make_header(email.header.decode_header(name)))
    except (ValueError, LookupError, UnicodeError, TypeError):
        return str(name)


def attachments_of(msg: Message) -> list[tuple[str, str]]:
    out = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        name = _filename(part)
        disposition = (part.get("Content-Disposition") or "").lower()
        if name or disposition.startswith("attachment"):
            out.append((name or "", part.get_content_type()))
    return out


def meta_from_raw(raw: bytes, *, event: str = "imported", mail_from: str | None = None,
                  rcpt_tos: list[str] | None = None, received_at: float | None = None,
                  **extra: object) -> RecordMeta:
    """RecordMeta from the message headers (envelope defaults to the header addresses)."""
    try:
        msg = _parse(raw)
        froms = _addresses(msg, "From")
        to = _addresses(msg, "To")
        cc = _addresses(msg, "Cc")
        meta = RecordMeta(
            message_id=(msg.get("Message-ID") or "").strip() or None,
            mail_from=mail_from if mail_from is not None else (froms[0] if froms else ""),
            rcpt_tos=list(rcpt_tos) if rcpt_tos is not None else to + cc + _addresses(msg, "Bcc"),
            header_from=_header(msg, "From") or None,
            header_to=to, header_cc=cc,
            date=msg.get("Date"), size=len(raw),
            subject=_header(msg, "Subject"),
            attachments=attachments_of(msg),
            event=event, received_at=received_at,
        )
    except Exception:  # noqa: BLE001 - mail is messy; archive it with what we know
        meta = RecordMeta(mail_from=mail_from or "", rcpt_tos=list(rcpt_tos or ()), size=len(raw),
                          event=event, received_at=received_at)
    for key, value in extra.items():
        setattr(meta, key, value)
    return meta


def simple_text_extractor(raw: bytes) -> Iterator[str]:
    """Text of every text/* part and attachment (decoded transfer encoding and charset)."""
    try:
        msg = _parse(raw)
    except Exception:  # noqa: BLE001
        yield raw.decode("utf-8", "replace")
        return
    for part in msg.walk():
        if part.is_multipart():
            continue
        name = _filename(part)
        if name:
            yield name
        ctype = part.get_content_type()
        if not (ctype.startswith("text/") or (name and name.lower().endswith((".txt", ".csv", ".md")))):
            continue
        try:
            payload = part.get_payload(decode=True) or b""
        except Exception:  # noqa: BLE001
            continue
        charset = part.get_content_charset() or "utf-8"
        try:
            text = payload.decode(charset, "replace")
        except LookupError:
            text = payload.decode("utf-8", "replace")
        if ctype == "text/html":
            import re

            text = re.sub(r"<[^>]*>", " ", text)
        yield text
