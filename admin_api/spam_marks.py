"""A person's "spam" / "not spam" on an archived message, taught to Rspamd: the one function
behind ``POST /api/v1/archive/{id}/spam`` and the console's buttons (the archive's message
page, the quarantine entry page), so both check the same things and teach the same way.

Only inbound mail is taught (what Rspamd scores is mail from outside); learning exists where
the gateway wired it (``engines.rspamd`` with ``learn: true``). The request is audited as
``archive.mark_spam`` (who, which record, spam or not) and the learn itself once more by the
gateway (``rspamd.learn_spam`` / ``rspamd.learn_ham``, with Rspamd's answer).
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request

from admin_api.deps import audit_info
from admin_api.services import ApiServices
from admin_api.templating import gettext_for
from admin_api.users import Principal


def learning_available(services: ApiServices) -> bool:
    return services.learn_spam is not None


def mark(services: ApiServices, archive_id: int, spam: bool, p: Principal, request: Request) -> dict[str, Any]:
    """Teach Rspamd record ``archive_id`` as spam or not; HTTPException 404 (unknown record, or
    no learning here), 422 (not inbound mail), 502 (Rspamd down or refusing)."""
    info = audit_info(request)
    info["detail"] = {"spam": spam}
    if services.learn_spam is None:
        raise HTTPException(404, "spam learning is not configured on this server")
    try:
        record = services.archive.get_record(archive_id)
    except LookupError:
        raise HTTPException(404, f"no archive record {archive_id}") from None
    if record.direction != "inbound":
        raise HTTPException(422, f"archive record {archive_id} is {record.direction} mail; "
                                 "only inbound mail is taught to the spam engine")
    client = request.client.host if request.client else None
    try:
        result = services.learn_spam(archive_id, spam, p.name, p.role, client)
    except RuntimeError as exc:   # Rspamd down or refusing: said, and audited as failed
        raise HTTPException(502, str(exc)) from None
    return {"id": archive_id, "spam": spam, "result": result}


class TeachRefused(Exception):
    """The console's buttons could not teach: ``message`` says why in the reader's language."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code, self.message = status_code, message


def teach(request: Request, services: ApiServices, archive_id: int, verdict: str, p: Principal) -> str:
    """The buttons' value (``spam`` / ``ham``) taught through :func:`mark`; the confirmation in
    the reader's language, or TeachRefused (not inbound mail, Rspamd down) to show on the page."""
    _ = gettext_for(request)
    if verdict not in ("spam", "ham"):
        raise HTTPException(422, "verdict must be spam or ham")
    spam = verdict == "spam"
    try:
        mark(services, archive_id, spam, p, request)
    except HTTPException as exc:
        if exc.status_code not in (422, 502):
            raise
        audit_info(request)["outcome"] = "failed"
        raise TeachRefused(exc.status_code, _("Only mail from outside is taught to the spam filter.")
                           if exc.status_code == 422 else
                           _("The spam filter could not learn it now; try again later.")) from None
    return _("Taught to the spam filter as spam.") if spam else _("Taught to the spam filter as not spam.")
