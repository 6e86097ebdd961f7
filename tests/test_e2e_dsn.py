"""Delivery status notifications over real SMTP on loopback: RFC 3464 reports (failed, delayed,
relayed) and the RFC 3461 DSN extension (RET, ENVID, NOTIFY, ORCPT accepted, stored, honoured and
passed on to a next hop that advertises DSN). SQLite and PostgreSQL.

Old main refused every DSN parameter with ``555``, never warned of a delay, and at queue
lifetime end said ``Action: failed`` with ``Status: 4.0.0`` and an invented ``smtp; 451``."""

from __future__ import annotations

import email
import email.policy
import smtplib
import time
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from tests.conftest import pg_schema_url
from tests.harness import InProcessGateway, RecordingSink, SinkMessage, free_port, simple_message, write_config
from tests.smtp_raw import RawSMTP

_DSN_KEYS = ("RET", "ENVID", "NOTIFY", "ORCPT")


class DsnSink(RecordingSink):
    """A next hop that advertises DSN and records the DSN parameters it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.dsn_params: list[str] = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802, ANN001, ANN201
        session.host_name = hostname
        return [*responses[:-1], "250-DSN", responses[-1]]


class _DsnSMTP(SMTP):
    def _getparams(self, params):  # noqa: ANN001, ANN202
        self.event_handler.dsn_params += [p for p in params if p.partition("=")[0] in _DSN_KEYS]
        return super()._getparams([p for p in params if p.partition("=")[0] not in _DSN_KEYS])


class _DsnController(Controller):
    def factory(self) -> SMTP:
        return _DsnSMTP(self.handler, **self.SMTP_kwargs)


class Stack:
    def __init__(self, gw: InProcessGateway, sink: RecordingSink):
        self.gw, self.sink = gw, sink

    def send(self, rcpts: list[str], subject: str, *, mail_options: tuple[str, ...] = (),
             rcpt_options: tuple[str, ...] = ()) -> None:
        raw = simple_message(subject=subject, to=", ".join(rcpts))
        with smtplib.SMTP("127.0.0.1", self.gw.smtp_port, timeout=30) as client:
            client.ehlo("client.test")
            assert client.sendmail("alice@example.com", rcpts, raw, list(mail_options), list(rcpt_options)) == {}

    def dsns(self, subject: str) -> list[SinkMessage]:
        """DSNs to alice about the message with ``subject`` (its headers come back in the report)."""
        return [m for m in self.sink.to("alice@example.com")
                if b"multipart/report" in m.data and f"Subject: {subject}".encode() in m.data]

    def wait_dsns(self, subject: str, count: int = 1, timeout: float = 30) -> list[SinkMessage]:
        deadline = time.monotonic() + timeout
        while len(found := self.dsns(subject)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(found) >= count, f"{len(found)} DSNs about {subject!r}, expected {count}"
        return found


def _stack(request: pytest.FixtureRequest, tmp: Path, sink_controller: type[Controller],
           handler: RecordingSink) -> Iterator[Stack]:
    urls: Iterator[str] = iter([f"sqlite:///{tmp / 'db.sqlite'}"]) if request.param == "sqlite" else pg_schema_url()
    for url in urls:
        port = free_port()
        controller = sink_controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        config = write_config(tmp / "gw", database_url=url, next_hop=f"127.0.0.1:{port}", smtp_port=free_port(),
                              api_port=free_port(), overrides={"delivery": {
                                  "retry_initial": "1s", "retry_max": "1s", "delay_warning_after": "1s",
                                  "max_queue_lifetime": "6s"}})
        gw = InProcessGateway(config, with_api=False).start()
        try:
            yield Stack(gw, handler)
        finally:
            gw.stop()
            controller.stop()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The gateway relaying to a next hop without DSN (the harness's sink)."""
    handler = RecordingSink()
    handler.refuse = {"nobody": "550 5.1.1 No such user here", "slow@": "451 4.3.0 Try again later"}
    yield from _stack(request, tmp_path_factory.mktemp("dsn"), Controller, handler)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def dsn_stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The gateway relaying to a next hop that advertises DSN."""
    yield from _stack(request, tmp_path_factory.mktemp("dsn-hop"), _DsnController, DsnSink())


def report(dsn: SinkMessage) -> tuple[Message, list[Message]]:
    """(per-message fields, per-recipient field blocks) of a DSN's message/delivery-status part."""
    msg = email.message_from_bytes(dsn.data, policy=email.policy.compat32)
    assert msg.get_content_type() == "multipart/report"
    assert msg.get_param("report-type") == "delivery-status"
    [status] = [p for p in msg.walk() if p.get_content_type() == "message/delivery-status"]
    blocks = status.get_payload()
    return blocks[0], blocks[1:]


def test_dsn_extension_advertised_and_its_parameters_accepted(stack: Stack) -> None:
    with RawSMTP(stack.gw.smtp_port) as c:
        assert b"250-DSN\r\n" in c.cmd("EHLO client.test")
        assert c.cmd("MAIL FROM:<alice@example.com> RET=BODY").startswith(b"501 5.5.4 ")
        assert c.cmd("MAIL FROM:<alice@example.com> RET=HDRS ENVID=QQ+2B314159 SIZE=100").startswith(b"250 2.1.0")
        assert c.cmd("RCPT TO:<bob@example.com> NOTIFY=NEVER,SUCCESS").startswith(b"501 5.5.4 ")
        assert c.cmd("RCPT TO:<bob@example.com> ORCPT=Bob@example.com").startswith(b"501 5.5.4 ")
        assert c.cmd("RCPT TO:<bob@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Bob@example.com"
                     ).startswith(b"250 2.1.5")
        assert c.cmd("RCPT TO:<carol@example.com> NOTIFY=NEVER").startswith(b"250 2.1.5")


