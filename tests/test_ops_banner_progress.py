"""A person starting ``mailwarden serve`` at a terminal is told where things are; a long job
run without a terminal (cron, systemd) still says how far it got. Real processes, a real pty."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.harness import REPO, clean_env, free_port, simple_message, write_config
from tests.test_cli import mailwarden


def test_serve_on_a_terminal_prints_a_banner(tmp_path: Path) -> None:
    smtp, api = free_port(), free_port()
    config = write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}", next_hop="127.0.0.1:9",
                          smtp_port=smtp, api_port=api)
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "gateway.cli", "serve", "--config", str(config)], cwd=REPO,
                            env=clean_env(), stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
                            start_new_session=True)
    os.close(follower)
    seen = b""
    try:
        deadline = time.monotonic() + 60
        while b"Stop with Ctrl-C" not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 1.0)
            if ready:
                try:
                    seen += os.read(leader, 65536)
                except OSError:
                    break
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(60)
        os.close(leader)
    text = seen.decode(errors="replace")
    assert "mailwarden is running" in text, text[-2000:]
    assert f"SMTP      127.0.0.1:{smtp}" in text
    assert f"API       http://127.0.0.1:{api}/api/v1" in text and f"console   http://127.0.0.1:{api}/" in text
    assert f"data      {tmp_path / 'gw' / 'data'}" in text
    assert f"database  sqlite:///{tmp_path / 'gw.db'}" in text
    assert "keys      " in text
    assert "first administrator: mailwarden user add NAME --role admin" in text


def test_serve_without_a_terminal_prints_no_banner(tmp_path: Path) -> None:
    config = write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}", next_hop="127.0.0.1:9",
                          smtp_port=free_port(), api_port=free_port())
    proc = subprocess.Popen([sys.executable, "-m", "gateway.cli", "serve", "--config", str(config)], cwd=REPO,
                            env=clean_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    time.sleep(6)
    os.killpg(proc.pid, signal.SIGTERM)
    out, _ = proc.communicate(timeout=60)
    assert b"mailwarden is running" not in out


def test_long_jobs_log_progress_without_a_terminal(tmp_path: Path) -> None:
    config = write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}", next_hop="127.0.0.1:9",
                          smtp_port=free_port(), api_port=free_port())
    maildir = tmp_path / "mail"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    for i in range(5):
        (maildir / "new" / f"{i}.eml").write_bytes(simple_message(subject=f"old {i}"))
    out = mailwarden("archive", "import", str(maildir), config=config,
                     env={"MAILWARDEN_PROGRESS_EVERY": "0", "MAILWARDEN_LOGGING__LEVEL": "INFO"})
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stderr.splitlines() if line.startswith("{")]
    progress = [line for line in lines if line.get("msg") == "progress"]
    assert {p["job"] for p in progress} >= {"import", "index"}, out.stderr[-2000:]
    assert any(p["job"] == "import" and p["state"] == "done" and p["done"] == 5 for p in progress), progress
