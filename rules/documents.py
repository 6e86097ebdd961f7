"""Text of documents: PDF, OOXML and ODF (streamed XML), legacy Office (OLE) files.

Every function here takes bytes an outsider chose and must end in bounded time and memory
whatever they hold, so: XML is parsed as a stream (expat, one chunk at a time, no DTD, no
entities), never as a tree; a PDF page whose content stream was already read is not read
again (twenty pages sharing one 2 MB stream cost one read, not twenty); text stops at
:data:`MAX_TEXT_PER_FILE` and says so (``truncated``) rather than dropping the rest silently.
Wall-clock time and memory are bounded by the worker process these run in
(``gateway/extraction_pool.py``).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from xml.parsers import expat

from rules.properties import pdf_properties

MAX_TEXT_PER_FILE = 4 * 1024 * 1024
MAX_PDF_PAGES = 2000


@dataclass
class DocumentText:
    """What a document yielded: its text, and why some of it may be missing."""

    text: str = ""
    encrypted: bool = False
    truncated: bool = False
    corrupt: bool = False


# -- XML (OOXML, ODF) ------------------------------------------------------------------------

class _RefusedXml(Exception):
    """A DTD or entity declaration: never in OOXML/ODF, the vehicle of entity bombs."""


# OOXML text runs are ``t`` (w:t, a:t, sharedStrings t) and ``v`` (cell values); ODF keeps
# text in the character data of text:p / text:h / text:span and friends.
_OOXML_TEXT = frozenset({"t", "v"})
_OOXML_BREAKS = {"p": "\n", "tr": "\n", "row": "\n", "si": "\n", "br": "\n", "tab": "\t"}
_ODF_BREAKS = {"p": "\n", "h": "\n", "line-break": "\n", "tab": "\t", "s": " ", "table-row": "\n"}


class _TextSink:
    """Collects text up to a cap; past it, remembers that text was cut."""

    __slots__ = ("parts", "size", "cap", "truncated")

    def __init__(self, cap: int) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.cap = cap
        self.truncated = False

    def add(self, text: str) -> None:
        if self.truncated:
            return
        room = self.cap - self.size
        if len(text) > room:
            text = text[:room]
            self.truncated = True
        self.parts.append(text)
        self.size += len(text)

    def text(self) -> str:
        return "".join(self.parts).strip()


def stream_xml_text(chunks: Iterable[bytes], *, odf: bool = False, cap: int = MAX_TEXT_PER_FILE) -> DocumentText:
    """Text of one OOXML part (``odf=False``: ``t``/``v`` elements) or ODF ``content.xml``
    (``odf=True``: all character data of ``office:body``), paragraphs as lines, parsed as a
    stream.

    Memory is one chunk plus the text kept (at most ``cap`` characters). A document type
    declaration is refused (``corrupt``): OOXML and ODF have none, and only a bomb needs one.
    Damaged XML keeps the text read before the damage and is marked ``corrupt``.

    Speed matters (a 95 MB part must be read within the screening budget): names are matched
    by their local part without namespace processing (a prefix is the sender's choice anyway),
    and what each element name means is looked up once and cached.
    """
    sink = _TextSink(cap)
    breaks = _ODF_BREAKS if odf else _OOXML_BREAKS
    meaning: dict[str, object] = {}     # element name -> _TEXT, _BODY, a break string, or None
    depth = 0                           # OOXML: inside t/v; ODF: inside office:body

    def classify(name: str) -> object:
        local = name.rpartition(":")[2]
        if odf and local == "body":
            found: object = _BODY
        elif not odf and local in _OOXML_TEXT:
            found = _TEXT
        else:
            found = breaks.get(local)
        meaning[name] = found
        return found

    def start(name: str, _attrs: object) -> None:
        nonlocal depth
        found = meaning[name] if name in meaning else classify(name)
        if found is None:
            return
        if found is _TEXT or found is _BODY:
            depth += 1
        elif not odf or depth:
            sink.add(found)  # type: ignore[arg-type]

    def end(name: str) -> None:
        nonlocal depth
        if depth and (meaning.get(name) is _TEXT or meaning.get(name) is _BODY):
            depth -= 1

    def data(text: str) -> None:
        if depth:
            sink.add(text)

    def refuse(*_args: object) -> None:
        raise _RefusedXml("document type declarations are not allowed")

    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.ordered_attributes = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    result = DocumentText()
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
            if sink.truncated:
                break
        else:
            parser.Parse(b"", True)
    except (expat.ExpatError, _RefusedXml):
        result.corrupt = True
    result.text = sink.text()
    result.truncated = sink.truncated
    return result


_TEXT = object()    # an OOXML text run (t, v): its character data is the document's text
_BODY = object()    # ODF office:body: all character data inside it is


def xml_text(xml: bytes) -> str:
    """Text nodes of an OOXML part (``w:t``, ``a:t``, ``t``, ``v``), paragraphs as lines."""
    found = stream_xml_text([xml])
    if found.corrupt and not found.text:
        # damaged XML: keep whatever text sits between tags
        return " ".join(re.sub(rb"<[^>]*>", b" ", xml[:MAX_TEXT_PER_FILE]).decode("utf-8", "replace").split())
    return found.text


# -- legacy Office (OLE compound files) ------------------------------------------------------

_UTF16_RUN = re.compile("[\t\n\r\u0020-\u007e\u00a0-\u00ff\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]{4,}")
_ASCII_RUN = re.compile(rb"[\t\r\n\x20-\x7e]{8,}")
_CJK = re.compile("[\u4e00-\u9fff]")
_WORDISH = re.compile(r"[A-Za-z]{3,}")


def _plausible(run: str) -> bool:
    """A UTF-16 run is text, not binary seen through the wrong byte alignment: misaligned
    ASCII turns into CJK code points ending in 0x00, which real text rarely has."""
    cjk = _CJK.findall(run)
    if cjk:
        if sum(1 for c in cjk if ord(c) & 0xFF == 0) * 4 >= len(cjk):
            return False
        # random bytes land anywhere in the CJK block; real text uses the common characters
        return sum(1 for c in cjk if _common_hanzi(c)) * 10 >= len(cjk) * 9
    return sum(c.isalpha() for c in run) >= 4


def _common_hanzi(ch: str) -> bool:
    """In the frequent-character level of GB2312 (3,755) or Big5 (5,401)."""
    for codec, lo, hi in (("gb2312", 0xB0, 0xD7), ("big5", 0xA4, 0xC6)):
        try:
            if lo <= ch.encode(codec)[0] <= hi:
                return True
        except UnicodeEncodeError:
            continue
    return False


def ole_text(data: bytes) -> str:
    """Best-effort text of legacy Office files (.doc/.xls/.ppt, OLE compound files).

    Without a full CFB/Word parser we take the text runs the formats store verbatim:
    UTF-16LE runs (both byte alignments, filtered for plausibility) and 8-bit ASCII runs.
    Good enough for keyword and detector screening; not a faithful rendering.
    """
    data = data[: 32 * 1024 * 1024]
    parts: list[str] = []
    total = 0
    for offset in (0, 1):
        body = data[offset:]
        body = body[: len(body) - (len(body) % 2)]
        for m in _UTF16_RUN.finditer(body.decode("utf-16-le", "replace")):
            # rare CJK characters split a run: binary noise is made of them
            cleaned = "".join(c if c < "\u4e00" or c > "\u9fff" or _common_hanzi(c) else "\n" for c in m.group())
            for run in cleaned.split("\n"):
                run = run.strip()
                if len(run) >= 4 and _plausible(run):
                    parts.append(run)
                    total += len(run)
            if total > MAX_TEXT_PER_FILE:
                return "\n".join(parts)
    for m in _ASCII_RUN.finditer(data):
        run = m.group().decode("ascii")
        if len(_WORDISH.findall(run)) >= 2:
            parts.append(run.strip())
    return "\n".join(p for p in parts if p)


# -- PDF -------------------------------------------------------------------------------------

def _ref_key(value: object) -> object:
    """An indirect reference as ``(number, generation)``; a direct object as its text."""
    from pypdf.generic import ArrayObject, IndirectObject

    if isinstance(value, IndirectObject):
        return value.idnum, value.generation
    if isinstance(value, ArrayObject):
        return tuple(_ref_key(v) for v in value)
    return repr(value)


def _content_key(page: object) -> object:
    """What decides a page's text: its content stream(s) and its resources (fonts map the
    same bytes to different characters; inherited ones come from the parent). Pages with
    the same key have the same text. A page with its content inline keys on itself."""
    from pypdf.generic import ArrayObject, IndirectObject

    raw = page.raw_get("/Contents") if "/Contents" in page else None  # type: ignore[attr-defined, operator]
    if not isinstance(raw, IndirectObject | ArrayObject):
        return id(page)
    resources = page.raw_get("/Resources") if "/Resources" in page else None  # type: ignore[attr-defined, operator]
    parent = page.raw_get("/Parent") if resources is None and "/Parent" in page else None  # type: ignore[attr-defined, operator]
    return _ref_key(raw), _ref_key(resources), _ref_key(parent)


def pdf_extract(data: bytes, max_pages: int = MAX_PDF_PAGES) -> DocumentText:
    """Text of a PDF via pypdf; never raises. A page whose content (stream and resources)
    an earlier page already had is not extracted again."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    result = DocumentText(encrypted=b"/Encrypt" in data)
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            result.encrypted = True
            try:
                if not reader.decrypt(""):
                    return result
            except Exception:  # noqa: BLE001
                return result
        texts: list[str] = []
        total = 0
        seen: set[object] = set()
        for i, page in enumerate(reader.pages):
            if i >= max_pages or total > MAX_TEXT_PER_FILE:
                result.truncated = True
                break
            key = _content_key(page)
            if key in seen:
                continue
            seen.add(key)
            t = page.extract_text() or ""
            total += len(t)
            texts.append(t)
        props = pdf_properties(reader.metadata)  # a classification set in the Subject/Keywords
        result.text = "\n".join([props, ""] + texts if props else texts)
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - pypdf raises many kinds of errors on bad files
        result.corrupt = not result.encrypted
    return result


def pdf_text(data: bytes, max_pages: int = MAX_PDF_PAGES) -> tuple[str, bool]:
    """Text of a PDF and whether it is encrypted; never raises."""
    found = pdf_extract(data, max_pages)
    return found.text, found.encrypted
