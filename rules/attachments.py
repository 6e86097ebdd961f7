"""Attachments: what a file really is, the text inside it, and what archives hold.

A file's name and declared MIME type are chosen by the sender, so rules look at the
content-sniffed ``true_type`` (libmagic) too. Archives are opened recursively under a shared
budget (depth, member count, expanded bytes, compression ratio): a decompression bomb becomes
an ``archive bomb`` finding after reading a bounded amount, never an exhausted machine. All
reads are chunked and bounded; declared sizes in archive headers are never trusted.
"""

from __future__ import annotations

import bz2
import io
import logging
import lzma
import posixpath
import re
import tarfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree import ElementTree

import magic

from rules.charsets import decode_guess
from rules.findings import TRUNCATED, uninspectable

CHUNK = 64 * 1024
MAX_TEXT_PER_FILE = 4 * 1024 * 1024
MIN_BOMB_BYTES = 1024 * 1024  # ratio checks start once this much has been expanded

FINDING_BOMB = "archive bomb"
FINDING_UNDECODABLE = "undecodable part"
FINDING_TOO_DEEP = "archive too deep"
FINDING_TOO_MANY = "archive too many files"
FINDING_ENCRYPTED = "encrypted attachment"
FINDING_CORRUPT = "corrupt attachment"

EXECUTABLE_TYPES = frozenset({
    "application/x-dosexec", "application/x-msdownload", "application/x-executable",
    "application/x-sharedlib", "application/x-pie-executable", "application/x-mach-binary",
    "application/vnd.microsoft.portable-executable", "application/x-elf",
    "application/x-msi", "application/x-ms-installer", "application/x-coff",
})
EXECUTABLE_EXTS = frozenset({".exe", ".scr", ".com", ".pif", ".dll", ".msi", ".cpl", ".sys", ".elf"})
SCRIPT_TYPES = frozenset({
    "text/x-shellscript", "text/x-python", "text/x-script.python", "application/javascript",
    "text/javascript", "text/x-perl", "text/x-php", "application/x-sh", "text/x-msdos-batch",
    "application/x-bat", "text/x-ruby", "text/x-tcl", "application/hta",
})
SCRIPT_EXTS = frozenset({
    ".js", ".jse", ".vbs", ".vbe", ".wsf", ".wsh", ".ps1", ".psm1", ".bat", ".cmd", ".sh",
    ".hta", ".py", ".pl", ".php", ".lnk", ".reg", ".jar", ".applescript",
})
ARCHIVE_7Z_RAR = frozenset({
    "application/x-7z-compressed", "application/x-rar", "application/vnd.rar",
    "application/x-rar-compressed",
})
_ZIP_TYPES = {"application/zip", "application/x-zip-compressed", "application/java-archive"}
_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


@dataclass
class Limits:
    """Bounds on archive expansion for one message."""

    max_depth: int = 5
    max_files: int = 1000
    max_total_bytes: int = 100 * 1024 * 1024
    max_ratio: float = 100.0


@dataclass
class Budget:
    """Shared, mutable budget across a whole message (all attachments and archives)."""

    limits: Limits = field(default_factory=Limits)
    files: int = 0
    expanded: int = 0
    findings: list[str] = field(default_factory=list)

    def note(self, finding: str) -> None:
        if finding not in self.findings:
            self.findings.append(finding)


class _BombError(Exception):
    """Raised internally when expansion breaks the budget."""


@dataclass
class Attachment:
    """One file found in a message, possibly nested inside archives or attached messages.

    ``path`` is the nesting path (``outer.zip/inner.zip/a.txt``); ``name`` is its last part.
    """

    name: str
    path: str
    declared_type: str
    true_type: str
    size: int
    encrypted: bool = False
    is_executable: bool = False
    is_script: bool = False
    is_archive: bool = False
    text: str = ""
    depth: int = 0
    findings: list[str] = field(default_factory=list)

    @property
    def extension(self) -> str:
        return posixpath.splitext(self.name.lower())[1]


