"""``/api/v1/archive/{id}/spam``: a person's "spam" / "not spam" on archived inbound mail,
taught to Rspamd (gateway/engines/learning.py). Mounted where the gateway wires learning
(``engines.rspamd`` enabled with ``learn: true``). The checks and the learn are
:func:`admin_api.spam_marks.mark`'s, which the console's buttons call too."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict

from admin_api.deps import Services, authz
from admin_api.schemas import ArchiveId
from admin_api.spam_marks import mark
from admin_api.users import Principal

router = APIRouter(tags=["archive"])


class SpamMarkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    spam: bool   # true: spam that got through; false: not spam (caught wrongly)


@router.post("/archive/{archive_id}/spam")
def mark_spam(archive_id: ArchiveId, body: SpamMarkIn, services: Services, request: Request,
              p: Principal = Depends(authz("archive.mark_spam"))) -> dict[str, Any]:
    return mark(services, archive_id, body.spam, p, request)
