"""``/rules``: the live rules (description, mode, recent hits, false-positive marks), the lint
state and the last reload; a test bench (a message and its envelope -> the verdict with its
evidence, as ``mailwarden check``); a backtest of a candidate rules file as a background job
with progress. Viewing needs ``rules.read``; the bench ``rules.test``; backtests
``rules.backtest`` -- auditors see the rules and change nothing."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, HTTPException, Request, UploadFile
from fastapi.responses import Response

from admin_api import roles
from admin_api.deps import CsrfChecked, Services, audit_info, page_authz
from admin_api.jobs import JobNotFound
from admin_api.pages.common import see_other
from admin_api.routers.backtest import JobId, start_backtest
from admin_api.services import ApiServices
from admin_api.templating import gettext_for, page_language, render
from admin_api.users import Principal
from archive import tables as at
from archive.model import RecordNotFound
from quarantine.false_positives import counts as fp_counts

router = APIRouter(include_in_schema=False)
RECENT_DAYS = 7
MAX_UPLOAD = 10 * 1024 * 1024
# Starlette caps each form field at 1 MB by default: a pasted message or rules file up to
# MAX_UPLOAD must reach the handler (which answers 422 above it), not die with a 400 there.
FORM_LIMITS = {"max_part_size": MAX_UPLOAD + 1}


def _hits(services: ApiServices, since: float) -> dict[str, int]:
    r = at.records.c
    q = (sa.select(at.record_rules.c.rule, sa.func.count()).join(at.records, r.id == at.record_rules.c.record_id)
         .where(r.event == "accepted", r.received_at >= since).group_by(at.record_rules.c.rule))
    with services.engine.connect() as conn:
        return {rule: int(n) for rule, n in conn.execute(q)}


def _page(request: Request, services: ApiServices, p: Principal, *, verdict: Any = None, error: str | None = None,
          bench: dict[str, str] | None = None, status_code: int = 200) -> Response:
    if services.rules_info is None:
        raise HTTPException(503, "the live rules are not available here")
    info = services.rules_info()
    language = page_language(request)[0].replace("_", "-")
    now = services.clock()
    hits = _hits(services, now - RECENT_DAYS * 86400)
    marks = fp_counts(services.engine)
    rules = [{**r, "text": r.get("descriptions", {}).get(language) or r["description"],
              "hits": hits.get(r["name"], 0), "marks": marks.get(r["name"], 0)} for r in info["rules"]]
    return render(request, "rules.html", {
        "info": info, "rules": rules, "verdict": verdict, "error": error, "bench": bench or {},
        "may_test": roles.allowed(p.role, "rules.test"), "may_backtest": roles.allowed(p.role, "rules.backtest"),
        "recent_days": RECENT_DAYS,
    }, status_code=status_code)


@router.get("/rules")
def rules_page(request: Request, services: Services, p: Principal = Depends(page_authz("rules.read"))) -> Response:
    return _page(request, services, p)


async def _text(upload: UploadFile | None, pasted: str) -> bytes:
    if upload is not None and upload.filename:
        data = await upload.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            raise ValueError("the file is larger than 10 MB")
        if data:
            return data
    return pasted.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


@router.post("/rules/test", form_limits=FORM_LIMITS)
async def rules_test(request: Request, services: Services, message: Annotated[str, Form(max_length=MAX_UPLOAD)] = "",
                     file: UploadFile | None = None, mail_from: Annotated[str, Form(max_length=320)] = "",
                     rcpt_to: Annotated[str, Form(max_length=10_000)] = "",
                     p: Principal = Depends(page_authz("rules.test")), _csrf: None = CsrfChecked) -> Response:
    _ = gettext_for(request)
    bench = {"message": message, "mail_from": mail_from, "rcpt_to": rcpt_to}
    recipients = [a for a in rcpt_to.replace(",", " ").split() if a]
    try:
        raw = await _text(file, message)
    except ValueError as exc:
        return _page(request, services, p, error=str(exc), bench=bench, status_code=422)
    if not raw.strip() or not recipients:
        audit_info(request)["outcome"] = "failed"
        return _page(request, services, p, bench=bench, status_code=422,
                     error=_("Give a message (pasted or a file) and at least one recipient."))
    from anyio import to_thread

    verdict = await to_thread.run_sync(services.rules_test, raw, mail_from, recipients)
    audit_info(request)["detail"] = {"action": verdict.get("action"), "size": len(raw)}
    return _page(request, services, p, verdict=verdict, bench=bench)


@router.post("/rules/backtest", form_limits=FORM_LIMITS)
async def rules_backtest(request: Request, services: Services, rules: Annotated[str, Form(max_length=MAX_UPLOAD)] = "",
                         file: UploadFile | None = None, days: Annotated[float, Form(gt=0, le=3660)] = 7,
                         p: Principal = Depends(page_authz("rules.backtest")), _csrf: None = CsrfChecked) -> Response:
    _ = gettext_for(request)
    try:
        text = (await _text(file, rules)).decode("utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        return _page(request, services, p, error=str(exc), status_code=422)
    if services.backtest is None or services.jobs is None:
        raise HTTPException(503, "backtests are not available here")
    if not text.strip():
        return _page(request, services, p, error=_("Paste or upload a rules file."), status_code=422)
    try:
        job_id = start_backtest(services, p.name, text, days)
    except ValueError as exc:
        audit_info(request)["outcome"] = "failed"
        return _page(request, services, p, error=str(exc), status_code=422)
    audit_info(request).update(record=str(job_id), detail={"days": days})
    return see_other(f"/rules/backtest/{job_id}")


@router.get("/rules/backtest/{job_id}")
def rules_backtest_page(request: Request, services: Services, job_id: JobId,
                        p: Principal = Depends(page_authz("rules.backtest"))) -> Response:
    audit_info(request)["record"] = str(job_id)
    if services.jobs is None:
        raise HTTPException(404, "no such backtest")
    try:
        job = services.jobs.get(job_id, owner=p.name, kind="backtest")
    except JobNotFound:
        raise HTTPException(404, "no such backtest") from None
    samples = _sample_summaries(services, job)
    if samples:
        audit_info(request).setdefault("detail", {})["samples_shown"] = len(samples)
    return render(request, "backtest.html", {"job": job, "kind": "backtest", "now": time.time(), "samples": samples,
                                             "refresh": job["state"] in ("queued", "running")})


SAMPLES_SHOWN = 5   # per rule and change: date, sender and subject; the rest as links


def _sample_summaries(services: ApiServices, job: Mapping[str, Any]) -> dict[int, Any]:
    """Who sent what, when, for the first samples of each change, so an administrator sees
    *which* mail a candidate rule would hold or release, not bare record numbers. The subjects
    are decrypted for this page view only (backtesters hold archive.read; the view is audited)."""
    if job.get("state") != "done" or not isinstance(job.get("result"), Mapping):
        return {}
    wanted: list[int] = []
    for figures in job["result"].get("rules", {}).values():
        for change in ("newly_held", "newly_released", "newly_rejected"):
            wanted += [int(i) for i in figures.get(change, {}).get("samples", [])[:SAMPLES_SHOWN]]
    found: dict[int, Any] = {}
    for record_id in dict.fromkeys(wanted):
        try:
            found[record_id] = services.archive.get_record(record_id)
        except RecordNotFound:
            continue          # purged since the backtest ran: the bare id stays, its link says so
    return found
