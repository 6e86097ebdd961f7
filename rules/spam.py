"""Spam heuristics that need more than a keyword: GTUBE and header forgery checks.

Scores are attached by rules (``score:``), thresholds live in the rules file; this module
only answers yes/no questions about a message so rules can weigh them.
"""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
_GTUBE_BYTES = GTUBE.encode()
DATE_SKEW_SECONDS = 7 * 24 * 3600
_ADDR_IN_NAME = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class _Directory(Protocol):
    def is_internal(self, address: str) -> bool: ...


class _Message(Protocol):
    raw: bytes
    message_id: str | None
    date: datetime | None
    from_addresses: list[str]
    from_display_names: list[str]
    body_text: str
    subject: str


def has_gtube(message: _Message) -> bool:
    """The GTUBE test string anywhere in the raw message or its decoded body."""
    return _GTUBE_BYTES in message.raw or GTUBE in message.body_text


def missing_message_id(message: _Message, *_: object) -> bool:
    return not message.message_id


def date_skewed(message: _Message, *_: object, now: float | None = None) -> bool:
    """Date header missing, unparsable, or more than a week away from now."""
    d = message.date
    if d is None:
        return True
    if d.tzinfo is None:
        d = d.replace(tzinfo=UTC)
    return abs(d.timestamp() - (now if now is not None else time.time())) > DATE_SKEW_SECONDS


def from_ours_outside(message: _Message, directory: _Directory, inbound: bool) -> bool:
    """Header From claims one of our domains on mail arriving from outside."""
    return inbound and any(directory.is_internal(a) for a in message.from_addresses)


def display_name_spoof(message: _Message, directory: _Directory, inbound: bool) -> bool:
    """The display name shows an address other than the real one (``"ceo@example.com"
    <x@evil.test>``), or names one of our addresses on mail from outside."""
    actual = {a.lower() for a in message.from_addresses}
    for name in message.from_display_names:
        for shown in _ADDR_IN_NAME.findall(name):
            shown = shown.lower()
            if shown not in actual:
                return True
            if inbound and directory.is_internal(shown):
                return True
    return False


FORGERY_CHECKS: dict[str, Callable[..., bool]] = {
    "missing_message_id": missing_message_id,
    "date_skew": date_skewed,
    "from_ours_outside": from_ours_outside,
    "display_name_spoof": display_name_spoof,
}


def parse_date(value: str) -> datetime | None:
    try:
        return email.utils.parsedate_to_datetime(value)
    except Exception:  # noqa: BLE001
        return None
