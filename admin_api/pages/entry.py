"""``/quarantine/{id}``: one held message for its reviewer, where every notice links.

The page shows what a reviewer needs to decide: the facts (sender, recipients and their
states, subject, department, time left), the rules with their descriptions, the evidence
with every match and the masked values highlighted (and the same findings marked in the
message's text and HTML, :mod:`admin_api.evidence_marks`), the message itself rendered safely
(:func:`admin_api.render.render_message`: text decoded correctly, HTML sanitised, attachments
with their true type and what was found in them), the four-eyes state, the timeline, and the
raw ``.eml`` (through the audited API download). Forms: release or reject per recipient with
a comment (a compliance officer may override the routing), and a "false positive" mark.

Scoping, authorisation and audit are the JSON API's (:mod:`admin_api.entries`): another
department's entry is a 404 here too. A refused decision shows the page again with the
reason and the comment kept.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import Response

from admin_api import roles
from admin_api.deps import CsrfChecked, Services, audit_info, open_archive, page_authz
from admin_api.entries import Refused, decide_entry, load_entry, reviewer
from admin_api.evidence_marks import body_patterns, mark_html, mark_text
from admin_api.pages.common import decision_form, see_other
from admin_api.pages.queue import describer, left, place
from admin_api.render import render_message
from admin_api.routers.quarantine import archive_record_of
from admin_api.schemas import EntryId
from admin_api.services import ApiServices
from admin_api.spam_marks import TeachRefused, learning_available, teach
from admin_api.templating import gettext_for, page_language, render
from admin_api.users import Principal
from quarantine import tables as qt
from quarantine.deciding import OVERRIDE_ROLES, mailbox, quorum_of, routes_of
from quarantine.evidence_view import hits_of, panel
from quarantine.routing import is_routed, pending
from quarantine.service import CommentRequired, InvalidRule

router = APIRouter(include_in_schema=False)

Comment = Annotated[str, Form(max_length=10_000)]


def _siblings(services: ApiServices, entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Every recipient of the same held message with its entry's state."""
    e = qt.entries.c
    with services.engine.connect() as conn:
        rows = conn.execute(sa.select(e.id, e.recipient, e.status, e.decided_by, e.decided_at)
                            .where(e.archive_id == entry["archive_id"]).order_by(e.id)).all()
    return [dict(r._mapping) for r in rows]


def _attachment_findings(attachments: list[dict[str, Any]], evidence: Any) -> list[dict[str, Any]]:
    """Each attachment with the evidence found in it (``where`` = ``attachment:<path>``)."""
    found: dict[str, list[str]] = {}
    for hit in hits_of(evidence):
        for item in hit.get("evidence") or []:
            where = str(item.get("where") or "")
            if where.startswith("attachment:"):
                path = where[len("attachment:"):]
                found.setdefault(path.split("/")[0].split("!")[0], []).append(str(hit.get("rule") or ""))
    out = []
    for att in attachments:
        rules = found.get(att.get("name") or "", [])
        out.append({**att, "findings": sorted(set(rules))})
    return out


def reasons(rules: list[str], hits: list[dict[str, Any]], describe: Any, _: Any) -> list[dict[str, Any]]:
    """Why the message was held, once per rule: its description (in the reader's language),
    name, confidence and the evidence found for it. The entry's rules come first, in their
    order; evidence of a rule not among them (an audit-mode hit) follows. Old pages listed the
    rules and then the same descriptions again above the evidence."""
    out: dict[str, dict[str, Any]] = {
        r: {"name": r, "description": describe(r), "mode": None, "confidence": None, "items": []} for r in rules}
    for hit in hits:
        name = hit["rule"]
        reason = out.setdefault(name or f"#{len(out)}", {
            "name": name, "description": describe(name) if name else hit["description"], "mode": None,
            "confidence": None, "items": []})
        reason["mode"] = reason["mode"] or hit.get("mode")
        reason["confidence"] = reason["confidence"] or hit.get("confidence")
        reason["items"] += [{**i, "where": place(i["where"], _)} for i in hit["items"]]
    return list(out.values())


def entry_context(request: Request, services: ApiServices, p: Principal, entry_id: int) -> dict[str, Any]:
    """Everything the entry page shows (raises 404 for an entry this person may not see)."""
    _ = gettext_for(request)
    svc = services.quarantine
    entry = load_entry(services, entry_id, p, request)
    who = reviewer(p)
    view = render_message(open_archive(services, entry["archive_id"]))
    describe = describer(services, page_language(request)[0])
    approvers = entry.get("approvers") or []
    still = pending(quorum_of(entry), routes_of(entry), approvers) if entry["status"] == "held" else 0
    own = bool(mailbox(entry.get("mail_from") or "")) and mailbox(entry["mail_from"]) in {
        mailbox(a) for a in who.addresses}
    routed = is_routed(who.addresses, routes_of(entry))
    may_decide = (roles.allowed(p.role, "quarantine.release") and entry["status"] == "held" and not own
                  and (routed or p.role in OVERRIDE_ROLES))
    siblings = _siblings(services, entry)
    found = body_patterns(entry.get("evidence"))
    return {
        "entry": entry,
        "view": view,
        "text_marked": mark_text(view.get("text") or "", found),
        "html_marked": mark_html(view["html"], found) if view.get("html") else None,
        "recipients": siblings,
        "rules": [{"name": r, "description": describe(r)} for r in entry.get("rules") or []],
        "reasons": reasons(list(entry.get("rules") or []), panel(entry.get("evidence"), terms_of=services.rule_terms),
                           describe, _),
        "attachments": _attachment_findings(view.get("attachments") or [], entry.get("evidence")),
        "approvers": approvers,
        "approvals_given": len(approvers),
        "approvals_needed": len(approvers) + still,
        "routes": routes_of(entry),
        "timeline": [
            {"actor": None, "comment": None, "recipients": [], "detail": {}, "override": False, **ev}
            for ev in svc.timeline(entry_id, deliveries=services.delivery_events(entry),
                                   record=archive_record_of(services, entry["archive_id"]))
        ],
        "marks": svc.false_positive_marks(entry_id),
        "left": left(max(0.0, entry["expires_at"] - services.clock()), _) if entry["status"] == "held" else "",
        "may_decide": may_decide,
        "may_override": may_decide and not routed and p.role in OVERRIDE_ROLES,
        "own": own,
        "may_mark": roles.allowed(p.role, "quarantine.false_positive"),
        "may_teach": (learning_available(services) and roles.allowed(p.role, "archive.mark_spam")
                      and entry.get("direction") == "inbound"),
        "spam_action": f"/quarantine/{entry_id}/spam",
        "may_raw": roles.allowed(p.role, "quarantine.raw"),
        "form": {"comment": "", "recipients": [], "reason": ""},
        "error": None,
        "done": None,
    }


