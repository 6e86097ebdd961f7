"""Parse a message once, lazily, tolerating everything real mail does wrong.

The structure is parsed with ``email``'s compat32 policy (it never raises on bad headers,
unlike ``policy.default`` when values are accessed), and headers, bodies and attachments are
decoded here with our own charset fallbacks. Every expensive view is a
``functools.cached_property`` so a header-only rule never decodes an attachment.
``parse`` never raises: what cannot be decoded becomes a finding that rules can match.
"""

from __future__ import annotations

import binascii
import email
import email.errors
import email.utils
import re
from collections.abc import Iterator
from datetime import datetime
from email import policy
from email.message import Message

from rules import mime_tree
from rules.attachments import Attachment, Budget, Extractor, Limits
from rules.charsets import decode_bytes, decode_guess
from rules.encrypted import text_encrypted
from rules.findings import CORRUPT, ENCRYPTED, TOO_DEEP, TOO_MANY_PARTS, UNSUPPORTED, uninspectable
from rules.flowed import unflow
from rules.html_text import html_to_text
from rules.inline_encodings import find_blocks
from rules.lazy import cached_property
from rules.rtf import is_rtf, rtf_text

MAX_PARTS = 2000  # MIME entities (containers included) read per message
MAX_MIME_DEPTH = 50  # multipart nesting; real mail stays under ten
MAX_MESSAGE_DEPTH = 5  # attached messages inside attached messages

FINDING_UNDECODABLE = uninspectable(CORRUPT)
FINDING_TOO_DEEP = uninspectable(TOO_DEEP)
FINDING_TOO_MANY_PARTS = uninspectable(TOO_MANY_PARTS)
FINDING_UNSUPPORTED = uninspectable(UNSUPPORTED)
FINDING_BROKEN_MIME = "broken mime"

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


_MESSAGE_STARTS = (b"received:", b"from:", b"return-path:")


