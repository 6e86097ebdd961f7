"""Issue 13's test: `mailwarden serve` with two workers under a steady stream of mail, `keys rotate`,
keep sending, `keys retire` of the old key, keep sending, restart: every message from before,
during and after opens, releases and verifies, and nothing is wrapped under a retired key."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from admin_api.users import add_user
from archive import tables as t
from tests.harness import REPO, Sink, SubprocessGateway, clean_env, free_port, send, simple_message, write_config


def cli(config: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gateway.cli", *args, "--config", str(config)], cwd=REPO,
                          env=clean_env(), capture_output=True, text=True, timeout=120)


class Stream:
    """Mail at a steady pace from a thread: plain mail (delivered) and every third message
    confidential to a partner (held in quarantine)."""

    def __init__(self, port: int):
        self.port = port
        self.sent: list[tuple[str, bool]] = []
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        i = 0
        while not self.stop.is_set():
            held = i % 3 == 2
            subject = f"stream-{i}"
            if held:
                msg = simple_message(subject=subject, body="Strictly confidential: 机密 forecast.\r\n",
                                     to="partner@other.org")
                rcpt = ["partner@other.org"]
            else:
                msg, rcpt = simple_message(subject=subject), ["bob@example.com"]
            try:
                send(self.port, "alice@example.com", rcpt, msg)
                self.sent.append((subject, held))
            except Exception as exc:  # noqa: BLE001 - every refusal is a failure of the test
                self.errors.append(f"{subject}: {exc!r}")
            i += 1
            time.sleep(0.05)

    def run_for(self, seconds: float) -> None:
        count = len(self.sent)
        time.sleep(seconds)
        assert len(self.sent) > count, "the stream stalled"


@pytest.mark.slow
def test_rotate_and_retire_under_load_lose_nothing(tmp_path: Path, database_url: str) -> None:
    sink = Sink().start()
    config = write_config(tmp_path / "gw", database_url=database_url, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=free_port(),
                          overrides={"smtp": {"workers": 2}, "delivery": {"poll_interval": 0.1}})
    gateway = SubprocessGateway(config).start()
    engine = sa.create_engine(database_url)
    stream = Stream(gateway.smtp_port)
    try:
        stream.thread.start()
        stream.run_for(1.0)
        listed = cli(config, "keys", "list")
        assert listed.returncode == 0, listed.stderr
        [old] = [line.split()[0] for line in listed.stdout.splitlines() if "(active)" in line]
        rotated = cli(config, "keys", "rotate")
        assert rotated.returncode == 0, rotated.stderr
        stream.run_for(1.0)
        retired = cli(config, "keys", "retire", old)
        assert retired.returncode == 0, retired.stdout + retired.stderr
        stream.run_for(1.0)
        stream.stop.set()
        stream.thread.join(30)
        assert not stream.errors, stream.errors
        gateway.terminate()
        gateway = SubprocessGateway(config).start()

        with engine.connect() as conn:
            kids = dict(conn.execute(sa.select(t.blobs.c.kid, sa.func.count()).group_by(t.blobs.c.kid)).all())
            states = dict(conn.execute(sa.select(t.master_keys.c.kid, t.master_keys.c.state)).all())
            record_ids = list(conn.execute(sa.select(t.records.c.id).order_by(t.records.c.id)).scalars())
        assert states[old] == "retired" and old not in kids
        assert all(states[kid] == "active" for kid in kids)
        held = [s for s, h in stream.sent if h]
        plain = [s for s, h in stream.sent if not h]
        assert held and plain and len(record_ids) >= len(stream.sent)

        admin = add_user(engine, "keys-admin", "admin")
        cfo = add_user(engine, "cfo", "supervisor", ["finance"], "cfo@example.com")   # alice's reviewer
        with httpx.Client(base_url=f"http://127.0.0.1:{gateway.api_port}", timeout=30,
                          headers={"Authorization": f"Bearer {admin}"}) as http:
            for rid in record_ids:      # every record opens (before, during and after the rotation)
                resp = http.get(f"/api/v1/archive/{rid}")
                assert resp.status_code == 200, (rid, resp.text)
            entries, cursor = [], None
            while True:
                page = http.get("/api/v1/quarantine", params={"status": "held", "limit": 200,
                                                              **({"cursor": cursor} if cursor else {})}).json()
                entries += page["items"]
                cursor = page["next"]
                if not cursor:
                    break
            assert len(entries) == len(held)
            for entry in entries:
                resp = http.post(f"/api/v1/quarantine/{entry['id']}/release", json={"comment": "rotation test"},
                                 headers={"Authorization": f"Bearer {cfo}"})
                assert resp.status_code == 200, resp.text
        sink.handler.wait_to("partner@other.org", count=len(held), timeout=60)
        sink.handler.wait_to("bob@example.com", count=len(plain), timeout=60)
        verified = cli(config, "archive", "verify")
        assert verified.returncode == 0, verified.stdout + verified.stderr
        with engine.connect() as conn:
            kids = dict(conn.execute(sa.select(t.blobs.c.kid, sa.func.count()).group_by(t.blobs.c.kid)).all())
        assert old not in kids
    finally:
        stream.stop.set()
        gateway.terminate()
        engine.dispose()
        sink.stop()
