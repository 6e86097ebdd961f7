"""Content extraction: charsets, RFC 2047/2231, broken MIME, office/pdf text, archives."""

from __future__ import annotations

import base64
import io
import time
import tracemalloc
import zipfile
from email.header import Header

import pytest

from rules.attachments import Extractor, pdf_text
from rules.content import decode_header_value, parse

# -- builders ------------------------------------------------------------------------------


def mime(parts: list[tuple[str, bytes, str | None]], subject: str = "test", extra: str = "") -> bytes:
    """A multipart/mixed message; parts are (content-type header value, payload, filename)."""
    out = [f"From: alice@example.com\r\nTo: x@other.test\r\nSubject: {subject}\r\n{extra}MIME-Version: 1.0\r\n"
           "Content-Type: multipart/mixed; boundary=BOUND\r\n\r\npreamble\r\n"]
    for ctype, payload, filename in parts:
        out.append("--BOUND\r\n")
        out.append(f"Content-Type: {ctype}\r\nContent-Transfer-Encoding: base64\r\n")
        if filename:
            out.append(f'Content-Disposition: attachment; filename="{filename}"\r\n')
        out.append("\r\n" + base64.encodebytes(payload).decode().replace("\n", "\r\n") + "\r\n")
    out.append("--BOUND--\r\n")
    return "".join(out).encode()


def one_part(ctype: str, body: bytes, cte: str = "8bit", subject: bytes = b"test") -> bytes:
    return (b"From: a@example.com\r\nSubject: " + subject + b"\r\nMIME-Version: 1.0\r\nContent-Type: "
            + ctype.encode() + b"\r\nContent-Transfer-Encoding: " + cte.encode() + b"\r\n\r\n" + body)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


