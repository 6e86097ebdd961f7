"""Group commit: many sessions' acceptance writes share one database transaction.

A message may only be answered ``250`` once its rows are committed, and a commit costs an
fsync. One writer thread drains every acceptance waiting at that moment into a single
transaction, so N concurrent sessions pay for one fsync instead of N. One acceptance that
fails is rolled back alone and its session answers ``451``; the rest of the batch still
commits. Failures are rare, so a batch first runs without savepoints (two statements per
message saved); only when an item fails is the transaction rolled back and the batch run
again with a savepoint per item, the failed item left out. Work must therefore touch only
the database (metrics, logs and other effects belong after the commit).

An acceptance may also bring a ``prepare`` step that must be durable before its rows exist
(the message's encrypted blob). The writer thread runs the prepare steps of a batch just
before its transaction, handing them one :class:`~archive.blobstore.SyncBatch`: the blobs
are written, then made durable together (their fsyncs share one journal commit) before the
transaction commits. One hand-off between threads per message instead of two, and a few
fsyncs per batch instead of two per message. A prepare step that fails fails its acceptance
alone; a failed sync fails every acceptance that wrote into it.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa

from archive.blobstore import SyncBatch
from gateway.db import write_transaction

log = logging.getLogger("mailwarden.commit")

T = TypeVar("T")
Work = Callable[[sa.Connection], Any]

_STOP = object()


class CommitFailed(Exception):
    """The acceptance could not be made durable; the client must retry later (4xx)."""


class GroupCommitter:
    def __init__(self, engine: sa.Engine, *, max_batch: int = 256):
        self._engine = engine
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self.batches = 0
        self.items = 0

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="group-commit", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout=30)
            self._thread = None

    async def submit(self, work: Callable[[sa.Connection], T], *,
                     prepare: Callable[[SyncBatch], None] | None = None) -> T:
        """Run ``prepare`` (if any), then ``work`` inside the next group transaction; return
        once it is committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.put((_Prepared(work, prepare) if prepare else work, loop, future))
        return await future

    def submit_sync(self, work: Callable[[sa.Connection], T]) -> T:
        """The same for callers outside the event loop (CLI, API threads)."""
        done = threading.Event()
        box: dict[str, Any] = {}

        def settle(result: Any, error: BaseException | None) -> None:
            box["result"], box["error"] = result, error
            done.set()

        self._queue.put((work, None, settle))
        done.wait()
        if box["error"] is not None:
            raise box["error"]
        return box["result"]

    # ---- writer thread -------------------------------------------------------------
    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch = [first]
            stop_after = False
            while len(batch) < self._max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stop_after = True
                    break
                batch.append(item)
            self._commit(batch)
            if stop_after:
                return

    def _commit(self, batch: list[tuple[Work, Any, Any]]) -> None:
        failed_prepare = self._prepare(batch)
        try:
            try:
                outcomes = self._run_optimistically(batch, failed_prepare)
            except _ItemFailed as failed:   # rolled back: again with isolation, without that item
                log.error("acceptance failed inside group commit", exc_info=failed.error)
                outcomes = self._run_isolated(batch, {**failed_prepare, failed.index: failed.error})
        except Exception as exc:  # noqa: BLE001 - the commit itself failed: nobody is durable
            log.error("group commit failed: %s", exc)
            failure = CommitFailed(str(exc))
            outcomes = [(None, failure) for _ in batch]
        self.batches += 1
        self.items += len(batch)
        for (result, error), (_work, loop, future) in zip(outcomes, batch, strict=True):
            if loop is None:
                future(result, error)
            else:
                loop.call_soon_threadsafe(_settle, future, result, error)

    @staticmethod
    def _prepare(batch: list[tuple[Work, Any, Any]]) -> dict[int, BaseException]:
        """Run the batch's prepare steps and make what they wrote durable; the failed ones."""
        failed: dict[int, BaseException] = {}
        prepared: list[int] = []
        durable = SyncBatch()
        for index, (work, _loop, _future) in enumerate(batch):
            if isinstance(work, _Prepared):
                try:
                    work.prepare(durable)
                    prepared.append(index)
                except Exception as exc:  # noqa: BLE001 - this acceptance alone fails
                    failed[index] = exc
        try:
            durable.sync()
        except Exception as exc:  # noqa: BLE001 - nobody's writes may be taken as durable
            log.error("could not make a batch of blobs durable: %s", exc)
            failed.update(dict.fromkeys(prepared, exc))
        return failed

    def _run_optimistically(self, batch: list[tuple[Work, Any, Any]],
                            known: dict[int, BaseException]) -> list[tuple[Any, BaseException | None]]:
        """The batch without savepoints; the first item that fails rolls it all back (_ItemFailed)."""
        return self._run_batch(batch, known, isolated=False)

    def _run_isolated(self, batch: list[tuple[Work, Any, Any]],
                      known: dict[int, BaseException]) -> list[tuple[Any, BaseException | None]]:
        """The batch with a savepoint per item: an item that fails is rolled back alone."""
        return self._run_batch(batch, known, isolated=True)

    def _run_batch(self, batch: list[tuple[Work, Any, Any]], known: dict[int, BaseException], *,
                   isolated: bool) -> list[tuple[Any, BaseException | None]]:
        outcomes: list[tuple[Any, BaseException | None]] = []
        with write_transaction(self._engine) as conn:
            for index, (work, _loop, _future) in enumerate(batch):
                if index in known:              # failed already (its prepare step, or a first run)
                    outcomes.append((None, known[index]))
                elif not isolated:
                    try:
                        outcomes.append((work(conn), None))
                    except Exception as exc:  # noqa: BLE001 - the transaction is rolled back by the raise
                        raise _ItemFailed(index, exc) from exc
                else:
                    outcomes.append(self._run_with_savepoint(conn, work))
        return outcomes

    @staticmethod
    def _run_with_savepoint(conn: sa.Connection, work: Work) -> tuple[Any, BaseException | None]:
        savepoint = conn.begin_nested()
        try:
            result = work(conn)
        except Exception as exc:  # noqa: BLE001 - reported to that session alone
            savepoint.rollback()
            log.exception("acceptance failed inside group commit")
            return None, exc
        savepoint.commit()
        return result, None


class _Prepared:
    """Work with a step the writer thread runs before the transaction (see the module docstring)."""

    __slots__ = ("prepare", "work")

    def __init__(self, work: Work, prepare: Callable[[SyncBatch], None]):
        self.work, self.prepare = work, prepare

    def __call__(self, conn: sa.Connection) -> Any:
        return self.work(conn)


class _ItemFailed(Exception):
    def __init__(self, index: int, error: BaseException):
        super().__init__(index)
        self.index, self.error = index, error


def _settle(future: asyncio.Future, result: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
