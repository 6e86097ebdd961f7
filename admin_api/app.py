"""The admin API: FastAPI app factory, bearer authentication, role checks, audit trail.

Every ``/api/v1`` endpoint depends on :func:`authz` (one dependency: token -> principal ->
role check against :data:`admin_api.roles.PERMISSIONS`). The audit middleware writes one
hash-chained ``admin_audit`` row per authenticated-API request -- denied ones included --
before the response starts, with the actor, action, record, client address and outcome.
"""

from __future__ import annotations

import base64
import binascii
import csv
import dataclasses
import html
import io
import json
import time
import urllib.parse
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Annotated, Any, Literal

import anyio
import sqlalchemy as sa
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from admin_api import audit as audit_log
from admin_api import roles
from admin_api import tables as admin_tables
from admin_api.render import render_message, subject_of
from admin_api.review_page import review_page_router
from admin_api.users import Principal, authenticate, list_users
from archive.chain import ChainKey
from archive.keywrap import KeyMissing, KeyRingError
from archive.service import ArchiveKeyMissing
from quarantine import tables as quarantine_tables
from quarantine.deciding import mailbox, routes_of
from quarantine.routing import is_routed
from quarantine.service import (
    AlreadyDecided,
    CommentRequired,
    DuplicateApproval,
    EntryNotFound,
    InvalidRecipients,
    InvalidToken,
    NotAuthorised,
    QuarantineService,
    Reviewer,
    decode_cursor,
)
from rules.redact import redact_text

MAX_ID = 2**63 - 1
MAX_MESSAGE = 50 * 1024 * 1024


@dataclasses.dataclass
class ApiServices:
    """What the gateway hands the API (the API imports nothing of the gateway)."""

    engine: sa.Engine
    quarantine: QuarantineService
    # archive.open(archive_id) -> bytes (LookupError when unknown);
    # archive.search(q, cursor=None, limit=50) -> page with .items/.total/.next
    archive: Any
    rules_test: Callable[[bytes, str, list[str]], Mapping[str, Any]]
    rules_reload: Callable[[], None]  # raises ValueError (e.g. RuleSetError) with file:line
    metrics_text: Callable[[], str] = lambda: ""
    health: Callable[[], Mapping[str, Any]] = lambda: {"status": "ok"}
    archive_stats: Callable[[float | None, float | None], Mapping[str, Any]] | None = None
    department_supervisors: Callable[[str], set[str]] | None = None
    # archive_record(archive_id) -> {"record": envelope, verdict, rules…, "history": [decisions]}
    archive_record: Callable[[int], Mapping[str, Any]] | None = None
    clock: Callable[[], float] = time.time
    # The audit chain's MAC key; None: derived from ``archive.keyring`` (the gateway's archive).
    audit_chain: ChainKey | None = None

    def audit_key(self) -> ChainKey:
        if self.audit_chain is None:
            keyring = getattr(self.archive, "keyring", None)
            if keyring is None:
                raise ValueError("ApiServices needs audit_chain (or an archive with a keyring): the audit log is keyed")
            self.audit_chain = ChainKey(keyring, "audit-chain")
        return self.audit_chain


def create_schema(engine: sa.Engine) -> None:
    """Create the admin and quarantine tables and the audit head (tests, first run)."""
    quarantine_tables.metadata.create_all(engine)
    admin_tables.metadata.create_all(engine)
    with engine.begin() as conn:
        admin_tables.post_create(conn)


