"""An archived message's timeline over a real gateway fed over SMTP (SQLite and PostgreSQL):
held, released by the CFO, the released copy's delivery refused by the next hop, the DSN sent
back to the sender, and the auditor's own read -- all on one page; a false-positive mark
shows on the dashboard."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.console_seed import Console, running_console


@pytest.fixture
def console(tmp_path: Path, database_url: str):  # noqa: ANN201
    with running_console(tmp_path / "gw", database_url) as c:
        yield c


def _entry_of(console: Console, record_id: int) -> int:
    items = console.client("supervisor").get("/api/v1/quarantine").json()["items"]
    return next(i["id"] for i in items if i["archive_id"] == record_id)


def test_timeline_from_hold_to_bounce_and_dsn(console: Console) -> None:
    record = console.ids[5]
    cfo = console.client("supervisor")
    console.sink.handler.refuse["partner@"] = "550 5.1.1 no such user"
    released = cfo.post(f"/api/v1/quarantine/{_entry_of(console, record)}/release", json={"comment": "ok to send"})
    assert released.status_code == 200, released.text
    auditor = console.client("auditor")
    deadline = time.monotonic() + 60
    while True:
        timeline = auditor.get(f"/api/v1/archive/{record}/timeline").json()
        kinds = [e["kind"] for e in timeline["events"]]
        if "dsn" in kinds or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert kinds[:3] == ["received", "screened", "held"], kinds
    assert "released" in kinds and "dsn" in kinds, kinds
    assert kinds.index("released") < kinds.index("dsn")
    failed = [e for e in timeline["events"] if e["kind"] == "delivery" and e["detail"]["status"] == "failed"]
    assert failed and failed[0]["detail"]["code"] == 550 and failed[0]["detail"]["copy"] is True
    assert failed[0]["recipients"] == ["partner@other.org"]
    dsn = next(e for e in timeline["events"] if e["kind"] == "dsn")
    assert dsn["recipients"] == ["li.wei@example.com"]
    released_event = next(e for e in timeline["events"] if e["kind"] == "released")
    assert released_event["actor"] == "cfo" and released_event["comment"] == "ok to send"
    # the SMTP session it came in: the client, its HELO, TLS and login (sealed with the record)
    session = timeline["events"][0]["detail"]
    assert session["client"] == "127.0.0.1" and session["helo"] == "client.test", session
    assert session["tls"] in ("yes", "no") and "login" in session
    screened = timeline["events"][1]["detail"]
    assert screened["verdict"] == "quarantined" and screened["rules"] == ["outbound-confidential-marker"]
    # what the rule found, sealed with the record (issue 16; tests/test_timeline_findings.py)
    assert [(f["kind"], f["rule"], f["where"]) for f in screened["findings"]] == [
        ("keyword marker", "outbound-confidential-marker", ["body"])], screened
    # the auditor's reads of the timeline are on it (earlier reads: this request is written after)
    timeline = auditor.get(f"/api/v1/archive/{record}/timeline").json()
    assert any(e["kind"] == "read" and e["actor"] == "otto" and e["detail"]["action"] == "archive.timeline"
               for e in timeline["events"])
    assert console.client("supervisor").get(f"/api/v1/archive/{record}/timeline").status_code == 403
    assert auditor.get("/api/v1/archive/999999/timeline").status_code == 404


def test_false_positive_marks_count_on_the_dashboard(console: Console) -> None:
    entry = _entry_of(console, console.ids[11])
    cfo = console.client("supervisor")
    assert cfo.post(f"/api/v1/quarantine/{entry}/false-positive", json={"reason": "a public contract"}
                    ).status_code == 200
    for role in ("admin", "supervisor"):
        data = console.client(role).get("/api/v1/dashboard").json()
        assert data["false_positives"] == [{"rule": "outbound-confidential-marker", "count": 1}], role
