"""A real gateway and sink for the SMTP edge tests, shared by a test module (one per database):
starting a gateway takes seconds, the edge tests take milliseconds each."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import pg_schema_url
from tests.harness import InProcessGateway, Sink, SinkMessage, free_port, write_config


@dataclass
class Edge:
    gw: InProcessGateway
    sink: Sink

    @property
    def port(self) -> int:
        return self.gw.smtp_port

    def delivered(self, marker: str) -> list[SinkMessage]:
        """The sink's messages whose bytes hold ``marker``."""
        return [m for m in list(self.sink.handler.messages) if marker.encode() in m.data]

    def to(self, address: str) -> list[SinkMessage]:
        return self.sink.handler.to(address)

    def wait_quiet(self, marker: str, count: int, settle: float = 0.5) -> list[SinkMessage]:
        """The sink's messages carrying ``marker`` once ``count`` arrived and ``settle`` s passed
        with no more (a second message would come right behind the first)."""
        deadline = time.monotonic() + 30
        while len(self.delivered(marker)) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(settle)
        return self.delivered(marker)


def edge_gateway(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                 smtp: dict[str, Any] | None = None) -> Iterator[Edge]:
    """For a fixture parametrized ``["sqlite", "postgres"]``: the gateway with the harness's
    config (``relay.trusted_networks: [127.0.0.1/32]``, so ``127.0.0.9`` is an outsider) and
    the ``smtp:`` settings given."""
    tmp = tmp_path_factory.mktemp("edge")
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{tmp / 'mailwarden.db'}"])
    else:
        urls = pg_schema_url()
    for url in urls:
        sink = Sink().start()
        config = write_config(tmp / "gw", database_url=url, next_hop=f"127.0.0.1:{sink.port}",
                              smtp_port=free_port(), api_port=free_port(),
                              overrides={"smtp": smtp} if smtp else None)
        gw = InProcessGateway(config, with_api=False).start()
        try:
            yield Edge(gw, sink)
        finally:
            gw.stop()
            sink.stop()


def message(marker: str, body: bytes = b"hi\r\n", sender: str = "alice@example.com",
            to: str = "bob@example.com") -> bytes:
    """A small message whose Subject and Message-ID carry ``marker``."""
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: {marker}\r\n"
            f"Message-ID: <{marker}@test>\r\n\r\n").encode() + body
