"""Every delivery attempt and its result, and every DSN sent, recorded and shown (issues 15 and
16), over real SMTP on loopback into a next hop that speaks DSN, on SQLite and PostgreSQL:

- a message the next hop defers (451) and then takes (250) shows both attempts, in order, with
  both replies, the hop and its TLS, on the archive timeline API and in the queue's detail view;
- a bounced message shows the attempt and the DSN sent (its archive record, its action);
- mail released from quarantine keeps the RFC 3461 parameters given at MAIL/RCPT time (RET,
  ENVID, NOTIFY, ORCPT): they go to the next hop with the released copy and into its DSNs;
- when retention purges a message, the log of its attempts goes with it.

Old main kept the last reply on the queue row only (one "delivery" event with an attempt count)
and released held mail without its DSN parameters (the next hop got none; the bounce carried
no Original-Envelope-Id nor Original-Recipient) -- all three tests were seen failing on it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from admin_api.users import add_user
from archive import tables as at
from archive.retention import Retention
from gateway.retention import forget, still_needed
from gateway.tables import delivery_attempts
from tests.conftest import pg_schema_url
from tests.harness import InProcessGateway, free_port, send, simple_message, write_config
from tests.smtp_raw import RawSMTP
from tests.test_cli import mailwarden
from tests.test_e2e_dsn import DsnSink, _DsnController, report


@dataclass
class Stack:
    gw: InProcessGateway
    sink: DsnSink
    sink_port: int
    tokens: dict[str, str]

    def client(self, who: str) -> httpx.Client:
        return httpx.Client(base_url=f"http://127.0.0.1:{self.gw.api_port}/api/v1", timeout=60,
                            headers={"Authorization": f"Bearer {self.tokens[who]}"})

    def record_of(self, message_id: str, timeout: float = 30) -> int:
        """The archive record of the accepted message with this Message-ID."""
        r = at.records.c
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.gw.services.engine.connect() as conn:
                found = conn.execute(sa.select(r.id).where(r.message_id == message_id, r.event == "accepted")
                                     ).scalar()
            if found is not None:
                return int(found)
            time.sleep(0.05)
        raise AssertionError(f"no record of {message_id}")

    def timeline_until(self, record: int, done: Callable[[list[dict[str, Any]]], bool],
                       timeout: float = 40) -> list[dict[str, Any]]:
        """The archive timeline's events once ``done(events)`` holds."""
        deadline = time.monotonic() + timeout
        with self.client("auditor") as auditor:
            while True:
                response = auditor.get(f"/archive/{record}/timeline")
                assert response.status_code == 200, response.text
                events = response.json()["events"]
                if done(events) or time.monotonic() > deadline:
                    return events
                time.sleep(0.2)


def attempts_of(events: list[dict[str, Any]], recipient: str) -> list[dict[str, Any]]:
    return [e for e in events if e["kind"] == "delivery" and e["recipients"] == [recipient]
            and e["detail"].get("attempt")]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp: Path = tmp_path_factory.mktemp("attempts")
    urls: Iterator[str] = iter([f"sqlite:///{tmp / 'db.sqlite'}"]) if request.param == "sqlite" else pg_schema_url()
    for url in urls:
        handler = DsnSink()
        handler.refuse = {"nobody": "550 5.1.1 No such user here"}
        port = free_port()
        controller = _DsnController(handler, hostname="127.0.0.1", port=port)
        controller.start()
        config = write_config(tmp / "gw", database_url=url, next_hop=f"127.0.0.1:{port}", smtp_port=free_port(),
                              api_port=free_port(),
                              overrides={"delivery": {"retry_initial": "1s", "retry_max": "1s"}})
        gw = InProcessGateway(config, with_api=True).start()
        try:
            engine = gw.services.engine
            tokens = {"auditor": add_user(engine, "otto", "auditor"), "admin": add_user(engine, "ada", "admin"),
                      "supervisor": add_user(engine, "cfo", "supervisor", ["finance"], "cfo@example.com")}
            yield Stack(gw, handler, port, tokens)
        finally:
            gw.stop()
            controller.stop()


def _message(subject: str, sender: str = "alice@example.com", to: str = "x@partner.org",
             body: str = "Hello there.\r\n") -> tuple[bytes, str]:
    raw = simple_message(subject=subject, sender=sender, to=to, body=body)
    message_id = raw.split(b"Message-ID: ", 1)[1].split(b"\r\n", 1)[0].decode()
    return raw, message_id


