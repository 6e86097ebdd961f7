"""``/api/v1/quarantine``: list, read, view, download, release and reject held entries."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from admin_api.deps import Services, audit_info, authz, open_archive
from admin_api.entries import bulk, decide_entry, entry_out, load_entry, reviewer, scoped
from admin_api.render import render_message
from admin_api.responses import raw_response
from admin_api.schemas import (
    BulkDecisionIn,
    Cursor,
    DecisionIn,
    EntryId,
    FalsePositiveIn,
    Limit,
    QStr,
    When,
    cursor_of,
    field_error,
    ts,
)
from admin_api.users import Principal
from quarantine.service import CommentRequired, InvalidRule

router = APIRouter(tags=["quarantine"])


@router.get("/quarantine")
def list_quarantine(
    services: Services,
    status: Literal["held", "released", "rejected", "expired"] | None = None,
    department: QStr = None,
    rule: QStr = None,
    sender: QStr = None,
    recipient: QStr = None,
    after: When = None,
    before: When = None,
    cursor: Cursor = None,
    limit: Limit = 50,
    p: Principal = Depends(authz("quarantine.list")),
) -> dict[str, Any]:
    page = services.quarantine.search(
        status=status,
        department=department,
        rule=rule,
        sender=sender,
        recipient=recipient,
        after=ts(after),
        before=ts(before),
        departments=scoped(p),
        reviewer=sorted(reviewer(p).addresses),
        cursor=str(cursor_of(cursor)) if cursor else None,
        limit=limit,
    )
    return {
        "items": [entry_out(services, e, full=False) for e in page.items],
        "total": page.total,
        "next": page.next,
    }


@router.post("/quarantine/release")
def bulk_release(
    body: BulkDecisionIn, request: Request, services: Services,
    p: Principal = Depends(authz("quarantine.bulk_release")),
) -> dict[str, Any]:
    return bulk(services, body, p, request, "release")


@router.post("/quarantine/reject")
def bulk_reject(
    body: BulkDecisionIn, request: Request, services: Services,
    p: Principal = Depends(authz("quarantine.bulk_reject")),
) -> dict[str, Any]:
    return bulk(services, body, p, request, "reject")


@router.get("/quarantine/{entry_id}")
def get_entry(
    entry_id: EntryId, request: Request, services: Services, p: Principal = Depends(authz("quarantine.read"))
) -> dict:
    return entry_out(services, load_entry(services, entry_id, p, request), full=True)


@router.get(
    "/quarantine/{entry_id}/raw",
    response_class=Response,
    responses={200: {"content": {"message/rfc822": {}}}},
)
def get_entry_raw(
    entry_id: EntryId, request: Request, services: Services, p: Principal = Depends(authz("quarantine.raw"))
) -> Response:
    entry = load_entry(services, entry_id, p, request)
    return raw_response(open_archive(services, entry["archive_id"]), f"quarantine-{entry_id}.eml")


@router.get("/quarantine/{entry_id}/view")
def view_entry(
    entry_id: EntryId, request: Request, services: Services, p: Principal = Depends(authz("quarantine.view"))
) -> dict:
    entry = load_entry(services, entry_id, p, request)
    return {"id": entry_id, **render_message(open_archive(services, entry["archive_id"]))}


@router.post("/quarantine/{entry_id}/release")
def release_entry(
    entry_id: EntryId,
    body: DecisionIn,
    request: Request,
    services: Services,
    p: Principal = Depends(authz("quarantine.release")),
) -> dict[str, Any]:
    return decide_entry(services, load_entry(services, entry_id, p, request), p, request, "release",
                        body.comment, body.recipients, override=body.override)


@router.post("/quarantine/{entry_id}/reject")
def reject_entry(
    entry_id: EntryId,
    body: DecisionIn,
    request: Request,
    services: Services,
    p: Principal = Depends(authz("quarantine.reject")),
) -> dict[str, Any]:
    return decide_entry(services, load_entry(services, entry_id, p, request), p, request, "reject",
                        body.comment, body.recipients, silent=body.silent, override=body.override)


@router.get("/quarantine/{entry_id}/timeline")
def entry_timeline(
    entry_id: EntryId, request: Request, services: Services, p: Principal = Depends(authz("quarantine.timeline"))
) -> dict[str, Any]:
    """Received, screened, held, notified, each approval, the decision, each delivery attempt."""
    entry = load_entry(services, entry_id, p, request)
    items = services.quarantine.timeline(entry_id, deliveries=services.delivery_events(entry),
                                         record=archive_record_of(services, entry["archive_id"]))
    return {"items": items, "total": len(items), "next": None}


@router.post("/quarantine/{entry_id}/false-positive")
def mark_false_positive(
    entry_id: EntryId,
    body: FalsePositiveIn,
    request: Request,
    services: Services,
    p: Principal = Depends(authz("quarantine.false_positive")),
) -> dict[str, Any]:
    """Mark the rules that held this entry (all, or ``rules``) as a false positive, with a
    reason. Counted per rule for the dashboard and the rules page; decides nothing."""
    load_entry(services, entry_id, p, request)
    try:
        marked = services.quarantine.mark_false_positive(entry_id, p.name, body.reason, body.rules)
    except CommentRequired as exc:
        raise field_error(("body", "reason"), str(exc)) from None
    except InvalidRule as exc:
        raise field_error(("body", "rules"), str(exc)) from None
    audit_info(request)["detail"] = {"rules": marked}
    return {"id": entry_id, "rules": marked, "marks": services.quarantine.false_positive_marks(entry_id)}


def archive_record_of(services: Any, archive_id: int) -> dict[str, Any] | None:
    """The accepted message's archive record (received, verdict), when the gateway gives it."""
    if services.archive_record is None:
        return None
    try:
        return dict(services.archive_record(archive_id)["record"])
    except LookupError:
        return None
