"""The screening budget: documents are read in worker processes, within a wall clock and a
memory limit per message, never on the SMTP event loop.

The pipeline parses each message on its event loop with documents left closed (MIME structure,
text parts, attachment names and types: cheap and bounded). When a message has a document or
container (PDF, Office, archive, RTF) it hands the raw message to this pool; a worker
(``gateway/extraction_worker.py``) parses it with documents opened and returns its walk, which
the message adopts. If the worker is not done within ``seconds``, it is killed and replaced,
and the message carries the finding ``uninspectable: timeout`` (so do a worker that hit its
memory limit or died, and a pool that could not start one): rules hold what was not read,
the client gets its answer on time, and every other session goes on meanwhile.

Workers are started on first use and live on between messages; waiting for a free worker
and for its answer happens in the pool's threads, so the event loop never blocks on it.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from gateway import extraction_worker
from rules.content import ParsedMessage
from rules.findings import TIMEOUT, uninspectable

log = logging.getLogger("mailwarden.extraction")

TIMEOUT_STATUS = "timeout"


@dataclass
class Extracted:
    """A worker's answer: the walk to adopt (status ``ok``), or why there is none."""

    status: str
    walk: Any = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == extraction_worker.OK


class _Worker:
    """One worker process (``python -m gateway.extraction_worker``) and the socket to it.

    A plain child process, not ``multiprocessing``'s: its spawn and fork-server methods
    import the parent's ``__main__`` again in the child, and forking this multi-threaded
    process is unsafe."""

    def __init__(self, memory_mb: int, alarm_seconds: int) -> None:
        ours, theirs = socket.socketpair()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gateway.extraction_worker", str(theirs.fileno()), str(memory_mb),
                 str(alarm_seconds)],
                # its output is dropped: a library's warning may quote the message it reads
                # (secrets never in logs); the worker answers errors by type, over the socket
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, close_fds=True,
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.conn = Connection(ours.detach())
        self.alive = True

    def call(self, raw: bytes, seconds: float) -> Extracted:
        try:
            self.conn.send_bytes(raw)
            if not self.conn.poll(seconds):
                self.stop()
                return Extracted(TIMEOUT_STATUS)
            status, walk = self.conn.recv()
        except (EOFError, OSError):
            # it died: the kernel refused it memory (RLIMIT_AS outside Python), or a crash
            code = self.process.poll()
            self.stop()
            if code not in (None, 0, -9):
                log.error("extraction worker %d exited with code %s", self.process.pid, code)
            return Extracted(extraction_worker.LIMIT)
        if status != extraction_worker.OK:
            if status == extraction_worker.LIMIT:
                self.stop()
            return Extracted(status, walk)
        return Extracted(status, walk)

    def stop(self) -> None:
        self.alive = False
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL is not refused
            log.error("extraction worker %d did not end", self.process.pid)
        self.conn.close()


class ExtractionPool:
    """``workers`` extraction processes shared by this gateway process's sessions."""

    def __init__(self, *, workers: int = 2, seconds: float = 10.0, memory_mb: int = 512,
                 observe: Callable[[Extracted], None] | None = None) -> None:
        self.workers = workers
        self.observe = observe      # told every outcome (the gateway counts them in /metrics)
        self.seconds = seconds
        self.memory_mb = memory_mb
        self._idle: queue.SimpleQueue[_Worker | None] = queue.SimpleQueue()
        self._threads: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(workers)
        self._all: list[_Worker] = []
        self._closed = False

    # ---- what the pipeline (and ``check``) call ------------------------------------------
    async def complete(self, message: ParsedMessage) -> Extracted:
        """Read ``message``'s documents in a worker and let the message adopt the result; on
        a timeout (or a worker lost to its memory limit) the message gets the
        ``uninspectable: timeout`` finding instead."""
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(self._executor(), self._run, message.raw)
        return self._settle(message, result)

    def complete_blocking(self, message: ParsedMessage) -> Extracted:
        """:meth:`complete` for a caller on a thread of its own (``mailwarden check``, the
        API's rules test): blocks that thread, never an event loop."""
        return self._settle(message, self._run(message.raw))

    def _settle(self, message: ParsedMessage, result: Extracted) -> Extracted:
        if self.observe is not None:
            try:
                self.observe(result)
            except Exception:  # noqa: BLE001 - counting must not change the screening
                log.exception("could not count an extraction")
        if result.ok:
            message.adopt(result.walk)
        else:
            message.add_finding(uninspectable(TIMEOUT))
            log.warning("attachments not read within the screening budget", extra={
                "reason": result.status, "seconds": round(result.seconds, 2), "size": len(message.raw)})
        return result

    # ---- in a pool thread ---------------------------------------------------------------
    def _run(self, raw: bytes) -> Extracted:
        started = time.monotonic()
        with self._slots:       # at most ``workers`` jobs (and so processes) at once
            try:
                worker = self._take()
            except Exception:  # noqa: BLE001 - no worker could be started: fail closed, say why
                log.exception("could not start an extraction worker")
                return Extracted("unavailable", seconds=time.monotonic() - started)
            try:
                result = worker.call(raw, self.seconds)
            finally:
                self._give_back(worker)
        result.seconds = time.monotonic() - started
        return result

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._threads is None:
                self._threads = ThreadPoolExecutor(self.workers, thread_name_prefix="extraction")
            return self._threads

    def _take(self) -> _Worker:
        """An idle worker, or a new one (at most ``workers`` exist: one per slot)."""
        try:
            worker = self._idle.get_nowait()
        except queue.Empty:
            worker = None
        if worker is not None and worker.alive:
            return worker
        return self._start()

    def _start(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise RuntimeError("the extraction pool is closed")
            worker = _Worker(self.memory_mb, int(self.seconds * 3) + 10)
            self._all = [w for w in self._all if w.alive] + [worker]
            return worker

    def _give_back(self, worker: _Worker) -> None:
        if worker.alive and not self._closed:
            self._idle.put(worker)

    # ---- lifecycle ---------------------------------------------------------------------
    def close(self) -> None:
        """Stop every worker (a message being read gets its timeout answer)."""
        with self._lock:
            self._closed = True
            workers, self._all = self._all, []
            threads, self._threads = self._threads, None
        for worker in workers:
            if worker.alive:
                worker.stop()
        if threads is not None:
            threads.shutdown(wait=False, cancel_futures=True)
