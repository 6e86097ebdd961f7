"""Safe rendering of a message for reviewers: headers, the text body as plain text, the HTML
body sanitised, and the attachment list with each one's true type. Never raises.

Text is decoded as the screening reads it (:func:`rules.charsets.decode_bytes`: the declared
charset's superset, or for 8-bit bytes without a charset the best fitting one, detected with
charset-normalizer), so a GBK body without a charset reads as Chinese, not ``������``.
HTML is cleaned by nh3 (ammonia): scripts, styles, event handlers and forms are gone, remote
images are dropped (they would tell the sender the message was opened, and load from the
internet), and links are shown as their text followed by the address, never clickable.
"""

from __future__ import annotations

import email
import email.policy
import re
from html.parser import HTMLParser
from typing import Any

import nh3

from rules.charsets import decode_bytes
from rules.filetypes import sniff

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


_HTML_TAGS = nh3.ALLOWED_TAGS - {"img", "area", "map"}
_LINK = re.compile(r'<a\b([^>]*)>(.*?)</a>', re.S)
_HREF = re.compile(r'\bhref="([^"]*)"')
_IMG = re.compile(r"<img\b", re.I)


def _decode_text(part: email.message.Message) -> str:
    """The part's text from its bytes (after the transfer encoding), in the charset it is
    really in: ``get_content()`` reads 8-bit bytes without a charset as ASCII and replaces
    every one of them."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - a broken transfer encoding: show what the parser kept
        payload = None
    if isinstance(payload, bytes):
        return decode_bytes(payload, part.get_content_charset())[0]
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        return content if isinstance(content, str) else ""
    except Exception:  # noqa: BLE001
        return ""


def sanitise_html(html: str) -> tuple[str, int]:
    """``html`` made safe to show inside a page, and how many images were dropped."""
    images = len(_IMG.findall(html))
    try:
        clean = nh3.clean(html, tags=_HTML_TAGS, url_schemes={"http", "https", "mailto"},
                          link_rel=None, strip_comments=True)
    except Exception:  # noqa: BLE001 - no HTML beats unsafe HTML
        return "", images

    def as_text(m: re.Match[str]) -> str:
        href = _HREF.search(m.group(1))
        url = f' <span class="mail-url">[{href.group(1)}]</span>' if href and href.group(1) else ""
        return f'<span class="mail-link">{m.group(2)}</span>{url}'

    return _LINK.sub(as_text, clean), images


def _header_value(msg: email.message.Message, name: str, value: Any) -> str:
    if isinstance(value, str) and any("\udc80" <= c <= "\udcff" for c in value):
        # raw 8-bit header bytes (no encoded-words): decoded as an undeclared body is
        raw = value.encode("utf-8", "surrogateescape")
        return " ".join(decode_bytes(raw)[0].split())
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
        "html": None,
        "images_blocked": 0,
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
                data = payload if isinstance(payload, bytes) else b""
                out["attachments"].append(
                    {
                        "name": filename,
                        "content_type": ctype,
                        "true_type": sniff(data) if data else None,
                        "size": len(data),
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
        if html is not None:
            out["html"], out["images_blocked"] = sanitise_html(html[:MAX_TEXT])
    except Exception as exc:  # noqa: BLE001 - mail is messy; show what we have
        out["parse_error"] = type(exc).__name__
    return out
