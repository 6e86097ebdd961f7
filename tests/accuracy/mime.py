"""Byte-deterministic builders for the corpus: RFC 5322 messages, zip, docx, xlsx, pdf.

Hand-built rather than ``email.generator`` so that every byte (boundaries, folding, the
transfer encoding of each part, how a file name is encoded) is chosen by the generator and
the same on every run and Python version. Archives are written STORED with a fixed time:
deflate output differs between zlib builds (zlib-ng), which would break byte-identity.
"""

from __future__ import annotations

import base64
import io
import quopri
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape

CRLF = "\r\n"
ZIP_TIME = (2026, 10, 12, 9, 30, 0)
BASE_DATE = datetime(2026, 10, 5, 9, 0, 0, tzinfo=timezone(timedelta(hours=8)))


@dataclass
class Part:
    """One leaf MIME part: already-encoded body lines plus its headers."""

    headers: list[tuple[str, str]]
    body: bytes


@dataclass
class Mail:
    sender: tuple[str, str]             # (display name, address)
    to: list[tuple[str, str]]
    subject: str
    parts: list[Part]
    cc: list[tuple[str, str]] = field(default_factory=list)
    subject_charset: str = "utf-8"
    extra_headers: list[tuple[str, str]] = field(default_factory=list)
    alternative: bool = False           # the first two parts are text/plain + text/html


def _b64_lines(data: bytes) -> bytes:
    enc = base64.b64encode(data).decode("ascii")
    return CRLF.join(enc[i:i + 76] for i in range(0, len(enc), 76)).encode("ascii") + b"\r\n"


def _crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def encode_body(data: bytes, cte: str) -> bytes:
    if cte == "base64":
        return _b64_lines(data)
    if cte == "quoted-printable":
        data = data.replace(b"\r\n", b"\n")
        return _crlf(quopri.encodestring(data if data.endswith(b"\n") else data + b"\n"))
    return _crlf(data if data.endswith(b"\n") else data + b"\n")


def encoded_word(text: str, charset: str = "utf-8") -> str:
    """RFC 2047 B-encoding when the text is not plain ASCII."""
    if text.isascii():
        return text
    raw = text.encode(charset)
    return f"=?{charset}?B?{base64.b64encode(raw).decode('ascii')}?="


def address(name: str, addr: str, charset: str = "utf-8") -> str:
    if not name:
        return addr
    if name.isascii():
        return f'"{name}" <{addr}>' if any(c in name for c in ",.()") else f"{name} <{addr}>"
    return f"{encoded_word(name, charset)} <{addr}>"


def text(body: str, subtype: str = "plain", charset: str = "utf-8", cte: str = "8bit") -> Part:
    data = body.encode(charset)
    if cte == "8bit" and data.isascii():
        cte = "7bit"
    headers = [("Content-Type", f'text/{subtype}; charset="{charset}"'), ("Content-Transfer-Encoding", cte)]
    return Part(headers, encode_body(data, cte))


def attachment(name: str, data: bytes, ctype: str, *, name_style: str = "rfc2231", cte: str = "base64",
               charset: str | None = None) -> Part:
    """An attachment; a non-ASCII ``name`` as RFC 2231 (``filename*=``) or RFC 2047 (what
    Outlook and many Chinese clients write)."""
    if name.isascii():
        disp, ct_name = f'attachment; filename="{name}"', f'; name="{name}"'
    elif name_style == "rfc2047":
        word = encoded_word(name, charset or "utf-8")
        disp, ct_name = f'attachment; filename="{word}"', f'; name="{word}"'
    else:
        from urllib.parse import quote

        cs = charset or "utf-8"
        disp = f"attachment; filename*={cs}''{quote(name.encode(cs))}"
        ct_name = f'; name="{encoded_word(name, cs)}"'
    ct = ctype + (f'; charset="{charset}"' if charset and ctype.startswith("text/") else "") + ct_name
    headers = [("Content-Type", ct), ("Content-Disposition", disp), ("Content-Transfer-Encoding", cte)]
    return Part(headers, encode_body(data, cte))


