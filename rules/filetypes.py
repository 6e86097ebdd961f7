"""What a file really is, whatever its name and declared type say.

A file's name and declared MIME type are chosen by the sender, so rules look at the
content-sniffed ``true_type`` (libmagic) too, and :func:`kind` picks the reader for it from
the bytes themselves. Kinds in :data:`DOCUMENT_KINDS` are the expensive ones (documents and
containers): the gateway never opens those on its SMTP event loop.
"""

from __future__ import annotations

import magic

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
ZIP_TYPES = frozenset({"application/zip", "application/x-zip-compressed", "application/java-archive"})
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TEXT_EXTS = (".txt", ".csv", ".log", ".md", ".json", ".xml")

# Kinds that cost real work to open: read in the extraction workers, never on the event loop.
DOCUMENT_KINDS = frozenset({"zip", "ole", "pdf", "7z", "rar", "gzip", "bz2", "xz", "tar", "rtf"})


def sniff(data: bytes) -> str:
    """libmagic's MIME type of the first 8 KiB (``application/octet-stream`` on failure)."""
    if not data:
        return "application/x-empty"
    try:
        return magic.from_buffer(data[:8192], mime=True) or "application/octet-stream"
    except Exception:  # noqa: BLE001 - libmagic errors on odd input
        return "application/octet-stream"


def kind(data: bytes, true_type: str, extension: str) -> str | None:
    """The reader for these bytes: a :data:`DOCUMENT_KINDS` member, ``message``, ``html``,
    ``text``, or None (nothing to read: images, unknown binary)."""
    tt = true_type
    if data[:4] == b"PK\x03\x04" or tt in ZIP_TYPES or tt.startswith("application/vnd.openxml"):
        return "zip"
    if data[:8] == OLE_MAGIC:
        return "ole"
    if data[:5] == b"%PDF-" or tt == "application/pdf":
        return "pdf"
    if data[:6] == b"7z\xbc\xaf\x27\x1c" or tt == "application/x-7z-compressed":
        return "7z"
    if data[:4] == b"Rar!" or tt in ARCHIVE_7Z_RAR:
        return "rar"
    if data[:2] == b"\x1f\x8b":
        return "gzip"
    if data[:3] == b"BZh":
        return "bz2"
    if data[:6] == b"\xfd7zXZ\x00":
        return "xz"
    if (len(data) > 262 and data[257:262] == b"ustar") or tt == "application/x-tar":
        return "tar"
    if data[:5] == b"{\\rtf" or tt in ("text/rtf", "application/rtf"):
        return "rtf"
    if tt.startswith("message/rfc822"):
        return "message"
    if tt.startswith("text/") or extension in TEXT_EXTS:
        return "html" if tt == "text/html" or extension in (".htm", ".html") else "text"
    return None


def is_executable(data: bytes, true_type: str, extension: str) -> bool:
    return (
        true_type in EXECUTABLE_TYPES or data[:2] == b"MZ" or data[:4] == b"\x7fELF"
        or data[:4] in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xfe\xed\xfa\xcf")
        or extension in EXECUTABLE_EXTS
    )


def is_script(data: bytes, true_type: str, extension: str, declared_type: str) -> bool:
    return (
        true_type in SCRIPT_TYPES or extension in SCRIPT_EXTS or data[:2] == b"#!"
        or declared_type in SCRIPT_TYPES
    )