def sniff(data: bytes) -> str:
    """libmagic's MIME type of the first 8 KiB (``application/octet-stream`` on failure)."""
    if not data:
        return "application/x-empty"
    try:
        return magic.from_buffer(data[:8192], mime=True) or "application/octet-stream"
    except Exception:  # noqa: BLE001 - libmagic errors on odd input
        return "application/octet-stream"


def _read_bounded(stream: object, budget: Budget, compressed_size: int,
                  consumed: Callable[[], int] | None = None) -> bytes:
    """Read a decompressing stream in chunks, enforcing total size and ratio.

    ``consumed`` reports how many compressed bytes the stream has used so far, so the ratio
    is checked as we go (a bomb is caught after ~1 MiB, not after its declared size).
    """
    out = bytearray()
    limits = budget.limits
    while True:
        chunk = stream.read(CHUNK)  # type: ignore[attr-defined]
        if not chunk:
            break
        out += chunk
        budget.expanded += len(chunk)
        if budget.expanded > limits.max_total_bytes:
            raise _BombError("total expanded size")
        if len(out) >= MIN_BOMB_BYTES:
            used = consumed() if consumed is not None else compressed_size
            if len(out) > limits.max_ratio * max(used, 1):
                raise _BombError("compression ratio")
    return bytes(out)


def _zip_consumed(fh: object, compress_size: int) -> Callable[[], int]:
    """Compressed bytes a ZipExtFile has read (falls back to the whole member)."""
    def consumed() -> int:
        left = getattr(fh, "_compress_left", None)
        return compress_size - left if isinstance(left, int) else compress_size
    return consumed


