"""What a file really is, whatever its name and declared type say.

A file's name and declared MIME type are chosen by the sender, so rules look at the
content-sniffed ``true_type`` (libmagic) too, and :func:`kind` picks the reader for it from
the bytes themselves. Kinds in :data:`DOCUMENT_KINDS` are the expensive ones (documents and
containers): the gateway never opens those on its SMTP event loop.
"""

from __future__ import annotations

import io
import re
import zipfile

import magic

from rules.charsets import decode_bytes
from rules.qr_codes import IMAGE_TYPES, is_image

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

_ARMOURED_TYPES = frozenset({"application/pgp-keys", "application/pgp-signature", "application/pgp",
                             "application/x-putty-private-key", "application/x-pem-file"})

# Kinds that cost real work to open: read in the extraction workers, never on the event loop.
# ("image": a picture whose QR codes are read, rules.qr_codes: a decoder is attack surface too)
DOCUMENT_KINDS = frozenset({"zip", "ole", "pdf", "7z", "rar", "gzip", "bz2", "xz", "tar", "iso", "rtf", "image"})


# Types libmagic gives from a few bytes that structure must confirm (DOS .COM "detection" is
# a first byte such as 0x8C or 0xB8, which random data starts with one time in 128).
_NEEDS_EXECUTABLE_HEADER = EXECUTABLE_TYPES - {"application/x-msi", "application/x-ms-installer"}


def sniff(data: bytes) -> str:
    """The true type: libmagic's MIME type of the first 8 KiB, unless it names an executable
    format whose header the bytes do not have (then ``application/octet-stream``)."""
    if not data:
        return "application/x-empty"
    try:
        found = magic.from_buffer(data[:8192], mime=True) or "application/octet-stream"
    except Exception:  # noqa: BLE001 - libmagic errors on odd input
        return "application/octet-stream"
    if found in _NEEDS_EXECUTABLE_HEADER and executable_format(data) is None:
        # a short GBK text starting with 该/附/个 (0xB8…) is a DOS .COM to libmagic
        return "text/plain" if _reads_as_text(data[:8192]) else "application/octet-stream"
    return found


_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def _reads_as_text(data: bytes) -> bool:
    """Bytes with no control characters that a multi-byte charset reads as common text."""
    if _CONTROL.search(data):
        return False
    text, clean = decode_bytes(data)
    return clean and "\ufffd" not in text and sum(ch.isprintable() or ch.isspace() for ch in text) == len(text)


def _u16(data: bytes, at: int, big: bool = False) -> int:
    return int.from_bytes(data[at:at + 2], "big" if big else "little")


def _u32(data: bytes, at: int, big: bool = False) -> int:
    return int.from_bytes(data[at:at + 4], "big" if big else "little")


def _pe_or_mz(data: bytes) -> str | None:
    """``pe`` for an MZ stub whose ``e_lfanew`` points at a PE signature followed by a known
    machine type; ``mz`` for a plain DOS executable whose header
    fields hold together; else None."""
    if len(data) < 64 or data[:2] != b"MZ":
        return None
    lfanew = _u32(data, 0x3C)
    if 64 <= lfanew <= len(data) - 24 and data[lfanew:lfanew + 4] == b"PE\0\0":
        return "pe" if _u16(data, lfanew + 4) in _PE_MACHINES else None
    last_page, pages, header_paragraphs = _u16(data, 2), _u16(data, 4), _u16(data, 8)
    if pages > 0 and last_page < 512 and header_paragraphs >= 2 and header_paragraphs * 16 <= len(data):
        return "mz"
    return None


_PE_MACHINES = frozenset({0x14C, 0x8664, 0xAA64, 0x1C0, 0x1C4, 0x200, 0x166, 0x169, 0x1A2, 0x1F0, 0xEBC, 0x5064})
_ELF_TYPES = frozenset({2, 3})           # ET_EXEC, ET_DYN
_MACHO_MAGICS = {b"\xfe\xed\xfa\xce": True, b"\xfe\xed\xfa\xcf": True,
                 b"\xce\xfa\xed\xfe": False, b"\xcf\xfa\xed\xfe": False}   # -> big-endian
