"""Parse a message once, lazily, tolerating everything real mail does wrong.

The structure is parsed with ``email``'s compat32 policy (it never raises on bad headers,
unlike ``policy.default`` when values are accessed), and headers, bodies and attachments are
decoded here with our own charset fallbacks. Every expensive view is a
``functools.cached_property`` so a header-only rule never decodes an attachment.
``parse`` never raises: what cannot be decoded becomes a finding that rules can match.
Each header and part is decoded by :mod:`rules.part_decoding`; this module walks the
message and builds its views.
"""

from __future__ import annotations

import email
import email.errors
import email.utils
from collections.abc import Iterator
from datetime import datetime
from email.message import Message

from rules import mime_tree
from rules.attachments import Attachment, Budget, Extractor, Limits
from rules.charsets import decode_bytes
from rules.encrypted import text_encrypted
from rules.escapes import unescape_json
from rules.findings import CORRUPT, ENCRYPTED, TOO_DEEP, TOO_MANY_PARTS, UNSUPPORTED, uninspectable
from rules.flowed import unflow
from rules.html_text import html_to_text
from rules.inline_encodings import find_blocks
from rules.lazy import cached_property
from rules.part_decoding import (
    _ambiguous_type,
    _charset_of,
    _flowed,
    _param,
    _part_filename,
    _payload_bytes,
    decode_header_value,
    getaddresses,
    transfer_encoding,
)

# imported from here before rules.part_decoding existed (tests, tools): keep that working
from rules.part_decoding import _has_raw_8bit as _has_raw_8bit
from rules.part_decoding import _raw_param as _raw_param
from rules.part_decoding import message_from_bytes as message_from_bytes
from rules.rtf import is_rtf, rtf_text

MAX_PARTS = 2000  # MIME entities (containers included) read per message
MAX_MIME_DEPTH = 50  # multipart nesting; real mail stays under ten
MAX_MESSAGE_DEPTH = 5  # attached messages inside attached messages

FINDING_UNDECODABLE = uninspectable(CORRUPT)
FINDING_TOO_DEEP = uninspectable(TOO_DEEP)
FINDING_TOO_MANY_PARTS = uninspectable(TOO_MANY_PARTS)
FINDING_UNSUPPORTED = uninspectable(UNSUPPORTED)
FINDING_BROKEN_MIME = "broken mime"

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
    def recipient_pairs(self) -> list[tuple[str, str]]:
        """``(display name, address)`` of the To and Cc addresses, both casefolded."""
        return [(n.strip().casefold(), a.strip().casefold())
                for n, a in self._address_pairs("to") + self._address_pairs("cc")]

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
            text = unescape_json(text)   # JSON pasted into a body: \u673a\u5bc6 reads as 机密
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
