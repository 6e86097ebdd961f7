"""``/api/v1/sender-release``: the sender's own release of a policy-tip hold.

No bearer token: the signed link in the policy-tip notice is the credential. Audited with the
sender as actor.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from typing import Annotated, Any

import anyio
import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import AfterValidator

from admin_api.deps import Services, start_audit
from admin_api.entries import decision_out
from admin_api.responses import esc, html_page
from admin_api.schemas import SenderReleaseIn, SenderWithdrawIn, clean, field_error
from admin_api.services import ApiServices
from quarantine import tables as quarantine_tables
from quarantine.service import AlreadyDecided, CommentRequired, Decision, EntryNotFound, InvalidToken

router = APIRouter(tags=["sender"])


def sender_info(services: ApiServices, token: str, info: dict[str, Any]) -> dict[str, Any]:
    """What the sender may see of their held message (403 for a bad or expired link)."""
    svc = services.quarantine
    try:
        entry_id = svc.verify_sender_token(token)
        entry = svc.get(entry_id)
    except (InvalidToken, EntryNotFound):
        raise HTTPException(403, "invalid or expired release link") from None
    info.update(record=str(entry_id), actor=f"sender:{entry['mail_from']}")
    entries = quarantine_tables.entries
    with services.engine.connect() as conn:
        siblings = conn.execute(
            sa.select(entries.c.recipient).where(
                entries.c.archive_id == entry["archive_id"],
                entries.c.status == "held",
                entries.c.sender_may_release.is_(True),
            )
        ).scalars()
        recipients = sorted(siblings)
    return {
        "id": entry_id,
        "status": entry["status"],
        "recipients": recipients,
        "rules": entry["rules"],
        "sender_may_release": entry["sender_may_release"],
        "expires_at": entry["expires_at"],
    }


def _by_sender(services: ApiServices, token: str, info: dict[str, Any], field: str,
               act: Callable[[], Decision]) -> dict[str, Any]:
    """A sender's own decision through their signed link: 403 for a bad or expired link, 409
    when already decided, 422 on ``field`` when the reason is missing; audited as the sender."""
    try:
        info["record"] = str(services.quarantine.verify_sender_token(token))
        decision = act()
    except (InvalidToken, EntryNotFound):
        raise HTTPException(403, "invalid or expired release link") from None
    except AlreadyDecided as exc:
        raise HTTPException(409, str(exc)) from None
    except CommentRequired as exc:
        raise field_error(("body", field), str(exc)) from None
    info["actor"] = decision.actor
    return decision_out(decision)


def sender_confirm(services: ApiServices, token: str, justification: str, info: dict[str, Any]) -> dict[str, Any]:
    """Release with the sender's justification (403 bad link, 409 decided, 422 no reason)."""
    return _by_sender(services, token, info, "justification",
                      lambda: services.quarantine.confirm_by_sender(token, justification))


@router.get("/sender-release", responses={200: {"content": {"text/html": {}}}})
def sender_release_info(
    request: Request, services: Services,
    token: Annotated[str, Query(min_length=1, max_length=200), AfterValidator(clean)],
) -> Any:
    """The link in older policy-tip notices (no bearer token: the signed link is the credential).
    Answers JSON; a browser (``Accept: text/html``) is sent to the sender's page ``/sender``."""
    if "text/html" in request.headers.get("accept", ""):
        return RedirectResponse("/sender?" + urllib.parse.urlencode({"token": token}), status_code=303)
    return sender_info(services, token, start_audit(request, "quarantine.sender_release_info"))


def sender_withdraw(services: ApiServices, token: str, reason: str | None, info: dict[str, Any]) -> dict[str, Any]:
    """The sender takes the message back: rejected, nothing delivered (403 bad link, 409 decided)."""
    return _by_sender(services, token, info, "reason", lambda: services.quarantine.withdraw_by_sender(token, reason))


@router.post("/sender-release/withdraw")
def sender_release_withdraw(body: SenderWithdrawIn, request: Request, services: Services) -> dict[str, Any]:
    """Withdraw a policy-tip hold: the sender decides not to send it after all (JSON)."""
    return sender_withdraw(services, body.token, body.reason, start_audit(request, "quarantine.sender_withdraw"))


@router.post("/sender-release")
def sender_release(body: SenderReleaseIn, request: Request, services: Services) -> dict[str, Any]:
    """Release a policy-tip hold with the sender's justification (JSON)."""
    return sender_confirm(
        services, body.token, body.justification, start_audit(request, "quarantine.sender_release")
    )


@router.post(
    "/sender-release/confirm",
    response_class=HTMLResponse,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["token", "justification"],
                        "properties": {
                            "token": {"type": "string", "maxLength": 200},
                            "justification": {"type": "string", "maxLength": 10000},
                        },
                    }
                }
            },
        }
    },
)
async def sender_release_form(request: Request, services: Services) -> HTMLResponse:
    """The HTML form's target (``application/x-www-form-urlencoded``)."""
    info = start_audit(request, "quarantine.sender_release")
    raw = await request.body()
    if len(raw) > 64 * 1024:
        return html_page("Too long", "<p>The justification is too long.</p>", 413)
    try:
        form = urllib.parse.parse_qs(raw.decode("utf-8", "replace"), max_num_fields=10)
        token = (form.get("token") or [""])[0]
        justification = (form.get("justification") or [""])[0]
        clean(token)
        clean(justification)
    except ValueError:
        return html_page("Not accepted", "<p>The form contains characters that are not allowed.</p>", 422)
    try:
        decision = await anyio.to_thread.run_sync(sender_confirm, services, token, justification, info)
    except HTTPException as exc:
        detail = exc.detail if isinstance(exc.detail, str) else "a justification is required"
        return html_page("Not released", f"<p>{esc(detail)}</p>", exc.status_code)
    return html_page(
        "Released",
        f"<p>Your message is being delivered to {esc(', '.join(decision['recipients']))}.</p>",
    )
