"""Rspamd over real SMTP with a real rspamd (Debian's package) on a minimal local config the
test writes (tests/engine_daemons.py: its own ports and redis, no network): GTUBE and a rule
on its score act; a reviewer's release of a spam hold teaches ham, visible in Rspamd's own
/stat; an API "spam" mark teaches spam; Rspamd down or talking nonsense is never a pass."""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from admin_api import tables as admin_tables
from admin_api.users import add_user
from archive import tables as at
from quarantine import tables as qt
from quarantine.model import Reviewer
from tests.engine_daemons import RSPAMD_SPAMMY, RspamdDaemon, rspamd  # noqa: F401 - rspamd is a fixture
from tests.harness import InProcessGateway, Sink, free_port, send, simple_message, write_config

GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"

# The rules a site might write on Rspamd's answer; mailwarden's thresholds decide.
RULES = """\
spam: {tag: 5, quarantine: 10, reject: 15, review_group: compliance-team}
rules:
  - name: rspamd-gtube
    description: Rspamd found the GTUBE test string
    when: {rspamd_symbol: GTUBE}
    action: reject
    code: 554
    enhanced_status: "5.7.1"
    message: "Rejected: Rspamd says GTUBE"
  - name: rspamd-high-score
    description: Rspamd scores it over 10
    when: {rspamd: {score: {gt: 10}}}
    action: score
    score: 10
"""

BODY = ("Hello Bob, the quarterly planning meeting moves to Thursday afternoon in the large room. "
        "Please bring the budget sheets, the hiring plan and the notes from the customer visits.\r\n")


@contextlib.contextmanager
def gateway(directory: Path, database_url: str, rspamd_cfg: dict[str, Any],
            rules: str | None = RULES) -> Iterator[tuple[InProcessGateway, Sink]]:
    sink = Sink().start()
    config = write_config(directory, database_url=database_url, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=free_port(),
                          overrides={"engines": {"rspamd": {"enabled": True, **rspamd_cfg}}})
    if rules is not None:
        (directory / "rules.yaml").write_text(rules)
    gw = InProcessGateway(config, with_api=True).start()
    try:
        yield gw, sink
    finally:
        gw.stop()
        sink.stop()


def reply(gw: InProcessGateway, sender: str, raw: bytes, to: str = "bob@example.com") -> str:
    import smtplib

    with smtplib.SMTP("127.0.0.1", gw.smtp_port, timeout=60) as client:
        client.ehlo("mx.outside.test")
        try:
            client.sendmail(sender, [to], raw)
        except smtplib.SMTPDataError as exc:
            return f"{exc.smtp_code} {exc.smtp_error.decode()}"
    return "250"


def audit_actions(gw: InProcessGateway) -> list[tuple[str, str, str | None]]:
    with gw.services.engine.connect() as conn:
        rows = conn.execute(sa.select(admin_tables.audit.c.action, admin_tables.audit.c.outcome,
                                      admin_tables.audit.c.record).order_by(admin_tables.audit.c.id))
        return [tuple(r) for r in rows if r.action.startswith("rspamd.")]


def wait_for(predicate, timeout: float, what: str):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"{what}: not within {timeout:g}s")


def test_gtube_and_a_score_rule_act_and_a_release_teaches_ham(
        tmp_path: Path, database_url: str, rspamd: RspamdDaemon) -> None:  # noqa: F811
    cfg = {"url": rspamd.url, "controller": rspamd.controller}
    with gateway(tmp_path / "gw", database_url, cfg) as (gw, sink):
        # GTUBE: mailwarden's own gtube rule is not in this rule file; Rspamd's symbol refuses it
        gtube = simple_message(subject="test", body=GTUBE + "\r\n", sender="spammer@outside.test")
        assert reply(gw, "spammer@outside.test", gtube) == "554 5.7.1 Rejected: Rspamd says GTUBE"
        # Rspamd's score (12, the test's own Lua rule) -> our spam score 10 -> held by our threshold
        # a body of this run's own: the rspamd daemon serves every parametrised run, and it
        # refuses to learn a message it learned already (its learn cache), so the count would not rise
        spammy = simple_message(subject=f"offer {RSPAMD_SPAMMY}", body=f"{BODY}\r\nRef {time.time_ns()}\r\n",
                                sender="promo@outside.test")
        assert reply(gw, "promo@outside.test", spammy) == "250"
        # an ordinary message: delivered, with what Rspamd said in a header
        assert reply(gw, "carol@outside.test", simple_message(subject="planning", body=BODY,
                                                              sender="carol@outside.test")) == "250"
        delivered = sink.handler.wait_to("bob@example.com")[0].data
        assert b"X-Mailwarden-Rspamd: score=" in delivered
        with gw.services.engine.connect() as conn:
            [entry] = conn.execute(sa.select(qt.entries.c.id, qt.entries.c.rules)).fetchall()
        assert set(entry.rules) == {"rspamd-high-score", "spam-threshold"}

        before = rspamd.learned("BAYES_HAM")
        gw.services.quarantine.release(entry.id, Reviewer("grace", "compliance", frozenset({"grace@example.com"})),
                                       "a newsletter bob subscribed to")
        sink.handler.wait_to("bob@example.com", count=2)
        # Rspamd's /stat counts the learn once it syncs its statfiles from redis (< a minute)
        wait_for(lambda: rspamd.learned("BAYES_HAM") > before, 120, "rspamd's learned ham count")
        assert audit_actions(gw) == [("rspamd.learn_ham", "ok", f"quarantine:{entry.id}")]

        # a reviewer's reject of a spam hold teaches spam
        again = simple_message(subject=f"last chance {RSPAMD_SPAMMY}", body=BODY.replace("Bob", "friend"),
                               sender="promo@outside.test")
        assert reply(gw, "promo@outside.test", again) == "250"
        with gw.services.engine.connect() as conn:
            second = conn.execute(sa.select(qt.entries.c.id).where(qt.entries.c.status == "held")).scalar_one()
        gw.services.quarantine.reject(second, Reviewer("grace", "compliance", frozenset({"grace@example.com"})),
                                      "spam", silent=True)
        assert audit_actions(gw)[1:] == [("rspamd.learn_spam", "ok", f"quarantine:{second}")]


