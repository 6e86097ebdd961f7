"""``/api/v1/queue``: the delivery queue for administrators (list, show, retry, hold, release,
delete), each request audited. The gateway hands the work in as ``services.queue_control``
(:class:`gateway.queue_control.QueueControl`; the API imports nothing of the gateway)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request

from admin_api.deps import Services, audit_info, authz
from admin_api.schemas import MAX_ID, Limit
from admin_api.users import Principal

router = APIRouter(tags=["queue"])

QueueId = Annotated[int, Path(ge=1, le=MAX_ID, description="queue row id")]
Status = Literal["queued", "delivering", "hold", "delivered", "failed"]


def _control(services: Any) -> Any:
    if services.queue_control is None:
        raise HTTPException(503, "queue control is not available in this process")
    return services.queue_control


def _act(services: Any, request: Request, action: str, ids: list[int] | None) -> dict[str, Any]:
    control = _control(services)
    info = audit_info(request)
    info["record"] = ",".join(map(str, ids)) if ids else "all"
    try:
        changed = getattr(control, action)(ids)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    except Exception as exc:
        if type(exc).__name__ == "QueueConflict":
            raise HTTPException(409, str(exc)) from None
        raise
    info["detail"] = {"changed": changed}
    return {"action": action, "ids": ids, "changed": changed}


@router.get("/queue")
def queue_list(services: Services, status: Status | None = None, after: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
               limit: Limit = 50, p: Principal = Depends(authz("queue.list"))) -> dict[str, Any]:
    """Rows still to deliver (or of ``status``), oldest first; page on with ``after`` = the last id."""
    items = _control(services).list(status, limit=limit, after_id=after)
    return {"items": items, "next": items[-1]["id"] if len(items) == limit else None}


@router.get("/queue/{queue_id}")
def queue_show(queue_id: QueueId, services: Services, request: Request,
               p: Principal = Depends(authz("queue.read"))) -> dict[str, Any]:
    audit_info(request)["record"] = str(queue_id)
    try:
        return _control(services).show(queue_id)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None


@router.post("/queue/retry")
def queue_flush(services: Services, request: Request, p: Principal = Depends(authz("queue.manage"))) -> dict[str, Any]:
    """Every waiting row due now (a flush)."""
    return _act(services, request, "retry", None)


@router.post("/queue/{queue_id}/{action}")
def queue_action(queue_id: QueueId, action: Literal["retry", "hold", "release"], services: Services,
                 request: Request, p: Principal = Depends(authz("queue.manage"))) -> dict[str, Any]:
    return _act(services, request, action, [queue_id])


@router.delete("/queue/{queue_id}")
def queue_delete(queue_id: QueueId, services: Services, request: Request,
                 p: Principal = Depends(authz("queue.manage"))) -> dict[str, Any]:
    """Drop a row (an unreadable one too); the message stays in the archive."""
    return _act(services, request, "delete", [queue_id])
