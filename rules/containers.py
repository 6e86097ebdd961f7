"""Opening containers: zip (and the Office/ODF documents that are zips), tar, gzip/bzip2/xz.

Each reader hands every member back to the extractor (which sniffs it, reads it, and opens it
in turn if it is a container), all under the message's one :class:`~rules.budget.Budget`.
Office Open XML and OpenDocument files are zips whose XML parts are streamed, never
decompressed whole.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import posixpath
import re
import tarfile
import zipfile
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from rules.budget import iter_bounded, read_bounded
from rules.documents import DocumentText, stream_xml_text

if TYPE_CHECKING:
    from rules.extraction import Attachment, Extractor

OOXML_TYPES = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_WORD_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")
_XL_PARTS = re.compile(r"xl/(sharedStrings|worksheets/sheet\d+)\.xml$")
_PPT_PARTS = re.compile(r"ppt/(slides/slide|notesSlides/notesSlide)\d+\.xml$")
_TEXT_PARTS = {"word/": _WORD_PARTS, "xl/": _XL_PARTS, "ppt/": _PPT_PARTS}
_ODF_PREFIX = b"application/vnd.oasis.opendocument."


def _zip_consumed(fh: object, compress_size: int) -> Callable[[], int]:
    """Compressed bytes a ZipExtFile has read (falls back to the whole member)."""
    def consumed() -> int:
        left = getattr(fh, "_compress_left", None)
        return compress_size - left if isinstance(left, int) else compress_size
    return consumed


def _natural_key(s: str) -> list[object]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]


def _stream_member(ex: Extractor, zf: zipfile.ZipFile, info: zipfile.ZipInfo, *, odf: bool) -> DocumentText:
    with zf.open(info) as fh:
        chunks = iter_bounded(fh, ex.budget, info.compress_size, _zip_consumed(fh, info.compress_size))
        return stream_xml_text(chunks, odf=odf)


def _document_text(ex: Extractor, att: Attachment, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo],
                   *, odf: bool) -> None:
    """Streamed text of the document's text parts, in reading order, into ``att``."""
    texts: list[str] = []
    for info in sorted(infos, key=lambda i: _natural_key(i.filename)):
        found = _stream_member(ex, zf, info, odf=odf)
        texts.append(found.text)
        if found.truncated:
            ex.truncated(att)
        if found.corrupt:
            ex.corrupt(att)
    att.text = "\n".join(t for t in texts if t)


def open_zip(ex: Extractor, att: Attachment, data: bytes, depth: int) -> list[Attachment]:
    """A zip: an OOXML or ODF document (its text), or an archive (its members)."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    names = zf.namelist()
    if "[Content_Types].xml" in names:
        for prefix, mime in OOXML_TYPES.items():
            if any(n.startswith(prefix) for n in names):
                att.true_type = mime
                parts = [i for i in zf.infolist() if _TEXT_PARTS[prefix].match(i.filename)]
                _document_text(ex, att, zf, parts, odf=False)
                return []
    if "mimetype" in names and "content.xml" in names:
        mimetype = read_bounded(zf.open("mimetype"), ex.budget, 1, cap=200).strip()
        if mimetype.startswith(_ODF_PREFIX):
            att.true_type = mimetype.decode("ascii", "replace")
            _document_text(ex, att, zf, [zf.getinfo("content.xml")], odf=True)
            return []
    if not ex.enter(att, depth):
        return []
    out: list[Attachment] = []
    for info in zf.infolist():
        if info.is_dir():
            continue
        ex.budget.count_file()
        name = posixpath.basename(info.filename) or info.filename
        inner_dir = posixpath.dirname(info.filename).strip("/")
        prefix = f"{att.path}/{inner_dir}" if inner_dir else att.path
        if info.flag_bits & 0x1:
            att.encrypted = True
            out.append(ex.unreadable(name, prefix, depth + 1, encrypted=True))
            continue
        with zf.open(info) as fh:
            member = read_bounded(fh, ex.budget, info.compress_size, _zip_consumed(fh, info.compress_size))
        out.extend(ex.extract(member, name, prefix=prefix, depth=depth + 1))
    return out


def open_tar(ex: Extractor, att: Attachment, data: bytes, depth: int) -> list[Attachment]:
    if not ex.enter(att, depth):
        return []
    out: list[Attachment] = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tf:
        for member in tf:
            if not member.isfile():
                continue
            ex.budget.count_file()
            fh = tf.extractfile(member)
            if fh is None:
                continue
            member_data = read_bounded(fh, ex.budget, max(member.size, 1))
            out.extend(ex.extract(member_data, posixpath.basename(member.name), prefix=att.path,
                                  depth=depth + 1))
    return out


_STREAM_SUFFIXES = (".gz", ".tgz", ".bz2", ".tbz2", ".xz", ".txz")


def open_stream(ex: Extractor, att: Attachment, data: bytes, depth: int, kind: str) -> list[Attachment]:
    """A single compressed stream (gzip, bzip2, xz): its one member, named after it."""
    if not ex.enter(att, depth):
        return []
    ex.budget.count_file()
    src = io.BytesIO(data)
    fh: object
    if kind == "gzip":
        fh = gzip.GzipFile(fileobj=src)
    elif kind == "bz2":
        fh = bz2.BZ2File(src)
    else:
        fh = lzma.LZMAFile(src)  # noqa: SIM115 - closed with the BytesIO
    try:
        inner = read_bounded(fh, ex.budget, len(data), src.tell)  # type: ignore[arg-type]
    except (OSError, EOFError, zlib.error, lzma.LZMAError):
        ex.corrupt(att)
        return []
    base = att.name
    for suffix in _STREAM_SUFFIXES:
        if base.lower().endswith(suffix):
            base = base[: -len(suffix)] + (".tar" if suffix.startswith(".t") else "")
            break
    else:
        base = base + ".out"
    return ex.extract(inner, base or "data", prefix=att.path, depth=depth + 1)
