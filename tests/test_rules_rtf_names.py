"""RTF decoded as Word writes it, and attachment names decoded and searched (issue 12): a
marker in RTF escapes, or in an RFC 2231/2047 or raw 8-bit file name, was delivered before."""

from __future__ import annotations

import base64

import pytest

from rules.content import parse
from rules.model import Action
from rules.rtf import rtf_text
from tests import bypass_mail as bm
from tests.test_rules_engine import run, shipped  # noqa: F401 - the shipped-rules fixture

MARKER = bm.MARKER  # 本文件为机密，严禁外传。


def _hex(text: str, codec: str) -> str:
    return "".join(f"\\'{b:02x}" for b in text.encode(codec))


def _unicode(text: str, fallback: str = "?") -> str:
    return "".join(f"\\u{ord(c) if ord(c) < 0x8000 else ord(c) - 0x10000}{fallback}" for c in text)


RTF_GBK = ("{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 " + _hex("宋体", "gbk") + ";}}"
           "{\\*\\generator Riched20 10.0.19041;}\\viewkind4\\uc1\\pard\\f0\\fs22 " + _hex(MARKER, "gbk") + "\\par}")
RTF_UNICODE = ("{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0\\fswiss Arial;}}\\uc1\\pard\\f0 " + _unicode(MARKER)
               + "\\par}")
RTF_BIG5_FONT = ("{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0\\fnil\\fcharset0 Arial;}{\\f1\\fnil\\fcharset136 "
                 "PMingLiU;}}\\pard\\f0 Note: {\\f1 " + _hex("本文件為機密，嚴禁外傳。", "big5") + "}\\par}")
RTF_UC2 = ("{\\rtf1\\ansi\\ansicpg936{\\fonttbl{\\f0\\fcharset134 x;}}\\uc2\\pard\\f0 "
           + "".join(f"\\u{ord(c)}" + _hex(c, "gbk") for c in MARKER) + "\\par}")


@pytest.mark.parametrize("doc", [RTF_GBK, RTF_UNICODE, RTF_UC2])
def test_rtf_escapes_are_decoded(doc: str) -> None:
    text = rtf_text(doc.encode("ascii"))
    assert MARKER in text and "宋体" not in text and "Riched20" not in text


def test_font_code_page_and_deep_groups() -> None:
    assert "本文件為機密，嚴禁外傳。" in rtf_text(RTF_BIG5_FONT.encode("ascii"))
    deep = "{\\rtf1\\ansi\\ansicpg936 " + "{" * 20000 + _hex(MARKER, "gbk") + "}" * 20000 + "}"
    assert MARKER in rtf_text(deep.encode("ascii"))  # no recursion, however deep


def _with_attachment(data: bytes, disposition: str, ctype: str = "application/octet-stream") -> bytes:
    return ((bm.headers() + 'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\n'
             "see attached\r\n--B\r\n" f"Content-Type: {ctype}\r\nContent-Transfer-Encoding: base64\r\n"
             ).encode("utf-8") + disposition.encode("utf-8", "surrogateescape") + b"\r\n\r\n"
            + base64.encodebytes(data) + b"--B--\r\n")


@pytest.mark.parametrize("doc", [RTF_GBK, RTF_UNICODE, RTF_BIG5_FONT])
def test_rtf_attachment_and_rtf_body_are_held(doc: str, shipped) -> None:  # noqa: ANN001, F811
    raw = _with_attachment(doc.encode("ascii"), 'Content-Disposition: attachment; filename="report.rtf"',
                           "application/rtf")
    assert run(shipped, raw, "alice@example.com", ["partner@other.org"]).action == Action.QUARANTINE
    body = (bm.headers() + "Content-Type: text/rtf\r\n\r\n" + doc).encode("ascii")
    assert run(shipped, body, "alice@example.com", ["partner@other.org"]).action == Action.QUARANTINE


def _pct(text: str, codec: str) -> str:
    return "".join(f"%{b:02X}" for b in text.encode(codec))


NAME = "机密.bin"
NAMES = {
    "RFC 2231 UTF-8": f"Content-Disposition: attachment; filename*=UTF-8''{_pct(NAME, 'utf-8')}",
    "RFC 2231 GBK": f"Content-Disposition: attachment; filename*=gbk''{_pct(NAME, 'gbk')}",
    "RFC 2231 continuations": "Content-Disposition: attachment; filename*0*=UTF-8''%E6%9C%BA; "
                              "filename*1*=%E5%AF%86.bin",
    "RFC 2047 GBK": 'Content-Disposition: attachment; filename="=?GBK?B?'
                    + base64.b64encode(NAME.encode("gbk")).decode() + '?="',
    "raw UTF-8": f'Content-Disposition: attachment; filename="{NAME}"',
    "raw GBK": 'Content-Disposition: attachment; filename="'
               + NAME.encode("gbk").decode("ascii", "surrogateescape") + '"',
    "Content-Type name only": "Content-Disposition: attachment",
}


@pytest.mark.parametrize("spelling", NAMES)
def test_attachment_names_are_decoded_and_searched_by_in_any(spelling: str, shipped) -> None:  # noqa: ANN001, F811
    raw = _with_attachment(b"\x00\x01binary", NAMES[spelling],
                           f'application/octet-stream; name="{NAME}"' if spelling.startswith("Content-Type") else
                           "application/octet-stream")
    assert [a.name for a in parse(raw).attachments] == [NAME]
    v = run(shipped, raw, "alice@example.com", ["partner@other.org"])
    assert v.action == Action.QUARANTINE
    [hit] = [h for h in v.hits if h.rule == "outbound-confidential-marker"]
    assert any(NAME in e.snippet for e in hit.evidence)
