"""Walk a message's MIME tree in one linear pass, without recursion.

``email``'s feed parser descends into each nested multipart through another generator
frame: a message nested ~1,000 deep (a few dozen KB) raises ``RecursionError``, and what
catches it can then only guess. Here the tree is found by one scan for delimiter lines
(a line starting with ``--``) and a stack of the multiparts still open, so nesting costs a
list entry, not a frame, and every leaf is read however deep it sits. Only the header block
of each entity goes through ``email`` (compat32, which never raises on bad headers); a leaf
becomes a ``Message`` with its body as the payload, exactly as the parser would attach it.

What the walk could not follow is said, never swallowed: nesting past ``max_depth`` and
entities past ``max_parts`` are reported (the caller turns them into ``uninspectable:``
findings), and a multipart whose boundaries are missing or unclosed is reported as broken
(its body is still handed over as a leaf, so its text is read).
"""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import Message

# The blank line that ends a header block, split into lines as email's feed parser does.
_HEADER_END = re.compile(rb"(?:\r\n|\r(?!\n)|\n)(?:\r\n|\r|\n)")
_EOL_AT = (b"\r\n", b"\n", b"\r")
_EOL = re.compile(rb"\r\n|\r|\n")


@dataclass(slots=True)
class Leaf:
    """A part with content: its ``Message`` (payload set), its place in document order
    (containers counted, as ``Message.walk`` counts them) and its nesting depth."""

    msg: Message
    index: int
    depth: int


@dataclass
class Tree:
    """Leaves in document order and what the walk could not follow."""

    leaves: list[Leaf] = field(default_factory=list)
    too_deep: bool = False
    too_many_parts: bool = False
    broken: bool = False


@dataclass(slots=True)
class _Open:
    """A multipart whose closing delimiter has not been seen yet."""

    boundary: bytes
    depth: int
    msg: Message
    index: int
    body_start: int
    digest: bool
    child: tuple[Message, int, int] | None = None  # (message, index, body start) of the open leaf
    saw_child: bool = False


def entity(raw: bytes, start: int, limit: int | None = None) -> tuple[Message, int]:
    """The header of the entity starting at ``start`` parsed alone, and where its body starts.

    ``limit`` bounds the header search (the next delimiter): a part without a blank line
    after its headers must not swallow the parts after it.
    """
    end = len(raw) if limit is None else limit
    if raw.startswith(_EOL_AT, start):  # no headers at all: the body starts after the blank line
        eol = 2 if raw.startswith(b"\r\n", start) else 1
        return Message(), start + eol
    m = _HEADER_END.search(raw, start, end)
    body_start = m.end() if m is not None else end
    msg = email.message_from_bytes(raw[start:body_start], policy=policy.compat32)
    return msg, body_start


def attach_body(msg: Message, raw: bytes, body_start: int, end: int) -> Message:
    """Set ``raw[body_start:end]`` as the payload, after whatever the header parse left over
    (lines in the header block that were no header belong to the body)."""
    leftover = msg._payload if isinstance(msg._payload, str) else ""
    body = raw[body_start:max(end, body_start)].decode("ascii", "surrogateescape")
    msg.set_payload(leftover + body if leftover else body)
    return msg


def _boundary(msg: Message) -> bytes | None:
    if msg.get_content_maintype() != "multipart":
        return None
    try:
        b = msg.get_boundary()
    except Exception:  # noqa: BLE001 - a malformed parameter is no boundary
        return None
    if not b:
        return None
    return b.encode("utf-8", "surrogateescape")


def _end_before(raw: bytes, pos: int, floor: int) -> int:
    """Where a part ends given the delimiter line at ``pos``: the line break before it
    belongs to the delimiter (RFC 2046)."""
    if pos >= 2 and raw[pos - 2:pos] == b"\r\n":
        pos -= 2
    elif pos >= 1 and raw[pos - 1:pos] in (b"\n", b"\r"):
        pos -= 1
    return max(pos, floor)


