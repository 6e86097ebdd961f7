"""Two gateway nodes sharing one PostgreSQL database: each message is delivered exactly once."""

from __future__ import annotations

import email
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import pg_schema_url
from tests.harness import InProcessGateway, Sink, free_port, send, simple_message, write_config


@pytest.fixture
def pg_url():  # noqa: ANN201
    yield from pg_schema_url()


def test_two_nodes_share_queue_without_double_delivery(tmp_path: Path, pg_url: str) -> None:
    sink = Sink().start()
    shared_data = tmp_path / "shared-data"  # the blob store both nodes use (shared storage)
    nodes = []
    try:
        for name in ("node-a", "node-b"):
            config = write_config(tmp_path / name, database_url=pg_url, next_hop=f"127.0.0.1:{sink.port}",
                                  smtp_port=free_port(), api_port=free_port(),
                                  overrides={"storage": {"data_dir": str(shared_data)},
                                             "delivery": {"node_id": name, "poll_interval": 0.05}})
            nodes.append(InProcessGateway(config, with_api=False).start())
        sent: list[str] = []

        def client(node: InProcessGateway, prefix: str) -> None:
            for i in range(25):
                msg = simple_message(subject=f"{prefix}-{i}")
                send(node.smtp_port, "alice@example.com", ["bob@example.com"], msg)
                sent.append(f"{prefix}-{i}")

        threads = [threading.Thread(target=client, args=(n, n.config.parent.name)) for n in nodes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        sink.handler.wait_for(len(sent), timeout=60)
        time.sleep(1.0)  # let any double delivery show up
        subjects = Counter(email.message_from_bytes(m.data)["Subject"] for m in sink.messages)
        assert set(subjects) == set(sent)
        assert max(subjects.values()) == 1
    finally:
        for node in nodes:
            node.stop()
        sink.stop()
