"""Audit trail: every step writes a row (denied ones too), the hash chain verifies, and a row
edited or deleted in the database is named by verify_audit. Also users and tokens."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from admin_api import tables as at
from admin_api.audit import append_audit, verify_audit
from admin_api.users import (
    add_user,
    authenticate,
    create_token,
    expire,
    hash_token,
    list_users,
    revoke_token,
    revoke_user,
)
from tests.test_api_support import Env


def audit_rows(engine: sa.Engine) -> list[sa.Row]:
    with engine.connect() as conn:
        return conn.execute(sa.select(at.audit).order_by(at.audit.c.id)).all()


def test_every_step_is_audited_and_chain_verifies(engine: sa.Engine) -> None:
    env = Env(engine)
    eid = env.hold()[0]
    other = env.hold(department="sales")[0]
    c = env.client
    steps = [
        (
            lambda: c.get("/api/v1/quarantine", headers=env.headers("supervisor")),
            "quarantine.list",
            "supervisor",
            "ok",
        ),
        (
            lambda: c.get(f"/api/v1/quarantine/{eid}", headers=env.headers("supervisor")),
            "quarantine.read",
            "supervisor",
            "ok",
        ),
        (
            lambda: c.get(f"/api/v1/quarantine/{eid}/view", headers=env.headers("auditor")),
            "quarantine.view",
            "auditor",
            "ok",
        ),
        (
            lambda: c.get(f"/api/v1/quarantine/{eid}/raw", headers=env.headers("compliance")),
            "quarantine.raw",
            "compliance",
            "ok",
        ),
        (
            lambda: c.post(
                f"/api/v1/quarantine/{eid}/release", json={"comment": "x"}, headers=env.headers("auditor")
            ),
            "quarantine.release",
            "auditor",
            "denied",
        ),
        (
            lambda: c.get(f"/api/v1/quarantine/{other}", headers=env.headers("supervisor")),
            "quarantine.read",
            "supervisor",
            "denied",
        ),
        (
            lambda: c.get("/api/v1/archive/search?q=x", headers=env.headers("supervisor")),
            "archive.search",
            "supervisor",
            "denied",
        ),
        (lambda: c.get("/api/v1/users"), "users.list", None, "denied"),
        (lambda: c.get("/api/v1/users", headers=env.headers("bad")), "users.list", None, "denied"),
        (
            lambda: c.post(
                f"/api/v1/quarantine/{eid}/release", json={"comment": "ok"}, headers=env.headers("supervisor")
            ),
            "quarantine.release",
            "supervisor",
            "ok",
        ),
        (
            lambda: c.post(
                f"/api/v1/quarantine/{eid}/release", json={"comment": "ok"}, headers=env.headers("admin")
            ),
            "quarantine.release",
            "admin",
            "failed",
        ),
        (lambda: c.post("/api/v1/rules/reload", headers=env.headers("admin")), "rules.reload", "admin", "ok"),
    ]
    for i, (call, action, actor, outcome) in enumerate(steps):
        resp = call()
        rows = audit_rows(engine)
        assert len(rows) == i + 1, (action, resp.status_code)
        row = rows[-1]
        assert (row.action, row.actor, row.outcome) == (action, actor, outcome), (i, resp.status_code, row)
        assert row.status_code == resp.status_code and row.client_ip == "testclient"
        if action.startswith("quarantine.") and action != "quarantine.list":
            assert row.record is not None
    assert audit_rows(engine)[-2].status_code == 409
    # health and metrics are not audited; the audit log can be read back through the API
    c.get("/healthz")
    n = len(audit_rows(engine))
    page = c.get(
        "/api/v1/audit?actor=supervisor&action=quarantine.release", headers=env.headers("auditor")
    ).json()
    assert page["total"] == 1 and page["items"][0]["outcome"] == "ok"
    assert len(audit_rows(engine)) == n + 1
    denied = c.get("/api/v1/audit?limit=2", headers=env.headers("auditor")).json()
    assert len(denied["items"]) == 2 and denied["next"] is not None
    assert verify_audit(engine, env.audit_chain) == (True, [])
    # nothing in the API writes to the audit log except by appending
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        assert c.request(method, "/api/v1/audit", headers=env.headers("admin")).status_code == 405


def _disable_append_only(engine: sa.Engine) -> None:
    """What an attacker with database owner rights could do."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("ALTER TABLE admin_audit DISABLE TRIGGER admin_audit_no_change"))
        else:
            conn.execute(sa.text("DROP TRIGGER admin_audit_no_update"))
            conn.execute(sa.text("DROP TRIGGER admin_audit_no_delete"))


