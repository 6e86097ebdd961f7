"""``/archive``: the auditors' search page (query box and structured form, results with the
query's words highlighted in snippets decrypted for this view only, cursor paging, saved
searches, a legal hold from the search, an export as a background job) and ``/archive/{id}``:
one message with its timeline and an audited raw download.

Pages call the same functions as the JSON API (``run_search``, ``compose``, ``place_hold``,
``start_export``, ``record_timeline``) and are audited under the same action names.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import Response, StreamingResponse

from admin_api import periods, roles
from admin_api.deps import CsrfChecked, Services, audit_info, open_archive, page_authz
from admin_api.findings_view import findings_view
from admin_api.jobs import JobNotFound
from admin_api.pages.common import see_other
from admin_api.record_timeline import FINDINGS_SINCE, record_timeline
from admin_api.render import render_message
from admin_api.responses import raw_response
from admin_api.routers.exports import JobId, opening_key, start_export
from admin_api.routers.holds import HoldId, place_hold
from admin_api.routers.search import SearchId, run_search
from admin_api.schemas import ArchiveId
from admin_api.sealed_file import read_sealed
from admin_api.search import FormError, compose, delete_search, list_searches, save_search
from admin_api.services import ApiServices
from admin_api.spam_marks import TeachRefused, learning_available, teach
from admin_api.templating import gettext_for, page_language, render
from admin_api.users import Principal

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Query(max_length=1000)]
Short = Annotated[str, Query(max_length=320)]
FIELDS = ("sender", "recipient", "domain", "direction", "verdict", "rule", "after", "before")
FormText = Annotated[str, Form(max_length=1000)]
FormShort = Annotated[str, Form(max_length=320)]


def _compose(request: Request, q: str, filters: dict[str, Any]) -> str:
    """The query text of the form, its days in the reader's time zone (the zone every time
    on their pages is shown in); a bad date is a FormError in the reader's language."""
    try:
        return compose(q, {k: v for k, v in filters.items() if v}, zone=page_language(request)[1])
    except periods.PeriodError as exc:
        raise FormError(exc.field, periods.message(exc, gettext_for(request))) from None


def _filters(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: values.get(k) or "" for k in FIELDS}
    out["has_attachment"] = bool(values.get("has_attachment"))
    return out


def _search_page(request: Request, services: ApiServices, p: Principal, q: str, filters: dict[str, Any], *,
                 cursor: str = "", error: str | None = None, notice: str | None = None,
                 status_code: int = 200) -> Response:
    answer: dict[str, Any] | None = None
    text = ""
    if error is None and (q or any(v for v in filters.values())):
        try:
            text = _compose(request, q, filters)
            answer, shown = run_search(services, text, cursor=cursor or None, limit=20, snippets=True)
            audit_info(request)["detail"] = {"q_length": len(text), "shown": shown}
        except FormError as exc:
            error, status_code = str(exc), 422
        except HTTPException as exc:
            detail = exc.detail[0]["msg"] if isinstance(exc.detail, list) else str(exc.detail)
            error, status_code = detail, 422
    params = urlencode([(k, "on" if v is True else v) for k, v in (("q", q), *filters.items()) if v])
    return render(request, "archive_search.html", {
        "q": q, "filters": filters, "answer": answer, "text": text, "error": error, "notice": notice,
        "saved": list_searches(services.engine, p.name), "params": params,
        "may_hold": roles.allowed(p.role, "archive.holds.write"),
        "holds": services.retention.holds() if services.retention is not None
        and roles.allowed(p.role, "archive.holds.read") else None,
    }, status_code=status_code)


@router.get("/archive")
def archive_page(request: Request, services: Services, q: Text = "", sender: Short = "", recipient: Short = "",
                 domain: Short = "", direction: Short = "", verdict: Short = "", rule: Short = "",
                 has_attachment: Short = "", after: Short = "", before: Short = "",
                 cursor: Annotated[str, Query(max_length=200)] = "",
                 p: Principal = Depends(page_authz("archive.search"))) -> Response:
    filters = _filters(locals())
    return _search_page(request, services, p, q, filters, cursor=cursor)


