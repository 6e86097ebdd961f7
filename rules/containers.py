"""Opening containers: archives through libarchive, zips (and the Office/ODF documents that
are zips) through ``zipfile``.

7z, RAR, tar (and cpio, ar, ISO, …), each possibly compressed, and single gzip, bzip2 or xz
streams are read through one well-kept library, libarchive (``libarchive-c``); zips through
``zipfile``, which knows each member's compressed size (see :func:`open_zip`). Every format
meets the same limits: each member goes back to the extractor (which sniffs it, reads
it, and opens it in turn if it is a container) under the message's one
:class:`~rules.budget.Budget` (depth, file count, expanded bytes, ratio). Office Open XML and
OpenDocument files are zips whose XML parts are streamed (``zipfile``), never decompressed
whole.
"""

from __future__ import annotations

import ctypes
import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from typing import TYPE_CHECKING

import libarchive

from rules.budget import MIN_BOMB_BYTES, BombError, iter_bounded, read_bounded
from rules.charsets import decode_guess
from rules.documents import DocumentText, stream_xml_text
from rules.properties import MAX_PROPERTIES, xml_properties
from rules.spreadsheets import shared_strings, sheet_text

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


def _workbook_text(ex: Extractor, att: Attachment, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """A workbook's sheets as tables (rows of tab-separated cells, shared strings in place),
    then any shared string no cell refers to."""
    shared: list[str] = []
    sheets = []
    for info in sorted(infos, key=lambda i: _natural_key(i.filename)):
        with zf.open(info) as fh:
            chunks = iter_bounded(fh, ex.budget, info.compress_size, _zip_consumed(fh, info.compress_size))
            if info.filename.endswith("sharedStrings.xml"):
                shared, whole = shared_strings(chunks)
                if not whole:
                    ex.truncated(att)
                continue
            sheets.append(info)
    texts = []
    used: set[int] = set()
    for info in sheets:
        with zf.open(info) as fh:
            found = sheet_text(iter_bounded(fh, ex.budget, info.compress_size,
                                            _zip_consumed(fh, info.compress_size)), shared, used)
        texts.append(found.text)
        if found.truncated:
            ex.truncated(att)
        if found.corrupt:
            ex.corrupt(att)
    # strings no cell shows are still text someone wrote (fail closed: screened too)
    texts.append("\n".join(t for i, t in enumerate(shared) if i not in used))
    att.text = "\n\n".join(t for t in texts if t)


def _prepend_properties(ex: Extractor, att: Attachment, zf: zipfile.ZipFile, names: tuple[str, ...]) -> None:
    """The document's properties (title, subject, keywords, custom fields) before its text."""
    props = []
    for name in names:
        try:
            info = zf.getinfo(name)
        except KeyError:
            continue
        with zf.open(info) as fh:
            xml = read_bounded(fh, ex.budget, info.compress_size, cap=MAX_PROPERTIES)
        props.append(xml_properties(xml))
    text = "\n".join(p for p in props if p)
    if text:
        att.text = f"{text}\n\n{att.text}" if att.text else text


# ODF: what is the package itself (not an embedded object); "Object N/content.xml" is read as
# text with the document, other files in "Object N/" (and OLE objects stored beside them) are
# embedded objects
_ODF_OBJECT_TEXT = re.compile(r"[^/]+/content\.xml$")
_ODF_NOT_EMBEDDED = re.compile(
    r"(mimetype|content\.xml|styles\.xml|meta\.xml|settings\.xml|manifest\.rdf|layout-cache"
    r"|META-INF/.*|Thumbnails/.*|Pictures/.*|Configurations2/.*|ObjectReplacements/.*"
    r"|[^/]+/(content|styles|meta|settings)\.xml)$")


def _embedded(ex: Extractor, att: Attachment, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo],
              depth: int) -> list[Attachment]:
    """Objects embedded in an Office or ODF document (a workbook in a report, an OLE package
    holding any file), each extracted in turn under the message's budget."""
    if not infos or not ex.descend(att, depth):
        return []
    out: list[Attachment] = []
    for info in infos:
        ex.budget.count_file()
        with zf.open(info) as fh:
            member = read_bounded(fh, ex.budget, info.compress_size, _zip_consumed(fh, info.compress_size))
        inner_dir = posixpath.dirname(info.filename).strip("/")
        out.extend(ex.extract(member, posixpath.basename(info.filename),
                              prefix=f"{att.path}/{inner_dir}" if inner_dir else att.path, depth=depth + 1))
    return out


