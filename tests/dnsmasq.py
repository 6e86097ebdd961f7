"""A real DNS server for tests: dnsmasq (Debian's dnsmasq-base) on a free loopback port,
answering TXT records it is given and NXDOMAIN for anything else under its local zones.

Skipped where dnsmasq is not installed, unless ``MAILWARDEN_REQUIRE_DNSMASQ`` is set (CI sets
it), which makes a missing dnsmasq a failure."""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from tests.ports import free_port

REQUIRE_DNSMASQ = os.environ.get("MAILWARDEN_REQUIRE_DNSMASQ", "") not in ("", "0")


@contextlib.contextmanager
def dnsmasq(txt: dict[str, str], zones: tuple[str, ...], extra: tuple[str, ...] = ()) -> Iterator[int]:
    """Run dnsmasq with ``txt`` (name → record text) authoritative for ``zones``; yields its port.
    ``extra``: more dnsmasq options (``--mx-host=...``, ``--address=/name/ip``)."""
    binary = shutil.which("dnsmasq") or ("/usr/sbin/dnsmasq" if os.path.exists("/usr/sbin/dnsmasq") else None)
    if binary is None:
        if REQUIRE_DNSMASQ:
            pytest.fail("dnsmasq not installed (MAILWARDEN_REQUIRE_DNSMASQ is set)")
        pytest.skip("dnsmasq not installed")
    port = free_port(udp_too=True)
    args = [binary, "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll",
            "--listen-address=127.0.0.1", "--bind-interfaces", f"--port={port}", "--pid-file=",
            f"--user={getpass.getuser()}", "--log-facility=-"]
    args += [f"--local=/{zone}/" for zone in zones]
    args += [f"--txt-record={name},{text}" for name, text in txt.items()]
    args += list(extra)
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:   # ready when it answers on TCP
            if proc.poll() is not None:
                raise RuntimeError(f"dnsmasq exited: {proc.stderr.read().decode(errors='replace')[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
