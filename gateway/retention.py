"""What the archive must not purge yet, as only the gateway knows it.

The archive owns retention but cannot see the quarantine's or the delivery queue's tables (it
imports nothing of ours). Both point at archive records by id: a held quarantine entry is
released from its record's blob, a queued or delivering row is sent from its record's blob.
Purging such a record loses mail, so :func:`still_needed` is handed to
:class:`archive.retention.Retention` and asked inside each purge transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from gateway.queue import DELIVERING, QUEUED
from gateway.tables import queue
from quarantine.tables import entries

HELD = "held"


def still_needed(conn: sa.Connection, ids: Sequence[int]) -> set[int]:
    """Those of ``ids`` a held quarantine entry or an unfinished delivery refers to."""
    needed: set[int] = set()
    ids = list(ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        needed.update(conn.execute(sa.select(entries.c.archive_id).where(
            entries.c.status == HELD, entries.c.archive_id.in_(chunk))).scalars())
        needed.update(conn.execute(sa.select(queue.c.archive_id).where(
            queue.c.status.in_([QUEUED, DELIVERING]), queue.c.archive_id.in_(chunk))).scalars())
    return needed
