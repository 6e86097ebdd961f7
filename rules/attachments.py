"""Attachments: what a file really is, the text inside it, and what archives hold.

The work is split by job: :mod:`rules.filetypes` (true types), :mod:`rules.budget` (the
expansion budget a message's attachments share), :mod:`rules.documents` (PDF, Office, ODF
text), :mod:`rules.containers` (zip, tar, compressed streams) and :mod:`rules.extraction`
(the extractor that ties them together). This module keeps the names the rest of the code
and the tests import.
"""

from __future__ import annotations

from rules.budget import (
    CHUNK,
    FINDING_BOMB,
    FINDING_TOO_DEEP,
    FINDING_TOO_MANY,
    MIN_BOMB_BYTES,
    BombError,
    Budget,
    Limits,
    read_bounded,
)
from rules.documents import MAX_TEXT_PER_FILE, ole_text, pdf_extract, pdf_text, xml_text
from rules.extraction import FINDING_CORRUPT, FINDING_ENCRYPTED, FINDING_UNDECODABLE, Attachment, Extractor
from rules.filetypes import (
    ARCHIVE_7Z_RAR,
    EXECUTABLE_EXTS,
    EXECUTABLE_TYPES,
    SCRIPT_EXTS,
    SCRIPT_TYPES,
    sniff,
)

__all__ = [
    "ARCHIVE_7Z_RAR", "CHUNK", "EXECUTABLE_EXTS", "EXECUTABLE_TYPES", "FINDING_BOMB", "FINDING_CORRUPT",
    "FINDING_ENCRYPTED", "FINDING_TOO_DEEP", "FINDING_TOO_MANY", "FINDING_UNDECODABLE", "MAX_TEXT_PER_FILE",
    "MIN_BOMB_BYTES", "SCRIPT_EXTS", "SCRIPT_TYPES", "Attachment", "BombError", "Budget", "Extractor", "Limits",
    "ole_text", "pdf_extract", "pdf_text", "read_bounded", "sniff", "xml_text",
]
