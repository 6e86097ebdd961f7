"""``/sender``: the sender's policy-tip page (the link in a "warn" hold's notice).

No sign-in: the signed, expiring link is the credential, as for
``/api/v1/sender-release``. The page shows the subject (masked like evidence), the
recipients, the rule's description and what happens next, in the sender's language (the
language switch, else the directory's setting for the sender, else the browser's). The sender
justifies and sends, or withdraws. A refused justification (only spaces) shows the form
again with a message and the text kept; nothing is ever a dead end. Fits a phone.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import Response

from admin_api import i18n
from admin_api.deps import CsrfChecked, Services, start_audit
from admin_api.entries import entry_subject
from admin_api.pages.common import anon_csrf, set_anon_csrf
from admin_api.pages.queue import describer
from admin_api.routers.sender import sender_confirm, sender_withdraw
from admin_api.services import ApiServices
from admin_api.templating import gettext_for, page_language, render
from quarantine.service import InvalidToken
from rules.redact import redact_text

router = APIRouter(include_in_schema=False)

Token = Annotated[str, Query(min_length=1, max_length=200)]
FormToken = Annotated[str, Form(max_length=200)]


def _language_of_sender(request: Request, services: ApiServices, sender: str) -> None:
    """The sender's language from the directory, unless they chose one on the page."""
    if request.cookies.get(i18n.LANG_COOKIE):
        return
    notices = getattr(services.quarantine, "notices", None)
    try:
        language = notices.language_of(sender) if notices is not None else None
    except Exception:  # noqa: BLE001 - the browser's language then
        language = None
    if language:
        request.state.prefs = {"language": language}


def _page(request: Request, services: ApiServices, token: str, *, status_code: int = 200,
          error: str | None = None, justification: str = "") -> Response:
    _ = gettext_for(request)
    try:
        data = services.quarantine.sender_view(token)
    except InvalidToken:
        data = None
    if data is None:
        response = render(request, "message.html", {
            "title": _("This link is not valid"),
            "message": _("The link has expired or was changed. Your message stays held until a reviewer decides.")},
            status_code=403)
        return response
    _language_of_sender(request, services, data["mail_from"])
    _ = gettext_for(request)
    subject = entry_subject(services, data)
    anon_csrf(request)
    response = render(request, "sender.html", {
        "data": data, "token": token, "subject": redact_text(subject) if subject else None,
        "rules": [describer(services, page_language(request)[0])(r) for r in data["rules"]], "error": error,
        "justification": justification,
    }, status_code=status_code)
    set_anon_csrf(response, request)
    return response


@router.get("/sender")
def sender_page(request: Request, services: Services, token: Token) -> Response:
    info = start_audit(request, "quarantine.sender_release_info")
    try:
        entry_id = services.quarantine.verify_sender_token(token)
        info["record"] = str(entry_id)
    except InvalidToken:
        info["outcome"] = "denied"
    return _page(request, services, token)


def _done(request: Request, services: ApiServices, token: str, title: str, message: str) -> Response:
    try:
        _language_of_sender(request, services, services.quarantine.sender_view(token)["mail_from"])
    except InvalidToken:
        pass
    return render(request, "message.html", {"title": title, "message": message})


@router.post("/sender/release")
def sender_release_page(request: Request, services: Services, token: FormToken = "",
                        justification: Annotated[str, Form(max_length=10_000)] = "",
                        _csrf: None = CsrfChecked) -> Response:
    info = start_audit(request, "quarantine.sender_release")
    try:
        decision = sender_confirm(services, token, justification, info)
    except HTTPException as exc:
        _ = gettext_for(request)
        if exc.status_code == 422:
            info["outcome"] = "refused"
            return _page(request, services, token, status_code=422, justification=justification,
                         error=_("Write why this message should be sent: your reason is recorded with it."))
        return _page(request, services, token, status_code=exc.status_code)
    _ = gettext_for(request)
    _language_of_sender(request, services, decision["actor"].removeprefix("sender:"))
    _ = gettext_for(request)
    return render(request, "message.html", {
        "title": _("Your message is on its way"),
        "message": _("It is being delivered to: %(list)s. Your reason was recorded.") % {
            "list": ", ".join(decision["recipients"])}})


@router.post("/sender/withdraw")
def sender_withdraw_page(request: Request, services: Services, token: FormToken = "",
                         justification: Annotated[str, Form(max_length=10_000)] = "",
                         _csrf: None = CsrfChecked) -> Response:
    info = start_audit(request, "quarantine.sender_withdraw")
    try:
        decision: dict[str, Any] = sender_withdraw(services, token, justification or None, info)
    except HTTPException as exc:
        return _page(request, services, token, status_code=exc.status_code)
    _language_of_sender(request, services, decision["actor"].removeprefix("sender:"))
    _ = gettext_for(request)
    return render(request, "message.html", {
        "title": _("Your message was withdrawn"),
        "message": _("It will not be delivered to: %(list)s.") % {"list": ", ".join(decision["recipients"])}})
