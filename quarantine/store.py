"""The rows every part of the quarantine reads and writes, and the service's shared state.

Every part of :class:`quarantine.service.QuarantineService` (holding, deciding, expiry,
digests, reads) is a mixin over this base, so each lives in its own small module while the
callers see one service.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from quarantine import tables as t
from quarantine.errors import EntryNotFound
from quarantine.sealing import EvidenceCipher

EnqueueRelease = Callable[[sa.Connection, Mapping[str, Any], list[str]], Any]
SendNotice = Callable[..., Any]  # (conn, to, subject, body) -> Any


def row(r: sa.Row) -> dict[str, Any]:
    return dict(r._mapping)


class Store:
    engine: sa.Engine
    enqueue_release: EnqueueRelease
    send_notice: SendNotice
    clock: Callable[[], float]
    lifetime_days: float
    signing_key: bytes | Callable[[], Sequence[bytes]]   # a callable: the signing key first, then older ones
    base_url: str
    system_actor: str
    evidence_cipher: EvidenceCipher | None
    notices: Any  # quarantine.notices.Notices
    # contacts(conn) -> who hears of an entry nobody can review (quarantine.unroutable); None: nobody
    unroutable_contacts: Callable[[sa.Connection], list[str]] | None = None

    def _now(self) -> float:
        return self.clock() if self.clock else time.time()

    def _seal_evidence(self, evidence: Any) -> Any:
        return self.evidence_cipher.seal(evidence) if self.evidence_cipher else evidence

    def _entry(self, r: sa.Row) -> dict[str, Any]:
        entry = row(r)
        if self.evidence_cipher is not None:
            entry["evidence"] = self.evidence_cipher.open(entry.get("evidence"))
        return entry

    def _get_row(self, conn: sa.Connection, entry_id: int) -> dict[str, Any]:
        r = conn.execute(sa.select(t.entries).where(t.entries.c.id == entry_id)).first()
        if r is None:
            raise EntryNotFound(f"no quarantine entry {entry_id}")
        return self._entry(r)

    def _record(
        self,
        conn: sa.Connection,
        entry_id: int,
        actor: str,
        action: str,
        comment: str | None,
        recipients: list[str],
        at: float,
        *,
        override: bool = False,
    ) -> None:
        conn.execute(
            sa.insert(t.decisions).values(
                entry_id=entry_id, actor=actor, action=action, comment=comment, recipients=recipients,
                at=at, override=override,
            )
        )