def render(mail: Mail, mid: str, index: int) -> bytes:
    """The whole message; ``index`` fixes its Date and boundaries."""
    date = BASE_DATE + timedelta(minutes=37 * index)
    head: list[tuple[str, str]] = [
        ("From", address(*mail.sender)),
        ("To", ", ".join(address(n, a) for n, a in mail.to)),
    ]
    if mail.cc:
        head.append(("Cc", ", ".join(address(n, a) for n, a in mail.cc)))
    domain = mail.sender[1].rsplit("@", 1)[1]
    head += [
        ("Subject", encoded_word(mail.subject, mail.subject_charset)),
        ("Date", format_datetime(date)),
        ("Message-ID", f"<{mid}.{index:04d}@{domain}>"),
        ("MIME-Version", "1.0"),
    ]
    head += mail.extra_headers
    out = [f"{k}: {v}" for k, v in head]
    parts = mail.parts
    if len(parts) == 1:
        out += [f"{k}: {v}" for k, v in parts[0].headers]
        return (CRLF.join(out) + CRLF + CRLF).encode("ascii") + parts[0].body
    outer = f"----=_Part_{index:04d}_{mid}"
    out.append(f'Content-Type: multipart/mixed; boundary="{outer}"')
    chunks = [(CRLF.join(out) + CRLF + CRLF + "This is a multi-part message in MIME format." + CRLF).encode("ascii")]
    leaves = list(parts)
    if mail.alternative:
        inner = f"----=_Alt_{index:04d}_{mid}"
        alt = [f"--{inner}\r\n".encode() + _part_bytes(p) for p in leaves[:2]]
        body = b"".join(alt) + f"--{inner}--\r\n".encode()
        leaves = [Part([("Content-Type", f'multipart/alternative; boundary="{inner}"')], body)] + leaves[2:]
    for p in leaves:
        chunks.append(f"--{outer}\r\n".encode() + _part_bytes(p))
    chunks.append(f"--{outer}--\r\n".encode())
    return b"".join(chunks)


def _part_bytes(p: Part) -> bytes:
    return (CRLF.join(f"{k}: {v}" for k, v in p.headers) + CRLF + CRLF).encode("ascii") + p.body


# -- containers and documents -------------------------------------------------------------

def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buf.getvalue()


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _core(props: dict[str, str]) -> bytes:
    tags = {"title": "dc:title", "subject": "dc:subject", "keywords": "cp:keywords",
            "category": "cp:category", "creator": "dc:creator", "description": "dc:description"}
    inner = "".join(f"<{tags[k]}>{escape(v)}</{tags[k]}>" for k, v in props.items() if k in tags)
    return (_XML + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">' + inner + "</cp:coreProperties>").encode()


def _custom(props: dict[str, str]) -> bytes:
    inner = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i}" name="{escape(k)}">'
        f"<vt:lpwstr>{escape(v)}</vt:lpwstr></property>" for i, (k, v) in enumerate(props.items(), 2))
    return (_XML + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' + inner
            + "</Properties>").encode()