_MACHO_FILETYPES = frozenset({2, 5, 6, 7, 8, 9, 11})   # execute, core.., dylib, dylinker, bundle, stub, kext


def executable_format(data: bytes) -> str | None:
    """``pe``, ``mz``, ``elf``, ``mach-o`` when the bytes carry that format's header, checked
    field by field (a first byte or two is not enough); else None."""
    found = _pe_or_mz(data)
    if found:
        return found
    if len(data) >= 20 and data[:4] == b"\x7fELF":
        big = data[5] == 2
        if data[4] in (1, 2) and data[5] in (1, 2) and data[6] == 1 and _u16(data, 16, big) in _ELF_TYPES \
                and _u16(data, 18, big) != 0:
            return "elf"
        return None
    if len(data) >= 28 and data[:4] in _MACHO_MAGICS:
        big = _MACHO_MAGICS[data[:4]]
        cpu, filetype, ncmds = _u32(data, 4, big), _u32(data, 12, big), _u32(data, 16, big)
        if cpu & 0xFF in (7, 12, 18) and filetype in _MACHO_FILETYPES and 0 < ncmds < 1024:
            return "mach-o"
        return None
    if len(data) >= 28 and data[:4] == b"\xca\xfe\xba\xbe":
        # a universal (fat) Mach-O; a Java class file has the same magic, then its version
        # (major >= 45), where a fat binary has its number of architectures (a few)
        count = _u32(data, 4, True)
        if 0 < count < 20 and _u32(data, 8, True) & 0xFF in (7, 12, 18):
            return "mach-o"
    return None


def kind(data: bytes, true_type: str, extension: str) -> str | None:
    """The reader for these bytes: a :data:`DOCUMENT_KINDS` member (``image`` for a picture, read
    for its QR codes), ``message``, ``html``, ``text`` (also for bytes that read as text whatever
    libmagic calls them), or None (nothing to read: unknown binary)."""
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
    if _iso9660(data) or tt == "application/x-iso9660-image":
        return "iso"  # (a disk image: libarchive lists what Windows would mount)
    if data[:5] == b"{\\rtf" or tt in ("text/rtf", "application/rtf"):
        return "rtf"
    if tt.startswith("message/rfc822"):
        return "message"
    if tt in IMAGE_TYPES:  # (read for the QR codes it may hold; a zip appended to it is opened as one)
        if _appended_zip(data):
            return "zip"
        return "image" if is_image(data, tt) else None  # (a tracking pixel holds no code: not sent to a worker)
    if tt in _ARMOURED_TYPES or data[:11] == b"-----BEGIN " or data[:19] == b"PuTTY-User-Key-File":
        return "text"  # an .asc key or signature: armour is text, screened as a body is
    if tt.startswith("text/") or extension in TEXT_EXTS:
        return "html" if tt == "text/html" or extension in (".htm", ".html") else "text"
    if _appended_zip(data):
        return "zip"
    if data and _reads_as_text(data[:8192]):
        # text libmagic files under an application/* type (an INI file with Windows line ends is
        # application/x-wine-extension-ini): screened as text, not passed over unread
        return "text"
    return None


_ZIP_END = b"PK\x05\x06"
_ZIP_TAIL = 65535 + 22  # the end record, after at most a 64 KiB comment


def _appended_zip(data: bytes) -> bool:
    """Whether a zip is appended to these bytes (a picture with a zip after it: the viewer
    shows the picture, ``unzip`` opens the archive). Both signatures are looked for first,
    at memory speed; only bytes holding both have their central directory read."""
    if _ZIP_END not in data[-_ZIP_TAIL:] or b"PK\x03\x04" not in data:
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return bool(zf.infolist())
    except Exception:  # noqa: BLE001 - two stray signatures in a picture are no archive
        return False


