"""Hostile attachments built in the test, as issue 12 describes them: a PDF whose pages share
(or each have) a 2 MB content stream, and a docx with ~95 MB of XML that compresses below the
archive-bomb ratio."""

from __future__ import annotations

import io
import random
import zipfile
import zlib


def pdf_bomb(pages: int = 20, stream_bytes: int = 2 * 1024 * 1024, *, shared: bool = True,
             text: str = "x") -> bytes:
    """A valid PDF of ``pages`` pages whose content stream(s) hold ``stream_bytes`` of text
    operators each: one stream shared by every page (``shared``, the issue's 12 KB message),
    or one per page."""
    op = f"BT /F1 12 Tf 72 712 Td ({text}) Tj ET\n".encode()
    content = op * (stream_bytes // len(op))
    streams = 1 if shared else pages
    kids = " ".join(f"{4 + streams + i} 0 R" for i in range(pages))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i in range(streams):
        body = zlib.compress(content + b"%% %d\n" % i, 9)
        objs.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream")
    for i in range(pages):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"
                    b" /Contents %d 0 R >>" % (4 + (0 if shared else i)))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def docx_bomb(xml_mb: int = 95, *, seed: int = 1, marker: str = "END-MARKER") -> bytes:
    """A docx whose word/document.xml is ``xml_mb`` MB of paragraph markup (little text), with
    enough variety that deflate stays below 100:1 (the archive-bomb check does not fire);
    ``marker`` is the last paragraph's text."""
    rng = random.Random(seed)
    head = (b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            b'wordprocessingml/2006/main"><w:body>')
    plain = '<w:p><w:pPr><w:jc w:val="left"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t>ab</w:t></w:r></w:p>'
    odd = '<w:p><w:pPr><w:jc w:val="{:x}"/></w:pPr></w:p>'
    block = "".join(odd.format(rng.getrandbits(16)) if i % 6 == 0 else plain for i in range(20000)).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(head)
            for _ in range(xml_mb * 1024 * 1024 // len(block)):
                fh.write(block)
            fh.write(f"<w:p><w:r><w:t>{marker}</w:t></w:r></w:p></w:body></w:document>".encode())
    return buf.getvalue()
