"""Value types, errors and the record chain's hash: what every part of the archive shares.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

MAGIC = b"MWB1"
DEK_AAD = b"mailwarden/dek\x00"
META_AAD = b"mailwarden/meta\x00"
MAX_ATTEMPTS = 5
TSV_MAX_POS = 16383
TSV_MAX_POS_PER_LEXEME = 255
TextExtractor = Callable[[bytes], Iterable[Any]]


class ArchiveError(Exception):
    """Base class of archive errors."""


class ArchiveIntegrityError(ArchiveError):
    """A blob or record does not verify (tampering, corruption, missing blob or key)."""


class ArchiveKeyMissing(ArchiveError):
    """A master key the record needs is not held by this process (nor to be had from the
    ring): an operator's problem ("master key mk-… missing"), answered 503, not tampering."""


class RecordNotFound(ArchiveError, KeyError):
    """No archive record (or blob) with that id / digest."""


class KeyInUse(ArchiveError):
    """A master key cannot be retired: data keys are still wrapped by it."""


@dataclass
class SealedMessage:
    """A message sealed for storage (output of :meth:`Archive.seal`)."""

    address: str
    sha256: str
    size: int
    dek_id: str
    kid: str
    wrapped_dek: bytes
    blob: bytes
    # The data key itself, in memory only (never stored, never in a repr): a commit that finds
    # the master key rotated since the sealing re-wraps it without needing the old master key,
    # which a retirement meanwhile has dropped from the ring. None for a blob adopted from disk.
    dek: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def digest(self) -> str:
        return self.sha256


@dataclass
class RecordMeta:
    message_id: str | None = None
    mail_from: str = ""
    rcpt_tos: list[str] | tuple[str, ...] = ()
    header_from: str | None = None
    header_to: list[str] | tuple[str, ...] = ()
    header_cc: list[str] | tuple[str, ...] = ()
    date: float | dt.datetime | str | None = None
    size: int | None = None
    direction: str | None = None
    verdict: str | None = None
    rules: list[str] | tuple[str, ...] = ()
    department: str | None = None
    attachments: list[tuple[str, str]] | tuple[tuple[str, str], ...] = ()
    subject: str | None = None
    event: str = "accepted"
    received_at: float | None = None
    # The SMTP session it came in (client address, HELO, TLS, login): sealed with the subject,
    # never in a plain column, for the auditor's timeline.
    session: dict[str, Any] | None = None
    # What screening found (gateway/screening_summary.py: kind, rule, confidence, count,
    # where; never a value): sealed like the session, for the timeline of every record.
    screening: list[dict[str, Any]] | None = None


@dataclass
class SearchItem:
    id: int
    date: str
    received_at: float
    sender: str
    recipients: list[str]
    subject: str
    direction: str | None
    verdict: str | None
    size: int
    attachments: list[dict[str, str]]
    message_id: str | None = None
    header_from: str | None = None
    header_date: float | None = None
    sha256: str = ""
    event: str = ""
    rules: list[str] = field(default_factory=list)
    department: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchPage:
    """One page of results. ``total`` is exact when ``total_exact``; otherwise it is a lower
    bound (the count stopped at ``Archive.COUNT_CAP``, or after ``COUNT_BUDGET``),
    as counting every match of a common word in a million messages would cost more than
    finding the page. ``exact_total=True`` asks for the full count."""

    items: list[SearchItem]
    total: int
    next: str | None
    total_exact: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"items": [i.to_dict() for i in self.items], "total": self.total,
                "total_exact": self.total_exact, "next": self.next}


@dataclass
class VerifyReport:
    ok: bool
    checked: int
    broken: list[tuple[int, str]]


@dataclass
class RotationReport:
    new_kid: str | None
    rewrapped: int
    remaining: int


def date_value(value: float | dt.datetime | str | None) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.timestamp()
    try:
        return parsedate_to_datetime(str(value)).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


# A bare address (dot-atoms of letters, digits, ``_+-``), which is what the envelope and the
# parsed headers hold: getaddresses() would return it unchanged, and its parser costs more
# than everything else about a record's addresses.
_BARE_ADDRESS = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")


def bare_addresses(values: Iterable[str | None]) -> list[str]:
    values = [v for v in values if v]
    bare = _BARE_ADDRESS.fullmatch
    if all(isinstance(v, str) and bare(v) for v in values):
        return list(dict.fromkeys(v.lower() for v in values))
    out: list[str] = []
    for _name, addr in getaddresses(values):
        addr = addr.strip().lower()
        if addr and addr not in out:
            out.append(addr)
    return out


def domain_of(addr: str) -> str:
    return addr.rsplit("@", 1)[1] if "@" in addr else addr


def iso_time(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat().replace("+00:00", "Z")


CHAIN_FIELDS = (
    "id", "blob_address", "sha256", "dek_id", "event", "received_at", "message_id", "mail_from",
    "rcpt_tos", "header_from", "header_to", "header_cc", "date_at", "size", "direction", "verdict",
    "rules", "department", "attachment_types", "has_attachment",
)


# json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True) without building an
# encoder per call (the same encoder class and options: the same bytes).
canonical_json = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode


meta_json = json.JSONEncoder(ensure_ascii=False).encode     # json.dumps(doc, ensure_ascii=False)


def chain_hash(prev_hash: str, row: Any) -> str:
    """SHA-256 over the previous hash and the record's canonical fields (incl. encrypted metadata)."""
    get = row.__getitem__ if isinstance(row, dict) else row._mapping.__getitem__
    doc = {name: get(name) for name in CHAIN_FIELDS}
    doc["has_attachment"] = bool(doc["has_attachment"])
    doc["received_at"] = float(doc["received_at"])
    if doc["date_at"] is not None:
        doc["date_at"] = float(doc["date_at"])
    doc["meta_enc"] = bytes(get("meta_enc")).hex()
    canon = canonical_json(doc)
    return hashlib.sha256(prev_hash.encode() + b"\n" + canon.encode()).hexdigest()