def is_executable(data: bytes, true_type: str, extension: str) -> bool:
    """A program: by its header (PE, DOS MZ, ELF, Mach-O), by an installer type libmagic
    recognises structurally (MSI), or by an executable name (the sender says it is one)."""
    return (
        executable_format(data) is not None
        or true_type in ("application/x-msi", "application/x-ms-installer")
        or extension in EXECUTABLE_EXTS
    )


# Disk images: one click mounts them as a drive and what they hold runs without the mark a downloaded file carries
# (Windows' Mark of the Web); the droppers of 2022 on arrived so. By their name, or by their structure: ISO 9660 and
# UDF volume descriptors at 32 KiB, a VHD's footer ("conectix"), a VHDX's signature, a DMG's trailer ("koly").
# (.img by its structure only: ERDAS rasters and Analyze medical images are .img files too; .cdr is CorelDRAW's as
# well as macOS's raw image, so an HFS+ volume is known by its signature)
DISK_IMAGE_EXTS = frozenset({".iso", ".vhd", ".vhdx", ".udf", ".dmg", ".sparseimage", ".sparsebundle"})
DISK_IMAGE_TYPES = frozenset({"application/x-iso9660-image", "application/x-udf-image", "application/x-vhd",
                              "application/x-apple-diskimage"})
_VOLUME_DESCRIPTORS = (b"CD001", b"BEA01", b"NSR02", b"NSR03", b"TEA01")


def _iso9660(data: bytes) -> bool:
    """An ISO 9660 or UDF volume: a standard identifier in one of the first volume descriptors."""
    return any(data[at + 1:at + 6] in _VOLUME_DESCRIPTORS for at in (0x8000, 0x8800, 0x9000))


def is_disk_image(data: bytes, true_type: str, extension: str) -> bool:
    """A disk image, by its structure or by its name (the sender says it is one): an ISO 9660 or UDF volume, a
    VHD (its footer at the end, 512 bytes or Virtual PC's older 511), a VHDX, a DMG's trailer, an HFS+ volume, a
    sparse image, or an .img holding a partition table or a boot sector."""
    return (
        extension in DISK_IMAGE_EXTS or true_type in DISK_IMAGE_TYPES or _iso9660(data)
        or data[:8] in (b"conectix", b"vhdxfile") or b"conectix" in (data[-512:-504], data[-511:-503])
        or data[-512:-508] == b"koly" or data[1024:1028] in (b"H+\x00\x04", b"HX\x00\x05") or data[:4] == b"sprs"
        or (extension == ".img" and len(data) >= 512 and data[510:512] == b"\x55\xaa")
    )


# Office formats that carry VBA macros by their name (Microsoft's own macro-enabled endings)
MACRO_EXTS = frozenset({".docm", ".dotm", ".xlsm", ".xltm", ".xlam", ".xla", ".pptm", ".potm", ".ppsm", ".ppam",
                        ".sldm"})
# an OLE2 document's VBA project storage, as its directory names it (UTF-16LE)
_VBA_STORAGE = "_VBA_PROJECT".encode("utf-16-le")


def has_macros(data: bytes, extension: str) -> bool:
    """VBA macros, the Office documents' code: a macro-enabled name (.docm, .xlsm), an OOXML
    package holding ``vbaProject.bin`` whatever it is called (a .docx that is a .docm renamed:
    member names stand uncompressed in a zip), or an OLE2 document (.doc, .xls) with a VBA
    project storage. Read from the bytes in hand, so a document whose reading is deferred to the
    extraction worker is flagged all the same."""
    if extension in MACRO_EXTS:
        return True
    if data[:4] == b"PK\x03\x04":
        return b"vbaProject.bin" in data
    if data[:8] == OLE_MAGIC:
        return _VBA_STORAGE in data
    return False


def is_script(data: bytes, true_type: str, extension: str, declared_type: str) -> bool:
    return (
        true_type in SCRIPT_TYPES or extension in SCRIPT_EXTS or data[:2] == b"#!"
        or declared_type in SCRIPT_TYPES
    )
