"""The extraction worker: a process that reads one message's documents at a time.

It runs ``parse(raw)`` with documents and containers opened (PDF, Office, archives, RTF) and
sends back the message's walk (bodies, attachments with their text, findings), which the
gateway adopts in place of the walk it made without opening them. It lives in its own process
so that a document that costs minutes or gigabytes costs them here, under limits, and never
on the SMTP event loop: the address space is capped (``RLIMIT_AS``) and an alarm ends the
process if a message runs far past the wall clock the pool already gave up at.
"""

from __future__ import annotations

import os
import resource
import signal
import socket
import sys
from multiprocessing.connection import Connection

from rules.content import parse

# Statuses a worker answers with (the pool adds "timeout" for a worker it had to end).
OK = "ok"
LIMIT = "limit"     # the memory limit was hit: the worker exits after answering
ERROR = "error"     # a bug: the type of the exception only (its text may quote content)


def _address_space() -> int:
    """Bytes of address space this process maps now (from /proc; 0 when unknown)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def limit_memory(memory_mb: int) -> None:
    """Cap the address space at what the worker maps once started plus ``memory_mb``: the
    budget is what one message may cost, whatever the interpreter and libraries take."""
    if memory_mb <= 0:
        return
    cap = _address_space() + memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def serve(conn: Connection, memory_mb: int, alarm_seconds: int) -> None:
    """Answer jobs on ``conn`` until the gateway closes it: raw message in, ``(status,
    walk)`` out."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # the gateway decides when we stop
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    limit_memory(memory_mb)
    while True:
        try:
            raw = conn.recv_bytes()
        except (EOFError, OSError):
            return
        signal.alarm(alarm_seconds)     # far past the pool's wall clock: nobody is waiting any more
        try:
            reply: tuple[str, object] = (OK, parse(raw)._walk)
        except MemoryError:
            reply = (LIMIT, None)
        except BaseException as exc:  # noqa: BLE001 - any bug is an answer, not a dead worker
            reply = (ERROR, type(exc).__name__)
        finally:
            signal.alarm(0)
        raw = b""
        try:
            conn.send(reply)
        except MemoryError:
            conn.send((LIMIT, None))
        except (BrokenPipeError, OSError):
            return
        if reply[0] == LIMIT:
            return      # a heap that hit the limit is not trusted with the next message


def main(argv: list[str]) -> None:
    """``python -m gateway.extraction_worker FD MEMORY_MB ALARM_SECONDS`` (started by the pool)."""
    fd, memory_mb, alarm_seconds = (int(a) for a in argv[:3])
    # No PR_SET_PDEATHSIG: it fires when the *thread* that started us ends (an API or indexer
    # thread may), not the gateway process. A gone gateway closes the socket (we exit at the
    # next read) and the alarm ends a message nobody waits for.
    serve(Connection(socket.socket(fileno=fd).detach()), memory_mb, alarm_seconds)


if __name__ == "__main__":
    main(sys.argv[1:])
