"""Quarantine entries as a principal may see and decide them: shared by the JSON API and pages.

Department scoping (a supervisor sees only their departments' entries plus what is routed to
them; anything else is a 404 exactly like an unknown id), the no-self-approval rule, and the
mapping of service exceptions to HTTP answers live here once, so the console's pages and the
``/api/v1/quarantine`` routes cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import HTTPException, Request

from admin_api import roles
from admin_api.deps import audit_info
from admin_api.render import subject_of
from admin_api.schemas import BulkDecisionIn, field_error
from admin_api.services import ApiServices
from admin_api.users import Principal
from quarantine.deciding import mailbox, routes_of
from quarantine.routing import is_routed
from quarantine.service import (
    AlreadyDecided,
    CommentRequired,
    DuplicateApproval,
    EntryNotFound,
    InvalidRecipients,
    NotAuthorised,
    Reviewer,
)
from rules.redact import redact_text

ENTRY_KEYS = (
    "id", "status", "archive_id", "digest", "message_id", "mail_from", "recipient", "direction",
    "department", "rules", "reviewers", "review_group", "routes", "quorum", "required_approvals",
    "approvals", "sender_may_release", "comment_required", "expire_action", "created_at",
    "expires_at", "decided_at", "decided_by",
)


def scoped(principal: Principal) -> set[str] | None:
    """The departments a principal is limited to, or None for every department."""
    return set(principal.departments) if principal.role in roles.DEPARTMENT_SCOPED else None


def reviewer(principal: Principal) -> Reviewer:
    """The person deciding, with every address their account is bound to."""
    addresses = {a.lower() for a in getattr(principal, "addresses", ()) or ()}
    if principal.email:
        addresses.add(principal.email.lower())
    return Reviewer(name=principal.name, role=principal.role, addresses=frozenset(addresses))


def load_entry(services: ApiServices, entry_id: int, principal: Principal, request: Request) -> dict[str, Any]:
    """The entry if this principal may see it; otherwise 404 (audited as denied)."""
    try:
        entry = services.quarantine.get(entry_id)
    except EntryNotFound:
        raise HTTPException(404, f"no quarantine entry {entry_id}") from None
    depts = scoped(principal)
    assigned = is_routed(reviewer(principal).addresses, routes_of(entry))
    if depts is not None and entry.get("department") not in depts and not assigned:
        audit_info(request)["outcome"] = "denied"
        raise HTTPException(404, f"no quarantine entry {entry_id}")
    return entry


def not_own_message(entry: Mapping[str, Any], principal: Principal, request: Request) -> None:
    """Nobody approves their own message: the sender's release needs someone else."""
    sender = mailbox(entry.get("mail_from") or "")
    if sender and sender in {mailbox(a) for a in reviewer(principal).addresses}:
        audit_info(request)["outcome"] = "denied"
        raise HTTPException(403, "you may not release a message you sent")


def entry_subject(services: ApiServices, entry: Mapping[str, Any]) -> str | None:
    try:
        return subject_of(services.archive.open(entry["archive_id"]))
    except Exception:  # noqa: BLE001 - the list still shows the entry
        return None


def entry_out(services: ApiServices, entry: Mapping[str, Any], *, full: bool) -> dict[str, Any]:
    """An entry as the API shows it (subject redacted; evidence and history when ``full``)."""
    out = {k: entry.get(k) for k in ENTRY_KEYS}
    subject = entry_subject(services, entry)
    # the listing shows *that* a card was in the subject, as the evidence does; the value
    # itself only in the message, read through its own audited endpoint
    out["subject"] = redact_text(subject) if subject else subject
    if full:
        out["evidence"] = entry.get("evidence")
        out["history"] = [
            {k: h.get(k) for k in ("id", "actor", "action", "comment", "recipients", "at", "override")}
            for h in entry.get("history", [])
        ]
    return out


def decision_out(d: Any) -> dict[str, Any]:
    return {
        "id": d.entry_id,
        "action": d.action,
        "status": d.status,
        "actor": d.actor,
        "recipients": list(d.recipients),
        "entry_ids": list(d.entry_ids),
        "approvals": list(d.approvals),
        "pending_approvals": d.pending_approvals,
        "override": d.override,
    }


class Refused(HTTPException):
    """A 403 from the quarantine, keeping its :class:`NotAuthorised` so a page can say why
    in the reader's language (the JSON API answers with the English detail)."""

    def __init__(self, cause: NotAuthorised) -> None:
        super().__init__(403, str(cause))
        self.cause = cause


def decide(fn: Callable[[], Any]) -> dict[str, Any]:
    """Run a decision, mapping the service's refusals to 404/409/403/422."""
    try:
        return decision_out(fn())
    except EntryNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except (AlreadyDecided, DuplicateApproval) as exc:
        raise HTTPException(409, str(exc)) from None
    except NotAuthorised as exc:
        raise Refused(exc) from None
    except CommentRequired as exc:
        raise field_error(("body", "comment"), str(exc)) from None
    except InvalidRecipients as exc:
        raise field_error(("body", "recipients"), str(exc)) from None


def decide_entry(services: ApiServices, entry: Mapping[str, Any], p: Principal, request: Request, kind: str,
                 comment: str | None, recipients: list[str] | None = None, *, silent: bool = False,
                 override: bool = False) -> dict[str, Any]:
    """Release or reject ``entry`` as ``p`` (``kind``): what every way of deciding needs, in
    one place for the JSON API, the console and bulk decisions: nobody releases their own
    message, and an override is marked in the request's audit row."""
    if override:
        audit_info(request)["detail"] = {"override": True}
    svc, who, entry_id = services.quarantine, reviewer(p), int(entry["id"])
    if kind == "release":
        not_own_message(entry, p, request)
        return decide(lambda: svc.release(entry_id, who, comment, recipients, override=override))
    return decide(lambda: svc.reject(entry_id, who, comment, recipients, silent=silent, override=override))


def bulk(services: ApiServices, body: BulkDecisionIn, p: Principal, request: Request, kind: str) -> dict[str, Any]:
    """Release or reject many entries under one comment; one result per id, never all-or-nothing."""
    ids = list(dict.fromkeys(body.ids))
    audit_info(request)["record"] = ",".join(str(i) for i in ids)
    items: list[dict[str, Any]] = []
    for entry_id in ids:
        try:
            entry = load_entry(services, entry_id, p, request)
            res = decide_entry(services, entry, p, request, kind, body.comment, silent=body.silent,
                               override=body.override)
            items.append({**res, "ok": True, "status_code": 200, "error": None})
        except HTTPException as exc:
            items.append({"id": entry_id, "ok": False, "status_code": exc.status_code, "error": exc.detail})
    audit_info(request).pop("outcome", None)
    audit_info(request)["detail"] = {"results": {str(i["id"]): i["status_code"] for i in items},
                                     **({"override": True} if body.override else {})}
    return {"items": items, "total": len(items), "next": None}