@router.post("/archive/save")
def archive_save(request: Request, services: Services, name: Annotated[str, Form(min_length=1, max_length=200)],
                 q: FormText = "", sender: FormShort = "", recipient: FormShort = "", domain: FormShort = "",
                 direction: FormShort = "", verdict: FormShort = "", rule: FormShort = "",
                 has_attachment: FormShort = "", after: FormShort = "", before: FormShort = "",
                 p: Principal = Depends(page_authz("archive.searches")), _csrf: None = CsrfChecked) -> Response:
    _ = gettext_for(request)
    filters = _filters(locals())
    try:
        text = _compose(request, q, filters)
        saved = save_search(services.engine, p.name, name.strip() or name, text, filters, clock=services.clock)
    except ValueError as exc:
        return _search_page(request, services, p, q, filters, error=str(exc), status_code=422)
    audit_info(request)["record"] = f"search:{saved['id']}"
    return _search_page(request, services, p, q, filters, notice=_("Search saved."))


@router.post("/archive/saved/{search_id}/delete")
def archive_saved_delete(request: Request, services: Services, search_id: SearchId,
                         p: Principal = Depends(page_authz("archive.searches")), _csrf: None = CsrfChecked) -> Response:
    audit_info(request)["record"] = f"search:{search_id}"
    try:
        delete_search(services.engine, p.name, search_id)
    except LookupError:
        raise HTTPException(404, "no such saved search") from None
    return see_other("/archive")


@router.post("/archive/hold")
def archive_hold(request: Request, services: Services, reason: Annotated[str, Form(max_length=2000)] = "",
                 q: FormText = "", sender: FormShort = "", recipient: FormShort = "", domain: FormShort = "",
                 direction: FormShort = "", verdict: FormShort = "", rule: FormShort = "",
                 has_attachment: FormShort = "", after: FormShort = "", before: FormShort = "",
                 p: Principal = Depends(page_authz("archive.holds.write")), _csrf: None = CsrfChecked) -> Response:
    _ = gettext_for(request)
    filters = _filters(locals())
    if services.retention is None:
        raise HTTPException(503, "legal holds are not available")
    try:
        text = _compose(request, q, filters)
        if not text:
            raise ValueError(_("A legal hold needs a query or a filter."))
        hold = place_hold(services, p, "query", text, reason)
    except ValueError as exc:
        return _search_page(request, services, p, q, filters, error=str(exc), status_code=422)
    audit_info(request).update(record=f"hold:{hold['id']}", detail={"kind": "query"})
    return _search_page(request, services, p, q, filters,
                        notice=_("Legal hold %(id)s placed on this search.") % {"id": hold["id"]})


@router.post("/archive/holds/{hold_id}/release")
def archive_hold_release(request: Request, services: Services, hold_id: HoldId,
                         reason: Annotated[str, Form(max_length=2000)] = "",
                         p: Principal = Depends(page_authz("archive.holds.write")),
                         _csrf: None = CsrfChecked) -> Response:
    """Release a legal hold (its records follow the retention policy again); who and why are kept."""
    _ = gettext_for(request)
    audit_info(request)["record"] = f"hold:{hold_id}"
    if services.retention is None:
        raise HTTPException(503, "legal holds are not available")
    try:
        services.retention.release_hold(hold_id, p.name, reason.strip())
    except ValueError:
        raise HTTPException(404, "no such active legal hold") from None
    return _search_page(request, services, p, "", _filters({}),
                        notice=_("Legal hold %(id)s released.") % {"id": hold_id})


@router.post("/archive/export")
def archive_export(request: Request, services: Services,
                   q: FormText = "", sender: FormShort = "", recipient: FormShort = "", domain: FormShort = "",
                   direction: FormShort = "", verdict: FormShort = "", rule: FormShort = "",
                   has_attachment: FormShort = "", after: FormShort = "", before: FormShort = "",
                   p: Principal = Depends(page_authz("archive.export")), _csrf: None = CsrfChecked) -> Response:
    filters = _filters(locals())
    if services.jobs is None or services.export_dir is None:
        raise HTTPException(503, "exports are not available")
    try:
        text = _compose(request, q, filters)
    except FormError as exc:
        return _search_page(request, services, p, q, filters, error=str(exc), status_code=422)
    job_id = start_export(services, p.name, text)
    audit_info(request).update(record=f"job:{job_id}", detail={"q_length": len(text)})
    return see_other(f"/archive/exports/{job_id}")


