"""``/queue``: the triage queue, a dense table of held entries with filters, search, sort,
paging and bulk release or reject under one comment.

Everything works without JavaScript: the filters are a GET form, the bulk decision a POST
form around the table's checkboxes. ``/static/queue.js`` only adds keyboard shortcuts (j/k to
move, x to select, r release, d reject, / search, ? help). The rows come from
:meth:`quarantine.service.QuarantineService.triage` with the same department scope as the JSON
API's list, and a bulk decision runs :meth:`~quarantine.service.QuarantineService.decide_many`
with the same authorisation and audit action as ``POST /api/v1/quarantine/release|reject``.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import Response

from admin_api import i18n, periods, roles
from admin_api.deps import CsrfChecked, Services, audit_info, page_authz
from admin_api.entries import entry_subject, load_entry, reviewer, scoped
from admin_api.pages.common import decision_form, see_other
from admin_api.services import ApiServices
from admin_api.templating import gettext_for, page_language, render
from admin_api.users import Principal
from quarantine.deciding import OVERRIDE_ROLES
from quarantine.service import CommentRequired, TriageQuery
from quarantine.triage import PAGE_SIZES, SORTS
from rules.engine import SPAM_RULE
from rules.redact import redact_text

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Query(max_length=320)]
FILTERS = ("q", "status", "rule", "department", "sender", "recipient", "after", "before", "sort", "dir", "per_page")


def left(seconds: float | None, _: Any) -> str:
    """Time left as a person reads it: days and hours, hours and minutes, or minutes."""
    if seconds is None:
        return ""
    minutes = int(seconds // 60)
    days, hours, mins = minutes // 1440, (minutes // 60) % 24, minutes % 60
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": mins}
    return _("%(m)d min") % {"m": mins}


def place(where: str, _: Any) -> str:
    """Where evidence was found, in the reader's language (``attachment:a.zip/b.docx`` keeps its path)."""
    kind, _sep, rest = str(where).partition(":")
    names = {"body": _("body"), "subject": _("subject"), "attachment": _("attachment"), "header": _("header"),
             "envelope": _("envelope"), "message": _("the whole message"), "headers": _("headers"),
             "authentication": _("sender authentication"), "rspamd": "Rspamd"}
    label = names.get(kind, kind)
    return f"{label} {rest}" if rest else label


def subject_reader(services: ApiServices) -> Any:
    """Subjects for the rows, masked like evidence (a card number in a subject shows as ****)."""
    def subject(entry: Any) -> str | None:
        text = entry_subject(services, entry)
        return redact_text(text) if text else text
    return subject


def describer(services: ApiServices, language: str | None = None) -> Any:
    """rule -> its description, in ``language`` where the rules file gives one. The spam
    score's own hit (``spam-threshold``, no rule of the file) is described in the console's
    catalogs, so a Chinese reader does not see the code."""
    if services.describe_rule is not None:
        describe = services.describe_rule
        base = lambda rule: describe(rule, language)  # noqa: E731
    else:
        notices = getattr(services.quarantine, "notices", None)
        base = getattr(notices, "describe", None) or (lambda rule: rule)
    _ = i18n.translations(i18n.normalise(language) or i18n.DEFAULT).gettext
    spam = _("The spam score crossed the hold threshold")
    return lambda rule: spam if rule == SPAM_RULE else base(rule)