class Extractor:
    """Walks one attachment (recursively) and returns the flattened list of files."""

    def __init__(self, budget: Budget | None = None) -> None:
        self.budget = budget or Budget()

    # -- entry point -------------------------------------------------------------------
    def extract(
        self, data: bytes, name: str, declared_type: str = "application/octet-stream",
        prefix: str = "", depth: int = 0, charset: str | None = None,
    ) -> list[Attachment]:
        """Return the attachment itself followed by everything nested inside it."""
        path = f"{prefix}/{name}" if prefix else name
        att = Attachment(
            name=name, path=path, declared_type=(declared_type or "").lower(),
            true_type=sniff(data), size=len(data), depth=depth,
        )
        self._flags(att, data)
        out = [att]
        try:
            out.extend(self._content(att, data, depth, charset))
        except _BombError:
            att.findings.append(FINDING_BOMB)
            self.budget.note(FINDING_BOMB)
        except Exception:  # noqa: BLE001 - a broken file is a finding, never a crash
            att.findings.append(FINDING_CORRUPT)
            self.budget.note(FINDING_CORRUPT)
        if att.encrypted:
            self.budget.note(FINDING_ENCRYPTED)
        if len(att.text) > MAX_TEXT_PER_FILE:
            att.text = att.text[:MAX_TEXT_PER_FILE]
            self.budget.note(uninspectable(TRUNCATED))  # the rest was not read: fail closed
        return out

    def _flags(self, att: Attachment, data: bytes) -> None:
        ext = att.extension
        tt = att.true_type
        att.is_executable = (
            tt in EXECUTABLE_TYPES or data[:2] == b"MZ" or data[:4] == b"\x7fELF"
            or data[:4] in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xfe\xed\xfa\xcf")
            or ext in EXECUTABLE_EXTS
        )
        att.is_script = (
            tt in SCRIPT_TYPES or ext in SCRIPT_EXTS or data[:2] == b"#!"
            or att.declared_type in SCRIPT_TYPES
        )

    def _content(self, att: Attachment, data: bytes, depth: int, charset: str | None) -> list[Attachment]:
        tt = att.true_type
        if data[:4] == b"PK\x03\x04" or tt in _ZIP_TYPES or tt.startswith("application/vnd.openxml"):
            return self._zip(att, data, depth)
        if data[:8] == _OLE_MAGIC:
            if _ENCRYPTED_PACKAGE in data:
                att.encrypted = True
            else:
                att.text = ole_text(data)
            return []
        if data[:5] == b"%PDF-" or tt == "application/pdf":
            att.text, att.encrypted = pdf_text(data)
            return []
        if tt in ARCHIVE_7Z_RAR or data[:6] == b"7z\xbc\xaf\x27\x1c" or data[:4] == b"Rar!":
            att.is_archive = True
            return []
        if data[:2] == b"\x1f\x8b":
            return self._stream(att, data, depth, "gzip")
        if data[:3] == b"BZh":
            return self._stream(att, data, depth, "bz2")
        if data[:6] == b"\xfd7zXZ\x00":
            return self._stream(att, data, depth, "xz")
        if len(data) > 262 and data[257:262] == b"ustar" or tt == "application/x-tar":
            return self._tar(att, data, depth)
        if tt.startswith("message/rfc822"):
            return []  # handled by content.py, which knows how to parse messages
        if tt.startswith("text/") or att.extension in (".txt", ".csv", ".log", ".md", ".json", ".xml"):
            if tt == "text/html" or att.extension in (".htm", ".html"):
                from rules.html_text import html_to_text

                att.text = html_to_text(decode_guess(data, charset))
            else:
                att.text = decode_guess(data, charset)
        return []

    # -- containers ----------------------------------------------------------------------
    def _enter(self, att: Attachment, depth: int) -> bool:
        att.is_archive = True
        if depth + 1 > self.budget.limits.max_depth:
            att.findings.append(FINDING_TOO_DEEP)
            self.budget.note(FINDING_TOO_DEEP)
            self.budget.note(FINDING_BOMB)
            return False
        return True

    def _count_file(self) -> None:
        self.budget.files += 1
        if self.budget.files > self.budget.limits.max_files:
            self.budget.note(FINDING_TOO_MANY)
            raise _BombError("too many files")

    def _zip(self, att: Attachment, data: bytes, depth: int) -> list[Attachment]:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = zf.namelist()
        for prefix, mime in _OOXML.items():
            if any(n.startswith(prefix) for n in names) and "[Content_Types].xml" in names:
                att.true_type = mime
                att.text = self._ooxml_text(zf, prefix)
                return []
        if not self._enter(att, depth):
            return []
        out: list[Attachment] = []
        for info in zf.infolist():
            if info.is_dir():
                continue
            self._count_file()
            if info.flag_bits & 0x1:
                att.encrypted = True
                member = Attachment(
                    name=posixpath.basename(info.filename) or info.filename,
                    path=f"{att.path}/{info.filename}", declared_type="",
                    true_type="application/octet-stream", size=0, encrypted=True, depth=depth + 1,
                )
                self._flags(member, b"")
                out.append(member)
                continue
            with zf.open(info) as fh:
                member_data = _read_bounded(fh, self.budget, info.compress_size,
                                            _zip_consumed(fh, info.compress_size))
            inner_dir = posixpath.dirname(info.filename).strip("/")
            prefix = f"{att.path}/{inner_dir}" if inner_dir else att.path
            name = posixpath.basename(info.filename) or info.filename
            out.extend(self.extract(member_data, name, prefix=prefix, depth=depth + 1))
        return out

    def _tar(self, att: Attachment, data: bytes, depth: int) -> list[Attachment]:
        if not self._enter(att, depth):
            return []
        out: list[Attachment] = []
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tf:
            for member in tf:
                if not member.isfile():
                    continue
                self._count_file()
                fh = tf.extractfile(member)
                if fh is None:
                    continue
                member_data = _read_bounded(fh, self.budget, max(member.size, 1))
                out.extend(self.extract(member_data, posixpath.basename(member.name), prefix=att.path,
                                        depth=depth + 1))
        return out

    def _stream(self, att: Attachment, data: bytes, depth: int, kind: str) -> list[Attachment]:
        if not self._enter(att, depth):
            return []
        self._count_file()
        fh: object
        src = io.BytesIO(data)
        if kind == "gzip":
            import gzip

            fh = gzip.GzipFile(fileobj=src)
        elif kind == "bz2":
            fh = bz2.BZ2File(src)
        else:
            fh = lzma.LZMAFile(src)  # noqa: SIM115 - closed with the BytesIO
        try:
            inner = _read_bounded(fh, self.budget, len(data), src.tell)
        except (OSError, EOFError, zlib.error, lzma.LZMAError):
            att.findings.append(FINDING_CORRUPT)
            return []
        base = att.name
        for suffix in (".gz", ".tgz", ".bz2", ".tbz2", ".xz", ".txz"):
            if base.lower().endswith(suffix):
                base = base[: -len(suffix)] + (".tar" if suffix.startswith(".t") and suffix != ".tar" else "")
                break
        else:
            base = base + ".out"
        return self.extract(inner, base or "data", prefix=att.path, depth=depth + 1)

    # -- office --------------------------------------------------------------------------
    def _ooxml_text(self, zf: zipfile.ZipFile, prefix: str) -> str:
        parts: list[str] = []
        members = sorted(
            (i for i in zf.infolist() if i.filename.startswith(prefix) and i.filename.endswith(".xml")),
            key=lambda i: _natural_key(i.filename),
        )
        for info in members:
            fn = info.filename
            if prefix == "word/" and not _WORD_PARTS.match(fn):
                continue
            if prefix == "xl/" and not (fn == "xl/sharedStrings.xml" or fn.startswith("xl/worksheets/sheet")):
                continue
            if prefix == "ppt/" and not re.match(r"ppt/(slides/slide|notesSlides/notesSlide)\d+\.xml$", fn):
                continue
            with zf.open(info) as fh:
                xml = _read_bounded(fh, self.budget, info.compress_size, _zip_consumed(fh, info.compress_size))
            parts.append(xml_text(xml))
        return "\n".join(p for p in parts if p)


