"""Issue 15, attacked from the next hop's side: a next hop that refuses a sign-in link mail (or a
sender's release notice) and quotes the link in its reply. The reply is recorded (the queue row's
last error, the attempt log, the archive timeline an auditor reads, the delivery log line) while
the link, never used, keeps working: an archive reader would read a live link there.

Real gateway on SQLite and PostgreSQL, a real SMTP next hop that refuses DATA quoting the body's
link (as URL-blocklisting filters do)."""

from __future__ import annotations

import argparse
import json
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from admin_api import users
from gateway.queue_control import QueueControl
from gateway.tables import queue as queue_table
from tests.harness import InProcessGateway, RecordingSink, Sink, free_port, send, simple_message, write_config
from tests.test_e2e_account_links import TOKEN, _every_reading, _redeemable

pytestmark = pytest.mark.postgres

_LINK = re.compile(r"https?://\S+?(?:password|sender)\?token=[\w.\-]+")


class QuotingSink(RecordingSink):
    """A next hop whose content filter refuses any mail carrying a console link, quoting it."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802, ANN001
        found = _LINK.findall(_every_reading(bytes(envelope.original_content)))
        if found:
            return f"550 5.7.1 Message refused: URL {max(found, key=len)} is listed"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def gateway(tmp_path: Path, database_url: str) -> Iterator[tuple[InProcessGateway, Sink]]:
    sink = Sink()
    sink.handler = QuotingSink()
    sink.start()
    config = write_config(tmp_path / "gw", database_url=database_url, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=free_port())
    gw = InProcessGateway(config).start()
    try:
        yield gw, sink
    finally:
        gw.stop()
        sink.stop()


def _failed(gw: InProcessGateway, address: str) -> sa.Row:
    q = queue_table.c
    deadline = time.monotonic() + 30
    while True:
        with gw.services.engine.connect() as conn:
            row = conn.execute(sa.select(q.id, q.archive_id, q.status, q.origin, q.last_error)
                               .where(q.recipient == address).order_by(q.id)).first()
        if row is not None and row.status == "failed":
            return row
        assert time.monotonic() < deadline, row
        time.sleep(0.1)


def _recorded(gw: InProcessGateway, row: sa.Row, auditor: httpx.Client) -> str:
    """Everything the gateway recorded of the refusal that a reader can get at."""
    timeline = auditor.get(f"/api/v1/archive/{row.archive_id}/timeline")
    assert timeline.status_code == 200, timeline.text
    with gw.services.engine.connect() as conn:
        attempts = conn.execute(sa.text("SELECT * FROM gateway_delivery_attempts WHERE queue_id = :q"),
                                {"q": row.id}).mappings().all()
    shown = QueueControl(gw.services.engine, gw.services.archive.open_digest).show(row.id)   # `mailwarden queue show`
    return "\n".join([row.last_error or "", timeline.text, json.dumps([dict(a) for a in attempts], default=str),
                      json.dumps(shown, default=str)])


def test_a_next_hop_quoting_the_sign_in_link_does_not_put_it_in_the_records(
        gateway: tuple[InProcessGateway, Sink], caplog: pytest.LogCaptureFixture) -> None:
    """Seen failing on old code: the auditor's timeline carried the refused mail's working link."""
    from gateway.link_commands import invite

    gw, _sink = gateway
    engine = gw.services.engine
    users.add_user(engine, "ann", "admin", [], addresses=["ann@example.com"])
    audit_token = users.add_user(engine, "audrey", "auditor", [])
    caplog.set_level(logging.INFO, logger="mailwarden")
    assert invite(gw.services, gw.services.settings, argparse.Namespace(name="ann", reset=False, language="zh-CN")) == 0
    row = _failed(gw, "ann@example.com")
    assert row.origin == "link" and "5.7.1" in (row.last_error or "")
    base = f"http://127.0.0.1:{gw.api_port}"
    with httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {audit_token}"}) as auditor, \
            httpx.Client(base_url=base, timeout=30) as thief:
        recorded = _recorded(gw, row, auditor) + "\n" + caplog.text
        assert "is listed" in recorded                       # the reply itself is kept for diagnosis
        for token in set(TOKEN.findall(recorded)):
            assert not _redeemable(thief, token), "a working sign-in link in the delivery records"
        assert TOKEN.search(recorded) is None
        assert "[link withheld from the archive]" in recorded


def test_a_next_hop_quoting_the_senders_release_link_does_not_put_it_in_the_records(
        gateway: tuple[InProcessGateway, Sink], caplog: pytest.LogCaptureFixture) -> None:
    gw, _sink = gateway
    audit_token = users.add_user(gw.services.engine, "audrey", "auditor", [])
    caplog.set_level(logging.INFO, logger="mailwarden")
    message = simple_message(subject="plans for partner", body="Our plans.\r\n", sender="intern@example.com",
                             to="someone@partner.org")
    assert send(gw.smtp_port, "intern@example.com", ["someone@partner.org"], message) == {}
    row = _failed(gw, "intern@example.com")
    base = f"http://127.0.0.1:{gw.api_port}"
    with httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {audit_token}"}) as auditor, \
            httpx.Client(base_url=base, timeout=30) as thief:
        recorded = _recorded(gw, row, auditor) + "\n" + caplog.text
        assert "is listed" in recorded
        for token in set(re.findall(r"/sender\?token=([\w.\-]+)", recorded)):
            assert thief.get("/sender", params={"token": token.rstrip(".")}).status_code != 200
        assert "[link withheld from the archive]" in recorded