CT = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def docx(paragraphs: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    doc = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    return zip_bytes({"[Content_Types].xml": CT.encode(), "word/document.xml": doc.encode()})


def xlsx(strings: list[str]) -> bytes:
    sst = "".join(f"<si><t>{s}</t></si>" for s in strings)
    shared = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{S}">{sst}</sst>'
    sheet = f'<?xml version="1.0"?><worksheet xmlns="{S}"><sheetData><row><c t="s"><v>0</v></c>' \
            f'<c><v>4242</v></c></row></sheetData></worksheet>'
    return zip_bytes({"[Content_Types].xml": CT.encode(), "xl/sharedStrings.xml": shared.encode(),
                      "xl/worksheets/sheet1.xml": sheet.encode()})


def pptx(texts: list[str]) -> bytes:
    members = {"[Content_Types].xml": CT.encode()}
    for i, t in enumerate(texts, 1):
        members[f"ppt/slides/slide{i}.xml"] = (
            f'<?xml version="1.0"?><p:sld xmlns:p="p" xmlns:a="{A}"><a:p><a:r><a:t>{t}</a:t></a:r></a:p></p:sld>'
        ).encode()
    return zip_bytes(members)


def minimal_pdf(text: str) -> bytes:
    """A hand-built one-page PDF with ``text`` drawn in Helvetica (valid xref offsets)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def fake_exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x80\x00\x00\x00" + \
        b"\x00" * 64 + b"PE\x00\x00\x4c\x01" + b"\x00" * 300


def texts(raw: bytes) -> dict[str, str]:
    return dict(parse(raw).iter_text())


# -- charsets -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("declared", "codec", "text"),
    [
        ("gb2312", "gbk", "朱镕基说这是机密"),  # 镕 is GBK, not GB2312: declared GB2312 sent GBK
        ("GBK", "gbk", "内部资料，严禁外传"),
        ("gb18030", "gb18030", "商业秘密𠀀"),
        ("big5", "big5", "機密文件請勿外傳"),
        ("iso-2022-jp", "iso2022_jp", "社外秘の資料です"),
        ("shift_jis", "cp932", "社外秘①の資料です"),
        ("windows-1252", "cp1252", "Café “quoted” – dash"),
        ("utf-8", "utf-8", "混合 mixed テキスト"),
    ],
)
def test_declared_charsets(declared: str, codec: str, text: str) -> None:
    raw = one_part(f"text/plain; charset={declared}", text.encode(codec))
    m = parse(raw)
    assert text in m.body_text
    assert m.findings == []


@pytest.mark.parametrize(("codec", "text"), [("utf-8", "机密 ünïcode"), ("gb18030", "这是一份内部资料"),
                                             ("cp1252", "Caf\u00e9 cr\u00e8me")])
def test_undeclared_8bit(codec: str, text: str) -> None:
    raw = b"From: a@example.com\r\nSubject: x\r\n\r\n" + text.encode(codec)
    assert text in parse(raw).body_text


def test_wrong_charset_falls_back() -> None:
    raw = one_part("text/plain; charset=us-ascii", "机密资料".encode())
    assert "机密资料" in parse(raw).body_text
    raw = one_part("text/plain; charset=x-unknown-charset", "机密资料".encode("gb18030"))
    assert "机密资料" in parse(raw).body_text


def test_rfc2047_subjects() -> None:
    gbk = Header("机密：季度报表", "gbk").encode()
    assert parse(one_part("text/plain", b"x", subject=gbk.encode())).subject == "机密：季度报表"
    # declared gb2312, bytes GBK; encoded word glued to text; split across two words
    b = "朱镕基".encode("gbk")
    w1 = base64.b64encode(b[:3]).decode()
    w2 = base64.b64encode(b[3:]).decode()
    subj = f"Re:=?gb2312?B?{w1}?= =?gb2312?B?{w2}?=end"
    assert decode_header_value(subj) == "Re:朱镕基end"
    assert decode_header_value("=?utf-8?Q?caf=C3=A9_au_lait?=") == "café au lait"
    assert decode_header_value("=?big5?B?" + base64.b64encode("機密".encode("big5")).decode() + "?=") == "機密"
    jis = base64.b64encode("社外秘".encode("iso2022_jp")).decode()
    assert decode_header_value(f"=?ISO-2022-JP?B?{jis}?=") == "社外秘"
    # broken base64 in an encoded word does not raise
    assert isinstance(decode_header_value("=?utf-8?B?!!!?="), str)


def test_8bit_headers() -> None:
    raw = b"From: a@example.com\r\nSubject: " + "机密报告".encode("gbk") + b"\r\n\r\nbody"
    assert parse(raw).subject == "机密报告"
    raw = b"From: a@example.com\r\nSubject: " + "机密报告".encode() + b"\r\n\r\nbody"
    assert parse(raw).subject == "机密报告"


def test_rfc2231_filename() -> None:
    raw = (b"From: a@example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n"
           b"Content-Type: text/plain\r\n\r\nhi\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\n"
           b"Content-Disposition: attachment; filename*=utf-8''%E6%9C%BA%E5%AF%86.txt\r\n\r\n"
           + "内容".encode() + b"\r\n--B--\r\n")
    m = parse(raw)
    assert [a.name for a in m.attachments] == ["机密.txt"]
    assert m.attachments[0].text.strip() == "内容"


def test_html_body_to_text() -> None:
    html = "<html><head><style>.x{}</style><script>var secret='x'</script></head><body><p>机密</p>" \
           "<div>strictly&nbsp;confidential &amp; more</div></body></html>"
    m = parse(one_part("text/html; charset=utf-8", html.encode()))
    assert "机密" in m.body_text and "strictly confidential & more" in m.body_text
    assert "var secret" not in m.body_text and ".x{}" not in m.body_text


# -- broken MIME -------------------------------------------------------------------------------

def test_broken_mime_never_raises() -> None:
    cases = [
        b"",
        b"\x00\xff\xfe garbage",
        b"Subject: bare lf\nContent-Type: text/plain\n\nbody with bare LF\n",
        b"Content-Type: multipart/mixed; boundary=NOPE\r\n\r\nno boundary here at all\r\n",
        b"Content-Type: multipart/mixed\r\n\r\nmissing boundary parameter\r\n",
        one_part("text/plain; charset=utf-8", b"!!!not base64@@@", cte="base64"),
        one_part("text/plain", b"abc", cte="x-unknown"),
        one_part("application/octet-stream; name=x.bin", base64.b64encode(b"x" * 10)[:-3], cte="base64"),
    ]
    for raw in cases:
        m = parse(raw)
        list(m.iter_text())
        assert isinstance(m.findings, list)
        assert isinstance(m.headers, list)


def test_bad_base64_is_a_finding() -> None:
    raw = one_part("text/plain; charset=utf-8", b"SGVsbG8gd29ybGQ=\r\nQ", cte="base64")
    m = parse(raw)
    assert "Hello world" in m.body_text
    assert "uninspectable: corrupt" in m.findings


def test_header_only_access_does_not_decode_attachments() -> None:
    raw = mime([("text/plain; charset=utf-8", b"hello", None), ("application/zip", zip_bytes({"a.txt": b"x"}),
                                                                 "a.zip")])
    m = parse(raw)
    assert m.subject == "test"
    assert m.from_addresses == ["alice@example.com"]
    assert m.message_id is None
    assert "_walk" not in m.__dict__
    assert [a.path for a in m.attachments] == ["a.zip", "a.zip/a.txt"]


# -- documents -----------------------------------------------------------------------------------

def test_docx_xlsx_pptx_text() -> None:
    raw = mime([
        ("text/plain", b"see attached", None),
        ("application/octet-stream", docx(["第一段", "内部资料 do not distribute"]), "report.docx"),
        ("application/octet-stream", xlsx(["账户", "Strictly Confidential"]), "book.xlsx"),
        ("application/octet-stream", pptx(["slide one", "机密幻灯片"]), "deck.pptx"),
    ])
    t = texts(raw)
    assert "内部资料 do not distribute" in t["attachment:report.docx"]
    assert "第一段" in t["attachment:report.docx"]
    assert "Strictly Confidential" in t["attachment:book.xlsx"] and "4242" in t["attachment:book.xlsx"]
    assert "机密幻灯片" in t["attachment:deck.pptx"]
    att = {a.name: a for a in parse(raw).attachments}
    assert att["report.docx"].true_type.endswith("wordprocessingml.document")


def test_pdf_text_and_encrypted_pdf() -> None:
    pdf = minimal_pdf("STRICTLY CONFIDENTIAL quarterly numbers")
    text, encrypted = pdf_text(pdf)
    assert "STRICTLY CONFIDENTIAL" in text and not encrypted
    t = texts(mime([("application/pdf", pdf, "q.pdf")]))
    assert "quarterly numbers" in t["attachment:q.pdf"]

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password="pw", owner_password="owner")
    buf = io.BytesIO()
    writer.write(buf)
    m = parse(mime([("application/pdf", buf.getvalue(), "locked.pdf")]))
    assert m.attachments[0].encrypted
    assert "encrypted attachment" in m.findings


def test_broken_pdf_does_not_raise() -> None:
    m = parse(mime([("application/pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog", "broken.pdf")]))
    assert m.attachments[0].text == ""


# -- archives ------------------------------------------------------------------------------------

def test_marker_in_docx_inside_zip() -> None:
    inner = docx(["本文件为商业秘密，严禁外传"])
    m = parse(mime([("application/zip", zip_bytes({"docs/plan.docx": inner}), "bundle.zip")]))
    t = dict(m.iter_text())
    assert "严禁外传" in t["attachment:bundle.zip/docs/plan.docx"]


def test_gbk_text_in_zip_in_zip() -> None:
    inner = zip_bytes({"a.txt": "这是内部文件，请勿外传".encode("gbk")})
    outer = zip_bytes({"inner.zip": inner})
    t = texts(mime([("application/zip", outer, "outer.zip")]))
    assert t["attachment:outer.zip/inner.zip/a.txt"] == "这是内部文件，请勿外传"


def test_tar_gz_and_bz2() -> None:
    import bz2
    import gzip
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        data = "绝密 tar member".encode()
        info = tarfile.TarInfo("dir/secret.txt")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    t = texts(mime([("application/gzip", buf.getvalue(), "files.tar.gz"),
                    ("application/x-bzip2", bz2.compress(b"bz2 confidential text"), "note.txt.bz2"),
                    ("application/gzip", gzip.compress(b"gz text"), "plain.txt.gz")]))
    # libarchive reads the compressed tar in one pass: its members keep their folders
    assert t["attachment:files.tar.gz/dir/secret.txt"] == "绝密 tar member"
    assert t["attachment:note.txt.bz2/note.txt"] == "bz2 confidential text"
    assert t["attachment:plain.txt.gz/plain.txt"] == "gz text"


def test_exe_named_pdf() -> None:
    m = parse(mime([("application/pdf", fake_exe(), "invoice.pdf")]))
    a = m.attachments[0]
    assert a.name == "invoice.pdf"
    assert a.declared_type == "application/pdf"
    assert a.true_type in ("application/x-dosexec", "application/vnd.microsoft.portable-executable")
    assert a.is_executable and not a.is_script


def test_scripts_detected() -> None:
    m = parse(mime([("text/plain", b"#!/bin/sh\nrm -rf /\n", "notes.txt"),
                    ("text/plain", b"WScript.Echo 1", "run.vbs")]))
    assert all(a.is_script for a in m.attachments)


def _encrypted_zip() -> bytes:
    data = bytearray(zip_bytes({"secret.txt": b"payload"}))
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    data[local + 6] |= 1
    data[central + 8] |= 1
    return bytes(data)


def test_encrypted_zip_and_office() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 100
    m = parse(mime([("application/zip", _encrypted_zip(), "locked.zip"),
                    ("application/octet-stream", ole, "locked.docx")]))
    by_name = {a.path: a for a in m.attachments}
    assert by_name["locked.zip"].encrypted
    assert by_name["locked.zip/secret.txt"].encrypted
    assert by_name["locked.docx"].encrypted
    assert "encrypted attachment" in m.findings


def test_7z_and_rar_recognised() -> None:
    m = parse(mime([("application/octet-stream", b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 64, "a.7z"),
                    ("application/octet-stream", b"Rar!\x1a\x07\x01\x00" + b"\x00" * 64, "b.rar")]))
    assert all(a.is_archive for a in m.attachments)


def test_attached_message_scanned_with_prefix() -> None:
    inner = mime([("text/plain; charset=utf-8", "转发：内部资料".encode(), None),
                  ("application/zip", zip_bytes({"x.txt": b"nested text"}), "x.zip")], subject="inner subject")
    raw = (b"From: a@example.com\r\nSubject: fwd\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=O\r\n"
           b"\r\n--O\r\nContent-Type: text/plain\r\n\r\nsee below\r\n--O\r\nContent-Type: message/rfc822\r\n"
           b'Content-Disposition: attachment; filename="fwd.eml"\r\n\r\n' + inner + b"\r\n--O--\r\n")
    t = texts(raw)
    assert "内部资料" in t["attachment:fwd.eml"] and "inner subject" in t["attachment:fwd.eml"]
    assert t["attachment:fwd.eml/x.zip/x.txt"] == "nested text"


def _zip_of_zeros(total: int) -> bytes:
    buf = io.BytesIO()
    chunk = b"\x00" * (1 << 20)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf, zf.open("zeros.bin", "w") as fh:
        for _ in range(total // len(chunk)):
            fh.write(chunk)
    return buf.getvalue()


def test_zip_bomb_is_a_finding_fast_and_bounded() -> None:
    bomb = _zip_of_zeros(200 * 1024 * 1024)
    assert len(bomb) < 2 * 1024 * 1024
    raw = mime([("application/zip", bomb, "bomb.zip")])
    tracemalloc.start()
    t0 = time.perf_counter()
    m = parse(raw)
    findings = m.findings
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "archive bomb" in findings
    assert elapsed < 5
    assert peak < 64 * 1024 * 1024


def test_limits_depth_and_count() -> None:
    data = b"deep text"
    for i in range(8):
        data = zip_bytes({f"level{i}.zip" if i else "a.txt": data})
    m = parse(mime([("application/zip", data, "deep.zip")]))
    assert "archive too deep" in m.findings
    many = zip_bytes({f"f{i}.txt": b"x" for i in range(1100)})
    m = parse(mime([("application/zip", many, "many.zip")]))
    assert "archive too many files" in m.findings


def test_extractor_total_budget() -> None:
    from rules.attachments import Budget, Limits

    ex = Extractor(Budget(Limits(max_total_bytes=1000, max_ratio=1e9)))
    atts = ex.extract(zip_bytes({"a.txt": b"y" * 5000}), "a.zip")
    assert "archive bomb" in atts[0].findings


def test_legacy_office_text_best_effort() -> None:
    import random

    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(4000))
    ole = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + noise + "本合同为商业秘密 strictly confidential".encode("utf-16-le")
           + noise + b"\x00" + "內部資料".encode("utf-16-le") + noise + b"plain ascii text in an xls cell")
    m = parse(mime([("application/msword", ole, "old.doc")]))
    text = m.attachments[0].text
    assert "本合同为商业秘密 strictly confidential" in text
    assert "內部資料" in text and "plain ascii text in an xls cell" in text
    assert not m.attachments[0].encrypted


def test_base64_encoded_attached_message() -> None:
    inner = "From: x@other.test\r\nSubject: inner secret\r\n\r\n内部资料 body\r\n".encode()
    raw = (b"From: a@example.com\r\nSubject: o\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=Q\r\n"
           b"\r\n--Q\r\nContent-Type: text/plain\r\n\r\nhi\r\n--Q\r\nContent-Type: message/rfc822\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(inner) + b"\r\n--Q--\r\n")
    t = texts(raw)
    assert "内部资料 body" in t["attachment:message2.eml"]
