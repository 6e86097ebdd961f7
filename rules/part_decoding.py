"""Decoding one header or one MIME part as real mail writes them, never raising.

Kept apart from :mod:`rules.content` (which walks a whole message and builds its views) so
the tolerant per-part decoders read on their own: RFC 2047 words (malformed ones and GBK
too), raw 8-bit header bytes, file names (RFC 2231, raw parameters), transfer encodings
(tolerant base64, quoted-printable, uuencode; which ones the screening can read with
certainty), Content-Type parameters, plain addresses without the slow RFC 5322 parser, and
a fast ``message_from_bytes`` for single-part mail.
"""

from __future__ import annotations

import binascii
import email
import email.utils
import re
from email import policy
from email.message import Message

from rules.charsets import decode_guess

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*?)\?=")
_EW_GAP = re.compile(r"(\?=)\s+(=\?)")
_RAW_8BIT = re.compile("[\udc80-\udcff]")  # an 8-bit byte the parser kept as a surrogate


def _has_raw_8bit(value: str) -> bool:
    """Whether a header value still holds raw 8-bit bytes (compat32 keeps them as lone
    surrogates). A regex, not a loop over characters: most headers are ASCII and never
    get that far."""
    return not value.isascii() and _RAW_8BIT.search(value) is not None


def _qp_word(s: str) -> bytes:
    s = s.replace("_", " ")
    raw = s.encode("latin-1", "replace")
    return re.sub(rb"=([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)


def _b64_word(s: str) -> bytes:
    s = re.sub(r"[^A-Za-z0-9+/]", "", s)
    s += "=" * (-len(s) % 4)
    try:
        return binascii.a2b_base64(s)
    except binascii.Error:
        return b""


def decode_header_value(value: object) -> str:
    """Decode a header as a human reads it: RFC 2047 words (also malformed ones, with GBK
    and friends), raw 8-bit bytes by charset guessing. Never raises."""
    if value is None:
        return ""
    if not isinstance(value, str):
        try:
            value = str(value)
        except Exception:  # noqa: BLE001
            return ""
    if _has_raw_8bit(value):
        value = decode_guess(value.encode("utf-8", "surrogateescape"))
    if "=?" not in value:
        return " ".join(value.split())
    value = _EW_GAP.sub(r"\1\2", value)  # whitespace between encoded words is not content

    # merge adjacent words with the same charset before decoding so multibyte chars split
    # across words survive
    out: list[str] = []
    pos = 0
    pending_cs: str | None = None
    pending = b""
    for m in _ENCODED_WORD.finditer(value):
        if m.start() != pos:
            if pending_cs is not None:
                out.append(decode_guess(pending, pending_cs))
                pending_cs, pending = None, b""
            out.append(value[pos:m.start()])
        cs = m.group(1).split("*", 1)[0]
        raw = _b64_word(m.group(3)) if m.group(2) in "bB" else _qp_word(m.group(3))
        if pending_cs is not None and pending_cs.lower() != cs.lower():
            out.append(decode_guess(pending, pending_cs))
            pending = b""
        pending_cs = cs
        pending += raw
        pos = m.end()
    if pending_cs is not None:
        out.append(decode_guess(pending, pending_cs))
    out.append(value[pos:])
    return " ".join("".join(out).split())


def _may_name_a_file(part: Message) -> bool:
    """Whether the part could carry a file name at all: a Content-Disposition header, or
    ``name`` somewhere in its Content-Type (every spelling of the parameter, RFC 2231 ones
    included, holds those letters). Most body parts have neither, and reading parameters
    means parsing the header again."""
    return "content-disposition" in part or "name" in str(part.get("content-type", "")).lower()


def _part_filename(part: Message) -> str | None:
    """Filename from Content-Disposition (RFC 2231 aware) or Content-Type name."""
    if not _may_name_a_file(part):
        return None
    try:
        # get_filename() falls back to Content-Type's name itself; only when it raises
        # is that name read on its own here
        name = part.get_filename()
        failed = False
    except Exception:  # noqa: BLE001
        name, failed = None, True
    if failed:
        try:
            name = part.get_param("name")
        except Exception:  # noqa: BLE001
            name = None
        if isinstance(name, tuple):
            try:
                name = email.utils.collapse_rfc2231_value(name)
            except Exception:  # noqa: BLE001
                name = str(name[-1])
    if name is not None and "\ufffd" in name:
        # compat32 hands raw 8-bit values back as U+FFFD: read the raw parameter instead
        name = _raw_param(part, "content-disposition", "filename") or _raw_param(part, "content-type", "name") or name
    if name is None:
        return None
    return decode_header_value(name).replace("/", "_").replace("\\", "_") or None


def _raw_param(part: Message, header: str, param: str) -> str | None:
    """Parameter ``param`` of ``header`` as sent, 8-bit bytes kept (as surrogates)."""
    pattern = re.compile(rf'(?i)(?:^|;)\s*{param}\s*=\s*(?:"([^"]*)"|([^;\s]+))')
    for key, value in part.raw_items():
        if key.lower() == header and isinstance(value, str):
            m = pattern.search(value)
            if m:
                return m.group(1) if m.group(1) is not None else m.group(2)
    return None


# One address as most headers carry it: ``local@domain`` or ``Display Name <local@domain>``
# with plain atoms only (nothing the full RFC 5322 parser would have to unquote, join or drop).
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_ADDR_SPEC = rf"{_ATOM}(?:\.{_ATOM})*@{_ATOM}(?:\.{_ATOM})*"
_SIMPLE_ADDRESS = re.compile(rf"(?:(?P<name>[A-Za-z0-9]+(?: [A-Za-z0-9]+)*) <)?(?P<addr>{_ADDR_SPEC})(?(name)>)")


def getaddresses(values: list[str]) -> list[tuple[str, str]]:
    """``email.utils.getaddresses(values)``, without running its character-by-character
    parser over the common case of one plain address per header value."""
    pairs = []
    for value in values:
        m = _SIMPLE_ADDRESS.fullmatch(value)
        if m is None:
            return email.utils.getaddresses(values)
        pairs.append((m["name"] or "", m["addr"]))
    return pairs


def _payload_bytes(part: Message) -> tuple[bytes, bool]:
    """Transfer-decoded payload and whether decoding was clean."""
    # the private attribute holds the payload exactly as parsed (8-bit bytes as surrogates);
    # get_payload() would already have replaced them with U+FFFD
    raw = getattr(part, "_payload", None)
    if not isinstance(raw, str):
        return b"", True
    cte = transfer_encoding(part)[0]
    data_in = raw.encode("utf-8", "surrogateescape")
    if cte == "base64":
        return _b64_body(data_in)
    if cte == "quoted-printable":
        try:
            return binascii.a2b_qp(data_in), True
        except binascii.Error:
            return data_in, False
    if cte in ("x-uuencode", "uuencode", "x-uue"):
        try:
            data = part.get_payload(decode=True)
            return (data if isinstance(data, bytes) else b""), True
        except Exception:  # noqa: BLE001
            return data_in, False
    return data_in, True


_CTE_COMMENT = re.compile(r"\([^()]*\)")
# what mailers write (7-bit and 8-bit misspelt too) and what we decode; anything else is a
# transfer encoding the screening cannot read
KNOWN_TRANSFER_ENCODINGS = frozenset({"", "7bit", "8bit", "binary", "7-bit", "8-bit", "base64", "quoted-printable",
                                      "x-uuencode", "uuencode", "x-uue"})


def _cte_token(value: object) -> str:
    """``base64`` of ``"base64"``, ``BASE64 (for you)`` or `` base64 ``: the token a
    reader's client may well decode, whatever is written around it."""
    text = _CTE_COMMENT.sub(" ", str(value))
    return text.strip().strip("\"'").strip().lower()


def transfer_encoding(part: Message) -> tuple[str, bool]:
    """The part's transfer encoding and whether the screening can read it with certainty:
    False for an encoding we do not decode, and for two Content-Transfer-Encoding headers
    that disagree (a client may obey the one we did not)."""
    values = part.get_all("content-transfer-encoding") or []
    tokens = [_cte_token(v) for v in values]
    first = tokens[0] if tokens else ""
    return first, first in KNOWN_TRANSFER_ENCODINGS and len(set(tokens)) <= 1


def _ambiguous_type(part: Message) -> bool:
    """Two Content-Type headers that disagree: a client may read the part in the charset or
    type we did not."""
    values = part.get_all("content-type") or []
    return len({" ".join(str(v).lower().split()) for v in values}) > 1


def _b64_body(data: bytes) -> tuple[bytes, bool]:
    """Tolerant base64: skip junk, decode each padded chunk; report whether it was clean."""
    compact = data.translate(None, b" \t\r\n")
    try:
        return binascii.a2b_base64(compact, strict_mode=True), True  # the common, clean case
    except (binascii.Error, ValueError):
        pass
    clean = re.search(rb"[^A-Za-z0-9+/=\s]", data) is None
    chunks = [c for c in re.split(rb"=+", re.sub(rb"[^A-Za-z0-9+/=]", b"", data)) if c]
    if len(chunks) > 1:
        clean = False
    out = bytearray()
    for chunk in chunks:
        if len(chunk) % 4 == 1:
            chunk = chunk[:-1]
            clean = False
        try:
            out += binascii.a2b_base64(chunk + b"=" * (-len(chunk) % 4))
        except binascii.Error:
            clean = False
    return bytes(out), clean


def _param(part: Message, name: str) -> str:
    """Content-Type parameter ``name`` as a plain string ("" when absent or unreadable)."""
    try:
        value = part.get_param(name)
    except Exception:  # noqa: BLE001
        return ""
    if isinstance(value, tuple):
        value = value[-1]
    return str(value or "").strip()


def _flowed(part: Message) -> bool:
    """Whether a text/plain part is format=flowed (cheap test first: most parts are not)."""
    return "flowed" in str(part.get("content-type", "")).lower() and _param(part, "format").lower() == "flowed"


def _charset_of(part: Message) -> str | None:
    try:
        cs = part.get_content_charset()
    except Exception:  # noqa: BLE001
        return None
    return cs


# The blank line that ends the header block, split into lines as email's feed parser splits
# them: at \r\n, \r or \n, where a \r right before \n is half of one \r\n, not a line end.
_HEADER_END = re.compile(rb"(?:\r\n|\r(?!\n)|\n)(?:\r\n|\r|\n)")
_CONTAINER_TYPES = ("multipart", "message")


def message_from_bytes(raw: bytes) -> Message:
    """``email.message_from_bytes(raw, policy=compat32)``, without its slow path for
    single-part mail.

    The feed parser reads a body line by line only to join the lines back together when the
    message is not multipart (most mail): half the parse of a few KB of text. So the header
    block is parsed alone and, when it parsed cleanly (no defect, nothing left over) and
    declares no multipart or message/* type, the rest is attached as the payload exactly as
    the parser attaches it. Anything else is parsed in full.
    """
    end = _HEADER_END.search(raw)
    if end is not None:
        msg = email.message_from_bytes(raw[:end.end()], policy=policy.compat32)
        # _payload: what the parser left after the headers, as is (get_payload() may decode)
        if not msg.defects and not msg._payload and msg.get_content_maintype() not in _CONTAINER_TYPES:
            msg.set_payload(raw[end.end():].decode("ascii", "surrogateescape"))
            return msg
    return email.message_from_bytes(raw, policy=policy.compat32)