def test_failed_dsn_reports_the_remote_reply_and_the_client_identifiers(stack: Stack) -> None:
    stack.send(["nobody@partner.org"], "dsn-failed", mail_options=("RET=HDRS", "ENVID=QQ314159"),
               rcpt_options=("NOTIFY=FAILURE", "ORCPT=rfc822;NoBody@partner.org"))
    [dsn] = stack.wait_dsns("dsn-failed")
    assert dsn.mail_from in ("", "<>")
    per_message, [block] = report(dsn)
    assert per_message["Original-Envelope-Id"] == "QQ314159"
    assert block["Final-Recipient"] == "rfc822; nobody@partner.org"
    assert block["Original-Recipient"] == "rfc822;NoBody@partner.org"     # as the client wrote it
    assert block["Action"] == "failed"
    assert block["Status"] == "5.1.1"
    assert block["Diagnostic-Code"] == "smtp; 550 5.1.1 No such user here"
    assert b"text/rfc822-headers" in dsn.data


def test_notify_never_sends_none(stack: Stack) -> None:
    stack.send(["nobody2@partner.org"], "dsn-never", rcpt_options=("NOTIFY=NEVER",))
    stack.send(["nobody3@partner.org"], "dsn-default")            # no NOTIFY: failures are reported
    stack.wait_dsns("dsn-default")
    time.sleep(1.0)
    assert stack.dsns("dsn-never") == []


def test_delay_warning_once_then_failed_at_lifetime_end(stack: Stack) -> None:
    stack.send(["slow@partner.org"], "dsn-slow")
    first = stack.wait_dsns("dsn-slow")[0]
    per_message, [block] = report(first)
    assert block["Action"] == "delayed"
    assert block["Status"] == "4.3.0"
    assert block["Diagnostic-Code"] == "smtp; 451 4.3.0 Try again later"
    assert block["Will-Retry-Until"]
    assert b"Subject: Delayed Mail" in first.data
    both = stack.wait_dsns("dsn-slow", 2, timeout=40)
    assert len(both) == 2       # several retries came and went: one delay warning only
    _, [final] = report(both[1])
    assert final["Action"] == "failed"
    assert final["Status"] == "5.4.7"           # delivery time expired, a permanent failure
    assert final["Diagnostic-Code"] == "smtp; 451 4.3.0 Try again later"   # the real last reply
    time.sleep(1.5)
    assert len(stack.dsns("dsn-slow")) == 2


def test_notify_success_to_a_next_hop_without_dsn_gets_relayed(stack: Stack) -> None:
    stack.send(["carol@partner.org"], "dsn-success", rcpt_options=("NOTIFY=SUCCESS",))
    [dsn] = stack.wait_dsns("dsn-success")
    _, [block] = report(dsn)
    assert (block["Action"], block["Status"]) == ("relayed", "2.0.0")


def test_dsn_parameters_passed_on_to_a_next_hop_with_dsn(dsn_stack: Stack) -> None:
    dsn_stack.send(["carol@partner.org"], "dsn-passed", mail_options=("RET=FULL", "ENVID=QQ314159"),
                   rcpt_options=("NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;Carol@partner.org"))
    dsn_stack.sink.wait_to("carol@partner.org")
    params = {p.partition("=")[0]: p.partition("=")[2] for p in dsn_stack.sink.dsn_params}
    assert params == {"RET": "FULL", "ENVID": "QQ314159", "NOTIFY": "SUCCESS,FAILURE",
                      "ORCPT": "RFC822;CAROL@PARTNER.ORG"}     # aiosmtpd (the sink) upper-cases them
    time.sleep(1.0)
    assert dsn_stack.dsns("dsn-passed") == []   # success is the next hop's to report now


def test_notify_success_into_a_maildir_gets_delivered(tmp_path: Path, database_url: str) -> None:
    """Final delivery (a maildir) reports ``Action: delivered`` (RFC 3464), not ``relayed``."""
    maildir = tmp_path / "maildir"
    config = write_config(tmp_path / "gw", database_url=database_url, next_hop=f"maildir:{maildir}",
                          smtp_port=free_port(), api_port=free_port())
    gw = InProcessGateway(config, with_api=False).start()
    try:
        with smtplib.SMTP("127.0.0.1", gw.smtp_port, timeout=30) as client:
            client.ehlo("client.test")
            client.sendmail("alice@example.com", ["bob@example.com"], simple_message(subject="dsn-maildir"),
                            rcpt_options=["NOTIFY=SUCCESS"])
        deadline = time.monotonic() + 30
        while not (found := list((maildir / "alice@example.com" / "new").glob("*"))) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(found) == 1
        dsn = SinkMessage("", ["alice@example.com"], found[0].read_bytes().split(b"\r\n", 2)[2])
        _, [block] = report(dsn)
        assert (block["Action"], block["Status"], block["Final-Recipient"]) == (
            "delivered", "2.0.0", "rfc822; bob@example.com")
    finally:
        gw.stop()