def test_deferred_then_delivered_shows_both_attempts(stack: Stack) -> None:
    stack.sink.refuse_once["later@"] = "451 4.3.0 Try again later"     # then it takes it on the retry
    raw, message_id = _message("attempts-deferred", to="later@partner.org")
    assert send(stack.gw.smtp_port, "alice@example.com", ["later@partner.org"], raw) == {}
    record = stack.record_of(message_id)
    events = stack.timeline_until(record, lambda ev: any(
        e["detail"]["result"] == "delivered" for e in attempts_of(ev, "later@partner.org")))
    tried = attempts_of(events, "later@partner.org")
    assert [(e["detail"]["attempt"], e["detail"]["result"], e["detail"]["code"], e["detail"]["enhanced"],
             e["detail"]["text"]) for e in tried] == [
        (1, "deferred", 451, "4.3.0", "Try again later"), (2, "delivered", 250, "2.0.0", "OK stored")]
    first, second = tried
    assert first["at"] <= second["at"] and first["detail"]["started_at"] <= first["at"]
    for e in tried:   # the hop as connected to; the sink offers no STARTTLS: in the clear, under "may"
        assert e["detail"]["hop"] == {"host": "127.0.0.1", "address": "127.0.0.1", "port": stack.sink_port}
        assert e["detail"]["tls"] == {"version": None, "verified": None, "policy": "may"}
        assert e["detail"]["copy"] is False
    kinds = [e["kind"] for e in events]
    assert kinds.index("screened") < events.index(first) < events.index(second)
    assert "dsn" not in kinds

    # the queue's detail view (API and CLI) lists the same attempts
    queue_id = first["detail"]["queue_id"]
    with stack.client("admin") as admin:
        row = admin.get(f"/queue/{queue_id}").json()
    assert row["status"] == "delivered" and row["attempts"] == 2
    assert [(a["attempt"], a["result"], a["code"], a["reply"]) for a in row["attempt_log"]] == [
        (1, "deferred", 451, "Try again later"), (2, "delivered", 250, "OK stored")]
    assert row["attempt_log"][0]["hop_port"] == stack.sink_port
    with stack.client("auditor") as auditor:      # the queue is the administrators'
        assert auditor.get(f"/queue/{queue_id}").status_code == 403
    out = mailwarden("queue", "show", str(queue_id), config=stack.gw.config)
    assert out.returncode == 0, out.stderr
    assert [(a["attempt"], a["result"], a["code"], a["enhanced"]) for a in json.loads(out.stdout)["attempt_log"]] == [
        (1, "deferred", 451, "4.3.0"), (2, "delivered", 250, "2.0.0")]


def test_bounced_message_shows_the_attempt_and_the_dsn(stack: Stack) -> None:
    raw, message_id = _message("attempts-bounced", to="nobody@partner.org")
    assert send(stack.gw.smtp_port, "alice@example.com", ["nobody@partner.org"], raw) == {}
    record = stack.record_of(message_id)
    events = stack.timeline_until(record, lambda ev: any(e["kind"] == "dsn" for e in ev))
    [tried] = attempts_of(events, "nobody@partner.org")
    assert (tried["detail"]["result"], tried["detail"]["status"], tried["detail"]["code"],
            tried["detail"]["enhanced"], tried["detail"]["text"]) == (
        "bounced", "failed", 550, "5.1.1", "No such user here")
    [dsn] = [e for e in events if e["kind"] == "dsn"]
    assert dsn["recipients"] == ["alice@example.com"]
    assert dsn["detail"]["action"] == "failed" and dsn["detail"]["about"] == "nobody@partner.org"
    assert events.index(tried) < events.index(dsn)
    with stack.gw.services.engine.connect() as conn:   # the DSN's own archive record
        event, to = conn.execute(sa.select(at.records.c.event, at.records.c.rcpt_tos)
                                 .where(at.records.c.id == dsn["detail"]["record"])).one()
    assert event == "dsn" and list(to) == ["alice@example.com"]
    # the DSN's own delivery is logged like any other
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        dsn_events = stack.timeline_until(dsn["detail"]["record"], lambda ev: True)
        if attempts_of(dsn_events, "alice@example.com"):
            break
        time.sleep(0.2)
    [sent] = attempts_of(dsn_events, "alice@example.com")
    assert sent["detail"]["result"] == "delivered"


