"""Held mail worked through the admin API over real HTTP, with real SMTP on both sides."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from admin_api.audit import verify_audit
from admin_api.users import add_user
from archive.chain import ChainKey
from tests.harness import InProcessGateway, Sink, free_port, send, simple_message, write_config


@pytest.fixture
def stack(tmp_path: Path, database_url: str) -> Iterator[tuple[InProcessGateway, Sink, str]]:
    sink = Sink().start()
    config = write_config(tmp_path / "gw", database_url=database_url, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=free_port())
    gateway = InProcessGateway(config, with_api=True).start()
    yield gateway, sink, f"http://127.0.0.1:{gateway.api_port}"
    gateway.stop()
    sink.stop()


def _wait(predicate, timeout: float = 20.0):  # noqa: ANN001, ANN202
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not reached")


def test_held_message_released_by_supervisor_reaches_sink_once(stack) -> None:  # noqa: ANN001
    gateway, sink, base = stack
    engine = gateway.services.engine
    cfo = add_user(engine, "cfo", "supervisor", ["finance"], "cfo@example.com")
    cto = add_user(engine, "cto", "supervisor", ["engineering"], "cto@example.com")
    auditor = add_user(engine, "aud", "auditor")

    confidential = simple_message(subject="Q3 forecast", body="Strictly confidential: 机密 forecast.\r\n",
                                  to="partner@other.org")
    assert send(gateway.smtp_port, "alice@example.com", ["partner@other.org"], confidential) == {}

    with httpx.Client(base_url=base, timeout=30) as http:
        sup = {"Authorization": f"Bearer {cfo}"}
        listing = _wait(lambda: http.get("/api/v1/quarantine", params={"status": "held"}, headers=sup).json()
                        if http.get("/api/v1/quarantine", headers=sup).json()["total"] else None)
        assert listing["total"] == 1 and listing["next"] is None
        [item] = listing["items"]
        entry_id = item["id"]

        # Another department's supervisor does not even learn it exists.
        other = http.get(f"/api/v1/quarantine/{entry_id}", headers={"Authorization": f"Bearer {cto}"})
        assert other.status_code == 404
        # The auditor reads but may not act.
        assert http.post(f"/api/v1/quarantine/{entry_id}/release", json={"comment": "x"},
                         headers={"Authorization": f"Bearer {auditor}"}).status_code == 403

        detail = http.get(f"/api/v1/quarantine/{entry_id}", headers=sup).json()
        assert detail["status"] == "held"
        assert "outbound-confidential-marker" in detail["rules"]
        assert detail["evidence"], "the reviewer must see why it was held"
        view = http.get(f"/api/v1/quarantine/{entry_id}/view", headers=sup)
        assert view.status_code == 200 and "Q3 forecast" in view.text

        released = http.post(f"/api/v1/quarantine/{entry_id}/release",
                             json={"comment": "Approved: partner under NDA"}, headers=sup)
        assert released.status_code == 200, released.text
        again = http.post(f"/api/v1/quarantine/{entry_id}/release", json={"comment": "twice"}, headers=sup)
        assert again.status_code == 409

        _wait(lambda: sink.handler.to("partner@other.org"))
        time.sleep(1.0)
        deliveries = sink.handler.to("partner@other.org")
        assert len(deliveries) == 1
        assert deliveries[0].data.endswith(confidential)

        history = http.get(f"/api/v1/quarantine/{entry_id}", headers=sup).json()["history"]
        assert [h["action"] for h in history][-1] == "release"
        assert history[-1]["comment"] == "Approved: partner under NDA"

        audit = http.get("/api/v1/audit", headers={"Authorization": f"Bearer {auditor}"}).json()
        actions = [row["action"] for row in audit["items"]]
        assert any("release" in a for a in actions)
        assert any(a.startswith("quarantine") for a in actions)
        metrics = http.get("/metrics").text
        assert "mailwarden_messages_accepted_total" in metrics
        assert "mailwarden_recipients_quarantined_total 1.0" in metrics
        assert "mailwarden_processing_seconds_bucket" in metrics and "mailwarden_queue_depth" in metrics
        report = http.get("/api/v1/reports/summary", headers={"Authorization": f"Bearer {auditor}"}).json()
        assert report["quarantine"]["rule"]["outbound-confidential-marker"] == 1
        assert report["archive"]["verdict"]["quarantined"] == 1
        assert report["archive"]["direction"]["outbound"] == 1
        assert sum(report["archive"]["day"].values()) == 1  # accepted messages only, not notices
        csv_report = http.get("/api/v1/reports/summary", params={"format": "csv"},
                              headers={"Authorization": f"Bearer {auditor}"})
        assert csv_report.status_code == 200 and "outbound-confidential-marker" in csv_report.text
        health = http.get("/healthz").json()
        assert health["status"] == "ok" and "queue_depth" in health
    ok, broken = verify_audit(engine, ChainKey(gateway.services.keyring, "audit-chain"))
    assert ok and not broken


def test_rejected_message_sends_sender_a_notice(stack) -> None:  # noqa: ANN001
    gateway, sink, base = stack
    cfo = add_user(gateway.services.engine, "cfo", "supervisor", ["finance"], "cfo@example.com")
    send(gateway.smtp_port, "alice@example.com", ["partner@other.org"],
         simple_message(subject="plans", body="内部资料 严禁外传\r\n", to="partner@other.org"))
    with httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {cfo}"}) as http:
        items = _wait(lambda: http.get("/api/v1/quarantine").json()["items"])
        entry_id = items[0]["id"]
        rejected = http.post(f"/api/v1/quarantine/{entry_id}/reject",
                             json={"comment": "Not to be shared outside finance."})
        assert rejected.status_code == 200, rejected.text

    def notice_with_comment() -> list:
        return [m for m in sink.handler.to("alice@example.com") if b"Not to be shared outside finance." in m.data]

    assert _wait(notice_with_comment)
    time.sleep(0.5)
    assert not sink.handler.to("partner@other.org")


def test_notices_are_archived_with_their_subject_and_found_by_it(stack) -> None:  # noqa: ANN001
    """An auditor looks for the notice a sender got by its subject, like any message: notices
    were archived without a subject (shown as '(no subject)', never found by one)."""
    import email
    import email.policy

    gateway, sink, base = stack
    auditor = add_user(gateway.services.engine, "aud", "auditor")
    add_user(gateway.services.engine, "cfo", "supervisor", ["finance"], "cfo@example.com")
    send(gateway.smtp_port, "alice@example.com", ["partner@other.org"],
         simple_message(subject="plans", body="内部资料 严禁外传\r\n", to="partner@other.org"))
    [notice] = _wait(lambda: sink.handler.to("alice@example.com"))
    subject = str(email.message_from_bytes(notice.data, policy=email.policy.default)["Subject"])
    with httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {auditor}"}) as http:
        found = _wait(lambda: [i for i in http.get("/api/v1/archive/search", params={"limit": 100}).json()["items"]
                               if i["recipients"] == ["alice@example.com"]])
        assert [i["subject"] for i in found] == [subject]