def docx(paragraphs: list[str], *, header: str | None = None, core: dict[str, str] | None = None,
         custom: dict[str, str] | None = None) -> bytes:
    """A Word document that Word opens: paragraphs, an optional page header, properties."""
    body = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    sect = '<w:sectPr><w:headerReference w:type="default" r:id="rIdH"/></w:sectPr>' if header else ""
    doc = f'{_XML}<w:document xmlns:w="{_W}" xmlns:r="{_R}"><w:body>{body}{sect}</w:body></w:document>'
    types = ['<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
             '<Default Extension="xml" ContentType="application/xml"/>',
             '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             'wordprocessingml.document.main+xml"/>']
    rels = [f'<Relationship Id="rId1" Type="{_R}/officeDocument" Target="word/document.xml"/>']
    members: dict[str, bytes] = {}
    if core:
        types.append('<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.'
                     'core-properties+xml"/>')
        rels.append('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
                    'metadata/core-properties" Target="docProps/core.xml"/>')
        members["docProps/core.xml"] = _core(core)
    if custom:
        types.append('<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-'
                     'officedocument.custom-properties+xml"/>')
        rels.append(f'<Relationship Id="rId3" Type="{_R}/custom-properties" Target="docProps/custom.xml"/>')
        members["docProps/custom.xml"] = _custom(custom)
    out = {
        "[Content_Types].xml": (_XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                                + "".join(types) + "</Types>").encode(),
        "_rels/.rels": (_XML + f'<Relationships xmlns="{_PR}">' + "".join(rels) + "</Relationships>").encode(),
        "word/document.xml": doc.encode(),
    }
    if header:
        out["word/header1.xml"] = (f'{_XML}<w:hdr xmlns:w="{_W}"><w:p><w:r><w:t>{escape(header)}</w:t></w:r></w:p>'
                                   "</w:hdr>").encode()
        out["word/_rels/document.xml.rels"] = (
            _XML + f'<Relationships xmlns="{_PR}"><Relationship Id="rIdH" Type="{_R}/header" '
            'Target="header1.xml"/></Relationships>').encode()
    out.update(members)
    return zip_of(out)


def _col(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def xlsx(rows: list[list[str]], *, sheet: str = "Sheet1", core: dict[str, str] | None = None,
         page_header: str | None = None) -> bytes:
    """A workbook with one sheet; every cell a shared string (as exports of ids and card
    numbers are: text, so Excel keeps all the digits); ``page_header``: the printed page
    header, in Excel's codes ("&C&\"-,Bold\"Internal Use Only")."""
    strings: list[str] = []
    index: dict[str, int] = {}
    xml_rows = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, value in enumerate(row):
            if value not in index:
                index[value] = len(strings)
                strings.append(value)
            cells.append(f'<c r="{_col(c)}{r}" t="s"><v>{index[value]}</v></c>')
        xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    sst = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    members = {
        "[Content_Types].xml": (
            _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/></Types>').encode(),
        "_rels/.rels": (_XML + f'<Relationships xmlns="{_PR}"><Relationship Id="rId1" Type="{_R}/officeDocument" '
                        'Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": (_XML + f'<workbook xmlns="{_S}" xmlns:r="{_R}"><sheets><sheet name="{escape(sheet)}" '
                            'sheetId="1" r:id="rId1"/></sheets></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": (
            _XML + f'<Relationships xmlns="{_PR}"><Relationship Id="rId1" Type="{_R}/worksheet" '
            f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{_R}/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>').encode(),
        "xl/worksheets/sheet1.xml": (_XML + f'<worksheet xmlns="{_S}"><sheetData>{"".join(xml_rows)}</sheetData>'
                                     + (f"<headerFooter><oddHeader>{escape(page_header)}</oddHeader></headerFooter>"
                                        if page_header else "") + "</worksheet>").encode(),
        "xl/sharedStrings.xml": (_XML + f'<sst xmlns="{_S}" count="{len(strings)}" uniqueCount="{len(strings)}">'
                                 f"{sst}</sst>").encode(),
    }
    if core:
        members["docProps/core.xml"] = _core(core)
    return zip_of(members)


def pdf(lines: list[str], *, info: dict[str, str] | None = None) -> bytes:
    """A one-page PDF, Helvetica (Windows-1252 text only), valid xref; ``info`` fills the
    document information dictionary (Title, Subject, Keywords)."""
    def lit(s: str) -> str:
        return "(" + s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"

    ops = ["BT /F1 11 Tf 14 TL 60 760 Td"] + [f"{lit(line)} '" for line in lines] + ["ET"]
    stream = "\n".join(ops).encode("cp1252")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    if info:
        objs.append(("<< " + " ".join(f"/{k} {lit(v)}" for k, v in info.items()) + " >>").encode("cp1252"))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    trailer = f"<< /Size {len(objs) + 1} /Root 1 0 R" + (f" /Info {len(objs)} 0 R" if info else "") + " >>"
    out += f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
