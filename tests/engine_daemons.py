"""Real clamd and Rspamd (Debian's packages) for the engine tests, with no network.

clamd gets a signature database this module writes (an ``.ndb`` body signature for a
pattern of our own and an ``.hdb`` hash signature for EICAR), its own config, socket and
TCP port in a temp dir; no freshclam. Rspamd gets a local config overlay (its own ports,
its own redis-server for Bayes, DNS pointed nowhere, no hyperscan compile) and one Lua rule
of the test's own. Both are skipped when not installed, unless ``MAILWARDEN_REQUIRE_CLAMAV``
/ ``MAILWARDEN_REQUIRE_RSPAMD`` is set (CI), and both are stopped when the session ends.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import free_port

# A pattern of our own, and the body of the EICAR test file (antivirus test standard).
TEST_PATTERN = b"MAILWARDEN-ENGINE-TEST-MALWARE-5f0c1d"
TEST_SIGNATURE = "Mailwarden.Test.Pattern.UNOFFICIAL"   # clamd adds .UNOFFICIAL to our own DB's names
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
EICAR_SIGNATURE = "Eicar-Test-Signature.UNOFFICIAL"
# Rspamd: a Subject with this word scores 12 (the test's own Lua rule)
RSPAMD_SPAMMY = "mwspammyword"


def _required(var: str) -> bool:
    return os.environ.get(var, "") not in ("", "0")


def _skip_or_fail(var: str, reason: str) -> None:
    if _required(var):
        pytest.fail(f"{reason} ({var} is set)")
    pytest.skip(reason)


def _wait(predicate, timeout: float, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not come up within {timeout:g}s")


# ---- clamd ------------------------------------------------------------------------------

class ClamdDaemon:
    def __init__(self, directory: Path, stream_max: str = "60M") -> None:
        self.dir = directory
        self.socket = directory / "clamd.sock"
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        db = directory / "db"
        db.mkdir(parents=True, exist_ok=True)
        (db / "mailwarden.ndb").write_text(f"Mailwarden.Test.Pattern:0:*:{TEST_PATTERN.hex()}\n")
        (db / "mailwarden.hdb").write_text(f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:Eicar-Test-Signature\n")  # noqa: S324 - ClamAV's format
        lines = [
            "Foreground yes", f"DatabaseDirectory {db}", f"LocalSocket {self.socket}",
            f"TCPSocket {self.port}", "TCPAddr 127.0.0.1", f"LogFile {directory / 'clamd.log'}",
            "ScanMail yes", "ScanArchive yes", f"StreamMaxLength {stream_max}", "SelfCheck 0",
        ]
        if os.geteuid() == 0:
            lines.append(f"User {getpass.getuser()}")   # else clamd drops to the clamav user
        self.config = directory / "clamd.conf"
        self.config.write_text("\n".join(lines) + "\n")

    @property
    def address(self) -> str:
        return f"unix:{self.socket}"

    def ping(self) -> bool:
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.settimeout(2)
                s.connect(str(self.socket))
                s.sendall(b"zPING\0")
                return s.recv(16).startswith(b"PONG")
        except OSError:
            return False

    def start(self) -> ClamdDaemon:
        log = open(self.dir / "clamd.out", "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen([shutil.which("clamd") or "clamd", "-c", str(self.config)],
                                     stdout=log, stderr=log, start_new_session=True)
        try:
            _wait(self.ping, 90, "clamd")
        except RuntimeError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None
        with contextlib.suppress(FileNotFoundError):
            self.socket.unlink()


@pytest.fixture(scope="session")
def clamd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClamdDaemon]:
    if not shutil.which("clamd"):
        _skip_or_fail("MAILWARDEN_REQUIRE_CLAMAV", "clamd is not installed (apt-get install clamav-daemon)")
    daemon = ClamdDaemon(tmp_path_factory.mktemp("clamd")).start()
    try:
        yield daemon
    finally:
        daemon.stop()


# ---- rspamd -----------------------------------------------------------------------------

_LUA_RULE = f"""
rspamd_config.MW_TEST_SPAMMY = {{
  callback = function(task)
    local subject = task:get_subject() or ''
    return subject:find('{RSPAMD_SPAMMY}', 1, true) ~= nil
  end,
  score = 12.0,
  description = 'mailwarden test: a word of the test',
  group = 'mailwarden-test',
}}
"""


class RspamdDaemon:
    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.redis_port, self.normal_port, self.controller_port, self.proxy_port = (free_port() for _ in range(4))
        self.proc: subprocess.Popen | None = None
        self.redis: subprocess.Popen | None = None
        local = directory / "local.d"
        local.mkdir(parents=True, exist_ok=True)
        files = {
            "worker-normal.inc": f'bind_socket = "127.0.0.1:{self.normal_port}";\ncount = 1;\n',
            "worker-controller.inc": (f'bind_socket = "127.0.0.1:{self.controller_port}";\ncount = 1;\n'
                                      'password = "";\nenable_password = "";\nsecure_ip = "127.0.0.1";\n'),
            "worker-proxy.inc": f'bind_socket = "127.0.0.1:{self.proxy_port}";\ncount = 1;\n',
            "worker-fuzzy.inc": "count = 0;\n",
            "redis.conf": f'servers = "127.0.0.1:{self.redis_port}";\n',
            # no network: DNS goes nowhere at once, no hyperscan compile (seconds of CPU)
            "options.inc": ('dns { nameserver = ["127.0.0.1:1"]; timeout = 0.1s; retransmits = 0; }\n'
                            "disable_hyperscan = true;\n"),
            "logging.inc": f'type = "file";\nfilename = "{directory / "rspamd.log"}";\nlevel = "info";\n',
            "classifier-bayes.conf": "min_learns = 1;\nmin_tokens = 1;\n",
        }
        for name, text in files.items():
            (local / name).write_text(text)
        (directory / "rspamd.local.lua").write_text(_LUA_RULE)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.normal_port}"

    @property
    def controller(self) -> str:
        return f"http://127.0.0.1:{self.controller_port}"

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/ping", timeout=2) as r1, \
                    urllib.request.urlopen(f"{self.controller}/stat", timeout=2) as r2:
                return r1.status == 200 and r2.status == 200
        except OSError:
            return False

    def start(self) -> RspamdDaemon:
        d = self.dir
        log = open(d / "daemons.out", "ab")  # noqa: SIM115 - closed with the processes
        self.redis = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(d)], stdout=log, stderr=log, start_new_session=True)
        args = [shutil.which("rspamd") or "rspamd", "-f", "-c", "/etc/rspamd/rspamd.conf", "-i",
                "--var", f"LOCAL_CONFDIR={d}", "--var", f"RUNDIR={d}", "--var", f"DBDIR={d}",
                "--var", f"LOGDIR={d}", "-p", str(d / "rspamd.pid")]
        if os.geteuid() == 0:
            args += ["-u", getpass.getuser(), "-g", getpass.getuser()]
        self.proc = subprocess.Popen(args, stdout=log, stderr=log, start_new_session=True)
        try:
            _wait(self._answers, 300, "rspamd")   # busy CI machines: hyperscan off, still Lua to load
        except RuntimeError:
            self.stop()
            raise
        return self

    def stat(self) -> dict:
        with urllib.request.urlopen(f"{self.controller}/stat", timeout=5) as reply:
            return json.loads(reply.read())

    def learned(self, symbol: str = "BAYES_HAM") -> int:
        """How many messages Rspamd has learned into ``symbol``'s statfile (its /stat)."""
        return sum(int(s.get("revision") or 0) for s in self.stat().get("statfiles", []) if s.get("symbol") == symbol)

    def stop(self) -> None:
        for proc in (self.proc, self.redis):
            if proc is not None and proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, 15)
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, 9)
                    proc.wait(10)
        self.proc = self.redis = None


@pytest.fixture(scope="session")
def rspamd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RspamdDaemon]:
    if not (shutil.which("rspamd") and shutil.which("redis-server") and Path("/etc/rspamd/rspamd.conf").exists()):
        _skip_or_fail("MAILWARDEN_REQUIRE_RSPAMD",
                      "rspamd or redis-server is not installed (apt-get install rspamd redis-server)")
    daemon = RspamdDaemon(tmp_path_factory.mktemp("rspamd")).start()
    try:
        yield daemon
    finally:
        daemon.stop()