def _natural_key(s: str) -> list[object]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]


_WORD_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")
_PARA_TAGS = {"p", "tr", "row", "si", "br", "tab"}


def xml_text(xml: bytes) -> str:
    """Text nodes of an OOXML part (``w:t``, ``a:t``, ``t``, ``v``), paragraphs as lines."""
    out: list[str] = []
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        # damaged XML: keep whatever text sits between tags
        return " ".join(re.sub(rb"<[^>]*>", b" ", xml).decode("utf-8", "replace").split())
    for elem in root.iter():
        tag = elem.tag
        if not isinstance(tag, str):
            continue
        tag = tag.rsplit("}", 1)[-1]
        if tag in ("t", "v"):
            if elem.text:
                out.append(elem.text)
        elif tag in _PARA_TAGS:
            out.append("\t" if tag == "tab" else "\n")
    return "".join(out).strip()


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


def pdf_text(data: bytes, max_pages: int = 200) -> tuple[str, bool]:
    """Text of a PDF via pypdf and whether it is encrypted; never raises."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    encrypted = b"/Encrypt" in data
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            encrypted = True
            try:
                if not reader.decrypt(""):
                    return "", True
            except Exception:  # noqa: BLE001
                return "", True
        texts = []
        total = 0
        for i, page in enumerate(reader.pages):
            if i >= max_pages or total > MAX_TEXT_PER_FILE:
                break
            t = page.extract_text() or ""
            total += len(t)
            texts.append(t)
        return "\n".join(texts), encrypted
    except Exception:  # noqa: BLE001 - pypdf raises many kinds of errors on bad files
        return "", encrypted
