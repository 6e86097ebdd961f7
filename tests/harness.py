"""Running a real gateway in tests: config files in a temp dir, the gateway in a thread or a
subprocess, and an aiosmtpd sink standing in for the next-hop MTA."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from aiosmtpd.controller import Controller

from tests.ports import free_port

REPO = Path(__file__).resolve().parent.parent


@dataclass
class SinkMessage:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes


class RecordingSink:
    """aiosmtpd handler that keeps what it receives; can refuse recipients by local part."""

    def __init__(self) -> None:
        self.messages: list[SinkMessage] = []
        self.refuse: dict[str, str] = {}
        self.refuse_once: dict[str, str] = {}     # the first RCPT only (a next hop busy once)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802, ANN001
        for prefix in list(self.refuse_once):
            if address.startswith(prefix):
                return self.refuse_once.pop(prefix)
        for prefix, reply in self.refuse.items():
            if address.startswith(prefix):
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802, ANN001
        with self.lock:
            self.messages.append(SinkMessage(envelope.mail_from, list(envelope.rcpt_tos),
                                             bytes(envelope.original_content)))
        return "250 2.0.0 OK stored"

    def wait_for(self, count: int, timeout: float = 30.0) -> list[SinkMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.02)
        raise AssertionError(f"sink got {len(self.messages)} messages, expected {count}")

    def wait_to(self, address: str, count: int = 1, timeout: float = 30.0) -> list[SinkMessage]:
        """Wait until ``count`` messages for ``address`` arrived (notices go elsewhere)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"sink got {len(self.to(address))} messages for {address}, expected {count}")

    def to(self, address: str) -> list[SinkMessage]:
        with self.lock:
            return [m for m in self.messages if address in m.rcpt_tos]


class Sink:
    def __init__(self, port: int | None = None):
        self.handler = RecordingSink()
        self.port = port or free_port()
        self.controller: Controller | None = None

    def start(self) -> Sink:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[SinkMessage]:
        return self.handler.messages


