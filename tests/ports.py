"""Listening ports for test servers that cannot be taken by anyone else before the test binds them.

Asking the kernel for port 0, closing the socket and binding the number later races with every
other process on the machine: the number comes from the ephemeral range (32768–60999 here), the
same range every outgoing connection's source port is drawn from, and with pytest-xdist three
workers open and close hundreds of connections a second. CI saw a gateway fail to bind a port
that a neighbouring worker's client had picked in between. So ports come from below the
ephemeral range instead, from a slice of their own for each xdist worker, and each number is
checked to be bindable (without SO_REUSEADDR, so one in TIME_WAIT is skipped too)."""

from __future__ import annotations

import itertools
import os
import random
import re
import socket
import threading

_FIRST = 20000
_SLICE = 1500  # ports per worker: 8 workers fit below 32000, well under the ephemeral range


def _worker_index() -> int:
    match = re.fullmatch(r"gw(\d+)", os.environ.get("PYTEST_XDIST_WORKER", ""))
    return int(match.group(1)) % 8 if match else 0


_lock = threading.Lock()
_base = _FIRST + _worker_index() * _SLICE
# A random start so a test process started again soon (a rerun, a subprocess) does not retrace
# the numbers its predecessor may have left in TIME_WAIT; the bind check covers the rest.
_numbers = itertools.cycle(list(range(_base, _base + _SLICE)))
for _ in range(random.randrange(_SLICE)):
    next(_numbers)


def _bindable(port: int, kind: int) -> bool:
    with socket.socket(socket.AF_INET, kind) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(*, udp_too: bool = False) -> int:
    """A TCP port on 127.0.0.1 (and the same UDP port when ``udp_too``) that nothing holds now
    and that no other test worker or outgoing connection will be handed."""
    with _lock:
        for _ in range(_SLICE):
            port = next(_numbers)
            if _bindable(port, socket.SOCK_STREAM) and (not udp_too or _bindable(port, socket.SOCK_DGRAM)):
                return port
    raise RuntimeError(f"no free port in {_base}–{_base + _SLICE - 1}")
