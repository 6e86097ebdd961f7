"""``/api/v1/rules/backtest``: a candidate rules file against the archive, as a background job.

Starting one answers ``202`` with the job at once (a bad rules file: ``422`` naming
``rules`` with file:line, before any job exists); its progress and result are read back by
id, from any process, after any page reload. People see their own backtests.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from admin_api.deps import Services, audit_info, authz
from admin_api.jobs import JobNotFound
from admin_api.schemas import MAX_ID, Cursor, Limit, clean, cursor_of, field_error
from admin_api.services import ApiServices
from admin_api.users import Principal

router = APIRouter(tags=["rules"])
JobId = Annotated[int, Path(ge=1, le=MAX_ID, description="job id")]
MAX_RULES = 2 * 1024 * 1024


class BacktestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rules: Annotated[str, Field(min_length=1, max_length=MAX_RULES, description="the candidate rules.yaml"),
                     AfterValidator(clean)]
    days: Annotated[float, Field(gt=0, le=3660, description="the archive of the last N days")] = 7


def _jobs(services: ApiServices) -> Any:
    if services.jobs is None or services.backtest is None:
        raise HTTPException(503, "backtests are not available on this server")
    return services.jobs


def start_backtest(services: ApiServices, owner: str, rules: str, days: float) -> int:
    """Validate the candidate, start the job; ValueError (file:line) for a bad rules file.
    The console's page calls this too."""
    jobs = _jobs(services)
    work = services.backtest(rules, days)
    return jobs.submit("backtest", owner, {"days": days, "rules_bytes": len(rules.encode())}, work)


def job_out(job: dict[str, Any]) -> dict[str, Any]:
    return {k: job.get(k) for k in ("id", "kind", "owner", "state", "done", "total", "percent", "params",
                                     "result", "error", "created_at", "updated_at", "finished_at")}


@router.post("/rules/backtest", status_code=202)
def backtest_start(body: BacktestIn, request: Request, services: Services,
                   p: Principal = Depends(authz("rules.backtest"))) -> JSONResponse:
    try:
        job_id = start_backtest(services, p.name, body.rules, body.days)
    except ValueError as exc:
        raise field_error(("body", "rules"), str(exc)) from None
    audit_info(request).update(record=str(job_id), detail={"days": body.days})
    return JSONResponse(job_out(services.jobs.get(job_id)), status_code=202)


@router.get("/rules/backtest")
def backtest_list(services: Services, cursor: Cursor = None, limit: Limit = 50,
                  p: Principal = Depends(authz("rules.backtest"))) -> dict[str, Any]:
    items, nxt = _jobs(services).list(owner=p.name, kind="backtest", limit=limit, cursor=cursor_of(cursor))
    return {"items": [job_out(i) for i in items], "total": len(items), "next": nxt}


@router.get("/rules/backtest/{job_id}")
def backtest_get(job_id: JobId, request: Request, services: Services,
                 p: Principal = Depends(authz("rules.backtest"))) -> dict[str, Any]:
    audit_info(request)["record"] = str(job_id)
    try:
        return job_out(_jobs(services).get(job_id, owner=p.name, kind="backtest"))
    except JobNotFound:
        raise HTTPException(404, f"no backtest {job_id}") from None
