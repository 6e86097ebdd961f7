"""Recognising encrypted content: it cannot be screened, so it must be seen (fail closed).

Each check reads structure, not names: S/MIME (CMS EnvelopedData / AuthEnvelopedData), OpenPGP
(armoured, or binary packets that start an encrypted message), password-protected Office files
(OOXML packages wrapped in an ``EncryptedPackage``, Word's FIB ``fEncrypted`` bit, Excel's
``FILEPASS`` record, PowerPoint's ``EncryptedSummary``). Encrypted PDFs are recognised where
PDFs are read (:mod:`rules.documents`), encrypted archive members where archives are
(:mod:`rules.containers`). What is found becomes ``uninspectable: encrypted``.
"""

from __future__ import annotations

import struct
from typing import Any

# DER of the CMS content types (RFC 5652 envelopedData, RFC 5083 authEnvelopedData)
_ENVELOPED_DATA = bytes.fromhex("06092a864886f70d010703")
_AUTH_ENVELOPED_DATA = bytes.fromhex("060b2a864886f70d0109100117")
_PGP_ARMOR = b"-----BEGIN PGP MESSAGE-----"


def cms_enveloped(data: bytes) -> bool:
    """A DER CMS ContentInfo whose content type is (auth)envelopedData: S/MIME encryption."""
    head = data[:64]
    return head[:1] == b"\x30" and (_ENVELOPED_DATA in head or _AUTH_ENVELOPED_DATA in head)


def _pgp_packet_tag(first: int) -> int | None:
    if not first & 0x80:
        return None
    return first & 0x3F if first & 0x40 else (first >> 2) & 0x0F


def pgp_encrypted(data: bytes) -> bool:
    """An OpenPGP encrypted message: ASCII-armoured, or binary starting with a public-key
    (tag 1) or symmetric-key (tag 3) encrypted session key packet, or symmetrically
    encrypted data (tags 9, 18)."""
    if _PGP_ARMOR in data[:4096]:
        return True
    if len(data) < 16:
        return False
    tag = _pgp_packet_tag(data[0])
    if tag not in (1, 3, 9, 18):
        return False
    if tag == 1:  # the version byte of a PKESK packet is 3 (or 6), after the length octets
        return any(data[i] in (3, 6) for i in range(2, 7))
    return True


def text_encrypted(text: str) -> bool:
    """A text body carrying an inline PGP message (the rest of the body is readable)."""
    return "-----BEGIN PGP MESSAGE-----" in text


def payload_encrypted(data: bytes, declared_type: str, true_type: str, extension: str) -> bool:
    """Whether an attachment's bytes are an S/MIME or OpenPGP encrypted message. Binary
    OpenPGP is only believed with a word from the type or name: its first bytes alone are
    too easily met in other binary data."""
    if cms_enveloped(data) or _PGP_ARMOR in data[:4096]:
        return True
    said_pgp = ("pgp" in true_type or "pgp" in declared_type or extension in (".gpg", ".pgp")
                or true_type == "application/octet-stream" and declared_type == "application/octet-stream"
                and extension in (".asc", ".enc"))
    return said_pgp and pgp_encrypted(data)


# -- Office ----------------------------------------------------------------------------------

def _word_encrypted(stream: bytes) -> bool:
    """Word 97-2003: the FIB's ``fEncrypted`` flag (bit 8 of the flags at offset 0x0A)."""
    if len(stream) < 12 or stream[:2] not in (b"\xec\xa5", b"\xec\xa4"):
        return False
    (flags,) = struct.unpack_from("<H", stream, 0x0A)
    return bool(flags & 0x0100)


def _excel_encrypted(stream: bytes) -> bool:
    """Excel 97-2003: a ``FILEPASS`` record (0x002F) in the workbook globals, before the
    first ``BOUNDSHEET`` (0x0085)."""
    pos = 0
    for _ in range(200):
        if pos + 4 > len(stream):
            return False
        kind, length = struct.unpack_from("<HH", stream, pos)
        if kind == 0x002F:
            return True
        if kind in (0x0085, 0x000A):     # BOUNDSHEET, EOF: past the place it would be
            return False
        pos += 4 + length
    return False


_ENCRYPTED_PACKAGE_NAME = "EncryptedPackage".encode("utf-16-le")


def ole_bytes_encrypted(data: bytes) -> bool:
    """For a compound file too damaged to open: its directory still names the stream of an
    encrypted OOXML package (names are UTF-16 in the directory sectors)."""
    return _ENCRYPTED_PACKAGE_NAME in data


def ole_encrypted(ole: Any, streams: list[list[str]]) -> bool:
    """A password-protected Office document stored as an OLE compound file."""
    names = {"/".join(p) for p in streams}
    if "EncryptedPackage" in names or "EncryptedSummary" in names:
        return True      # OOXML behind a password (ECMA-376), PowerPoint 97-2003 with CryptoAPI
    if "WordDocument" in names and _word_encrypted(ole.openstream("WordDocument").read(64)):
        return True
    for book in ("Workbook", "Book"):
        if book in names and _excel_encrypted(ole.openstream(book).read(64 * 1024)):
            return True
    return False
