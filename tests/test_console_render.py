"""The reviewer's rendering of a held message (admin_api.render): text decoded as it really
is, HTML sanitised, attachments with their true type. Pure functions, no database."""

from __future__ import annotations

import base64
import io
import zipfile

from admin_api.render import render_message, sanitise_html

GBK_TEXT = "这是机密的合同草案，请不要外传。财务部季度报表，严禁外传。"


def _mail(headers: str, body: bytes) -> bytes:
    return headers.replace("\n", "\r\n").encode() + b"\r\n" + body


def test_gbk_body_without_charset_reads_as_chinese() -> None:
    """Issue 15's defect: an 8-bit GBK body without a charset showed as U+FFFD (seen failing)."""
    raw = _mail("From: alice@example.com\nTo: bob@example.com\nSubject: q3\nContent-Type: text/plain\n"
                "Content-Transfer-Encoding: 8bit\n", GBK_TEXT.encode("gbk") + b"\r\n")
    out = render_message(raw)
    assert "\ufffd" not in out["text"]
    assert out["text"].strip() == GBK_TEXT


def test_declared_gb2312_with_gbk_characters_and_raw_8bit_subject() -> None:
    """GB2312 declared, GBK sent (a character outside GB2312), subject in raw GBK bytes."""
    text = "镕基 机密"  # 镕 is GBK, not GB2312
    raw = (b"From: alice@example.com\r\nTo: bob@example.com\r\nSubject: " + "机密 合同".encode("gbk")
           + b"\r\nContent-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           + base64.encodebytes(text.encode("gbk")))
    out = render_message(raw)
    assert out["text"].strip() == text
    assert out["subject"] == "机密 合同"


def test_html_sanitised_remote_images_blocked_links_as_text() -> None:
    html, images = sanitise_html(
        '<p onclick="steal()">Hello <a href="https://evil.example/x?a=1&b=2" target=_blank>pay here</a>'
        '<img src="http://tracker.example/p.gif"><script>alert(1)</script>'
        '<style>p{color:red}</style><form action="https://x.example"><input name=q></form>'
        '<iframe src="https://x.example"></iframe></p>')
    assert images == 1
    for bad in ("<script", "alert(1)", "<img", "tracker.example", "onclick", "<a ", "href", "<style",
                "color:red", "<form", "<input", "<iframe"):
        assert bad not in html, bad
    assert '<span class="mail-link">pay here</span>' in html
    assert "[https://evil.example/x?a=1&amp;b=2]" in html


def test_html_part_rendered_and_attachment_true_type() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("q3.txt", "numbers")
    exe = buf.getvalue()  # a zip named report.pdf
    raw = _mail(
        "From: a@example.com\nTo: b@example.com\nSubject: s\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="b"\n',
        b"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hi <b>there</b><script>x()</script></p>\r\n"
        b'--b\r\nContent-Type: application/pdf; name="report.pdf"\r\nContent-Disposition: attachment; '
        b'filename="report.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        + base64.encodebytes(exe) + b"--b--\r\n")
    out = render_message(raw)
    assert out["body_was_html"] and out["text"].startswith("Hi")
    assert out["html"] == "<p>Hi <b>there</b></p>"
    [att] = out["attachments"]
    assert att["name"] == "report.pdf" and att["content_type"] == "application/pdf"
    assert att["true_type"] == "application/zip"


def test_garbage_never_raises() -> None:
    for raw in (b"", b"\xff\xfe\x00", b"Content-Type: text/html\r\n\r\n<<<<a href='", b"Subject: =?x?q?\xff?=\r\n\r\n"):
        out = render_message(raw)
        assert isinstance(out["text"], str)
