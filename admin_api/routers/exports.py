"""``/api/v1/archive/exports``: a search exported as a signed bundle (zip of ``.eml`` with its
signed manifest, :func:`archive.export.export_zip`) by a background job with progress.

The bundle waits on the server's disk sealed (AES-256-GCM, :mod:`admin_api.sealed_file`) under a
key derived from the archive's evidence key and never stored, so no message sits there in
plaintext; it is decrypted as it is downloaded, by the person who asked for it, and that download
is audited. The evidence key's versions are kept wrapped by whichever master key is active, so a
bundle sealed before `keys rotate` and `keys retire` still opens after them (one derived from the
master key itself did not: the retired key was gone).
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path as FsPath
from typing import Annotated, Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from admin_api.deps import Services, audit_info, authz
from admin_api.jobs import JobNotFound
from admin_api.routers.backtest import job_out
from admin_api.routers.search import Filters, compose_or_422
from admin_api.schemas import MAX_ID, Cursor, Limit, clean, cursor_of
from admin_api.sealed_file import SealedWriter, read_sealed
from admin_api.services import ApiServices
from admin_api.users import Principal
from archive.export import export_zip
from archive.keyring import KeyRing
from quarantine.record_history import record_history

router = APIRouter(tags=["archive"])
JobId = Annotated[int, Path(ge=1, le=MAX_ID, description="export job id")]
PURPOSE = "export-jobs"
KEEP_SECONDS = 7 * 86400.0


def _from_evidence(evidence_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"mailwarden/evidence-derived\x00" + PURPOSE.encode()).derive(evidence_key)


def sealing_key(keyring: KeyRing) -> tuple[dict[str, Any], bytes]:
    """(what the job's result keeps to find the key again, the key) for a new bundle."""
    version, keys = keyring.evidence_keys()
    return {"evidence": version}, _from_evidence(keys[version])


def opening_key(keyring: KeyRing, result: dict[str, Any]) -> bytes:
    """The key a finished job's bundle was sealed under (a bundle sealed before this scheme names
    the master key it was derived from)."""
    if "evidence" in result:
        version = int(result["evidence"])
        _active, keys = keyring.evidence_keys(needed=version)
        return _from_evidence(keys[version])
    return keyring.master_derived(PURPOSE, result["kid"])[1]


class ExportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    q: Annotated[str, Field(max_length=1000), AfterValidator(clean)] = ""
    filters: Filters = Filters()


def prune(folder: FsPath, now: float, keep: float = KEEP_SECONDS) -> int:
    """Delete sealed bundles older than ``keep`` (a download link is for days, not for ever)."""
    removed = 0
    for path in folder.glob("*.mwx"):
        try:
            if now - path.stat().st_mtime > keep:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def start_export(services: ApiServices, owner: str, text: str) -> int:
    """Start exporting the records ``text`` matches; the search page calls this too. Bundles
    older than a week are deleted first (their jobs then answer 410 on download)."""
    folder = FsPath(services.export_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    prune(folder, time.time())
    name = secrets.token_hex(12)
    keyring = services.archive.keyring

    def work(progress: Any) -> dict[str, Any]:
        found_by, key = sealing_key(keyring)
        with SealedWriter(folder / f"{name}.mwx", key, name) as out:
            count = export_zip(services.archive, text, out, progress=progress,
                               history=lambda ids: record_history(services.engine, ids))
        return {"count": count, "file": name, **found_by}

    return services.jobs.submit("export", owner, {"q_length": len(text)}, work)


def _job(services: ApiServices, job_id: int, owner: str) -> dict[str, Any]:
    try:
        return services.jobs.get(job_id, owner=owner, kind="export")
    except JobNotFound:
        raise HTTPException(404, f"no export {job_id}") from None


@router.post("/archive/exports", status_code=202)
def export_start(body: ExportIn, request: Request, services: Services,
                 p: Principal = Depends(authz("archive.export"))) -> JSONResponse:
    text = compose_or_422(body.q, body.filters, "body")
    try:
        services.archive.search(text, limit=1)
    except ValueError as exc:
        from admin_api.schemas import field_error

        raise field_error(("body", "q"), str(exc)) from None
    job_id = start_export(services, p.name, text)
    audit_info(request).update(record=f"job:{job_id}", detail={"q_length": len(text)})
    return JSONResponse(job_out(services.jobs.get(job_id)), status_code=202)


@router.get("/archive/exports")
def export_list(services: Services, cursor: Cursor = None, limit: Limit = 50,
                p: Principal = Depends(authz("archive.export"))) -> dict[str, Any]:
    items, nxt = services.jobs.list(owner=p.name, kind="export", limit=limit, cursor=cursor_of(cursor))
    return {"items": [job_out(i) for i in items], "total": len(items), "next": nxt}


@router.get("/archive/exports/{job_id}")
def export_get(job_id: JobId, request: Request, services: Services,
               p: Principal = Depends(authz("archive.export"))) -> dict[str, Any]:
    audit_info(request)["record"] = f"job:{job_id}"
    return job_out(_job(services, job_id, p.name))


@router.get("/archive/exports/{job_id}/download", response_class=StreamingResponse,
            responses={200: {"content": {"application/zip": {}}}})
def export_download(job_id: JobId, request: Request, services: Services,
                    p: Principal = Depends(authz("archive.export"))) -> StreamingResponse:
    audit_info(request)["record"] = f"job:{job_id}"
    job = _job(services, job_id, p.name)
    if job["state"] != "done":
        raise HTTPException(409, f"export {job_id} is {job['state']}, not done")
    result = job["result"]
    path = FsPath(services.export_dir) / f"{result['file']}.mwx"
    if not path.is_file():
        raise HTTPException(410, f"export {job_id} is no longer kept")
    key = opening_key(services.archive.keyring, result)
    audit_info(request)["detail"] = {"count": result["count"]}
    return StreamingResponse(read_sealed(path, key, result["file"]), media_type="application/zip",
                             headers={"Content-Disposition": f'attachment; filename="export-{job_id}.zip"'})
