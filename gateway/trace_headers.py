"""Headers only we may write, removed from incoming mail before anyone reads them.

Mail readers, the next hop's filters and the compliance team's sorting rules trust
``Authentication-Results`` from our authserv-id (RFC 8601 §5: a border MTA removes the ones
claiming its own id) and our ``X-Mailwarden-*`` verdict headers. A sender who writes them
himself (``Authentication-Results: mailwarden.example.com; dkim=pass; dmarc=pass`` on a
phish, or ``X-Mailwarden-Verdict: deliver``) would borrow our word; so they are taken out
of the message at the edge, before screening, archiving and delivery add ours. Other
Authentication-Results (another organisation's checks further up) are left alone.

Only the header block is scanned, and the message is copied only when something is removed.
"""

from __future__ import annotations

import re

_OURS_PREFIX = b"x-mailwarden-"
_AR = b"authentication-results"
_HEADER_END = re.compile(rb"\n\r?\n")
_LINES = re.compile(rb"[^\n]*\n|[^\n]+\Z")
_FIELD_NAME = re.compile(rb"^([!-9;-~]+)[ \t]*:")


def _without_comments(value: bytes) -> bytes:
    """``value`` with its RFC 5322 comments (nested, with ``\\``-escaped parentheses) blanked
    out, and quoted strings left as they are: a regular expression that removes one level of
    ``(...)`` leaves ``((x)) ours`` starting with ``(``, a way around the check."""
    out = bytearray()
    depth = 0
    quoted = escaped = False
    for byte in value:
        ch = bytes((byte,))
        if escaped:
            escaped = False
            if not depth:
                out += ch
            continue
        if ch == b"\\":
            escaped = True
            if not depth:
                out += ch
        elif quoted:
            quoted = ch != b'"'
            out += ch
        elif ch == b"(":
            depth += 1
        elif ch == b")" and depth:
            depth -= 1
            if not depth:
                out += b" "
        elif not depth:
            quoted = ch == b'"'
            out += ch
    return bytes(out)


def _authserv_id(value: bytes) -> bytes:
    """The authserv-id of an Authentication-Results value, as a reader of the header takes
    it: its first token (before any version number or ``;``), comments around it ignored,
    a quoted-string unquoted (RFC 8601 §2.2: the id is a ``value``, token or quoted-string),
    case and a trailing dot not counted."""
    text = _without_comments(value).strip()
    if text.startswith(b'"'):
        match = re.match(rb'"((?:[^"\\]|\\.)*)"?', text, re.DOTALL)
        first = re.sub(rb"\\(.)", rb"\1", match.group(1) if match else b"").strip()
    else:
        parts = text.split(b";", 1)[0].split()
        first = parts[0] if parts else b""
    return first.lower().rstrip(b".")


def strip_owned_headers(raw: bytes, authserv_ids: tuple[str, ...]) -> tuple[bytes, list[str]]:
    """``raw`` without our ``X-Mailwarden-*`` headers and without ``Authentication-Results``
    that name one of ``authserv_ids``; and the names of the headers removed."""
    if raw[:1] in (b"\r", b"\n"):
        return raw, []                                  # no header block at all
    end_match = _HEADER_END.search(raw)
    # The header block with the last header line's own line break; the rest starts with
    # the empty line that ends it (or is empty: a message of headers only).
    head_end = raw.index(b"\n", end_match.start()) + 1 if end_match else len(raw)
    head, rest = raw[:head_end], raw[head_end:]
    lowered = head.lower()
    if _OURS_PREFIX not in lowered and _AR not in lowered:
        return raw, []
    ids = {a.strip().lower().rstrip(".").encode() for a in authserv_ids if a.strip()}
    lines = _LINES.findall(head)   # a line ends at LF only, as the next hop reads it
    fields: list[list[bytes]] = []   # each: its first line, then its continuation lines
    for line in lines:
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1].append(line)
        else:
            fields.append([line])
    kept: list[bytes] = []
    removed: list[str] = []
    for field in fields:
        match = _FIELD_NAME.match(field[0])
        name = match.group(1).lower() if match else b""
        if name.startswith(_OURS_PREFIX) or (
                name == _AR and _authserv_id(b"".join(field)[match.end():]) in ids):  # type: ignore[union-attr]
            removed.append(match.group(1).decode("ascii", "replace"))  # type: ignore[union-attr]
            continue
        kept.extend(field)
    if not removed:
        return raw, []
    return b"".join(kept) + rest, removed
