"""Outbound messages that write a confidentiality marker or a card number so the screening
did not see it (the ways left open after the adversarial review, issue 19 notes): a card in
two groups of eight, GBK text under a wrong single-byte or Japanese label, a marker split by
a line break, ``<br>`` or spaces, UTF-16 without a byte-order mark, JSON ``\\uXXXX`` escapes.
Each one was delivered by main before the fix; the unit tests and the SMTP test share them."""

from __future__ import annotations

import base64

from tests import bypass_mail as bm

MARKER = bm.MARKER  # 本文件为机密，严禁外传。
CARD_TEXT = "Hi Tom,\r\n\r\nAs discussed, the company card number is 41111111 11111111, expiry 09/28.\r\n"
CARD_TEXT_ZH = "王经理：\r\n\r\n卡号：41111111 11111111，麻烦尽快付款。\r\n"


def json_escaped(text: str) -> str:
    """Every non-ASCII character of ``text`` as a JSON ``\\uXXXX`` escape (what json.dumps writes)."""
    return "".join(ch if ch.isascii() else f"\\u{ord(ch):04x}" for ch in text)


def json_note(text: str) -> bytes:
    return ('{"note": "' + json_escaped(text) + '"}').encode()


def _headers(name: str) -> str:
    return bm.headers(subject=f"evasion-{name}")


def text_part(name: str, body: bytes, ctype: str, cte: str = "base64") -> bytes:
    """A single-part message whose body is ``body`` (base64 unless ``cte`` says otherwise)."""
    payload = base64.encodebytes(body) if cte == "base64" else body
    return (_headers(name) + f"Content-Type: {ctype}\r\nContent-Transfer-Encoding: {cte}\r\n\r\n").encode() + payload


def with_attachment(name: str, data: bytes, filename: str, ctype: str) -> bytes:
    """A short harmless body and ``data`` attached as ``filename``."""
    return ((_headers(name) + 'Content-Type: multipart/mixed; boundary="E"\r\n\r\n'
             "--E\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the attached file.\r\n"
             f'--E\r\nContent-Type: {ctype}\r\nContent-Disposition: attachment; filename="{filename}"\r\n'
             "Content-Transfer-Encoding: base64\r\n\r\n").encode()
            + base64.encodebytes(data) + b"--E--\r\n")


def message_id(name: str) -> str:
    return f"<evasion-{name}@bypass.test>"


EVASIONS: dict[str, bytes] = {
    # 1. a card in two groups of eight beside card context
    "card-8-8": text_part("card-8-8", CARD_TEXT.encode(), "text/plain; charset=utf-8"),
    "card-8-8-zh": text_part("card-8-8-zh", CARD_TEXT_ZH.encode(), "text/plain; charset=utf-8"),
    # 2. GBK text under a wrong label
    "gbk-as-koi8-r": text_part("gbk-as-koi8-r", MARKER.encode("gbk"), "text/plain; charset=koi8-r"),
    "gbk-as-shift_jis": text_part("gbk-as-shift_jis", MARKER.encode("gbk"), "text/plain; charset=shift_jis"),
    # 3. the marker split by a hard line break, <br> or spaces
    "split-line": text_part("split-line", "附件是本季度的机\r\n密报价，请查收。\r\n".encode(),
                            "text/plain; charset=utf-8"),
    "split-br": text_part("split-br", "<p>附件是本季度的绝<br>密报价，请查收。</p>".encode(),
                          "text/html; charset=utf-8"),
    "split-spaces": text_part("split-spaces", "机 密 文 件\r\n\r\n附件是下季度的报价。\r\n".encode(),
                              "text/plain; charset=utf-8"),
    # 4. UTF-16 without a byte-order mark
    "utf16be-declared": text_part("utf16be-declared", MARKER.encode("utf-16-be"), "text/plain; charset=utf-16"),
    "utf16be-undeclared": text_part("utf16be-undeclared", f"Hi,\r\n{MARKER}\r\n".encode("utf-16-be"),
                                    "text/plain"),
    "utf16le-txt": with_attachment("utf16le-txt", f"Notes\r\n{MARKER}\r\n".encode("utf-16-le"), "notes.txt",
                                   "text/plain"),
    # 5. JSON \uXXXX escapes
    "json-attachment": with_attachment("json-attachment", json_note(MARKER),
                                       "data.json", "application/json"),
    "json-body": text_part("json-body", json_note(MARKER) + b"\r\n",
                           "text/plain; charset=utf-8"),
}