@router.get("/queue")
def queue_page(
    request: Request,
    services: Services,
    p: Principal = Depends(page_authz("quarantine.list")),
    q: Text = "", status: Text = "held", rule: Text = "", department: Text = "", sender: Text = "",
    recipient: Text = "", after: Text = "", before: Text = "", sort: Text = "received", dir: Text = "desc",
    per_page: Annotated[int, Query(ge=1, le=1000)] = 50, page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    done: Text = "",
) -> Response:
    _ = gettext_for(request)
    language, zone = page_language(request)
    form = {"q": q, "status": status, "rule": rule, "department": department, "sender": sender,
            "recipient": recipient, "after": after, "before": before, "sort": sort, "dir": dir,
            "per_page": str(per_page)}
    error = None
    try:   # the days in the reader's zone; a bad or inverted pair is said, not an empty table
        start, end = periods.bounds(after, before, zone)
    except periods.PeriodError as exc:
        error = periods.message(exc, _) + " " + _("The dates were left out.")
        start = end = None
        form.update(after="", before="")
    try:
        query = TriageQuery(
            status=status or None, rule=rule or None, department=department or None, sender=sender or None,
            recipient=recipient or None, after=start, before=end,
            q=q or None, sort=sort, descending=dir != "asc", page=page, per_page=per_page)
    except ValueError:
        error = _("Some filters are not valid; they were reset.")
        form.update(status="held", sort="received", dir="desc", per_page="50", after="", before="")
        query = TriageQuery(q=q or None)
    result = services.quarantine.triage(
        query, departments=scoped(p), reviewer=sorted(reviewer(p).addresses),
        subject_of=subject_reader(services), describe=describer(services, language))
    audit_info(request)["detail"] = {"page": result.page, "rows": len(result.rows), "total": result.total}
    base = {k: v for k, v in form.items() if v}

    def link(**change: Any) -> str:
        return "/queue?" + urlencode({**base, **{k: v for k, v in change.items() if v}})

    return render(request, "queue.html", {
        "rows": [{**r, "left": left(r["time_left"], _),
                  "evidence": [{**e, "where": [place(w, _) for w in e["where"]]} for e in r["evidence"]]}
                 for r in result.rows],
        "result": result, "form": form, "error": error, "done": done, "link": link,
        "rule_label": describer(services, language),
        "sorts": list(SORTS), "page_sizes": PAGE_SIZES,
        "statuses": ("held", "released", "rejected", "expired"),
        "may_decide": roles.allowed(p.role, "quarantine.bulk_release"),
        "may_override": p.role in OVERRIDE_ROLES,
        "back": link(page=result.page if result.page > 1 else None),
    })


@router.post("/queue/decide")
def queue_decide(
    request: Request,
    services: Services,
    p: Principal = Depends(page_authz("quarantine.list")),
    _csrf: None = CsrfChecked,
    action: Annotated[str, Form(max_length=10)] = "",
    comment: Annotated[str, Form(max_length=10_000)] = "",
    ids: Annotated[list[int], Form(max_length=500)] = [],  # noqa: B006 - FastAPI form default
    back: Annotated[str, Form(max_length=2000)] = "/queue",
    override: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Release or reject the selected entries with one comment; back to the queue, which
    says what happened to each."""
    _ = gettext_for(request)
    info = decision_form(request, p, action, "quarantine.bulk_{action}")
    info["record"] = ",".join(str(i) for i in ids)
    target = back if back.startswith("/queue") and not back.startswith("//") else "/queue"
    sep = "&" if "?" in target else "?"
    if not ids:
        return see_other(target + sep + urlencode({"done": _("Select at least one message.")}))
    who = reviewer(p)

    def visible(entry: Any) -> bool:
        try:
            load_entry(services, int(entry["id"]), p, request)
        except HTTPException:
            return False
        return True

    try:
        results = services.quarantine.decide_many(ids, who, action, comment, visible=visible,
                                                  override=override == "yes")
    except CommentRequired:
        return see_other(target + sep + urlencode({"done": _("Write one comment for the selected messages.")}))
    info.pop("outcome", None)
    info["detail"] = {"results": {str(r.entry_id): r.outcome for r in results}, "comment": bool(comment.strip()),
                      **({"override": True} if override == "yes" else {})}
    ok = sum(r.ok for r in results)
    message = (_("Released: %(n)d of %(total)d.") if action == "release" else _("Rejected: %(n)d of %(total)d.")) % {
        "n": ok, "total": len(results)}
    refused = [f"#{r.entry_id} ({r.outcome})" for r in results if not r.ok]
    if refused:
        message += " " + _("Not decided: %(list)s") % {"list": ", ".join(refused[:20])}
    return see_other(target + sep + urlencode({"done": message}))