def _delimiters(raw: bytes, pos: int) -> Iterator[tuple[int, int, bytes]]:
    """``(start, end, text after "--")`` of every line from ``pos`` on that starts with
    ``--``: the delimiter candidates. ``bytes.find`` skips the rest at memory speed (a regex
    anchored on line starts tries every position)."""
    find = raw.find
    while True:
        i = find(b"--", pos)
        if i < 0:
            return
        if i == 0 or raw[i - 1] in (10, 13):
            end = _eol_at(raw, i)
            yield i, end, raw[i + 2:end]
            pos = end
        else:
            pos = i + 1


def _eol_at(raw: bytes, pos: int) -> int:
    """Where the line holding ``pos`` ends (before its line break)."""
    lf, cr = raw.find(b"\n", pos), raw.find(b"\r", pos)
    if lf < 0:
        return len(raw) if cr < 0 else cr
    return lf if cr < 0 else min(lf, cr)


def _next_delimiter(raw: bytes, pos: int) -> int | None:
    return next((start for start, _end, _text in _delimiters(raw, pos)), None)


def _line_end(raw: bytes, pos: int) -> int:
    """Position after the line break ending the line that contains ``pos``."""
    m = _EOL.search(raw, pos)
    return len(raw) if m is None else m.end()


def walk(raw: bytes, top: Message, body_start: int, *, max_parts: int, max_depth: int) -> Tree:
    """Every leaf of the message whose top header is ``top`` (body at ``body_start``)."""
    tree = Tree()
    boundary = _boundary(top)
    if boundary is None:
        tree.leaves.append(Leaf(attach_body(top, raw, body_start, len(raw)), 0, 0))
        return tree
    stack = [_Open(boundary, 0, top, 0, body_start, top.get_content_subtype() == "digest")]
    by_boundary: dict[bytes, list[int]] = {boundary: [0]}
    count = 1
    pos = body_start

    def finish_child(frame: _Open, end: int) -> None:
        if frame.child is not None:
            msg, index, start = frame.child
            tree.leaves.append(Leaf(attach_body(msg, raw, start, end), index, frame.depth + 1))
            frame.child = None

    def close(frame: _Open, end: int) -> None:
        finish_child(frame, end)
        by_boundary[frame.boundary].pop()
        if not by_boundary[frame.boundary]:
            del by_boundary[frame.boundary]
        if not frame.saw_child:  # no start delimiter: the body is read as it is
            tree.broken = True
            tree.leaves.append(Leaf(attach_body(frame.msg, raw, frame.body_start, end), frame.index, frame.depth))

    for m_start, m_end, line in _delimiters(raw, body_start):
        if m_start < pos:
            continue  # inside a header block already read
        text = line.rstrip(b" \t")
        closing = text.endswith(b"--") and text[:-2] in by_boundary
        key = text[:-2] if closing else text
        if key not in by_boundary:
            continue  # a line of content that happens to start with "--"
        k = by_boundary[key][-1]
        while len(stack) - 1 > k:  # inner multiparts never closed
            tree.broken = True
            close(stack.pop(), _end_before(raw, m_start, 0))
        frame = stack[k]
        finish_child(frame, _end_before(raw, m_start, frame.child[2] if frame.child else 0))
        if closing:
            close(stack.pop(), _end_before(raw, m_start, 0))
            pos = m_end
            if not stack:
                break
            continue
        frame.saw_child = True
        start = _line_end(raw, m_end)
        count += 1
        if count > max_parts:
            tree.too_many_parts = True
            break
        msg, child_body = entity(raw, start, _next_delimiter(raw, start))
        if frame.digest:
            msg.set_default_type("message/rfc822")
        pos = child_body
        depth = frame.depth + 1
        if depth > max_depth:
            tree.too_deep = True
        child_boundary = _boundary(msg)
        if child_boundary is None:
            frame.child = (msg, count - 1, child_body)
            continue
        stack.append(_Open(child_boundary, depth, msg, count - 1, child_body, msg.get_content_subtype() == "digest"))
        by_boundary.setdefault(child_boundary, []).append(len(stack) - 1)
    if stack:
        if not tree.too_many_parts:
            tree.broken = True  # the closing delimiter never came
        while stack:
            close(stack.pop(), len(raw))
    tree.leaves.sort(key=lambda leaf: leaf.index)
    return tree