def open_zip(ex: Extractor, att: Attachment, data: bytes, depth: int) -> list[Attachment]:
    """A zip: an OOXML or ODF document (its text), or an archive (its members)."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    names = zf.namelist()
    if "[Content_Types].xml" in names:
        for prefix, mime in OOXML_TYPES.items():
            if any(n.startswith(prefix) for n in names):
                att.true_type = mime
                parts = [i for i in zf.infolist() if _TEXT_PARTS[prefix].match(i.filename)]
                if prefix == "xl/":
                    _workbook_text(ex, att, zf, parts)
                else:
                    _document_text(ex, att, zf, parts, odf=False)
                _prepend_properties(ex, att, zf, ("docProps/core.xml", "docProps/custom.xml"))
                embedded = [i for i in zf.infolist() if i.filename.startswith(f"{prefix}embeddings/")
                            and not i.is_dir()]
                return _embedded(ex, att, zf, embedded, depth)
    if "mimetype" in names and "content.xml" in names:
        mimetype = read_bounded(zf.open("mimetype"), ex.budget, 1, cap=200).strip()
        if mimetype.startswith(_ODF_PREFIX):
            att.true_type = mimetype.decode("ascii", "replace")
            # the document, then the documents embedded in it ("Object 1/content.xml")
            parts = [zf.getinfo("content.xml")] + [i for i in zf.infolist() if _ODF_OBJECT_TEXT.match(i.filename)]
            _document_text(ex, att, zf, parts, odf=True)
            _prepend_properties(ex, att, zf, ("meta.xml",))
            embedded = [i for i in zf.infolist() if not i.is_dir() and not _ODF_NOT_EMBEDDED.match(i.filename)]
            return _embedded(ex, att, zf, embedded, depth)
    # zip archives stay with zipfile: it knows each member's compressed size, so the ratio is
    # checked against what was consumed so far (a bomb stops after ~1 MiB), which libarchive's
    # stream interface cannot tell
    if not ex.enter(att, depth):
        return []
    out: list[Attachment] = []
    for info in zf.infolist():
        if info.is_dir():
            continue
        ex.budget.count_file()
        filename = _member_name(info)
        name = posixpath.basename(filename) or filename
        inner_dir = posixpath.dirname(filename).strip("/")
        prefix = f"{att.path}/{inner_dir}" if inner_dir else att.path
        if info.flag_bits & 0x1:
            att.encrypted = True
            out.append(ex.unreadable(name, prefix, depth + 1, encrypted=True))
            continue
        with zf.open(info) as fh:
            member = read_bounded(fh, ex.budget, info.compress_size, _zip_consumed(fh, info.compress_size))
        out.extend(ex.extract(member, name, prefix=prefix, depth=depth + 1))
    return out


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as the archiver wrote it: without the UTF-8 flag, zipfile reads the
    bytes as CP437, but Chinese Windows archivers write GBK (``机密.docx`` came out as
    ``╗·├▄.docx``, which no keyword matches)."""
    if info.flag_bits & 0x800 or info.filename.isascii():
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    return decode_guess(raw)


_STREAM_SUFFIXES = (".gz", ".tgz", ".bz2", ".tbz2", ".xz", ".txz")
_ENCRYPTION_WORDS = ("passphrase", "encrypt", "password", "decryption")


def _is_encrypted_function() -> Callable[[object], int] | None:
    """``archive_entry_is_encrypted`` (libarchive >= 3.2), typed (a bare ctypes call would
    cut the entry pointer to 32 bits); None when the library lacks it."""
    check = getattr(getattr(libarchive.ffi, "libarchive", None), "archive_entry_is_encrypted", None)
    if check is not None:
        check.argtypes = [ctypes.c_void_p]
        check.restype = ctypes.c_int
    return check


_IS_ENCRYPTED = _is_encrypted_function()


def _entry_encrypted(entry: object) -> bool:
    """libarchive's own word (data or metadata encrypted); without it, reading the data
    fails for want of a passphrase, which :func:`_member` takes as the same answer."""
    return bool(_IS_ENCRYPTED(entry._entry_p)) if _IS_ENCRYPTED is not None else False  # type: ignore[attr-defined]


