"""OLE compound files (legacy .doc/.xls/.ppt, and the objects Office embeds in documents).

An OLE file is a little file system of streams. Reading it through ``olefile`` gives each
stream's bytes contiguously (the raw file interleaves them in 512-byte sectors, which splits
text runs), and finds what a document carries inside it: embedded files (``\\x01Ole10Native``
packages: any file dropped into a document), embedded Office packages (``Package``), embedded
PDFs (``CONTENTS``). Each of those goes back to the extractor, under the message's budget.
Encrypted documents are recognised here too (see :mod:`rules.encrypted`).
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

import olefile

from rules.documents import ole_text
from rules.encrypted import ole_bytes_encrypted, ole_encrypted

if TYPE_CHECKING:
    from rules.extraction import Attachment, Extractor

_NATIVE = "\x01Ole10Native"
_EMBEDDED_STREAMS = {"Package": "package", "CONTENTS": "contents"}   # an Office package, a PDF


def native_package(raw: bytes) -> tuple[str, bytes] | None:
    """The file inside an ``\\x01Ole10Native`` stream (OLE 1.0 "Package" object): its name and
    bytes, or None when the stream is not laid out as a package."""
    try:
        (total,) = struct.unpack_from("<I", raw, 0)
        pos = 6                                     # size, then a 2-byte type
        end = raw.index(b"\0", pos)
        label = raw[pos:end].decode("latin-1")
        pos = raw.index(b"\0", end + 1) + 1         # the source path
        pos += 4                                    # unknown
        (path_len,) = struct.unpack_from("<I", raw, pos)
        pos += 4 + path_len                         # the temporary path
        (size,) = struct.unpack_from("<I", raw, pos)
        pos += 4
    except (struct.error, ValueError):
        return None
    if size > len(raw) - pos or total < size:
        return None
    return label or "embedded.bin", raw[pos:pos + size]


def open_ole(ex: Extractor, att: Attachment, data: bytes, depth: int) -> list[Attachment]:
    """Text of every stream, and every embedded object extracted in turn."""
    try:
        ole = olefile.OleFileIO(data)
    except Exception:  # noqa: BLE001 - not a readable compound file: its text runs, best effort
        if ole_bytes_encrypted(data):
            ex.encrypted(att)
            return []
        att.text = ole_text(data)
        ex.corrupt(att)
        return []
    out: list[Attachment] = []
    texts: list[str] = []
    with ole:
        streams = ole.listdir(streams=True, storages=False)
        if ole_encrypted(ole, streams):
            ex.encrypted(att)
            return []
        for path in streams:
            stream_name = "/".join(path)
            ex.budget.take(max(ole.get_size(path), 0))
            raw = ole.openstream(path).read()
            leaf = path[-1]
            embedded: tuple[str, bytes] | None = None
            if leaf == _NATIVE:
                embedded = native_package(raw)
            elif leaf in _EMBEDDED_STREAMS and raw:
                embedded = (f"{stream_name}.bin".replace("/", "_"), raw)
            if embedded is None:
                text = ole_text(raw)
                if text:
                    texts.append(text)
                continue
            if not ex.descend(att, depth):
                continue
            ex.budget.count_file()
            name, payload = embedded
            out.extend(ex.extract(payload, name, prefix=f"{att.path}/{'/'.join(path[:-1])}".rstrip("/"),
                                  depth=depth + 1))
    att.text = "\n".join(texts)
    return out
