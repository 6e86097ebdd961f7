"""Approvals people can trust (issue 14), end to end: real SMTP into a gateway running the
shipped configs, decisions over the real admin API, deliveries into a real SMTP sink.

One gateway per database for the whole module (SQLite, then PostgreSQL); each test sends its
own messages, so the tests share no entries.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from admin_api import tables as admin_tables
from admin_api.users import add_user, create_token
from tests.conftest import pg_schema_url
from tests.harness import InProcessGateway, Sink, free_port, send, simple_message, write_config

PEM = ("-----BEGIN RSA PRIVATE KEY-----\r\nMIIEowIBAAKCAQEA7bq1mZ3Yx0Qe5fakefakefakefakefake\r\n"
       "-----END RSA PRIVATE KEY-----\r\n")


@dataclass
class Stack:
    gateway: InProcessGateway
    sink: Sink
    http: httpx.Client
    tokens: dict[str, str]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def send(self, sender: str, to: str, subject: str, body: str) -> None:
        message = simple_message(subject=subject, body=body, sender=sender, to=to)
        assert send(self.gateway.smtp_port, sender, [to], message) == {}

    def entry(self, subject: str, who: str = "grace") -> dict[str, Any]:
        """The held entry of the message with this subject (subjects are unique per test)."""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            items = self.http.get("/api/v1/quarantine", params={"status": "held", "limit": 500},
                                  headers=self.auth(who)).json()["items"]
            found = [i for i in items if i["subject"] == subject]
            if found:
                return found[0]
            time.sleep(0.05)
        raise AssertionError(f"no held entry for {subject!r}")

    def decide(self, who: str, entry_id: int, action: str = "release", **body: Any) -> httpx.Response:
        body.setdefault("comment", f"{action} by {who}")
        return self.http.post(f"/api/v1/quarantine/{entry_id}/{action}", json=body, headers=self.auth(who))


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("approvals")
    urls = pg_schema_url() if request.param == "postgres" else iter([f"sqlite:///{tmp / 'mw.db'}"])
    url = next(urls)
    sink = Sink().start()
    config = write_config(tmp / "gw", database_url=url, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=free_port())
    gateway = InProcessGateway(config, with_api=True).start()
    engine = gateway.services.engine
    tokens = {
        "cfo": add_user(engine, "cfo", "supervisor", ["finance"], "cfo@example.com"),
        "grace": add_user(engine, "grace", "compliance", [], "grace@example.com"),
        "heidi": add_user(engine, "heidi", "compliance", [], "heidi@example.com"),
        "root": add_user(engine, "root", "admin", [], "it-admin@example.com"),
    }
    with httpx.Client(base_url=f"http://127.0.0.1:{gateway.api_port}", timeout=30) as http:
        yield Stack(gateway, sink, http, tokens)
    gateway.stop()
    sink.stop()
    for _ in urls:  # drops the PostgreSQL schema
        pass


def test_top_secret_needs_the_department_head_and_a_compliance_officer(stack: Stack) -> None:
    stack.send("alice@example.com", "partner@other.org", "TS plan", "TOP SECRET\r\nThe plan.\r\n")
    entry = stack.entry("TS plan")
    assert "outbound-classification-banner" in entry["rules"]

    # An administrator who is not routed is no approver.
    assert stack.decide("root", entry["id"]).status_code == 403
    # Two compliance officers are not the department head plus compliance.
    first = stack.decide("grace", entry["id"])
    assert first.status_code == 200 and first.json()["status"] == "held", first.text
    second = stack.decide("heidi", entry["id"])
    assert second.status_code == 200 and second.json()["status"] == "held", second.text
    assert second.json()["pending_approvals"] == 1
    time.sleep(0.5)
    assert not stack.sink.handler.to("partner@other.org")

    done = stack.decide("cfo", entry["id"])
    assert done.status_code == 200 and done.json()["status"] == "released", done.text
    [delivered] = stack.sink.handler.wait_to("partner@other.org")
    assert b"TS plan" in delivered.data
    history = stack.http.get(f"/api/v1/quarantine/{entry['id']}", headers=stack.auth("grace")).json()["history"]
    assert [(h["action"], h["actor"]) for h in history] == [
        ("held", "system"), ("approve", "grace"), ("approve", "heidi"), ("release", "cfo")]
    assert entry["routes"]["supervisor"] == ["cfo@example.com"]
    assert entry["routes"]["group:compliance-team"] == ["grace@example.com", "heidi@example.com"]


def test_department_head_cannot_decide_what_is_routed_to_compliance(stack: Stack) -> None:
    stack.send("alice@example.com", "vendor@other.org", "key for you", f"Here it is:\r\n{PEM}")
    entry = stack.entry("key for you")
    refused = stack.decide("cfo", entry["id"])
    assert refused.status_code == 403 and "not among its reviewers" in refused.json()["detail"]
    assert stack.decide("cfo", entry["id"], "reject").status_code == 403
    ok = stack.decide("heidi", entry["id"], "reject", comment="keys never leave by mail")
    assert ok.status_code == 200 and ok.json()["status"] == "rejected", ok.text
    assert list(entry["routes"]) == ["group:compliance-team"]


def test_compliance_override_needs_a_comment_and_is_recorded(stack: Stack) -> None:
    stack.send("alice@example.com", "bank@other.org", "override me", "TOP SECRET figures\r\n")
    entry = stack.entry("override me")
    no_comment = stack.decide("grace", entry["id"], override=True, comment="")
    assert no_comment.status_code == 422
    # Only compliance overrides; the administrator may not.
    assert stack.decide("root", entry["id"], override=True).status_code == 403
    ok = stack.decide("grace", entry["id"], override=True, comment="regulator request, case 7")
    assert ok.status_code == 200 and ok.json()["status"] == "released" and ok.json()["override"]
    stack.sink.handler.wait_to("bank@other.org")
    last = stack.http.get(f"/api/v1/quarantine/{entry['id']}", headers=stack.auth("heidi")).json()["history"][-1]
    assert last["override"] is True and last["comment"] == "regulator request, case 7"


def test_alice_cannot_release_her_own_message_whatever_her_account_says(stack: Stack) -> None:
    engine = stack.gateway.services.engine
    # The README's old example: alice, a finance sender, as a finance supervisor without an
    # address. It is refused now; an account made that way before (a row as old code wrote
    # it) decides nothing, because nothing is routed to an account without an address.
    with pytest.raises(ValueError, match="needs --email"):
        add_user(engine, "alice", "supervisor", ["finance"])
    with engine.begin() as conn:
        conn.execute(sa.insert(admin_tables.users).values(
            name="alice-legacy", role="supervisor", departments=["finance"], email=None, created_at=0.0,
            disabled=False))
    legacy = {"Authorization": f"Bearer {create_token(engine, 'alice-legacy')}"}
    # A compliance account bound to another of her addresses as well as this one.
    stack.tokens["alice"] = add_user(engine, "alice-c", "compliance", [], "a.smith@example.com",
                                     addresses=["alice@example.com"])

    stack.send("alice@example.com", "friend@other.org", "mine to send", "Strictly confidential: 机密\r\n")
    entry = stack.entry("mine to send", who="cfo")
    url = f"/api/v1/quarantine/{entry['id']}"
    assert stack.http.post(f"{url}/release", json={"comment": "mine"}, headers=legacy).status_code == 403
    for body in ({"comment": "mine"}, {"comment": "mine", "override": True}):
        refused = stack.http.post(f"{url}/release", json=body, headers=stack.auth("alice"))
        assert refused.status_code == 403 and "you sent" in refused.json()["detail"], refused.text
    assert stack.http.post(f"{url}/reject", json={"comment": "x"}, headers=stack.auth("alice")).status_code == 403
    assert stack.http.get(url, headers=stack.auth("cfo")).json()["status"] == "held"
    time.sleep(0.3)
    assert not stack.sink.handler.to("friend@other.org")
