"""Role matrix: every endpoint x every role (admin, compliance, supervisor of the entry's
department, supervisor of another department, auditor, no token, bad token), on a real
database (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from admin_api.users import add_user
from tests.test_api_support import Env

WHO = ("admin", "compliance", "supervisor", "supervisor_other", "auditor", "none", "bad")

Call = tuple[str, str, Any]


def _everyone(code: int = 200) -> dict[str, int]:
    return {"admin": code, "compliance": code, "supervisor": code, "supervisor_other": code, "auditor": code}


READ_ENTRY = {**_everyone(), "supervisor_other": 404}
DECIDE = {**_everyone(), "supervisor_other": 404, "auditor": 403}
BULK = {**_everyone(), "auditor": 403}  # supervisor_other: 200 with a per-id 404
OVERSIGHT = {**_everyone(), "supervisor": 403, "supervisor_other": 403}
RULES_TEST = {**_everyone(403), "admin": 200, "compliance": 200}
ADMIN_ONLY = {**_everyone(403), "admin": 200}


def entry(env: Env) -> int:
    return env.hold()[0]


ENDPOINTS: list[tuple[str, Callable[[Env], Call], dict[str, int]]] = [
    ("me", lambda e: ("GET", "/api/v1/me", None), _everyone()),
    ("me.notifications", lambda e: ("PUT", "/api/v1/me/notifications", {"frequency": "daily"}), _everyone()),
    ("quarantine.list", lambda e: ("GET", "/api/v1/quarantine", None), _everyone()),
    ("quarantine.read", lambda e: ("GET", f"/api/v1/quarantine/{entry(e)}", None), READ_ENTRY),
    ("quarantine.raw", lambda e: ("GET", f"/api/v1/quarantine/{entry(e)}/raw", None), READ_ENTRY),
    ("quarantine.view", lambda e: ("GET", f"/api/v1/quarantine/{entry(e)}/view", None), READ_ENTRY),
    (
        "quarantine.release",
        lambda e: ("POST", f"/api/v1/quarantine/{entry(e)}/release", {"comment": "ok"}),
        DECIDE,
    ),
    (
        "quarantine.reject",
        lambda e: ("POST", f"/api/v1/quarantine/{entry(e)}/reject", {"comment": "no"}),
        DECIDE,
    ),
    (
        "quarantine.bulk_release",
        lambda e: ("POST", "/api/v1/quarantine/release", {"ids": [entry(e)], "comment": "ok"}),
        BULK,
    ),
    (
        "quarantine.bulk_reject",
        lambda e: ("POST", "/api/v1/quarantine/reject", {"ids": [entry(e)], "comment": "no"}),
        BULK,
    ),
    ("archive.search", lambda e: ("GET", "/api/v1/archive/search?q=numbers", None), OVERSIGHT),
    (
        "archive.read",
        lambda e: ("GET", f"/api/v1/archive/{e.archive.add(b'Subject: a' + bytes(2))}", None),
        OVERSIGHT,
    ),
    (
        "archive.raw",
        lambda e: ("GET", f"/api/v1/archive/{e.archive.add(b'Subject: b')}/raw", None),
        OVERSIGHT,
    ),
    (
        "rules.test",
        lambda e: (
            "POST",
            "/api/v1/rules/test",
            {
                "message": "Subject: hi\r\n\r\nconfidential",
                "mail_from": "a@corp.example",
                "rcpt_to": ["x@ext.example"],
            },
        ),
        RULES_TEST,
    ),
    ("rules.reload", lambda e: ("POST", "/api/v1/rules/reload", None), ADMIN_ONLY),
    ("reports.summary", lambda e: ("GET", "/api/v1/reports/summary?format=csv", None), OVERSIGHT),
    ("audit.read", lambda e: ("GET", "/api/v1/audit", None), OVERSIGHT),
    ("users.list", lambda e: ("GET", "/api/v1/users", None), ADMIN_ONLY),
]


def test_role_matrix(engine: sa.Engine) -> None:
    env = Env(engine)
    mismatches: list[str] = []
    for name, prepare, expected in ENDPOINTS:
        for who in WHO:
            method, path, body = prepare(env)
            before = len(env.released())
            resp = env.client.request(method, path, json=body, headers=env.headers(who))
            want = expected.get(who, 401)
            if resp.status_code != want:
                mismatches.append(f"{name} as {who}: {resp.status_code} (wanted {want}) {resp.text[:120]}")
                continue
            if want == 401:
                assert resp.headers["www-authenticate"].startswith("Bearer"), (name, who)
            if want in (401, 403, 404):
                assert "Q3 numbers" not in resp.text
                assert len(env.released()) == before, f"{name} as {who} changed something"
            if name.startswith("quarantine.bulk") and who == "supervisor_other":
                assert [i["status_code"] for i in resp.json()["items"]] == [404]
                assert "Q3 numbers" not in resp.text
    assert not mismatches, "\n".join(mismatches)


def test_unauthenticated_probes(engine: sa.Engine) -> None:
    env = Env(engine)
    for who in WHO:
        assert env.client.get("/healthz", headers=env.headers(who)).json() == {"status": "ok"}
        metrics = env.client.get("/metrics", headers=env.headers(who))
        assert metrics.status_code == 200 and "mailwarden_up 1" in metrics.text
    assert env.client.get("/docs").status_code == 200
    assert "/api/v1/quarantine/{entry_id}/release" in env.client.get("/openapi.json").json()["paths"]


def test_supervisor_scope(engine: sa.Engine) -> None:
    env = Env(engine)
    finance = env.hold(department="finance", recipients=("x@ext.example", "y@ext.example"))
    sales = env.hold(department="sales")
    sup = env.headers("supervisor")
    listed = env.client.get("/api/v1/quarantine", headers=sup).json()
    assert listed["total"] == 2 and {i["id"] for i in listed["items"]} == set(finance)
    # a filter naming another department does not widen the scope
    assert env.client.get("/api/v1/quarantine?department=sales", headers=sup).json()["total"] == 0
    other = env.client.get("/api/v1/quarantine", headers=env.headers("supervisor_other")).json()
    assert {i["id"] for i in other["items"]} == set(sales)
    resp = env.client.get(f"/api/v1/quarantine/{sales[0]}", headers=sup)
    assert resp.status_code == 404 and "Q3" not in resp.text
    # the 404 for another department looks exactly like an unknown id
    assert resp.json()["detail"].replace(str(sales[0]), "N") == env.client.get(
        "/api/v1/quarantine/999999", headers=sup
    ).json()["detail"].replace("999999", "N")


@pytest.mark.parametrize("header", ["Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer not-a-token", "Token mw_x"])
def test_malformed_authorization(engine: sa.Engine, header: str) -> None:
    env = Env(engine)
    resp = env.client.get("/api/v1/quarantine", headers={"Authorization": header})
    assert resp.status_code == 401 and resp.headers["www-authenticate"].startswith("Bearer")


def test_assigned_reviewer_outside_own_department(engine: sa.Engine) -> None:
    env = Env(engine)
    assigned = env.hold(department="finance", reviewers=["Supervisor_Other@corp.example"])[0]
    not_assigned = env.hold(department="finance")[0]
    h = env.headers("supervisor_other")  # supervisor of sales
    listed = env.client.get("/api/v1/quarantine", headers=h).json()
    assert [i["id"] for i in listed["items"]] == [assigned]
    assert env.client.get(f"/api/v1/quarantine/{assigned}", headers=h).status_code == 200
    assert env.client.get(f"/api/v1/quarantine/{not_assigned}", headers=h).status_code == 404
    resp = env.client.post(f"/api/v1/quarantine/{assigned}/release", json={"comment": "ok"}, headers=h)
    assert resp.status_code == 200 and len(env.released()) == 1


def test_routed_to_any_address_of_the_account(engine: sa.Engine) -> None:
    env = Env(engine)
    token = add_user(engine, "two-hats", "supervisor", ["sales"], "ann@corp.example",
                     addresses=["ann.lee@corp.example"])
    routed = env.hold(department="finance", reviewers=["ann.lee@corp.example"])[0]
    h = {"Authorization": f"Bearer {token}"}
    assert [i["id"] for i in env.client.get("/api/v1/quarantine", headers=h).json()["items"]] == [routed]
    resp = env.client.post(f"/api/v1/quarantine/{routed}/release", json={"comment": "ok"}, headers=h)
    assert resp.status_code == 200 and resp.json()["status"] == "released"
