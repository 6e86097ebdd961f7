"""``/api/v1/archive/{id}/timeline``: everything that happened to an archived message
(see :mod:`admin_api.record_timeline`). Reading it is audited like reading the message."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException

from admin_api.deps import Services, authz, open_archive
from admin_api.record_timeline import record_timeline
from admin_api.schemas import ArchiveId
from admin_api.users import Principal

router = APIRouter(tags=["archive"])


@router.get("/archive/{archive_id}/timeline")
def archive_timeline(archive_id: ArchiveId, services: Services,
                     p: Principal = Depends(authz("archive.timeline"))) -> dict[str, Any]:
    """``{"record", "trace", "events"}``, events oldest first: received, screened (with what
    screening found: ``findings``, or null for records from before it was kept), holds and
    decisions, each delivery attempt (``kind: delivery``; ``detail``: status, result, attempt,
    code, enhanced, text, started_at, hop {host, address, port}, tls {version, verified,
    policy}, queue_id, copy), each DSN sent (``kind: dsn``; ``detail``: record, action, warning,
    about) and the reads (docs/CONTRACTS.md, Timelines)."""
    raw = open_archive(services, archive_id)
    try:
        return record_timeline(services.engine, services.quarantine, archive_id, raw=raw,
                               deliveries=services.record_deliveries,
                               session=services.archive.record_session(archive_id),
                               screening=services.archive.record_screening(archive_id))
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