def _send_raw(port: int, mail: str, rcpts: list[str], raw: bytes) -> None:
    with RawSMTP(port) as c:
        assert c.cmd("EHLO client.test").startswith(b"250")
        assert c.cmd(mail).startswith(b"250"), mail
        for rcpt in rcpts:
            assert c.cmd(rcpt).startswith(b"250"), rcpt
        assert c.cmd("DATA").startswith(b"354")
        c.send(raw + b"\r\n.\r\n")
        assert c.reply().startswith(b"250")


def test_released_mail_keeps_its_dsn_parameters(stack: Stack) -> None:
    raw, message_id = _message("合同 attempts-released", sender="li.wei@example.com",
                               to="partner@other.org, nobody@other.org", body="本合同绝密，严禁外传。\r\n")
    _send_raw(stack.gw.smtp_port, "MAIL FROM:<li.wei@example.com> RET=HDRS ENVID=QQ2718", [
        "RCPT TO:<partner@other.org> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Partner@other.org",
        "RCPT TO:<nobody@other.org> NOTIFY=FAILURE ORCPT=rfc822;NoBody@other.org"], raw)
    record = stack.record_of(message_id)
    with stack.client("supervisor") as cfo:
        deadline = time.monotonic() + 30
        while True:
            held = [i for i in cfo.get("/quarantine").json()["items"] if i["archive_id"] == record]
            if len(held) == 2 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert sorted(i["recipient"] for i in held) == ["nobody@other.org", "partner@other.org"]
        stack.sink.dsn_params.clear()
        for entry in held:
            if cfo.get(f"/quarantine/{entry['id']}").json()["status"] == "held":
                answer = cfo.post(f"/quarantine/{entry['id']}/release", json={"comment": "ok to send"})
                assert answer.status_code == 200, answer.text
    [copy] = stack.sink.wait_to("partner@other.org")
    assert b"attempts-released" in copy.data or "attempts-released" in copy.data.decode("utf-8", "replace")
    # every MAIL and RCPT the sink saw, in the order it saw them: partner's copy and nobody's
    # (refused) may come in either order, so each parameter is looked for, not the last one kept
    assert {"RET=HDRS", "ENVID=QQ2718", "NOTIFY=SUCCESS,FAILURE",
            "ORCPT=RFC822;PARTNER@OTHER.ORG"} <= set(stack.sink.dsn_params), stack.sink.dsn_params  # upper-cased
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        bounces = [m for m in stack.sink.to("li.wei@example.com") if b"multipart/report" in m.data]
        if bounces:
            break
        time.sleep(0.1)
    [bounce] = bounces
    per_message, [block] = report(bounce)
    assert per_message["Original-Envelope-Id"] == "QQ2718"
    assert block["Original-Recipient"] == "rfc822;NoBody@other.org"
    assert block["Final-Recipient"] == "rfc822; nobody@other.org" and block["Action"] == "failed"
    assert b"text/rfc822-headers" in bounce.data        # RET=HDRS
    # the entry's own timeline (the supervisor's): the released copy's attempt and the DSN about it
    nobody = next(i["id"] for i in held if i["recipient"] == "nobody@other.org")
    with stack.client("supervisor") as cfo:
        deadline = time.monotonic() + 30
        while True:
            items = cfo.get(f"/quarantine/{nobody}/timeline").json()["items"]
            if any(i["kind"] == "dsn" for i in items) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    [tried] = [i for i in items if i["kind"] == "delivery" and i["detail"].get("attempt")]
    detail = tried["detail"]
    assert (detail["result"], detail["code"], detail["enhanced"]) == ("bounced", 550, "5.1.1")
    assert tried["detail"]["hop"]["port"] == stack.sink_port
    [dsn] = [i for i in items if i["kind"] == "dsn"]
    assert dsn["recipients"] == ["li.wei@example.com"] and dsn["detail"]["action"] == "failed"
    assert dsn["detail"]["about"] == "nobody@other.org"


def test_purged_messages_take_their_attempts_with_them(stack: Stack) -> None:
    """Last in the module: purges every record the stack has."""
    services = stack.gw.services
    engine = services.engine
    with engine.connect() as conn:
        logged = set(conn.execute(sa.select(delivery_attempts.c.archive_id)).scalars())
    assert logged
    retention = Retention(services.archive, [], 1, still_needed=still_needed, forget=forget)
    report = retention.purge(now=time.time() + 30 * 86400)
    assert logged <= set(report.purged_ids)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(delivery_attempts)).scalar_one() == 0
