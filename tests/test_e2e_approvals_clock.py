"""Held mail on a short clock (issue 14): reminder before expiry, escalation to the next
level, then expiry as each rule says — ``expired`` (not delivered) or released — over real
SMTP with the shipped configs (one rule given ``on_expiry: release``), SQLite and PostgreSQL.
"""

from __future__ import annotations

import email
import email.policy
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from admin_api.users import add_user
from tests.conftest import pg_schema_url
from tests.harness import InProcessGateway, Sink, free_port, send, simple_message, write_config

LIFETIME, REMIND_BEFORE, ESCALATE_AFTER = 9.0, 6.0, 1.5


def _text(message: Any) -> str:
    msg = email.message_from_bytes(message.data, policy=email.policy.default)
    return str(msg["Subject"]) + "\n" + msg.get_body(("plain",)).get_content()


@pytest.fixture(params=["sqlite", "postgres"])
def clock_stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[tuple[InProcessGateway, Sink, httpx.Client, str]]:
    tmp = tmp_path_factory.mktemp("clock")
    urls = pg_schema_url() if request.param == "postgres" else iter([f"sqlite:///{tmp / 'mw.db'}"])
    url = next(urls)
    sink = Sink().start()
    config = write_config(tmp / "gw", database_url=url, next_hop=f"127.0.0.1:{sink.port}", smtp_port=free_port(),
                          api_port=free_port(), overrides={"quarantine": {
                              "lifetime": LIFETIME, "remind_before": REMIND_BEFORE, "escalate_after": ESCALATE_AFTER,
                              "expiry_interval": 0.2}})
    rules = config.parent / "rules.yaml"
    text = rules.read_text()
    anchor = "        - detector: {name: cn_id, confidence: medium}\n    action: quarantine\n"
    assert anchor in text
    rules.write_text(text.replace(anchor, anchor + "    on_expiry: release\n"))
    gateway = InProcessGateway(config, with_api=True).start()
    token = add_user(gateway.services.engine, "grace", "compliance", [], "grace@example.com")
    with httpx.Client(base_url=f"http://127.0.0.1:{gateway.api_port}", timeout=30) as http:
        yield gateway, sink, http, token
    gateway.stop()
    sink.stop()
    for _ in urls:
        pass


def test_reminder_escalation_then_expiry_as_the_rule_says(clock_stack) -> None:  # noqa: ANN001
    gateway, sink, http, token = clock_stack
    started = time.monotonic()
    for subject, body, to in (("roadmap", "Strictly confidential roadmap\r\n", "a@other.org"),
                              ("visa form", "身份证号 310104198503120048\r\n", "b@other.org")):
        message = simple_message(subject=subject, body=body, sender="bob@example.com", to=to)
        assert send(gateway.smtp_port, "bob@example.com", [to], message) == {}

    def notices(to: str, words: str) -> list[str]:
        return [t for t in (_text(m) for m in sink.handler.to(to)) if words in t]

    # Escalation: engineering has no review group, so compliance (the default group) is next.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(notices("grace@example.com", "Escalated to you")) < 2:
        time.sleep(0.05)
    escalated_at = time.monotonic() - started
    assert len(notices("grace@example.com", "Escalated to you")) == 2
    assert escalated_at < LIFETIME - 1, escalated_at
    # grace may decide now; she looks but leaves it (the test is about expiry)
    auth = {"Authorization": f"Bearer {token}"}
    items = {i["subject"]: i for i in http.get("/api/v1/quarantine", headers=auth).json()["items"]}
    assert set(items) == {"roadmap", "visa form"}
    assert "grace@example.com" in items["roadmap"]["routes"]["escalation"]

    # The reminder to the routed reviewer (the CTO) before expiry.
    while time.monotonic() < deadline and len(notices("cto@example.com", "Reminder")) < 2:
        time.sleep(0.05)
    assert len(notices("cto@example.com", "Reminder")) == 2
    assert time.monotonic() - started < LIFETIME

    # Expiry: the confidential one expires undelivered; the identity-number one is released.
    sink.handler.wait_to("b@other.org", timeout=30)
    while time.monotonic() < deadline + 10:
        status = {i["subject"]: i["status"] for i in http.get("/api/v1/quarantine", headers=auth).json()["items"]}
        if status == {"roadmap": "expired", "visa form": "released"}:
            break
        time.sleep(0.1)
    assert status == {"roadmap": "expired", "visa form": "released"}
    expired = http.get("/api/v1/quarantine", params={"status": "expired"}, headers=auth).json()
    assert [i["subject"] for i in expired["items"]] == ["roadmap"]
    assert not sink.handler.to("a@other.org")
    assert notices("bob@example.com", "Held message expired")
