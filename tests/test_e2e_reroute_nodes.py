"""Rerouting after a directory change (dd32dbe), attacked across two nodes sharing one database:
node A has reloaded the new directory (finance's head is cfo2 now), node B still runs the old
one (its reload comes later: nodes are reloaded one by one). The replaced head must not get a
decision through B: B's "follow the live directory" before a decision must not route the entry
back to the old head under its older directory.

Real gateways (SMTP, delivery, API) on SQLite and PostgreSQL, a real SMTP sink."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from admin_api.users import add_user
from tests.harness import InProcessGateway, Sink, free_port, send, simple_message, write_config

pytestmark = pytest.mark.postgres

OLD, NEW = "supervisors: [cfo@example.com]", "supervisors: [cfo2@example.com]"


@pytest.fixture
def nodes(tmp_path: Path, database_url: str) -> Iterator[tuple[InProcessGateway, InProcessGateway, Sink]]:
    sink = Sink().start()
    started: list[InProcessGateway] = []
    try:
        for name in ("node-a", "node-b"):
            config = write_config(tmp_path / name, database_url=database_url, next_hop=f"127.0.0.1:{sink.port}",
                                  smtp_port=free_port(), api_port=free_port(),
                                  overrides={"storage": {"data_dir": str(tmp_path / "shared-data"),
                                                         "keys_dir": str(tmp_path / "shared-keys")},
                                             "delivery": {"node_id": name}})
            started.append(InProcessGateway(config, with_api=True).start())
        yield started[0], started[1], sink
    finally:
        for node in started:
            node.stop()
        sink.stop()


def _held(api: httpx.Client, token: str, subject: str) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        items = api.get("/api/v1/quarantine", params={"status": "held", "limit": 500},
                        headers={"Authorization": f"Bearer {token}"}).json()["items"]
        found = [i for i in items if i["subject"] == subject]
        if found:
            return found[0]
        time.sleep(0.05)
    raise AssertionError(f"no held entry for {subject!r}")


def _reload_with(node: InProcessGateway, old: str, new: str) -> None:
    directory = node.config.parent / "directory.yaml"
    text = directory.read_text()
    assert old in text
    directory.write_text(text.replace(old, new))
    node.reload()   # what SIGHUP runs


def test_a_node_with_the_older_directory_does_not_route_back_to_the_replaced_head(
        nodes: tuple[InProcessGateway, InProcessGateway, Sink]) -> None:
    """Seen failing on old code: node B routed the entry back to cfo, who released it (200)."""
    a, b, _sink = nodes
    engine = a.services.engine
    tokens = {name: add_user(engine, name, "supervisor", ["finance"], f"{name}@example.com")
              for name in ("cfo", "cfo2")}

    def decide(node: InProcessGateway, who: str, entry_id: int) -> httpx.Response:
        with httpx.Client(base_url=f"http://127.0.0.1:{node.api_port}", timeout=30) as api:
            return api.post(f"/api/v1/quarantine/{entry_id}/release", json={"comment": f"release by {who}"},
                            headers={"Authorization": f"Bearer {tokens[who]}"})

    def hold(node: InProcessGateway, subject: str) -> dict[str, Any]:
        message = simple_message(subject=subject, body="Strictly confidential\r\n", sender="alice@example.com",
                                 to="bank@other.org")
        assert send(node.smtp_port, "alice@example.com", ["bank@other.org"], message) == {}
        with httpx.Client(base_url=f"http://127.0.0.1:{a.api_port}", timeout=30) as api:
            return _held(api, tokens["cfo2"] if "after" in subject else tokens["cfo"], subject)

    before = hold(a, "held before the change")
    assert before["routes"] == {"supervisor": ["cfo@example.com"]}
    _reload_with(a, OLD, NEW)                     # node A: finance's head is cfo2 now; B not yet
    after = hold(a, "held after the change")      # routed by A under the new directory
    assert after["routes"] == {"supervisor": ["cfo2@example.com"]}

    for entry in (before, after):
        refused = decide(b, "cfo", entry["id"])
        assert refused.status_code == 403, refused.text
    with httpx.Client(base_url=f"http://127.0.0.1:{a.api_port}", timeout=30) as api:
        for entry in (before, after):
            shown = api.get(f"/api/v1/quarantine/{entry['id']}", headers={"Authorization": f"Bearer {tokens['cfo2']}"})
            assert shown.json()["status"] == "held" and shown.json()["routes"] == {"supervisor": ["cfo2@example.com"]}

    _reload_with(b, OLD, NEW)                     # node B catches up: the new head decides through it
    for entry in (before, after):
        done = decide(b, "cfo2", entry["id"])
        assert done.status_code == 200 and done.json()["status"] == "released", done.text
