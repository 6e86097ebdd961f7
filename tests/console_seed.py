"""A running gateway (SMTP + API) fed over SMTP with a seeded set of messages and one account
per role: what the console's API tests (and its browser tests) work against.

The seed, 20 messages sent through the shipped rules:
- 3 with ProjectFalcon in the subject, from alice@ (finance) to bob@ (internal, delivered);
- 2 outbound from li.wei@ (finance) with 绝密 in the body (held for the CFO), subject 合同;
- 2 outbound from bob@ (engineering) to partner@other.org mentioning 合同 without a marker (delivered);
- 1 GTUBE from dave@ (sales) (rejected as spam);
- 12 ordinary internal notes between departments (delivered).
"""

from __future__ import annotations

import contextlib
import smtplib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy as sa

from admin_api.users import add_user
from archive import tables as at
from tests.harness import InProcessGateway, Sink, free_port, simple_message, write_config

GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
FALCON = (3, 9, 15)


@dataclass
class Console:
    gateway: InProcessGateway
    sink: Sink
    api: str
    tokens: dict[str, str]
    ids: dict[int, int] = field(default_factory=dict)    # seed number -> archive record id
    rejected: list[int] = field(default_factory=list)    # seed numbers the gateway refused

    @property
    def engine(self) -> sa.Engine:
        return self.gateway.services.engine

    def client(self, role: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return httpx.Client(base_url=self.api, headers=headers, timeout=60)


def _seed_messages() -> list[tuple[int, str, str, bytes]]:
    out = []
    for n in range(20):
        sender, to, subject, body = "alice@example.com", "bob@example.com", f"Lunch {n}", "See you at noon.\r\n"
        if n in FALCON:
            subject = f"ProjectFalcon weekly {n}"
        elif n in (5, 11):
            sender, to, subject = "li.wei@example.com", "partner@other.org", f"合同 {n}"
            body = "本合同绝密，严禁外传。\r\n"
        elif n in (6, 13):
            sender, to, subject, body = "bob@example.com", "partner@other.org", f"合同草案 {n}", "请查收合同草案。\r\n"
        elif n == 17:
            sender, to, subject, body = "dave@example.com", "carol@example.com", "Offer", GTUBE + "\r\n"
        elif n % 2:
            sender, to = "carol@example.com", "dave@example.com"
        raw = simple_message(subject=subject, body=body, sender=sender, to=to)
        raw = raw.replace(b"Message-ID: <", f"Message-ID: <seed{n}.".encode(), 1)
        out.append((n, sender, to, raw))
    return out


def seed(console: Console) -> None:
    for n, sender, to, raw in _seed_messages():
        with smtplib.SMTP("127.0.0.1", console.gateway.smtp_port, timeout=30) as client:
            client.ehlo("client.test")
            try:
                client.sendmail(sender, [to], raw)
            except smtplib.SMTPDataError:
                console.rejected.append(n)
    with console.engine.connect() as conn:
        rows = conn.execute(sa.select(at.records.c.id, at.records.c.message_id)
                            .where(at.records.c.event == "accepted")).all()
    for rid, mid in rows:
        if mid and mid.startswith("<seed"):
            console.ids[int(mid.split(".", 1)[0].removeprefix("<seed"))] = int(rid)
    assert len(console.ids) == 20, console.ids
    deadline = time.monotonic() + 30         # the indexer makes them searchable
    while time.monotonic() < deadline:
        if console.gateway.services.archive.index_pending() == 0:
            with console.engine.connect() as conn:
                if conn.execute(sa.select(sa.func.count()).select_from(at.index_pending)).scalar_one() == 0:
                    break
        time.sleep(0.1)


@contextlib.contextmanager
def running_console(directory: Path, database_url: str) -> Iterator[Console]:
    sink = Sink().start()
    config = write_config(directory, database_url=database_url, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=free_port())
    gateway = InProcessGateway(config, with_api=True).start()
    try:
        engine = gateway.services.engine
        tokens = {
            "admin": add_user(engine, "ada", "admin"),
            "auditor": add_user(engine, "otto", "auditor"),
            "compliance": add_user(engine, "grace", "compliance", addresses=["grace@example.com"]),
            "supervisor": add_user(engine, "cfo", "supervisor", ["finance"], addresses=["cfo@example.com"]),
        }
        console = Console(gateway, sink, f"http://127.0.0.1:{gateway.api_port}", tokens)
        seed(console)
        yield console
    finally:
        gateway.stop()
        sink.stop()