def test_database_refuses_changes_to_audit_rows(engine: sa.Engine) -> None:
    env = Env(engine)
    env.client.get("/api/v1/quarantine", headers=env.headers("admin"))
    for stmt in (
        sa.update(at.audit).where(at.audit.c.id == 1).values(actor="mallory"),
        sa.delete(at.audit).where(at.audit.c.id == 1),
    ):
        with pytest.raises(sa.exc.DatabaseError), engine.begin() as conn:
            conn.execute(stmt)
    assert [r.actor for r in audit_rows(engine)] == ["admin"]
    assert verify_audit(engine, env.audit_chain) == (True, [])


def test_tampering_is_named(engine: sa.Engine) -> None:
    env = Env(engine)
    for _ in range(5):
        env.client.get("/api/v1/quarantine", headers=env.headers("admin"))
    assert verify_audit(engine, env.audit_chain) == (True, [])
    _disable_append_only(engine)
    with engine.begin() as conn:
        conn.execute(sa.update(at.audit).where(at.audit.c.id == 3).values(actor="mallory"))
    assert verify_audit(engine, env.audit_chain) == (False, [3])
    with engine.begin() as conn:
        conn.execute(sa.update(at.audit).where(at.audit.c.id == 3).values(actor="admin"))
    assert verify_audit(engine, env.audit_chain) == (True, [])
    with engine.begin() as conn:
        conn.execute(sa.delete(at.audit).where(at.audit.c.id == 2))
    assert verify_audit(engine, env.audit_chain) == (False, [3])
    with engine.begin() as conn:
        conn.execute(sa.delete(at.audit).where(at.audit.c.id == 5))
    assert verify_audit(engine, env.audit_chain) == (False, [3, 5])


def test_concurrent_appends_keep_one_chain(engine: sa.Engine) -> None:
    env = Env(engine)

    def writer(k: int) -> None:
        for i in range(10):
            append_audit(engine, chain=env.audit_chain, action="test", outcome="ok", status_code=200,
                         actor=f"w{k}", record=str(i))

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows = audit_rows(engine)
    assert [r.id for r in rows] == list(range(1, 41))
    assert verify_audit(engine, env.audit_chain) == (True, [])


def test_users_and_tokens(engine: sa.Engine) -> None:
    Env(engine)
    token = add_user(engine, "carol", "supervisor", ["finance", "legal"], "carol@corp.example")
    assert token.startswith("mw_") and len(token) > 40
    with engine.connect() as conn:
        stored = conn.execute(sa.select(at.tokens.c.token_hash)).scalars().all()
    assert hash_token(token) in stored and token not in stored
    p = authenticate(engine, token)
    assert p is not None and p.role == "supervisor" and p.departments == frozenset({"finance", "legal"})
    with pytest.raises(ValueError):
        add_user(engine, "carol", "admin")
    with pytest.raises(ValueError):
        add_user(engine, "dave", "supervisor")  # needs a department
    with pytest.raises(ValueError):
        add_user(engine, "erin", "root")
    second = create_token(engine, "carol")
    assert revoke_token(engine, token) and authenticate(engine, token) is None
    assert authenticate(engine, second) is not None
    assert revoke_user(engine, "carol") == 1 and authenticate(engine, second) is None
    carol = next(u for u in list_users(engine) if u["name"] == "carol")
    assert carol["disabled"] and carol["active_tokens"] == 0
    short = add_user(engine, "frank", "auditor", token_lifetime_days=1)
    assert authenticate(engine, short) is not None
    assert authenticate(engine, short, clock=lambda: 4_000_000_000.0) is None
    assert expire(engine, now=4_000_000_000.0) >= 1
    with pytest.raises(LookupError):
        revoke_user(engine, "nobody")


def test_requests_refused_before_authentication_are_audited(engine: sa.Engine) -> None:
    env = Env(engine)
    eid = env.hold()[0]
    resp = env.client.post(
        f"/api/v1/quarantine/{eid}/release",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert resp.status_code == 422
    row = audit_rows(engine)[-1]
    assert (row.action, row.actor, row.outcome, row.status_code) == (
        f"POST /api/v1/quarantine/{eid}/release",
        None,
        "failed",
        422,
    )
    assert verify_audit(engine, env.audit_chain) == (True, [])
