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
                                  overrides={"storage": {"data_dir": str(shared_data),
                                                         "keys_dir": str(tmp_path / "shared-keys")},
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


def test_two_nodes_own_data_dirs_one_master_key(tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13: with one data_dir per node and one master key, the derived keys were random per
    data dir: node C's quarantine list answered 500 (InvalidTag on D's evidence) and its archive
    search found nothing of what D archived. Now holds, evidence, search and release work from
    either node."""
    import base64
    import secrets

    import httpx

    from admin_api.users import add_user

    monkeypatch.setenv("MAILWARDEN_MASTER_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
    sink = Sink().start()
    shared_blobs = tmp_path / "shared-blobs"   # the blob store on shared storage
    nodes: dict[str, InProcessGateway] = {}
    try:
        for name in ("node-c", "node-d"):
            config = write_config(tmp_path / name, database_url=pg_url, next_hop=f"127.0.0.1:{sink.port}",
                                  smtp_port=free_port(), api_port=free_port(),
                                  overrides={"storage": {"blobs_dir": str(shared_blobs)},
                                             "delivery": {"node_id": name, "poll_interval": 0.05}})
            nodes[name] = InProcessGateway(config, with_api=True).start()
        engine = nodes["node-c"].services.engine
        cfo = {"Authorization": f"Bearer {add_user(engine, 'cfo', 'supervisor', ['finance'], 'cfo@example.com')}"}
        aud = {"Authorization": f"Bearer {add_user(engine, 'aud', 'auditor')}"}
        for origin, reviewer in (("node-d", "node-c"), ("node-c", "node-d")):
            subject = f"forecast via {origin}"
            msg = simple_message(subject=subject, body=f"Strictly confidential: 机密 {origin} quarterly.\r\n",
                                 to="partner@other.org")
            send(nodes[origin].smtp_port, "alice@example.com", ["partner@other.org"], msg)
            with httpx.Client(base_url=f"http://127.0.0.1:{nodes[reviewer].api_port}", timeout=30) as http:
                deadline = time.monotonic() + 20
                while True:
                    listed = http.get("/api/v1/quarantine", params={"status": "held"}, headers=cfo)
                    assert listed.status_code == 200, listed.text
                    items = [i for i in listed.json()["items"] if i["subject"] == subject]
                    if items or time.monotonic() > deadline:
                        break
                    time.sleep(0.1)
                [item] = items
                detail = http.get(f"/api/v1/quarantine/{item['id']}", headers=cfo).json()
                assert detail["evidence"], "evidence sealed on one node opens on the other"
                deadline = time.monotonic() + 20
                while True:   # the blind index, written with the other node's derived key
                    found = http.get("/api/v1/archive/search", params={"q": "quarterly " + origin}, headers=aud)
                    assert found.status_code == 200, found.text
                    if found.json()["total"] or time.monotonic() > deadline:
                        break
                    time.sleep(0.2)
                assert subject in {i["subject"] for i in found.json()["items"]}
                released = http.post(f"/api/v1/quarantine/{item['id']}/release", json={"comment": "ok"}, headers=cfo)
                assert released.status_code == 200, released.text
            deliveries = sink.handler.wait_to("partner@other.org", count=1 if origin == "node-d" else 2)
            assert any(email.message_from_bytes(m.data)["Subject"] == subject for m in deliveries)
        rings = {name: node.services.keyring for name, node in nodes.items()}
        assert rings["node-c"].fingerprint() == rings["node-d"].fingerprint()
        assert not list((tmp_path / "node-c" / "keys").glob("master-*.key"))   # the env key: no file
    finally:
        for node in nodes.values():
            node.stop()
        sink.stop()
