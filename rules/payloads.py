"""The decoded parts of a message, as bytes, for a virus scanner.

ClamAV reads the raw message itself (MIME, archives), but it decodes mail its own way; the
gateway also hands it every part as *mailwarden* decoded it — each MIME leaf after its
transfer encoding, attached messages' parts, and the uuencoded/yEnc/bare base64 blocks found
in text bodies — so a part the screening reads is a part the scanner reads, whatever trick
hid it from one MIME parser. Archives inside are left to the scanner (it opens zip in zip).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from rules import mime_tree
from rules.content import MAX_MESSAGE_DEPTH, MAX_MIME_DEPTH, MAX_PARTS
from rules.inline_encodings import find_blocks
from rules.part_decoding import _part_filename, _payload_bytes

MAX_PAYLOADS = 200   # parts handed to the scanner per message (the raw message is scanned whole too)


@dataclass(frozen=True)
class Payload:
    """One decoded part: where it sits (``part3``, ``a.eml/part2``, ``part1/base64.bin``)."""

    path: str
    data: bytes


def payloads(raw: bytes, *, max_payloads: int = MAX_PAYLOADS) -> list[Payload]:
    """Every decoded part of ``raw`` worth scanning apart from the whole message: leaves
    whose bytes differ from what is in the raw message (a transfer encoding was undone) or
    that hold inline encoded blocks, deduplicated by content. Never raises."""
    out: list[Payload] = []
    seen: set[bytes] = set()
    try:
        _walk(raw, "", 0, out, seen, max_payloads)
    except Exception:  # noqa: BLE001 - the whole message is scanned anyway
        pass
    return out


def _add(out: list[Payload], seen: set[bytes], path: str, data: bytes, limit: int) -> bool:
    if not data or len(out) >= limit:
        return len(out) < limit
    digest = hashlib.blake2b(data, digest_size=16).digest()
    if digest not in seen:
        seen.add(digest)
        out.append(Payload(path, data))
    return len(out) < limit


def _walk(raw: bytes, prefix: str, depth: int, out: list[Payload], seen: set[bytes], limit: int) -> None:
    top, body_start = mime_tree.entity(raw, 0)
    tree = mime_tree.walk(raw, top, body_start, max_parts=MAX_PARTS, max_depth=MAX_MIME_DEPTH)
    for leaf in tree.leaves:
        part = leaf.msg
        name = _part_filename(part) or f"part{leaf.index}"
        path = f"{prefix}/{name}" if prefix else name
        data, _clean = _payload_bytes(part)
        ctype = (part.get_content_type() or "").lower()
        if ctype.startswith("message/") and depth < MAX_MESSAGE_DEPTH:
            _walk(data, path, depth + 1, out, seen, limit)
            continue
        encoded = str(part.get("content-transfer-encoding", "")).strip().lower() not in ("", "7bit", "8bit", "binary")
        if (encoded or not ctype.startswith("text/")) and not _add(out, seen, path, data, limit):
            return
        if ctype.startswith("text/"):
            for block in find_blocks(data):
                if not _add(out, seen, f"{path}/{block.name}", block.data, limit):
                    return