# --------------------------------------------------------------------------- input types
def _clean(value: Any) -> Any:
    """Refuse strings the databases cannot store (NUL, lone surrogates): 422, not 500."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError("must be valid Unicode") from exc
    elif isinstance(value, list):
        for item in value:
            _clean(item)
    return value


Text = Annotated[str, AfterValidator(_clean)]
Address = Annotated[str, Field(min_length=1, max_length=320), AfterValidator(_clean)]
EntryId = Annotated[int, Path(ge=1, le=MAX_ID, description="quarantine entry id")]
ArchiveId = Annotated[int, Path(ge=1, le=MAX_ID, description="archive record id")]
QStr = Annotated[str | None, Query(max_length=320), AfterValidator(_clean)]
Cursor = Annotated[str | None, Query(max_length=64, description="opaque; from the previous page's next")]
Limit = Annotated[int, Query(ge=1, le=500)]
When = Annotated[datetime | None, Query(description="ISO 8601 (UTC if no zone) or epoch seconds")]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comment: Annotated[str | None, Field(max_length=10_000), AfterValidator(_clean)] = None
    recipients: Annotated[list[Address] | None, Field(min_length=1, max_length=1000)] = None
    silent: bool = False
    override: bool = Field(False, description="compliance only: decide outside the routing; needs a comment")


class BulkDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]], Field(min_length=1, max_length=500)]
    comment: Annotated[str | None, Field(max_length=10_000), AfterValidator(_clean)] = None
    silent: bool = False


class SenderReleaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_clean)]
    justification: Annotated[str, Field(min_length=1, max_length=10_000), AfterValidator(_clean)]


class RulesTestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    message: Annotated[str | None, Field(max_length=MAX_MESSAGE, description="raw RFC 822 text")] = None
    message_base64: Annotated[str | None, Field(max_length=MAX_MESSAGE * 2)] = None
    mail_from: Annotated[str, Field(max_length=320), AfterValidator(_clean)] = ""
    rcpt_to: Annotated[list[Address], Field(min_length=1, max_length=1000)]

    @model_validator(mode="after")
    def _one_message(self) -> RulesTestIn:
        if (self.message is None) == (self.message_base64 is None):
            raise ValueError("give exactly one of message, message_base64")
        return self


class NotificationsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    frequency: Literal["immediate", "hourly", "daily"]


def _field_error(loc: tuple[str, ...], msg: str) -> HTTPException:
    return HTTPException(422, detail=[{"loc": list(loc), "msg": msg, "type": "value_error"}])


def _ts(value: datetime | None) -> float | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def _cursor(value: str | None) -> int | None:
    try:
        return decode_cursor(value)
    except ValueError:
        raise _field_error(("query", "cursor"), "invalid cursor") from None


# --------------------------------------------------------------------------- audit middleware
class AuditMiddleware:
    """Writes the audit row of a request before its response starts (pure ASGI)."""

    def __init__(self, app: Any, engine: sa.Engine, clock: Callable[[], float], chain: ChainKey) -> None:
        self.app = app
        self.engine = engine
        self.clock = clock
        self.chain = chain

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        written = False

        async def write(status: int) -> None:
            nonlocal written
            info = state.get("audit")
            if info is None and scope.get("path", "").startswith("/api/"):
                # refused before any endpoint dependency ran (e.g. a body that is not JSON)
                info = {"action": f"{scope.get('method', '?')} {scope.get('path', '')}"[:64]}
            if info is None or written:
                return
            written = True
            outcome = info.get("outcome") or (
                "ok"
                if status < 400
                else "denied"
                if status in (401, 403)
                else "error"
                if status >= 500
                else "failed"
            )
            client = scope.get("client")
            await anyio.to_thread.run_sync(
                partial(
                    audit_log.append_audit,
                    self.engine,
                    chain=self.chain,
                    action=info["action"],
                    outcome=outcome,
                    status_code=status,
                    actor=info.get("actor"),
                    role=info.get("role"),
                    record=info.get("record"),
                    client_ip=client[0] if client else None,
                    detail=info.get("detail"),
                    clock=self.clock,
                )
            )

        refused = False

        async def send_wrapper(message: dict) -> None:
            nonlocal refused
            if refused:   # the response was replaced by a 503: the rest of the original is dropped
                return
            if message["type"] == "http.response.start":
                try:
                    await write(int(message["status"]))
                except (KeyRingError, audit_log.AuditChainError) as exc:
                    # Not audited, so not answered: which key is missing, or that the audit chain
                    # does not verify (fail closed; the operator's to fix).
                    refused = True
                    body = json.dumps({"detail": f"the audit log cannot be written: {exc}"}).encode()
                    await send({"type": "http.response.start", "status": 503,
                                "headers": [(b"content-type", b"application/json"), (b"retry-after", b"60"),
                                            (b"content-length", str(len(body)).encode())]})
                    await send({"type": "http.response.body", "body": body})
                    return
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            await write(500)
            raise


def _audit(request: Request) -> dict[str, Any]:
    return request.state.audit


# --------------------------------------------------------------------------- app factory
def create_app(services: ApiServices) -> FastAPI:
    svc = services.quarantine
    engine = services.engine
    bearer = HTTPBearer(auto_error=False, description="API token from `mailwarden user add` (mw_...)")

    def authz(action: str) -> Callable[..., Principal]:
        def dependency(
            request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
        ) -> Principal:
            record = request.path_params.get("entry_id") or request.path_params.get("archive_id")
            request.state.audit = {"action": action, "record": record}
            if credentials is None:
                raise HTTPException(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"})
            principal = authenticate(engine, credentials.credentials, clock=services.clock)
            if principal is None:
                raise HTTPException(
                    401,
                    "invalid, expired or revoked token",
                    headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
                )
            request.state.audit.update(actor=principal.name, role=principal.role)
            if not roles.allowed(principal.role, action):
                raise HTTPException(403, f"role {principal.role!r} may not {action}")
            return principal

        dependency.__name__ = f"authz_{action.replace('.', '_')}"
        return dependency

    def scoped(principal: Principal) -> set[str] | None:
        return set(principal.departments) if principal.role in roles.DEPARTMENT_SCOPED else None

    def load_entry(entry_id: int, principal: Principal, request: Request) -> dict[str, Any]:
        try:
            entry = svc.get(entry_id)
        except EntryNotFound:
            raise HTTPException(404, f"no quarantine entry {entry_id}") from None
        depts = scoped(principal)
        assigned = is_routed(reviewer(principal).addresses, routes_of(entry))
        if depts is not None and entry.get("department") not in depts and not assigned:
            _audit(request)["outcome"] = "denied"
            raise HTTPException(404, f"no quarantine entry {entry_id}")
        return entry

    def reviewer(principal: Principal) -> Reviewer:
        """The person deciding, with every address their account is bound to."""
        addresses = {a.lower() for a in getattr(principal, "addresses", ()) or ()}
        if principal.email:
            addresses.add(principal.email.lower())
        return Reviewer(name=principal.name, role=principal.role, addresses=frozenset(addresses))

    def not_own_message(entry: Mapping[str, Any], principal: Principal, request: Request) -> None:
        """Nobody approves their own message: the sender's release needs someone else."""
        sender = mailbox(entry.get("mail_from") or "")
        if sender and sender in {mailbox(a) for a in reviewer(principal).addresses}:
            _audit(request)["outcome"] = "denied"
            raise HTTPException(403, "you may not release a message you sent")

    def open_archive(archive_id: int) -> bytes:
        try:
            return services.archive.open(archive_id)
        except LookupError:
            raise HTTPException(404, f"no archive record {archive_id}") from None
        except (ArchiveKeyMissing, KeyMissing):
            raise
        except Exception as exc:
            if type(exc).__name__ == "ArchiveIntegrityError":
                raise HTTPException(500, "archive integrity check failed for this record") from exc
            raise

    def entry_subject(entry: Mapping[str, Any]) -> str | None:
        try:
            return subject_of(services.archive.open(entry["archive_id"]))
        except Exception:  # noqa: BLE001 - the list still shows the entry
            return None

    def entry_out(entry: Mapping[str, Any], *, full: bool) -> dict[str, Any]:
        keys = [
            "id",
            "status",
            "archive_id",
            "digest",
            "message_id",
            "mail_from",
            "recipient",
            "direction",
            "department",
            "rules",
            "reviewers",
            "review_group",
            "routes",
            "quorum",
            "required_approvals",
            "approvals",
            "sender_may_release",
            "comment_required",
            "expire_action",
            "created_at",
            "expires_at",
            "decided_at",
            "decided_by",
        ]
        out = {k: entry.get(k) for k in keys}
        subject = entry_subject(entry)
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

    def decide(fn: Callable[[], Any]) -> dict[str, Any]:
        try:
            return decision_out(fn())
        except EntryNotFound as exc:
            raise HTTPException(404, str(exc)) from None
        except (AlreadyDecided, DuplicateApproval) as exc:
            raise HTTPException(409, str(exc)) from None
        except NotAuthorised as exc:
            raise HTTPException(403, str(exc)) from None
        except CommentRequired as exc:
            raise _field_error(("body", "comment"), str(exc)) from None
        except InvalidRecipients as exc:
            raise _field_error(("body", "recipients"), str(exc)) from None

    app = FastAPI(
        title="mailwarden admin API",
        version="1",
        docs_url="/docs",
        openapi_url="/openapi.json",
        description=(roles.__doc__ or "").strip(),
    )
    app.add_middleware(AuditMiddleware, engine=engine, clock=services.clock, chain=services.audit_key())

    async def key_missing(_request: Request, exc: Exception) -> JSONResponse:
        # A master key the record needs is not held (rotated elsewhere and not learned, or
        # retired): the operator's to fix, and it says which key — not "integrity check failed".
        return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "60"})

    app.add_exception_handler(ArchiveKeyMissing, key_missing)
    app.add_exception_handler(KeyMissing, key_missing)
    api = APIRouter(prefix="/api/v1")

    # ---------------------------------------------------------------- me
    @api.get("/me", tags=["me"])
    def me(p: Principal = Depends(authz("me.read"))) -> dict[str, Any]:
        return {
            "name": p.name,
            "role": p.role,
            "departments": sorted(p.departments),
            "email": p.email,
            "notifications": svc.reviewer_preference(p.email) if p.email else None,
        }

    @api.put("/me/notifications", tags=["me"])
    def set_notifications(
        body: NotificationsIn, p: Principal = Depends(authz("me.update"))
    ) -> dict[str, Any]:
        if not p.email:
            raise _field_error(("body", "frequency"), "this user has no email address for notices")
        svc.set_reviewer_preference(p.email, body.frequency)
        return {"email": p.email, "notifications": body.frequency}

    # ---------------------------------------------------------------- quarantine
    @api.get("/quarantine", tags=["quarantine"])
    def list_quarantine(
        status: Literal["held", "released", "rejected", "expired"] | None = None,
        department: QStr = None,
        rule: QStr = None,
        sender: QStr = None,
        recipient: QStr = None,
        after: When = None,
        before: When = None,
        cursor: Cursor = None,
        limit: Limit = 50,
        p: Principal = Depends(authz("quarantine.list")),
    ) -> dict[str, Any]:
        page = svc.search(
            status=status,
            department=department,
            rule=rule,
            sender=sender,
            recipient=recipient,
            after=_ts(after),
            before=_ts(before),
            departments=scoped(p),
            reviewer=sorted(reviewer(p).addresses),
            cursor=str(_cursor(cursor)) if cursor else None,
            limit=limit,
        )
        return {
            "items": [entry_out(e, full=False) for e in page.items],
            "total": page.total,
            "next": page.next,
        }

    def bulk(body: BulkDecisionIn, p: Principal, request: Request, kind: str) -> dict[str, Any]:
        ids = list(dict.fromkeys(body.ids))
        _audit(request)["record"] = ",".join(str(i) for i in ids)
        items: list[dict[str, Any]] = []
        for entry_id in ids:
            try:
                entry = load_entry(entry_id, p, request)
                if kind == "release":
                    not_own_message(entry, p, request)
                    res = decide(lambda i=entry_id: svc.release(i, reviewer(p), body.comment))
                else:
                    res = decide(lambda i=entry_id: svc.reject(i, reviewer(p), body.comment, silent=body.silent))
                items.append({**res, "ok": True, "status_code": 200, "error": None})
            except HTTPException as exc:
                items.append(
                    {"id": entry_id, "ok": False, "status_code": exc.status_code, "error": exc.detail}
                )
        _audit(request).pop("outcome", None)
        _audit(request)["detail"] = {"results": {str(i["id"]): i["status_code"] for i in items}}
        return {"items": items, "total": len(items), "next": None}

    @api.post("/quarantine/release", tags=["quarantine"])
    def bulk_release(
        body: BulkDecisionIn, request: Request, p: Principal = Depends(authz("quarantine.bulk_release"))
    ) -> dict[str, Any]:
        return bulk(body, p, request, "release")

    @api.post("/quarantine/reject", tags=["quarantine"])
    def bulk_reject(
        body: BulkDecisionIn, request: Request, p: Principal = Depends(authz("quarantine.bulk_reject"))
    ) -> dict[str, Any]:
        return bulk(body, p, request, "reject")

    @api.get("/quarantine/{entry_id}", tags=["quarantine"])
    def get_entry(
        entry_id: EntryId, request: Request, p: Principal = Depends(authz("quarantine.read"))
    ) -> dict:
        return entry_out(load_entry(entry_id, p, request), full=True)

    @api.get(
        "/quarantine/{entry_id}/raw",
        tags=["quarantine"],
        response_class=Response,
        responses={200: {"content": {"message/rfc822": {}}}},
    )
    def get_entry_raw(
        entry_id: EntryId, request: Request, p: Principal = Depends(authz("quarantine.raw"))
    ) -> Response:
        entry = load_entry(entry_id, p, request)
        return _raw_response(open_archive(entry["archive_id"]), f"quarantine-{entry_id}.eml")

    @api.get("/quarantine/{entry_id}/view", tags=["quarantine"])
    def view_entry(
        entry_id: EntryId, request: Request, p: Principal = Depends(authz("quarantine.view"))
    ) -> dict:
        entry = load_entry(entry_id, p, request)
        return {"id": entry_id, **render_message(open_archive(entry["archive_id"]))}

    @api.post("/quarantine/{entry_id}/release", tags=["quarantine"])
    def release_entry(
        entry_id: EntryId,
        body: DecisionIn,
        request: Request,
        p: Principal = Depends(authz("quarantine.release")),
    ) -> dict[str, Any]:
        not_own_message(load_entry(entry_id, p, request), p, request)
        if body.override:
            _audit(request)["detail"] = {"override": True}
        return decide(lambda: svc.release(entry_id, reviewer(p), body.comment, body.recipients,
                                          override=body.override))

    @api.post("/quarantine/{entry_id}/reject", tags=["quarantine"])
    def reject_entry(
        entry_id: EntryId,
        body: DecisionIn,
        request: Request,
        p: Principal = Depends(authz("quarantine.reject")),
    ) -> dict[str, Any]:
        load_entry(entry_id, p, request)
        if body.override:
            _audit(request)["detail"] = {"override": True}
        return decide(lambda: svc.reject(entry_id, reviewer(p), body.comment, body.recipients, silent=body.silent,
                                         override=body.override))

    # ---------------------------------------------------------------- sender self-release (policy tips)
    def sender_audit(request: Request, action: str) -> dict[str, Any]:
        request.state.audit = {"action": action, "record": None}
        return request.state.audit

    def sender_info(token: str, info: dict[str, Any]) -> dict[str, Any]:
        try:
            entry_id = svc.verify_sender_token(token)
            entry = svc.get(entry_id)
        except (InvalidToken, EntryNotFound):
            raise HTTPException(403, "invalid or expired release link") from None
        info.update(record=str(entry_id), actor=f"sender:{entry['mail_from']}")
        with engine.connect() as conn:
            siblings = conn.execute(
                sa.select(quarantine_tables.entries.c.recipient).where(
                    quarantine_tables.entries.c.archive_id == entry["archive_id"],
                    quarantine_tables.entries.c.status == "held",
                    quarantine_tables.entries.c.sender_may_release.is_(True),
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

    def sender_confirm(token: str, justification: str, info: dict[str, Any]) -> dict[str, Any]:
        try:
            entry_id = svc.verify_sender_token(token)
            info["record"] = str(entry_id)
            decision = svc.confirm_by_sender(token, justification)
        except (InvalidToken, EntryNotFound):
            raise HTTPException(403, "invalid or expired release link") from None
        except AlreadyDecided as exc:
            raise HTTPException(409, str(exc)) from None
        except CommentRequired as exc:
            raise _field_error(("body", "justification"), str(exc)) from None
        info["actor"] = decision.actor
        return decision_out(decision)

    @api.get("/sender-release", tags=["sender"], responses={200: {"content": {"text/html": {}}}})
    def sender_release_info(
        request: Request, token: Annotated[str, Query(min_length=1, max_length=200), AfterValidator(_clean)]
    ) -> Any:
        """The link in a policy-tip notice (no bearer token: the signed link is the credential).
        Answers JSON, or with ``Accept: text/html`` a plain form asking for the justification."""
        info = sender_audit(request, "quarantine.sender_release_info")
        wants_html = "text/html" in request.headers.get("accept", "")
        try:
            data = sender_info(token, info)
        except HTTPException as exc:
            if wants_html:
                return _html_page("Release link not valid", f"<p>{_esc(exc.detail)}</p>", exc.status_code)
            raise
        if not wants_html:
            return data
        if data["status"] != "held":
            return _html_page("Already decided", f"<p>This message is already {_esc(data['status'])}.</p>")
        body = (
            f"<p>Your message to {_esc(', '.join(data['recipients']))} was held by: "
            f"{_esc(', '.join(data['rules']) or 'policy')}.</p>"
            "<p>If it is meant to leave and you are authorised to send it, give your reason. "
            "It is recorded with your release.</p>"
            '<form method="post" action="sender-release/confirm">'
            f'<input type="hidden" name="token" value="{_esc(token)}">'
            '<p><textarea name="justification" rows="4" cols="60" required maxlength="10000"></textarea></p>'
            '<p><button type="submit">Release my message</button></p></form>'
        )
        return _html_page("Release held message", body)

    @api.post("/sender-release", tags=["sender"])
    def sender_release(body: SenderReleaseIn, request: Request) -> dict[str, Any]:
        """Release a policy-tip hold with the sender's justification (JSON)."""
        return sender_confirm(
            body.token, body.justification, sender_audit(request, "quarantine.sender_release")
        )

    @api.post(
        "/sender-release/confirm",
        tags=["sender"],
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
    async def sender_release_form(request: Request) -> HTMLResponse:
        """The HTML form's target (``application/x-www-form-urlencoded``)."""
        info = sender_audit(request, "quarantine.sender_release")
        raw = await request.body()
        if len(raw) > 64 * 1024:
            return _html_page("Too long", "<p>The justification is too long.</p>", 413)
        try:
            form = urllib.parse.parse_qs(raw.decode("utf-8", "replace"), max_num_fields=10)
            token = (form.get("token") or [""])[0]
            justification = (form.get("justification") or [""])[0]
            _clean(token)
            _clean(justification)
        except ValueError:
            return _html_page(
                "Not accepted", "<p>The form contains characters that are not allowed.</p>", 422
            )
        try:
            decision = await anyio.to_thread.run_sync(sender_confirm, token, justification, info)
        except HTTPException as exc:
            detail = exc.detail if isinstance(exc.detail, str) else "a justification is required"
            return _html_page("Not released", f"<p>{_esc(detail)}</p>", exc.status_code)
        return _html_page(
            "Released",
            f"<p>Your message is being delivered to {_esc(', '.join(decision['recipients']))}.</p>",
        )

    # ---------------------------------------------------------------- archive
    @api.get("/archive/search", tags=["archive"])
    def archive_search(
        q: Annotated[str, Query(max_length=1000), AfterValidator(_clean)] = "",
        cursor: Annotated[str | None, Query(max_length=200), AfterValidator(_clean)] = None,
        limit: Limit = 50,
        exact_total: Annotated[bool, Query(description="count every match (slower on common terms); "
                                           "otherwise the total stops at a cap and total_exact is false")] = False,
        request: Request = None,  # type: ignore[assignment]
        p: Principal = Depends(authz("archive.search")),
    ) -> dict[str, Any]:
        _audit(request)["detail"] = {"q_length": len(q)}  # the query itself may be sensitive
        try:
            page = services.archive.search(q, cursor=cursor, limit=limit, exact_total=exact_total)
        except ValueError as exc:
            raise _field_error(("query", "q"), str(exc)) from None
        return {"items": [_item(i) for i in page.items], "total": int(page.total),
                "total_exact": page.total_exact, "next": page.next}

    @api.get("/archive/{archive_id}", tags=["archive"])
    def archive_view(archive_id: ArchiveId, p: Principal = Depends(authz("archive.read"))) -> dict[str, Any]:
        out = {"id": archive_id, **render_message(open_archive(archive_id))}
        if services.archive_record is not None:   # envelope, verdict, rules and every decision
            out.update(services.archive_record(archive_id))
        return out

    @api.get(
        "/archive/{archive_id}/raw",
        tags=["archive"],
        response_class=Response,
        responses={200: {"content": {"message/rfc822": {}}}},
    )
    def archive_raw(archive_id: ArchiveId, p: Principal = Depends(authz("archive.raw"))) -> Response:
        return _raw_response(open_archive(archive_id), f"archive-{archive_id}.eml")

    # ---------------------------------------------------------------- rules
    @api.post("/rules/test", tags=["rules"])
    def rules_test(body: RulesTestIn, p: Principal = Depends(authz("rules.test"))) -> dict[str, Any]:
        if body.message_base64 is not None:
            try:
                raw = base64.b64decode(body.message_base64, validate=True)
            except (binascii.Error, ValueError):
                raise _field_error(("body", "message_base64"), "not valid base64") from None
        else:
            raw = (body.message or "").encode("utf-8", "replace")
        try:
            result = services.rules_test(raw, body.mail_from, list(body.rcpt_to))
        except ValueError as exc:
            raise _field_error(("body",), str(exc)) from None
        return jsonable_encoder(result)

    @api.post("/rules/reload", tags=["rules"])
    def rules_reload(request: Request, p: Principal = Depends(authz("rules.reload"))) -> dict[str, Any]:
        try:
            services.rules_reload()
        except Exception as exc:
            if isinstance(exc, ValueError) or type(exc).__name__ == "RuleSetError":
                _audit(request)["detail"] = {"error": str(exc)[:500]}
                raise HTTPException(422, f"rules not reloaded, old rules stay live: {exc}") from None
            raise
        return {"ok": True}

    # ---------------------------------------------------------------- reports
    @api.get("/reports/summary", tags=["reports"], responses={200: {"content": {"text/csv": {}}}})
    def report_summary(
        after: When = None,
        before: When = None,
        format: Literal["json", "csv"] = "json",
        p: Principal = Depends(authz("reports.summary")),
    ) -> Any:
        a, b = _ts(after), _ts(before)
        data: dict[str, Any] = {
            "after": a,
            "before": b,
            "quarantine": svc.summary(a, b),
            "archive": jsonable_encoder(services.archive_stats(a, b)) if services.archive_stats else None,
        }
        if format == "json":
            return data
        return PlainTextResponse(_summary_csv(data), media_type="text/csv")

    # ---------------------------------------------------------------- audit, users
    @api.get("/audit", tags=["audit"])
    def audit_list(
        actor: QStr = None,
        action: Annotated[str | None, Query(max_length=64), AfterValidator(_clean)] = None,
        after: When = None,
        before: When = None,
        cursor: Cursor = None,
        limit: Limit = 50,
        p: Principal = Depends(authz("audit.read")),
    ) -> dict[str, Any]:
        items, total, nxt = audit_log.list_audit(
            engine,
            actor=actor,
            action=action,
            after=_ts(after),
            before=_ts(before),
            cursor=_cursor(cursor),
            limit=limit,
        )
        return {"items": items, "total": total, "next": nxt}

    @api.get("/users", tags=["users"])
    def users_list(p: Principal = Depends(authz("users.list"))) -> dict[str, Any]:
        items = list_users(engine, clock=services.clock)
        return {"items": items, "total": len(items), "next": None}

    app.include_router(api)
    app.include_router(review_page_router())  # where notices link: a page, never a JSON 401

    # ---------------------------------------------------------------- unauthenticated probes
    @app.get("/healthz", tags=["ops"])
    def healthz() -> JSONResponse:
        result = dict(services.health())
        ok = result.get("status", "ok") == "ok"
        return JSONResponse(jsonable_encoder(result), status_code=200 if ok else 503)

    @app.get("/metrics", tags=["ops"], response_class=PlainTextResponse)
    def metrics() -> PlainTextResponse:
        return PlainTextResponse(
            services.metrics_text(), media_type="text/plain; version=0.0.4; charset=utf-8"
        )

    return app


def _raw_response(raw: bytes, filename: str) -> Response:
    return Response(
        raw,
        media_type="message/rfc822",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


def _item(item: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        out = dataclasses.asdict(item)
    elif isinstance(item, Mapping):
        out = dict(item)
    elif hasattr(item, "_asdict"):
        out = item._asdict()
    else:
        out = dict(vars(item))
    if "id" not in out:
        for key in ("record_id", "archive_id"):
            if key in out:
                out["id"] = out[key]
                break
    return jsonable_encoder(out)


def _csv_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text  # no formula injection


def _summary_csv(data: Mapping[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["source", "dimension", "key", "count"])
    for source in ("quarantine", "archive"):
        block = data.get(source) or {}
        for dimension, values in block.items():
            if isinstance(values, Mapping):
                for key, count in values.items():
                    w.writerow([source, _csv_cell(dimension), _csv_cell(key), _csv_cell(count)])
            else:
                w.writerow([source, _csv_cell(dimension), "", _csv_cell(values)])
    return buf.getvalue()


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _html_page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    """A minimal static page for senders (no scripts, no external resources, no message content)."""
    page = (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<title>{_esc(title)}</title></head><body><h1>{_esc(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(
        page,
        status_code=status_code,
        headers={
            "Content-Security-Policy": "default-src 'none'; form-action 'self'; frame-ancestors 'none'",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
        },
    )