@router.get("/quarantine/{entry_id}")
def entry_page(entry_id: EntryId, request: Request, services: Services,
               p: Principal = Depends(page_authz("quarantine.read")),
               done: Annotated[str, Query(max_length=500)] = "") -> Response:
    context = entry_context(request, services, p, entry_id)
    context["done"] = done or None
    return render(request, "entry.html", context)


def _again(request: Request, services: ApiServices, p: Principal, entry_id: int, status: int, error: str,
           form: dict[str, Any]) -> Response:
    """The entry page again, with the reason it was refused and what was typed kept."""
    context = entry_context(request, services, p, entry_id)
    context.update(error=error, form={**context["form"], **form})
    return render(request, "entry.html", context, status_code=status)


@router.post("/quarantine/{entry_id}/decide")
def entry_decide(
    entry_id: EntryId, request: Request, services: Services,
    p: Principal = Depends(page_authz("quarantine.read")),
    _csrf: None = CsrfChecked,
    action: Annotated[str, Form(max_length=10)] = "",
    comment: Comment = "",
    recipients: Annotated[list[str], Form(max_length=1000)] = [],  # noqa: B006 - FastAPI form default
    override: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    _ = gettext_for(request)
    info = decision_form(request, p, action, "quarantine.{action}")
    entry = load_entry(services, entry_id, p, request)
    chosen = [r for r in recipients if r.strip()] or None
    form = {"comment": comment, "recipients": chosen or []}
    try:
        d = decide_entry(services, entry, p, request, action, comment, chosen, override=override == "yes")
    except HTTPException as exc:
        info["outcome"] = "refused"
        detail = exc.detail if isinstance(exc.detail, str) else _("Write a comment saying why.")
        if isinstance(exc, Refused) and exc.cause.rerouted_to:
            detail = _("The directory changed after this message was held: it is now routed to %(people)s, "
                       "and you are not among its reviewers.") % {"people": ", ".join(exc.cause.rerouted_to)}
        return _again(request, services, p, entry_id, exc.status_code, detail, form)
    if d["action"] == "approve":
        message = _("Your approval is recorded; %(n)d more needed.") % {"n": d["pending_approvals"]}
    elif d["status"] == "released" or action == "release":
        message = _("Released to: %(list)s") % {"list": ", ".join(d["recipients"])}
    else:
        message = _("Rejected for: %(list)s") % {"list": ", ".join(d["recipients"])}
    return see_other(f"/quarantine/{entry_id}?" + urlencode({"done": message}))


@router.post("/quarantine/{entry_id}/false-positive")
def entry_false_positive(
    entry_id: EntryId, request: Request, services: Services,
    p: Principal = Depends(page_authz("quarantine.false_positive")),
    _csrf: None = CsrfChecked,
    reason: Annotated[str, Form(max_length=2000)] = "",
    rules: Annotated[list[str], Form(max_length=100)] = [],  # noqa: B006 - FastAPI form default
) -> Response:
    _ = gettext_for(request)
    load_entry(services, entry_id, p, request)
    try:
        marked = services.quarantine.mark_false_positive(entry_id, p.name, reason, rules or None)
    except CommentRequired:
        return _again(request, services, p, entry_id, 422, _("Say why this is a false positive."), {"reason": reason})
    except InvalidRule as exc:
        return _again(request, services, p, entry_id, 422, str(exc), {"reason": reason})
    audit_info(request)["detail"] = {"rules": marked}
    message = _("Marked as a false positive of: %(list)s") % {"list": ", ".join(marked)}
    return see_other(f"/quarantine/{entry_id}?" + urlencode({"done": message}))


@router.post("/quarantine/{entry_id}/spam")
def entry_spam(
    entry_id: EntryId, request: Request, services: Services,
    p: Principal = Depends(page_authz("archive.mark_spam")),
    _csrf: None = CsrfChecked,
    verdict: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """The "spam" / "not spam" buttons on a held message: its archived copy taught to Rspamd
    exactly as ``POST /api/v1/archive/{id}/spam`` would (the entry's own scope checked first)."""
    entry = load_entry(services, entry_id, p, request)
    audit_info(request)["record"] = str(entry["archive_id"])
    try:
        done = teach(request, services, int(entry["archive_id"]), verdict, p)
    except TeachRefused as exc:
        return _again(request, services, p, entry_id, exc.status_code, exc.message, {})
    return see_other(f"/quarantine/{entry_id}?" + urlencode({"done": done}))