def write_config(directory: Path, *, database_url: str, next_hop: str, smtp_port: int, api_port: int,
                 overrides: dict[str, Any] | None = None) -> Path:
    """A gateway.yaml in ``directory`` using the shipped rules and directory files."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("rules.yaml", "directory.yaml"):
        shutil.copy(REPO / "configs" / name, directory / name)
    if (REPO / "configs" / "lists").is_dir():
        shutil.copytree(REPO / "configs" / "lists", directory / "lists", dirs_exist_ok=True)
    config: dict[str, Any] = {
        # No DNS on test machines: sender authentication is tested with an injected resolver.
        "smtp": {"listen": f"127.0.0.1:{smtp_port}", "hostname": "gw.example.com", "check_sender_auth": False},
        "api": {"listen": f"127.0.0.1:{api_port}"},
        "relay": {"trusted_networks": ["127.0.0.1/32"]},
        "storage": {"data_dir": str(directory / "data"), "database_url": database_url},
        "delivery": {"next_hop": next_hop, "retry_initial": "1s", "retry_max": "2s", "poll_interval": 0.2},
        # No scheduled purge unless a test asks: the suite must not depend on the time of day.
        "archive": {"index_interval": 0.2, "purge_interval": 0},
        "logging": {"level": "WARNING", "format": "json"},
    }
    for section, values in (overrides or {}).items():
        config.setdefault(section, {}).update(values)
    path = directory / "gateway.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("MAILWARDEN_")}


@dataclass
class InProcessGateway:
    """The real gateway (SMTP + delivery + jobs + API) on its own event loop in a thread."""

    config: Path
    with_api: bool = True
    services: Any = None
    gateway: Any = None
    loop: asyncio.AbstractEventLoop | None = None
    thread: threading.Thread | None = None
    smtp_port: int = 0
    api_port: int = 0
    errors: list[BaseException] = field(default_factory=list)

    def start(self) -> InProcessGateway:
        from gateway.server import Gateway
        from gateway.services import build_services
        from gateway.settings import load_settings

        settings = load_settings(self.config)
        self.smtp_port = int(settings.smtp.listen.rsplit(":", 1)[1])
        self.api_port = int(settings.api.listen.rsplit(":", 1)[1])
        self.services = build_services(settings)
        ready = threading.Event()

        def run() -> None:
            self.loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self.loop)

            async def main() -> None:
                self.gateway = Gateway(self.services)
                await self.gateway.start_smtp()
                self.gateway.start_jobs()
                if self.with_api:
                    await self.gateway.start_api()
                ready.set()
                await self.gateway.stopped.wait()

            try:
                self.loop.run_until_complete(main())
            except BaseException as exc:  # noqa: BLE001 - surfaced to the test
                self.errors.append(exc)
                ready.set()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        ready.wait(60)
        if self.errors:
            raise self.errors[0]
        return self

    def stop(self) -> None:
        if self.loop is None or self.gateway is None:
            return
        future = asyncio.run_coroutine_threadsafe(self.gateway.stop(), self.loop)
        future.result(60)
        assert self.thread is not None
        self.thread.join(30)

    def reload(self) -> None:
        assert self.gateway is not None
        self.gateway.reload()


class SubprocessGateway:
    """``mailwarden serve`` as a separate process, for crash and restart tests."""

    def __init__(self, config: Path, env: dict[str, str] | None = None):
        self.config = config
        self.env = {**clean_env(), **(env or {})}
        self.proc: subprocess.Popen | None = None
        settings = yaml.safe_load(config.read_text())
        self.smtp_port = int(settings["smtp"]["listen"].rsplit(":", 1)[1])
        api = settings.get("api") or {}
        self.api_port = int(api["listen"].rsplit(":", 1)[1]) if api.get("enabled", True) and "listen" in api else 0
        self.log_path = config.parent / "gateway.log"

    def start(self, timeout: float = 60) -> SubprocessGateway:
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "serve", "--config", str(self.config)],
            cwd=REPO, env=self.env, stdout=log, stderr=log, start_new_session=True,
        )
        # Ready means a worker greets (the supervisor's socket accepts before any worker runs)
        # and the primary answers on the API, the last thing it starts: until then its event
        # loop may not have handled a signal yet.
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            try:
                with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=5):
                    pass
                if self.api_port:
                    with socket.create_connection(("127.0.0.1", self.api_port), timeout=5) as conn:
                        conn.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
                        if not conn.recv(64).startswith(b"HTTP/1.1 200"):
                            raise OSError("not healthy yet")
                return self
            except (OSError, smtplib.SMTPException):
                time.sleep(0.1)
        self.kill()
        raise RuntimeError(self.log_path.read_text()[-4000:])

    def kill(self) -> None:
        """SIGKILL every process of the gateway at once, as a power cut or the OOM killer would."""
        if self.proc and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)
            deadline = time.monotonic() + 30   # the workers die a moment later, releasing the port
            while self.group_alive() and time.monotonic() < deadline:
                time.sleep(0.02)

    def children(self) -> list[int]:
        """The supervisor's child processes (primary, workers, indexer)."""
        assert self.proc is not None
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return sorted(int(p) for p in path.read_text().split())

    def group_alive(self) -> bool:
        """Whether any process of the gateway's process group is still running (zombies
        waiting for init to reap them do not count: they hold no socket)."""
        assert self.proc is not None
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == self.proc.pid and fields[0] != "Z":   # pgrp, state
                return True
        return False

    def terminate(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


@contextlib.contextmanager
def gateway_with_sink(directory: Path, database_url: str) -> Iterator[tuple[InProcessGateway, Sink]]:
    """An in-process gateway (no API) on the shipped rules, delivering to a fresh sink: what the
    screening end-to-end tests share, so each of them asserts on real SMTP and real delivery."""
    sink = Sink().start()
    config = write_config(directory, database_url=database_url, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=free_port())
    gateway = InProcessGateway(config, with_api=False).start()
    try:
        yield gateway, sink
    finally:
        gateway.stop()
        sink.stop()


def send(port: int, mail_from: str, rcpt_tos: list[str], data: bytes, **kwargs: Any) -> dict:
    """Send one message with smtplib; returns the refused-recipients dict."""
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.ehlo("client.test")
        return client.sendmail(mail_from, rcpt_tos, data, **kwargs)


def simple_message(subject: str = "Hello", body: str = "Hello there.\r\n", sender: str = "alice@example.com",
                   to: str = "bob@example.com", extra_headers: str = "") -> bytes:
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\n"
            f"Message-ID: <{time.time_ns()}.{os.getpid()}@test>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
            f"{extra_headers}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}").encode()
