"""``/healthz`` names each component's state and answers 503 naming what is degraded;
``/readyz`` says whether this node can take work. A private PostgreSQL the test stops."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.harness import InProcessGateway, SubprocessGateway, free_port, write_config
from tests.test_gateway_durability import PrivatePostgres


def get(port: int, path: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture
def private_pg():  # noqa: ANN201
    if shutil.which("runuser") is None:
        pytest.skip("runuser not available")
    pg = PrivatePostgres()
    pg.init()
    pg.start()
    yield pg
    pg.cleanup()


def test_database_stopped_gives_503_naming_it(tmp_path: Path, private_pg: PrivatePostgres) -> None:
    config = write_config(tmp_path / "gw", database_url=private_pg.url, next_hop="127.0.0.1:9",
                          smtp_port=free_port(), api_port=free_port())
    gw = InProcessGateway(config).start()
    try:
        status, body = get(gw.api_port, "/healthz")
        assert status == 200, body
        assert body["status"] == "ok" and body["degraded"] == []
        assert set(body["components"]) >= {"database", "disk", "workers", "keys", "directory"}
        assert all(c["status"] == "ok" for c in body["components"].values())
        assert get(gw.api_port, "/readyz")[0] == 200

        private_pg.stop()
        status, body = get(gw.api_port, "/healthz")
        assert status == 503, body
        assert body["status"] == "degraded" and body["degraded"] == ["database"]
        assert body["components"]["database"]["status"] == "degraded"
        assert body["components"]["database"]["detail"]          # the driver's reason, one line
        assert "postgres@" not in json.dumps(body)                # no connection string
        status, ready = get(gw.api_port, "/readyz")
        assert status == 503 and "database" in ready["degraded"]

        private_pg.start()
        deadline = time.monotonic() + 30
        while get(gw.api_port, "/healthz")[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert get(gw.api_port, "/healthz")[0] == 200
    finally:
        gw.stop()


def test_a_dead_worker_is_named(tmp_path: Path) -> None:
    config = write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}", next_hop="127.0.0.1:9",
                          smtp_port=free_port(), api_port=free_port(), overrides={"smtp": {"workers": 2}})
    gw = SubprocessGateway(config).start()
    try:
        status, body = get(gw.api_port, "/healthz")
        assert status == 200 and body["components"]["workers"]["detail"] == "3 running", body
        # Stop a worker (SIGSTOP keeps it from being reaped and restarted) ... then kill it while
        # the supervisor is frozen too, so the health check sees it gone before any restart.
        worker = gw.children()[1]
        os.kill(gw.proc.pid, signal.SIGSTOP)
        try:
            os.kill(worker, signal.SIGKILL)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                status, body = get(gw.api_port, "/healthz")
                if status == 503:
                    break
                time.sleep(0.1)
        finally:
            os.kill(gw.proc.pid, signal.SIGCONT)
        assert status == 503 and body["degraded"] == ["workers"], body
        assert "worker 1" in body["components"]["workers"]["detail"]
    finally:
        gw.terminate()
