"""Safe rendering of a message for reviewers: headers, the text body as plain text (HTML is
reduced to its text, never returned as HTML), and the attachment list. Never raises."""

from __future__ import annotations

import email
import email.policy
from html.parser import HTMLParser
from typing import Any

MAX_TEXT = 1_000_000


class _TextOnly(HTMLParser):
    _SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag in ("br", "p", "div", "li", "tr", "h1", "h2", "h3"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOnly()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed HTML still yields what was parsed
        pass
    return "".join(parser.parts).strip()


def _decode_text(part: email.message.Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        if isinstance(content, str):
            return content
    except Exception:  # noqa: BLE001
        pass
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        charset = part.get_content_charset() or "utf-8"
        try:
            return payload.decode(charset, "replace")
        except LookupError:
            return payload.decode("utf-8", "replace")
    return ""


def _header_value(msg: email.message.Message, name: str, value: Any) -> str:
    try:
        return str(msg.policy.header_fetch_parse(name, value))
    except Exception:  # noqa: BLE001
        return str(value)


def subject_of(raw: bytes) -> str | None:
    try:
        msg = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(raw)
        for name, value in msg.raw_items():
            if name.lower() == "subject":
                return _header_value(msg, name, value)
    except Exception:  # noqa: BLE001
        return None
    return None


def render_message(raw: bytes) -> dict[str, Any]:
    out: dict[str, Any] = {
        "headers": [],
        "subject": None,
        "text": "",
        "text_truncated": False,
        "attachments": [],
        "size": len(raw),
        "parse_error": None,
    }
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
    except Exception as exc:  # noqa: BLE001
        out["parse_error"] = type(exc).__name__
        return out
    try:
        for name, value in msg.raw_items():
            val = _header_value(msg, name, value)
            out["headers"].append({"name": name, "value": val})
            if name.lower() == "subject" and out["subject"] is None:
                out["subject"] = val
        plain: str | None = None
        html: str | None = None
        for part in msg.walk():
            if part.is_multipart():
                continue
            ctype = part.get_content_type()
            disposition = part.get_content_disposition()
            filename = None
            try:
                filename = part.get_filename()
            except Exception:  # noqa: BLE001
                filename = "(undecodable name)"
            if disposition == "attachment" or filename or not ctype.startswith("text/"):
                payload = part.get_payload(decode=True)
                out["attachments"].append(
                    {
                        "name": filename,
                        "content_type": ctype,
                        "size": len(payload) if isinstance(payload, bytes) else 0,
                    }
                )
                continue
            if ctype == "text/plain" and plain is None:
                plain = _decode_text(part)
            elif ctype == "text/html" and html is None:
                html = _decode_text(part)
        text = plain if plain is not None else (html_to_text(html) if html is not None else "")
        if len(text) > MAX_TEXT:
            text, out["text_truncated"] = text[:MAX_TEXT], True
        out["text"] = text
        out["body_was_html"] = plain is None and html is not None
    except Exception as exc:  # noqa: BLE001 - mail is messy; show what we have
        out["parse_error"] = type(exc).__name__
    return out
