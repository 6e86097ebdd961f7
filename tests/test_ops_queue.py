"""Queue control as an administrator uses it: ``mailwarden queue …`` and ``/api/v1/queue``
against a running gateway whose next hop is down, on SQLite and PostgreSQL; every action
audited; an unreadable row shown as such and dropped."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import sqlalchemy as sa

from admin_api import users
from admin_api.tables import audit
from gateway.tables import queue as queue_table
from tests.harness import InProcessGateway, Sink, free_port, send, simple_message, write_config
from tests.test_cli import mailwarden


def _wait(predicate, timeout: float = 30.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def api(port: int, method: str, path: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1{path}", method=method,
                                     headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_queue_control_cli_and_api(tmp_path: Path, database_url: str) -> None:
    hop = free_port()       # nothing listens yet: deliveries are deferred for an hour
    config = write_config(tmp_path / "gw", database_url=database_url, next_hop=f"127.0.0.1:{hop}",
                          smtp_port=free_port(), api_port=free_port(),
                          overrides={"delivery": {"retry_initial": "1h", "retry_max": "2h", "poll_interval": 0.2}})
    gw = InProcessGateway(config).start()
    sink = None
    engine = gw.services.engine
    try:
        for i in range(3):
            message = simple_message(subject=f"q{i}")
            assert send(gw.smtp_port, "alice@example.com", [f"bob{i}@example.com"], message) == {}

        def waiting() -> list[dict]:
            out = mailwarden("queue", "list", "--json", config=config)
            assert out.returncode == 0, out.stderr
            return json.loads(out.stdout)

        assert _wait(lambda: [(r["status"], r["attempts"]) for r in waiting()] == [("queued", 1)] * 3)
        rows = waiting()
        first, second, third = (r["id"] for r in rows)
        assert rows[0]["recipient"] == "bob0@example.com" and rows[0]["last_error"]
        table = mailwarden("queue", "list", config=config)
        assert "bob1@example.com" in table.stdout and "queued" in table.stdout

        # hold: never claimed while on hold, and a retry of it is refused with one line
        out = mailwarden("queue", "hold", str(first), config=config)
        assert out.returncode == 0 and "1 row(s) put on hold" in out.stdout, out.stderr
        out = mailwarden("queue", "retry", str(first), config=config)
        assert out.returncode == 1 and out.stderr.strip() == f"mailwarden: queue row {first} is hold: cannot retry it"

        # the next hop comes back: retry delivers the named row at once (not in an hour)
        sink = Sink(port=hop).start()
        out = mailwarden("queue", "retry", str(second), config=config)
        assert out.returncode == 0 and "1 row(s) due now" in out.stdout
        sink.handler.wait_to("bob1@example.com")
        time.sleep(1.0)
        assert not sink.handler.to("bob0@example.com") and not sink.handler.to("bob2@example.com")

        # an unreadable row (its message gone) is shown as such and can be dropped
        with engine.begin() as conn:
            conn.execute(queue_table.update().where(queue_table.c.id == third).values(digest="0" * 64))
        out = mailwarden("queue", "show", str(third), config=config)
        shown = json.loads(out.stdout)
        assert out.returncode == 1 and shown["readable"] is False and "message unreadable" in shown["problems"][0]
        out = mailwarden("queue", "delete", str(third), config=config)
        assert out.returncode == 0 and "1 row(s) deleted" in out.stdout
        out = mailwarden("queue", "show", str(third), config=config)
        assert out.returncode == 1 and out.stderr.strip() == f"mailwarden: no queue row {third}"
        out = mailwarden("queue", "delete", "99999999999999999999", config=config)
        assert out.returncode == 2 and "Traceback" not in out.stderr and out.stderr.count("\n") <= 2

        # the API: admins only; release puts the held row back and it is delivered
        admin = users.add_user(engine, "root", "admin", [])
        auditor = users.add_user(engine, "eve", "auditor", [])
        assert api(gw.api_port, "GET", "/queue", auditor)[0] == 403
        status, page = api(gw.api_port, "GET", "/queue?status=hold", admin)
        assert status == 200 and [r["id"] for r in page["items"]] == [first]
        status, row = api(gw.api_port, "GET", f"/queue/{first}", admin)
        assert status == 200 and row["readable"] is True and row["status"] == "hold"
        assert api(gw.api_port, "POST", f"/queue/{first}/hold", admin)[0] == 409
        assert api(gw.api_port, "GET", "/queue/99999999999999999999", admin)[0] == 422
        assert api(gw.api_port, "DELETE", f"/queue/{third}", admin)[0] == 404
        status, body = api(gw.api_port, "POST", f"/queue/{first}/release", admin)
        assert status == 200 and body["changed"] == 1
        sink.handler.wait_to("bob0@example.com")
        assert api(gw.api_port, "POST", "/queue/retry", admin)[0] == 200

        with engine.connect() as conn:
            actions = [(r.action, r.record, r.outcome) for r in conn.execute(
                sa.select(audit.c.action, audit.c.record, audit.c.outcome).order_by(audit.c.id))]
        assert ("cli.queue.hold", str(first), "ok") in actions
        assert ("cli.queue.retry", str(first), "failed") in actions
        assert ("cli.queue.delete", str(third), "ok") in actions
        assert ("queue.list", None, "denied") in actions
        assert ("queue.manage", str(first), "failed") in actions       # the 409
        assert ("queue.manage", str(first), "ok") in actions
        assert ("queue.manage", "all", "ok") in actions
    finally:
        gw.stop()
        if sink is not None:
            sink.stop()