def _export_job(services: ApiServices, job_id: JobId, p: Principal) -> dict[str, Any]:
    if services.jobs is None:
        raise HTTPException(404, "no such export")
    try:
        return services.jobs.get(job_id, owner=p.name, kind="export")
    except JobNotFound:
        raise HTTPException(404, "no such export") from None


@router.get("/archive/exports/{job_id}")
def archive_export_page(request: Request, services: Services, job_id: JobId,
                        p: Principal = Depends(page_authz("archive.export"))) -> Response:
    audit_info(request)["record"] = f"job:{job_id}"
    job = _export_job(services, job_id, p)
    return render(request, "job.html", {"job": job, "kind": "export",
                                        "refresh": job["state"] in ("queued", "running")})


@router.get("/archive/exports/{job_id}/download")
def archive_export_download(request: Request, services: Services, job_id: JobId,
                            p: Principal = Depends(page_authz("archive.export"))) -> Response:
    from pathlib import Path

    audit_info(request)["record"] = f"job:{job_id}"
    job = _export_job(services, job_id, p)
    if job["state"] != "done":
        raise HTTPException(409, "the export is not finished")
    result = job["result"]
    path = Path(services.export_dir) / f"{result['file']}.mwx"
    if not path.is_file():
        raise HTTPException(404, "the export is no longer kept")
    key = opening_key(services.archive.keyring, result)
    return StreamingResponse(read_sealed(path, key, result["file"]), media_type="application/zip",
                             headers={"Content-Disposition": f'attachment; filename="export-{job_id}.zip"'})


def _record_page(request: Request, services: ApiServices, archive_id: int, p: Principal, *,
                 done: str | None = None, error: str | None = None, status_code: int = 200) -> Response:
    raw = open_archive(services, archive_id)
    try:
        story = record_timeline(services.engine, services.quarantine, archive_id, raw=raw,
                                deliveries=services.record_deliveries,
                                session=services.archive.record_session(archive_id),
                                screening=services.archive.record_screening(archive_id))
    except LookupError:
        raise HTTPException(404, "no such record") from None
    may_teach = (learning_available(services) and roles.allowed(p.role, "archive.mark_spam")
                 and story["record"].get("direction") == "inbound")
    screened = next((e["detail"] for e in story["events"] if e["kind"] == "screened"), {})
    return render(request, "archive_record.html", {
        "id": archive_id, "message": render_message(raw), "story": story, "done": done, "error": error,
        "findings": findings_view(screened.get("findings"), gettext_for(request)),
        "findings_since": FINDINGS_SINCE,
        "may_teach": may_teach, "spam_action": f"/archive/{archive_id}/spam"}, status_code=status_code)


@router.get("/archive/{archive_id}")
def archive_record_page(request: Request, services: Services, archive_id: ArchiveId,
                        done: Annotated[str, Query(max_length=500)] = "",
                        p: Principal = Depends(page_authz("archive.read"))) -> Response:
    audit_info(request)["record"] = str(archive_id)
    return _record_page(request, services, archive_id, p, done=done or None)


@router.post("/archive/{archive_id}/spam")
def archive_record_spam(request: Request, services: Services, archive_id: ArchiveId,
                        verdict: Annotated[str, Form(max_length=10)] = "",
                        p: Principal = Depends(page_authz("archive.mark_spam")),
                        _csrf: None = CsrfChecked) -> Response:
    """The "spam" / "not spam" buttons: the API's mark, then the page with what was taught."""
    audit_info(request)["record"] = str(archive_id)
    try:
        done = teach(request, services, archive_id, verdict, p)
    except TeachRefused as exc:
        return _record_page(request, services, archive_id, p, error=exc.message, status_code=exc.status_code)
    return see_other(f"/archive/{archive_id}?" + urlencode({"done": done}))


@router.get("/archive/{archive_id}/raw")
def archive_record_raw(request: Request, services: Services, archive_id: ArchiveId,
                       p: Principal = Depends(page_authz("archive.raw"))) -> Response:
    audit_info(request)["record"] = str(archive_id)
    return raw_response(open_archive(services, archive_id), f"archive-{archive_id}.eml")
