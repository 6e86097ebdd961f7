"""Held messages and the decisions taken on them: the one service callers use.

A message held by a rule becomes one ``quarantine_entries`` row per recipient; every entry of
one accepted message shares its ``archive_id`` (one encrypted blob). Decisions (approve,
release, reject, override, expiry, sender self-release) are appended to
``quarantine_decisions`` and never deleted.

Each job lives in its own module and is mixed in here: :mod:`quarantine.holding` (hold and
its notices), :mod:`quarantine.deciding` (who may decide, four-eyes, overrides),
:mod:`quarantine.sender_release`, :mod:`quarantine.expiry`, :mod:`quarantine.digests`,
:mod:`quarantine.reads`; the console's read models :mod:`quarantine.triage`,
:mod:`quarantine.timeline`, :mod:`quarantine.evidence_view`; :mod:`quarantine.bulk` and
:mod:`quarantine.false_positives` (marks counted per rule); routing (review sources to people, counting approvals) is
:mod:`quarantine.routing`; held entries follow directory changes in :mod:`quarantine.rerouting`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import sqlalchemy as sa

from quarantine import tables as t
from quarantine.bulk import Bulk, BulkResult
from quarantine.deciding import Deciding
from quarantine.digests import FREQUENCIES, Digests
from quarantine.errors import (
    AlreadyDecided,
    CommentRequired,
    DuplicateApproval,
    EntryNotFound,
    InvalidRecipients,
    InvalidRule,
    InvalidToken,
    NotAuthorised,
    QuarantineError,
)
from quarantine.expiry import Expiry
from quarantine.false_positives import FalsePositives
from quarantine.holding import Holding
from quarantine.model import Decision, HoldRequest, QuarantinePage, Reviewer
from quarantine.notices import Notices, format_evidence
from quarantine.reads import Reads, decode_cursor
from quarantine.reminders import Levels, Reminders
from quarantine.routing import DirectoryLike
from quarantine.sealing import EvidenceCipher
from quarantine.sender_release import SenderRelease
from quarantine.store import EnqueueRelease, SendNotice
from quarantine.timeline import Timeline
from quarantine.triage import Triage, TriagePage, TriageQuery

__all__ = [
    "FREQUENCIES", "AlreadyDecided", "BulkResult", "InvalidRule", "TriagePage", "TriageQuery",
    "CommentRequired", "Decision", "DuplicateApproval", "EntryNotFound",
    "HoldRequest", "InvalidRecipients", "InvalidToken", "NotAuthorised", "QuarantineError", "QuarantinePage",
    "Levels", "Notices", "QuarantineService", "Reviewer", "decode_cursor", "format_evidence",
]


class QuarantineService(Holding, Deciding, SenderRelease, Expiry, Reminders, Digests, Reads, Triage, Timeline,
                        FalsePositives, Bulk):
    def __init__(
        self,
        engine: sa.Engine,
        enqueue_release: EnqueueRelease,
        send_notice: SendNotice,
        clock: Callable[[], float] = time.time,
        lifetime_days: float = 14,
        *,
        signing_key: bytes | Callable[[], Sequence[bytes]],
        base_url: str = "http://127.0.0.1:8025",
        system_actor: str = "system",
        evidence_cipher: EvidenceCipher | None = None,
        notices: Notices | None = None,
        remind_before: float = 0.0,
        escalate_after: float = 0.0,
        directory: Callable[[], DirectoryLike] | None = None,
    ) -> None:
        """``notices`` renders what people are told (the gateway gives it the directory's
        languages and the rules' descriptions); ``remind_before``/``escalate_after`` (seconds,
        0 = never) drive :meth:`remind` and :meth:`escalate`; ``directory`` (the live one) lets held
        entries follow its changes (:meth:`reroute`, and before every decision)."""
        if not callable(signing_key) and (not signing_key or len(signing_key) < 16):
            raise ValueError("signing_key must be at least 16 bytes")
        self.engine = engine
        self.enqueue_release = enqueue_release
        self.send_notice = send_notice
        self.clock = clock
        self.lifetime_days = lifetime_days
        self.signing_key = signing_key
        self.base_url = base_url.rstrip("/")
        self.system_actor = system_actor
        self.evidence_cipher = evidence_cipher
        self.notices = notices or Notices(send_notice, base_url=self.base_url)
        self.remind_before = remind_before
        self.escalate_after = escalate_after
        self.directory = directory

    @staticmethod
    def create_tables(engine: sa.Engine) -> None:
        """Create the quarantine tables (tests and first runs; the gateway migrates)."""
        t.metadata.create_all(engine)
