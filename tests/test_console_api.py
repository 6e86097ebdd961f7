"""The console's JSON API over a real gateway fed over SMTP (SQLite and PostgreSQL): dashboard
figures equal the archive's counts and are scoped for supervisors; backtest jobs; the audit log
with filters, verification and export; accounts; legal holds; purge. Every endpoint is
role-checked (403) and audited; bad input is a 422 naming the field."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from archive import tables as at
from tests.console_seed import FALCON, Console, running_console

FALCON_RULE = """
  - name: falcon-hold
    description: Project Falcon stays in the house
    priority: 400
    when: {subject: {terms: ["ProjectFalcon"]}}
    action: quarantine
    review: supervisor
"""


@pytest.fixture
def console(tmp_path: Path, database_url: str):  # noqa: ANN201
    with running_console(tmp_path / "gw", database_url) as c:
        yield c


def _archive_counts(console: Console, departments: list[str] | None = None) -> dict[str, dict[str, int]]:
    r = at.records.c
    conds = [r.event == "accepted"]
    if departments is not None:
        conds.append(r.department.in_(departments))
    out: dict[str, dict[str, int]] = {"direction": {}, "verdict": {}}
    with console.engine.connect() as conn:
        for direction, verdict in conn.execute(sa.select(r.direction, r.verdict).where(*conds)):
            out["direction"][direction] = out["direction"].get(direction, 0) + 1
            out["verdict"][verdict] = out["verdict"].get(verdict, 0) + 1
    return out


def test_dashboard_equals_the_archive_and_is_scoped_for_supervisors(console: Console) -> None:
    admin = console.client("admin")
    data = admin.get("/api/v1/dashboard").json()
    expected = _archive_counts(console)
    assert data["totals"]["messages"] == 20
    assert data["totals"]["direction"] == expected["direction"]
    assert data["totals"]["verdict"] == expected["verdict"]
    assert expected["verdict"]["quarantined"] == 2 and expected["verdict"]["rejected"] == 1
    assert sum(day["total"] for day in data["messages_per_day"]) == 20
    assert data["holds"]["total"] == 2 and data["holds"]["by_status"] == {"held": 2}
    assert data["holds_per_department"] == [{"department": "finance", "count": 2}]
    assert data["pending_by_age"][0] == {"age": "<1h", "count": 2}
    assert data["spam"] == 1                       # the GTUBE message
    assert {"rule": "outbound-confidential-marker", "count": 2} in data["top_rules"]
    # the CSV carries the same figures
    rows = list(csv.reader(io.StringIO(admin.get("/api/v1/dashboard", params={"format": "csv"}).text)))
    assert ["messages", "total", "", "20"] in rows
    assert ["messages_by_verdict", "quarantined", "", "2"] in rows
    # the finance supervisor sees finance only
    sup = console.client("supervisor").get("/api/v1/dashboard").json()
    finance = _archive_counts(console, ["finance"])
    assert sup["departments"] == ["finance"]
    assert sup["totals"]["messages"] == sum(finance["verdict"].values()) < 20
    assert sup["totals"]["verdict"] == finance["verdict"]
    # bad input names the field
    bad = admin.get("/api/v1/dashboard", params={"after": "2026-12-02", "before": "2026-12-01"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "after"]
    assert admin.get("/api/v1/dashboard", params={"format": "xls"}).status_code == 422
    assert console.client(None).get("/api/v1/dashboard").status_code == 401


def _wait_job(client, path: str) -> dict:  # noqa: ANN001
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = client.get(path).json()
        if job["state"] not in ("queued", "running"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {path} did not finish")


def test_backtest_job_over_the_api(console: Console) -> None:
    rules = Path(console.gateway.services.settings.rules_path).read_text()
    admin = console.client("admin")
    started = admin.post("/api/v1/rules/backtest", json={"rules": rules + FALCON_RULE, "days": 1})
    assert started.status_code == 202, started.text
    job = _wait_job(admin, f"/api/v1/rules/backtest/{started.json()['id']}")
    assert job["state"] == "done" and job["percent"] == 100, job
    held = job["result"]["rules"]["falcon-hold"]["newly_held"]
    assert held == {"count": 3, "samples": sorted(console.ids[n] for n in FALCON)}
    assert job["result"]["totals"]["newly_held"] == 3 and job["result"]["totals"]["newly_released"] == 0
    listed = admin.get("/api/v1/rules/backtest").json()
    assert [i["id"] for i in listed["items"]] == [job["id"]]
    # someone else's job is not found; an auditor may not backtest; a bad file names the line
    assert console.client("compliance").get(f"/api/v1/rules/backtest/{job['id']}").status_code == 404
    assert console.client("auditor").post("/api/v1/rules/backtest", json={"rules": rules}).status_code == 403
    bad = admin.post("/api/v1/rules/backtest", json={"rules": "rules:\n  - name: x\n    when: {regex: {pattern: '('}}\n"
                                                              "    action: reject\n", "days": 1})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "rules"] and "candidate.yaml:3" in bad.json()["detail"][0]["msg"]
    assert admin.post("/api/v1/rules/backtest", json={"rules": rules, "days": 0}).status_code == 422
    audit = admin.get("/api/v1/audit", params={"action": "rules.backtest", "outcome": "ok"}).json()
    assert any(row["record"] == str(job["id"]) for row in audit["items"])


def test_audit_log_filters_verification_and_export(console: Console) -> None:
    auditor = console.client("auditor")
    record = console.ids[5]
    assert auditor.get(f"/api/v1/archive/{record}").status_code == 200
    assert auditor.post("/api/v1/users", json={"name": "x", "role": "auditor"}).status_code == 403
    rows = auditor.get("/api/v1/audit", params={"actor": "otto", "action": "archive.", "record": str(record)}).json()
    assert [(r["action"], r["record"], r["outcome"]) for r in rows["items"]] == [("archive.read", str(record), "ok")]
    denied = auditor.get("/api/v1/audit", params={"actor": "otto", "outcome": "denied"}).json()
    assert [r["action"] for r in denied["items"]] == ["users.write"]
    verify = auditor.get("/api/v1/audit/verify").json()
    assert verify["ok"] is True and verify["broken"] == [] and verify["last_id"] >= 3
    exported = auditor.get("/api/v1/audit/export", params={"actor": "otto"})
    assert exported.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(exported.text)))
    assert {"archive.read", "users.write"} <= {r["action"] for r in table}
    assert auditor.get("/api/v1/audit", params={"outcome": "maybe"}).status_code == 422
    assert console.client("supervisor").get("/api/v1/audit/verify").status_code == 403


def test_accounts_holds_and_purge(console: Console) -> None:
    admin = console.client("admin")
    made = admin.post("/api/v1/users", json={"name": "ines", "role": "auditor"})
    assert made.status_code == 201 and made.json()["token"].startswith("mw_")
    ines = {"Authorization": f"Bearer {made.json()['token']}"}
    import httpx

    with httpx.Client(base_url=console.api, headers=ines) as client:
        assert client.get("/api/v1/me").json()["role"] == "auditor"
        assert admin.post("/api/v1/users/ines/disable").json()["disabled"] is True
        assert client.get("/api/v1/me").status_code == 401          # disabled: the token is dead
    assert admin.post("/api/v1/users/ines/enable").json()["disabled"] is False
    fresh = admin.post("/api/v1/users/ines/token").json()["token"]
    with httpx.Client(base_url=console.api, headers={"Authorization": f"Bearer {fresh}"}) as client:
        assert client.get("/api/v1/me").status_code == 200
    changed = admin.patch("/api/v1/users/ines", json={"role": "supervisor", "departments": ["sales"],
                                                      "addresses": ["sales-head@example.com"]})
    assert changed.status_code == 200 and changed.json()["departments"] == ["sales"]
    bad = admin.patch("/api/v1/users/ines", json={"departments": ["nowhere"]})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "departments"]
    taken = admin.patch("/api/v1/users/ines", json={"addresses": ["cfo@example.com"]})
    assert taken.status_code == 422 and taken.json()["detail"][0]["loc"] == ["body", "addresses"]
    assert admin.post("/api/v1/users", json={"name": "ines", "role": "auditor"}).status_code == 409
    from admin_api.passwords import verify_password

    short = admin.post("/api/v1/users/ines/password", json={"password": "short"})
    assert short.status_code == 422 and short.json()["detail"][0]["loc"] == ["body", "password"]
    assert admin.post("/api/v1/users/ines/password", json={"password": "a long enough password"}).status_code == 200
    assert verify_password(console.engine, "ines", "a long enough password") is not None
    assert admin.post("/api/v1/users/ines/second-factor/reset").json()["second_factor"] == "off"
    rows = admin.get("/api/v1/audit", params={"record": "ines", "action": "users.write"}).json()["items"]
    assert all("long enough" not in str(r) for r in rows) and len(rows) >= 6
    assert admin.post("/api/v1/users/ada/disable").status_code == 409
    assert admin.get("/api/v1/users/nobody").status_code == 404
    # legal holds: compliance places one from a search; the auditor reads but cannot place
    compliance = console.client("compliance")
    hold = compliance.post("/api/v1/archive/holds", json={"kind": "query", "value": "from:li.wei@example.com",
                                                           "reason": "litigation 42"})
    assert hold.status_code == 201 and hold.json()["created_by"] == "grace"
    assert console.client("auditor").post("/api/v1/archive/holds", json={
        "kind": "query", "value": "x", "reason": "y"}).status_code == 403
    assert [h["id"] for h in console.client("auditor").get("/api/v1/archive/holds").json()["items"]] == [
        hold.json()["id"]]
    badq = compliance.post("/api/v1/archive/holds", json={"kind": "query", "value": "direction:sideways",
                                                          "reason": "r"})
    assert badq.status_code == 422 and badq.json()["detail"][0]["loc"] == ["body", "value"]
    assert compliance.post(f"/api/v1/archive/holds/{hold.json()['id']}/release", json={"reason": "settled"}
                           ).json()["released_by"] == "grace"
    assert compliance.post(f"/api/v1/archive/holds/{hold.json()['id']}/release", json={}).status_code == 404
    # purge: admins only; a dry run removes nothing (everything is young)
    assert compliance.post("/api/v1/archive/purge", json={"dry_run": True}).status_code == 403
    plan = admin.post("/api/v1/archive/purge", json={"dry_run": True}).json()
    assert plan["dry_run"] is True and plan["purged"] == 0
    assert admin.post("/api/v1/archive/purge", json={"dry_run": False}).json()["purged"] == 0
    with console.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(at.records)
                            .where(at.records.c.event == "accepted")).scalar_one() == 20