class ParsedMessage:
    """A message parsed once; every view is computed on first use and cached."""

    def __init__(self, raw: bytes, *, limits: Limits | None = None, _depth: int = 0,
                 _budget: Budget | None = None, _prefix: str = "") -> None:
        self.raw = raw
        self._limits = limits or Limits()
        self._depth = _depth
        self._budget_given = _budget
        self._prefix = _prefix
        self._parse_findings: list[str] = []

    # -- structure -----------------------------------------------------------------------
    @cached_property
    def _top(self) -> tuple[Message, int]:
        """The top-level header block parsed alone and where the body starts. The body is
        never handed to ``email``'s recursive parser (see :mod:`rules.mime_tree`), so even a
        message it would choke on keeps its subject and sender."""
        try:
            return mime_tree.entity(self.raw, 0)
        except Exception:  # noqa: BLE001 - last resort: a message without headers
            self._parse_findings.append(FINDING_UNDECODABLE)
            return Message(), 0

    @property
    def msg(self) -> Message:
        """The top-level headers (the body is walked by :meth:`_walk`, not parsed into a tree)."""
        return self._top[0]

    @property
    def size(self) -> int:
        return len(self.raw)

    @cached_property
    def headers(self) -> list[tuple[str, str]]:
        """All headers, decoded, in order (names as sent)."""
        out = []
        try:
            items = self.msg.raw_items()
        except Exception:  # noqa: BLE001
            items = []
        for k, v in items:
            out.append((decode_header_value(k), decode_header_value(v)))
        return out

    @cached_property
    def _headers_by_name(self) -> dict[str, list[str]]:
        """Decoded values by lowercased name, built once: rules look headers up by name
        many times per message."""
        index: dict[str, list[str]] = {}
        for k, v in self.headers:
            index.setdefault(k.lower(), []).append(v)
        return index

    def header(self, name: str) -> list[str]:
        """Every decoded value of header ``name`` (case-insensitive)."""
        return list(self._headers_by_name.get(name.lower(), ()))

    def first_header(self, name: str) -> str | None:
        values = self.header(name)
        return values[0] if values else None

    @cached_property
    def subject(self) -> str:
        return self.first_header("subject") or ""

    @cached_property
    def message_id(self) -> str | None:
        mid = self.first_header("message-id")
        return mid.strip() if mid else None

    def _address_pairs(self, name: str) -> list[tuple[str, str]]:
        """``(display name, address)`` of every address in header ``name``; none when the
        header cannot be parsed."""
        try:
            return getaddresses(self.header(name))
        except Exception:  # noqa: BLE001
            return []

    @staticmethod
    def _emails(pairs: list[tuple[str, str]]) -> list[str]:
        return [addr.strip().lower() for _, addr in pairs if "@" in addr]

    @cached_property
    def _from_pairs(self) -> list[tuple[str, str]]:
        """From parsed once: its addresses and its display names are read by several checks."""
        return self._address_pairs("from")

    @cached_property
    def from_addresses(self) -> list[str]:
        return self._emails(self._from_pairs)

    @cached_property
    def from_display_names(self) -> list[str]:
        return [n for n, _ in self._from_pairs if n]

    @cached_property
    def to_addresses(self) -> list[str]:
        return self._emails(self._address_pairs("to"))

    @cached_property
    def cc_addresses(self) -> list[str]:
        return self._emails(self._address_pairs("cc"))

    @cached_property
    def date(self) -> datetime | None:
        value = self.first_header("date")
        if not value:
            return None
        try:
            return email.utils.parsedate_to_datetime(value)
        except Exception:  # noqa: BLE001
            return None

    # -- bodies and attachments ----------------------------------------------------------
    @cached_property
    def _walk(self) -> tuple[list[tuple[str, str]], list[Attachment], list[str]]:
        """One pass over the MIME tree: body texts, flattened attachments, findings."""
        budget = self._budget_given or Budget(self._limits)
        bodies: list[tuple[str, str]] = []
        attachments: list[Attachment] = []
        findings: list[str] = []
        extractor = Extractor(budget)
        top, body_start = self._top
        findings.extend(self._parse_findings)
        try:
            tree = mime_tree.walk(self.raw, top, body_start, max_parts=MAX_PARTS, max_depth=MAX_MIME_DEPTH)
        except Exception:  # noqa: BLE001 - unreadable structure: read the body as it stands
            _note(findings, FINDING_UNDECODABLE)
            tree = mime_tree.Tree([mime_tree.Leaf(mime_tree.attach_body(top, self.raw, body_start, len(self.raw)),
                                                  0, 0)])
        if tree.too_many_parts:
            _note(findings, FINDING_TOO_MANY_PARTS)
        if tree.too_deep:
            _note(findings, FINDING_TOO_DEEP)
        for leaf in tree.leaves:
            try:
                self._one_part(leaf.msg, leaf.index, bodies, attachments, findings, extractor)
            except MemoryError:
                raise   # over the extraction worker's memory limit: the whole message is over budget
            except Exception:  # noqa: BLE001 - one broken part must not hide the rest
                _note(findings, FINDING_UNDECODABLE)
        for f in budget.findings:
            _note(findings, f)
        if tree.broken:
            _note(findings, FINDING_BROKEN_MIME)
        return bodies, attachments, findings

    def _one_part(self, part: Message, idx: int, bodies: list[tuple[str, str]], attachments: list[Attachment],
                  findings: list[str], extractor: Extractor) -> None:
        ctype = (part.get_content_type() or "text/plain").lower()
        filename = _part_filename(part)
        try:
            disposition = (part.get_content_disposition() or "").lower()
        except Exception:  # noqa: BLE001
            disposition = ""
        data, clean = _payload_bytes(part)
        if not clean:
            _note(findings, FINDING_UNDECODABLE)
        if not transfer_encoding(part)[1] or _ambiguous_type(part):
            _note(findings, FINDING_UNSUPPORTED)  # read as best we can, but not with certainty
        is_body_text = ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename
        if ctype.startswith("message/"):
            # message/rfc822 and its kin (delivery-status, disposition-notification: blocks
            # of header fields) read as messages, as email's parser would have; a message/partial
            # fragment cannot be read without its other parts
            if ctype == "message/partial":
                _note(findings, FINDING_UNSUPPORTED)
            self._message_bytes(data, filename or f"message{idx}.eml", attachments, findings, extractor)
            return
        if is_body_text or (ctype.startswith("text/") and not filename and disposition != "attachment"):
            if is_rtf(data):
                bodies.append(("body", rtf_text(data)))
                return
            text, ok = decode_bytes(data, _charset_of(part))
            if not ok:
                _note(findings, FINDING_UNDECODABLE)
            if ctype == "text/html":
                text = html_to_text(text)
            elif _flowed(part):
                text = unflow(text, delsp=_param(part, "delsp").lower() == "yes")
            if text_encrypted(text):
                _note(findings, uninspectable(ENCRYPTED))    # an inline PGP message
            bodies.append(("body", text))
            self._inline_files(data, attachments, findings, extractor)
            return
        name = filename or f"part{idx}"
        looks_like_mail = data[:200].lstrip().lower().startswith(_MESSAGE_STARTS)
        if looks_like_mail and name.lower().endswith(".eml"):
            self._message_bytes(data, name, attachments, findings, extractor)
            return
        attachments.extend(extractor.extract(data, name, ctype, prefix=self._prefix, depth=self._depth,
                                             charset=_charset_of(part)))

    def _inline_files(self, data: bytes, attachments: list[Attachment], findings: list[str],
                      extractor: Extractor) -> None:
        """Files uuencoded or yEnc-encoded into a text body, screened as attachments."""
        for block in find_blocks(data):
            if not block.clean:
                _note(findings, FINDING_UNDECODABLE)
            attachments.extend(extractor.extract(block.data, block.name, "application/octet-stream",
                                                 prefix=self._prefix, depth=self._depth))

    def _message_bytes(self, data: bytes, name: str, attachments: list[Attachment], findings: list[str],
                       extractor: Extractor) -> None:
        path = f"{self._prefix}/{name}" if self._prefix else name
        att = Attachment(name=name, path=path, declared_type="message/rfc822", true_type="message/rfc822",
                         size=len(data), depth=self._depth)
        attachments.append(att)
        if self._depth + 1 > MAX_MESSAGE_DEPTH:
            _note(findings, FINDING_TOO_DEEP)
            return
        inner = ParsedMessage(data, limits=self._limits, _depth=self._depth + 1, _budget=extractor.budget,
                              _prefix=path)
        att.text = "\n".join([inner.subject] + [t for _, t in inner.body_parts])
        attachments.extend(inner.attachments)
        for f in inner.findings:
            _note(findings, f)

    # -- documents read elsewhere (the gateway's extraction workers) ---------------------
    @property
    def deferred(self) -> bool:
        """Whether an attachment is a document or container left unread (parsed with
        ``Limits(open_documents=False)``): the gateway then has a worker read them."""
        return any(a.deferred for a in self.attachments)

    def adopt(self, walk: tuple[list[tuple[str, str]], list[Attachment], list[str]]) -> None:
        """Take the walk a worker made of this same message with documents opened."""
        self.__dict__["_walk"] = walk
        for view in ("body_text", "texts"):
            self.__dict__.pop(view, None)

    def add_finding(self, finding: str) -> None:
        """A finding made outside the walk (the screening budget ran out)."""
        if finding not in self.findings:
            self.findings.append(finding)

    @property
    def body_parts(self) -> list[tuple[str, str]]:
        """``("body", text)`` for every text/plain and text/html body part (html as text)."""
        return self._walk[0]

    @cached_property
    def body_text(self) -> str:
        return "\n".join(t for _, t in self.body_parts)

    @property
    def attachments(self) -> list[Attachment]:
        """All attachments, flattened; nested ones have paths like ``a.zip/b.zip/c.txt``."""
        return self._walk[1]

    @property
    def findings(self) -> list[str]:
        """What the screening met and could not read (``uninspectable: too deep``,
        ``uninspectable: corrupt``, ``archive bomb``, ``broken mime``, …)."""
        return self._walk[2]

    def iter_text(self) -> Iterator[tuple[str, str]]:
        """``(where, text)`` for the subject, each body part and each attachment with text."""
        yield "subject", self.subject
        for extra in self.header("subject")[1:]:  # a second Subject: some clients show that one
            if extra != self.subject:
                yield "subject", extra
        yield from self.body_parts
        for att in self.attachments:
            if att.text:
                yield f"attachment:{att.path}", att.text

    @cached_property
    def texts(self) -> list[tuple[str, str]]:
        """:meth:`iter_text` materialised (cached for the rule engine)."""
        return list(self.iter_text())


def _note(findings: list[str], finding: str) -> None:
    if finding not in findings:
        findings.append(finding)


def extract_text(raw: bytes) -> Iterator[str]:
    """Every readable text of a message (for the archive's search index)."""
    for _where, text in parse(raw).iter_text():
        if text:
            yield text


def parse(raw: bytes, limits: Limits | None = None) -> ParsedMessage:
    """Parse a message; never raises (even the lazy views only produce findings)."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raw = str(raw).encode("utf-8", "surrogateescape")
    return ParsedMessage(bytes(raw), limits=limits)
