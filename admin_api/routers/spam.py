"""``/api/v1/archive/{id}/spam``: a person's "spam" / "not spam" on archived inbound mail,
taught to Rspamd (gateway/engines/learning.py). Mounted where the gateway wires learning
(``engines.rspamd`` enabled with ``learn: true``). The request is audited like every API
call, and the learn itself once more (``rspamd.learn_spam`` / ``rspamd.learn_ham``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict

from admin_api.deps import Services, audit_info, authz
from admin_api.schemas import ArchiveId
from admin_api.users import Principal

router = APIRouter(tags=["archive"])


class SpamMarkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    spam: bool   # true: spam that got through; false: not spam (caught wrongly)


@router.post("/archive/{archive_id}/spam")
def mark_spam(archive_id: ArchiveId, body: SpamMarkIn, services: Services, request: Request,
              p: Principal = Depends(authz("archive.mark_spam"))) -> dict[str, Any]:
    assert services.learn_spam is not None   # mounted only then (admin_api/app.py)
    audit_info(request)["detail"] = {"spam": body.spam}
    try:
        record = services.archive.get_record(archive_id)
    except LookupError:
        raise HTTPException(404, f"no archive record {archive_id}") from None
    if record.direction != "inbound":
        raise HTTPException(422, f"archive record {archive_id} is {record.direction} mail; "
                                 "only inbound mail is taught to the spam engine")
    try:
        result = services.learn_spam(archive_id, body.spam, p.name, p.role, request.client.host
                                     if request.client else None)
    except RuntimeError as exc:   # Rspamd down or refusing: said, and audited as failed
        raise HTTPException(502, str(exc)) from None
    return {"id": archive_id, "spam": body.spam, "result": result}