def _stream_member_name(name: str) -> str:
    """What a single compressed stream holds, named after it (``a.txt.gz`` → ``a.txt``)."""
    for suffix in _STREAM_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)] + (".tar" if suffix.startswith(".t") else "") or "data"
    return name + ".out"


class _ArchiveBudget:
    """The ratio of one archive: what its members expanded to against the archive's size
    (the archive is in memory whole, so this bounds a bomb after ``max_ratio`` times it)."""

    def __init__(self, ex: Extractor, size: int) -> None:
        self.budget = ex.budget
        self.size = max(size, 1)
        self.produced = 0

    def read(self, entry: object) -> bytes:
        out = bytearray()
        limits = self.budget.limits
        for block in entry.get_blocks():  # type: ignore[attr-defined]
            out += block
            self.produced += len(block)
            self.budget.take(len(block))
            if self.produced >= MIN_BOMB_BYTES and self.produced > limits.max_ratio * self.size:
                raise BombError("compression ratio")
        return bytes(out)


def open_archive(ex: Extractor, att: Attachment, data: bytes, depth: int, what: str) -> list[Attachment]:
    """Any archive libarchive reads (7z, RAR, tar, cpio, …, each possibly compressed),
    or a single gzip/bzip2/xz stream: every member extracted under the message's budget.
    An encrypted member (or an archive whose listing itself is encrypted) is flagged, named
    when its name can be read; a damaged archive keeps the members read before the damage."""
    if not ex.enter(att, depth):
        return []
    single_stream = what in ("gzip", "bz2", "xz")
    archive_budget = _ArchiveBudget(ex, len(data))
    out: list[Attachment] = []
    files = 0
    try:
        with libarchive.memory_reader(data) as archive:
            for entry in archive:
                files += bool(entry.isreg)
                out.extend(_member(ex, att, archive_budget, entry, depth))
        if what == "iso" and not files:
            # (a disk image libarchive reads as holding no file may hold one for whoever mounts it: an image
            # written loosely, which Windows and 7-Zip open, lists nothing here; nobody mails an empty disc)
            ex.corrupt(att)
    except libarchive.ArchiveError as exc:
        message = str(exc).lower()
        if single_stream and not out and "unrecognized archive format" in message:
            return _single_stream(ex, att, data, depth, archive_budget)
        if any(word in message for word in _ENCRYPTION_WORDS):
            ex.encrypted(att)
        else:
            ex.corrupt(att)
    return out


def _member(ex: Extractor, att: Attachment, archive_budget: _ArchiveBudget, entry: object,
            depth: int) -> list[Attachment]:
    if not entry.isreg:  # type: ignore[attr-defined] - directories, links, devices: no content
        return []
    ex.budget.count_file()
    path = (entry.pathname or "").strip("/")  # type: ignore[attr-defined]
    name = posixpath.basename(path) or "data"
    inner_dir = posixpath.dirname(path).strip("/")
    prefix = f"{att.path}/{inner_dir}" if inner_dir else att.path
    if _entry_encrypted(entry):
        att.encrypted = True
        return [ex.unreadable(name, prefix, depth + 1, encrypted=True)]
    try:
        member = archive_budget.read(entry)
    except libarchive.ArchiveError as exc:
        if any(word in str(exc).lower() for word in _ENCRYPTION_WORDS):
            att.encrypted = True
            return [ex.unreadable(name, prefix, depth + 1, encrypted=True)]
        raise
    return ex.extract(member, name, prefix=prefix, depth=depth + 1)


def _single_stream(ex: Extractor, att: Attachment, data: bytes, depth: int,
                   archive_budget: _ArchiveBudget) -> list[Attachment]:
    """A compressed file that is not an archive inside (``report.txt.gz``): libarchive's
    raw format gives its one member."""
    ex.budget.count_file()
    try:
        with libarchive.memory_reader(data, format_name="raw") as archive:
            for entry in archive:
                member = archive_budget.read(entry)
                return ex.extract(member, _stream_member_name(att.name), prefix=att.path, depth=depth + 1)
    except libarchive.ArchiveError:
        ex.corrupt(att)
    return []
