"""The admin API served by a real uvicorn on loopback (as ``mailwarden serve`` runs it):
authentication, a release, and the audit row with the client's address."""

from __future__ import annotations

import threading
import time

import httpx
import sqlalchemy as sa
import uvicorn

from admin_api import tables as at
from admin_api.audit import verify_audit
from tests.ports import free_port
from tests.test_api_support import Env


def test_served_by_uvicorn(engine: sa.Engine) -> None:
    env = Env(engine)
    eid = env.hold()[0]
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(env.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=10) as client:
            assert client.get("/healthz").json() == {"status": "ok"}
            assert client.get("/api/v1/quarantine").status_code == 401
            h = env.headers("supervisor")
            assert client.get("/api/v1/quarantine", headers=h).json()["total"] == 1
            first = client.post(f"/api/v1/quarantine/{eid}/release", json={"comment": "ok"}, headers=h)
            second = client.post(f"/api/v1/quarantine/{eid}/release", json={"comment": "ok"}, headers=h)
            assert (first.status_code, second.status_code) == (200, 409)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert len(env.released()) == 1
    with engine.connect() as conn:
        rows = conn.execute(sa.select(at.audit).order_by(at.audit.c.id)).all()
    assert [(r.action, r.outcome, r.status_code) for r in rows] == [
        ("quarantine.list", "denied", 401),
        ("quarantine.list", "ok", 200),
        ("quarantine.release", "ok", 200),
        ("quarantine.release", "failed", 409),
    ]
    assert {r.client_ip for r in rows} == {"127.0.0.1"}
    assert verify_audit(engine, env.audit_chain) == (True, [])