def test_an_api_spam_mark_on_delivered_inbound_mail_teaches_spam(tmp_path: Path, rspamd: RspamdDaemon) -> None:  # noqa: F811
    cfg = {"url": rspamd.url, "controller": rspamd.controller}
    with gateway(tmp_path / "gw", f"sqlite:///{tmp_path / 'db.sqlite'}", cfg) as (gw, sink):
        engine = gw.services.engine
        grace = add_user(engine, "grace", "compliance", email="grace@example.com")
        auditor = add_user(engine, "aud", "auditor")
        raw = simple_message(subject="cheap watches", body=BODY.replace("Hello", "Buy now"),
                             sender="seller@outside.test")
        assert reply(gw, "seller@outside.test", raw) == "250"
        assert send(gw.smtp_port, "alice@example.com", ["bob@example.com"], simple_message()) == {}
        sink.handler.wait_to("bob@example.com", count=2)
        with engine.connect() as conn:
            ids = dict(conn.execute(sa.select(at.records.c.direction, at.records.c.id)
                                    .where(at.records.c.event == "accepted")).fetchall())
        base = f"http://127.0.0.1:{gw.api_port}/api/v1/archive"
        with httpx.Client(timeout=30) as http:
            ok = http.post(f"{base}/{ids['inbound']}/spam", json={"spam": True},
                           headers={"Authorization": f"Bearer {grace}"})
            assert ok.status_code == 200 and ok.json()["result"] in ("learned", "already learned"), ok.text
            internal = http.post(f"{base}/{ids['internal']}/spam", json={"spam": True},
                                 headers={"Authorization": f"Bearer {grace}"})
            assert internal.status_code == 422 and "only inbound" in internal.json()["detail"]
            denied = http.post(f"{base}/{ids['inbound']}/spam", json={"spam": False},
                               headers={"Authorization": f"Bearer {auditor}"})
            assert denied.status_code == 403
            bad = http.post(f"{base}/{ids['inbound']}/spam", json={"spam": "maybe"},
                            headers={"Authorization": f"Bearer {grace}"})
            assert bad.status_code == 422
        assert audit_actions(gw) == [("rspamd.learn_spam", "ok", f"archive:{ids['inbound']}")]
        wait_for(lambda: rspamd.learned("BAYES_SPAM") > 0, 120, "rspamd's learned spam count")


class FakeRspamd(http.server.ThreadingHTTPServer):
    """Not a working Rspamd: answers 200 with something that is not its JSON."""

    def __init__(self, body: bytes) -> None:
        outer_body = body

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(200)
                self.send_header("Content-Length", str(len(outer_body)))
                self.end_headers()
                self.wfile.write(outer_body)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


@pytest.mark.parametrize("policy", ["tempfail", "accept"])
def test_rspamd_down_or_answering_garbage_is_never_a_silent_pass(tmp_path: Path, policy: str) -> None:
    fake = FakeRspamd(b'{"score": "high", "action": "reject"}')
    closed = f"http://127.0.0.1:{free_port()}"
    try:
        for name, url in (("down", closed), ("garbage", f"http://127.0.0.1:{fake.server_address[1]}")):
            with gateway(tmp_path / f"gw-{name}", f"sqlite:///{tmp_path / f'{name}.sqlite'}",
                         {"url": url, "controller": url, "timeout": "2s", "on_failure": policy}) as (gw, sink):
                raw = simple_message(subject="hello", body=BODY, sender="carol@outside.test")
                answer = reply(gw, "carol@outside.test", raw)
                if policy == "tempfail":
                    assert answer.startswith("451 4.7.1"), (name, answer)
                else:
                    assert answer == "250", (name, answer)
                    delivered = sink.handler.wait_to("bob@example.com")[0].data
                    assert b"X-Mailwarden-Scanner: rspamd unavailable" in delivered
                health = httpx.get(f"http://127.0.0.1:{gw.api_port}/healthz", timeout=30)
                assert health.status_code == 503 and health.json()["degraded"] == ["engines"], health.text
                assert health.json()["components"]["engines"]["detail"].startswith(f"rspamd: {name}")
    finally:
        fake.shutdown()
        fake.server_close()


def test_a_gateway_without_rspamd_does_not_load_its_http_clients() -> None:
    """aiohttp and httpx (with rich, which httpx's command line pulls in) are 30 MB in every
    gateway process: loaded when Rspamd is first asked, not by starting a gateway."""
    import subprocess
    import sys

    code = ("import sys, gateway.cli, gateway.server, gateway.engines.scanning, gateway.engines.learning; "
            "print(sorted(m for m in ('aiohttp', 'httpx', 'rich') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
