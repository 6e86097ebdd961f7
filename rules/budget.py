"""The expansion budget one message's attachments share: depth, file count, bytes, ratio.

A decompression bomb must cost a bounded amount to recognise, so every decompressing read
goes through :func:`read_bounded`, which counts what it produced against the message's
:class:`Budget` as it goes and stops the moment a limit is passed. Declared sizes in archive
headers are never trusted. Time and memory are bounded elsewhere (the extraction worker runs
with a wall clock and an address-space limit, ``gateway/extraction_pool.py``); this module
bounds what can be counted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

CHUNK = 64 * 1024
MIN_BOMB_BYTES = 1024 * 1024  # ratio checks start once this much has been expanded

FINDING_BOMB = "archive bomb"
FINDING_TOO_DEEP = "archive too deep"
FINDING_TOO_MANY = "archive too many files"


MAX_IMAGES = 12  # pictures per message read for QR codes


@dataclass
class Limits:
    """Bounds on what one message's attachments may expand to.

    ``open_documents``: whether documents and containers (PDF, Office, archives, RTF) are
    opened where the message is parsed. The gateway parses with it off on the SMTP event
    loop, and opens them in its extraction worker processes instead (``gateway/
    extraction_pool.py``); everything else (``mailwarden check``, tests, the indexer) opens
    them in place.
    """

    max_depth: int = 5
    max_files: int = 1000
    max_total_bytes: int = 100 * 1024 * 1024
    max_ratio: float = 100.0
    open_documents: bool = True


@dataclass
class Budget:
    """Shared, mutable budget across a whole message (all attachments and archives)."""

    limits: Limits = field(default_factory=Limits)
    files: int = 0
    expanded: int = 0
    findings: list[str] = field(default_factory=list)
    images: int = 0  # pictures read for QR codes (rules.qr_codes)

    def take_image(self) -> bool:
        """Whether one more picture may be read for QR codes: :data:`MAX_IMAGES` per message
        (a lure shows its code in the first few; a hundred logos cost no more than that)."""
        self.images += 1
        return self.images <= MAX_IMAGES

    def note(self, finding: str) -> None:
        if finding not in self.findings:
            self.findings.append(finding)

    def count_file(self) -> None:
        """One more file taken out of a container; past ``max_files`` the message is a bomb."""
        self.files += 1
        if self.files > self.limits.max_files:
            self.note(FINDING_TOO_MANY)
            raise BombError("too many files")

    def take(self, produced: int) -> None:
        """``produced`` more expanded bytes; past ``max_total_bytes`` the message is a bomb."""
        self.expanded += produced
        if self.expanded > self.limits.max_total_bytes:
            raise BombError("total expanded size")


class BombError(Exception):
    """Expansion broke the budget (raised inside extraction, turned into a finding)."""


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def read_bounded(stream: Readable, budget: Budget, compressed_size: int,
                 consumed: Callable[[], int] | None = None, *, cap: int | None = None) -> bytes:
    """Read a decompressing stream in chunks, enforcing the total size and the ratio.

    ``consumed`` reports how many compressed bytes the stream has used so far, so the ratio
    is checked as we go (a bomb is caught after ~1 MiB, not after its declared size).
    ``cap``: stop (without error) after this many bytes; the caller decides what a short
    read means.
    """
    out = bytearray()
    limits = budget.limits
    while True:
        want = CHUNK if cap is None else min(CHUNK, cap - len(out))
        if want <= 0:
            break
        chunk = stream.read(want)
        if not chunk:
            break
        out += chunk
        budget.take(len(chunk))
        if len(out) >= MIN_BOMB_BYTES:
            used = consumed() if consumed is not None else compressed_size
            if len(out) > limits.max_ratio * max(used, 1):
                raise BombError("compression ratio")
    return bytes(out)


def iter_bounded(stream: Readable, budget: Budget, compressed_size: int,
                 consumed: Callable[[], int] | None = None):  # noqa: ANN201 - a generator of bytes
    """:func:`read_bounded` chunk by chunk, for consumers that stream (XML): memory stays at
    one chunk whatever the member's size."""
    produced = 0
    limits = budget.limits
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return
        produced += len(chunk)
        budget.take(len(chunk))
        if produced >= MIN_BOMB_BYTES:
            used = consumed() if consumed is not None else compressed_size
            if produced > limits.max_ratio * max(used, 1):
                raise BombError("compression ratio")
        yield chunk
