"""Group commit and the delivery queue on real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import threading
from functools import partial

import sqlalchemy as sa

from gateway.committer import GroupCommitter
from gateway.db import migrate, open_engine
from gateway.queue import DELIVERED, DELIVERING, QUEUED, DeliveryQueue
from gateway.tables import queue as queue_table


def _enqueue(queue: DeliveryQueue, conn: sa.Connection, n: int, now: float = 1000.0) -> int:
    return queue.enqueue(conn, archive_id=1, digest="d" * 64, mail_from="a@example.com",
                         recipients=[f"r{i}@x.org" for i in range(n)], direction="outbound", now=now)


def test_migrations_are_idempotent(gw_engine: sa.Engine) -> None:
    migrate(gw_engine)  # a second node starting up: nothing to do, nothing breaks
    names = set(sa.inspect(gw_engine).get_table_names())
    assert {"gateway_queue", "archive_records", "quarantine_entries", "admin_audit", "alembic_version"} <= names


def test_group_commit_shares_transactions_and_isolates_failures(gw_engine: sa.Engine) -> None:
    committer = GroupCommitter(gw_engine)
    queue = DeliveryQueue(gw_engine, lifetime=100, retry_initial=1, retry_max=10)

    def good(conn: sa.Connection) -> int:
        return _enqueue(queue, conn, 1)

    bad_calls = []

    def bad(conn: sa.Connection) -> int:
        bad_calls.append(1)
        _enqueue(queue, conn, 1)
        raise RuntimeError("this acceptance is broken")

    async def scenario() -> list:
        committer.start()
        # Submitted together: they land in the same batch (the writer drains the queue). The
        # batch runs without savepoints first, then again isolated once the bad one fails;
        # the bad one is not run twice, the good ones commit once.
        return await asyncio.gather(*[committer.submit(bad if i in (5, 30) else good) for i in range(40)],
                                    return_exceptions=True)

    try:
        results = asyncio.run(scenario())
    finally:
        committer.stop()
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(errors) == 2 and all("broken" in str(e) for e in errors)
    assert isinstance(results[5], RuntimeError) and isinstance(results[30], RuntimeError)
    assert committer.batches < 40  # shared transactions, not one per message
    assert len(bad_calls) == 2     # a failed item is left out of the isolated re-run
    with gw_engine.connect() as conn:
        written = [r for r in results if isinstance(r, int)]
        count = conn.execute(sa.select(sa.func.count()).select_from(queue_table)).scalar_one()
    assert written == [1] * 38
    assert count == 38  # the failing ones left nothing behind, the good ones are there once


def test_prepare_steps_run_before_the_transaction_and_fail_alone(gw_engine: sa.Engine) -> None:
    """The blob write rides along as a prepare step: it happens before the rows are written,
    and a failing one (disk full) fails its own acceptance and leaves no rows behind."""
    committer = GroupCommitter(gw_engine)
    queue = DeliveryQueue(gw_engine, lifetime=100, retry_initial=1, retry_max=10)
    order: list[str] = []

    def prepare(i: int, _durable: object) -> None:
        order.append(f"prepare {i}")
        if i == 3:
            raise OSError(28, "No space left on device")

    def work(i: int, conn: sa.Connection) -> int:
        order.append(f"work {i}")
        return _enqueue(queue, conn, 1)

    async def scenario() -> list:
        committer.start()
        return await asyncio.gather(*[committer.submit(partial(work, i), prepare=partial(prepare, i))
                                      for i in range(6)], return_exceptions=True)

    try:
        results = asyncio.run(scenario())
    finally:
        committer.stop()
    assert isinstance(results[3], OSError) and results[3].errno == 28
    assert [r for i, r in enumerate(results) if i != 3] == [1] * 5
    assert "work 3" not in order
    for i in (0, 1, 2, 4, 5):
        assert order.index(f"prepare {i}") < order.index(f"work {i}")
    with gw_engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(queue_table)).scalar_one() == 5


def test_a_batch_whose_blobs_cannot_be_synced_fails_every_acceptance_that_wrote(gw_engine: sa.Engine) -> None:
    """What the prepare steps wrote is made durable together; when that fails (here a real
    fsync refused with EINVAL), none of them may be answered 250, while work that wrote no
    blob (delivery outcomes, say) still commits."""
    committer = GroupCommitter(gw_engine)
    queue = DeliveryQueue(gw_engine, lifetime=100, retry_initial=1, retry_max=10)

    def unsyncable(durable) -> None:  # noqa: ANN001
        r, w = os.pipe()
        os.close(r)
        durable.add_file(w)

    async def scenario() -> list:
        committer.start()
        return await asyncio.gather(
            *[committer.submit(lambda c: _enqueue(queue, c, 1), prepare=unsyncable) for _ in range(3)],
            *[committer.submit(lambda c: _enqueue(queue, c, 1)) for _ in range(2)],
            return_exceptions=True)

    try:
        results = asyncio.run(scenario())
    finally:
        committer.stop()
    assert all(isinstance(r, OSError) for r in results[:3])
    assert results[3:] == [1, 1]
    with gw_engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(queue_table)).scalar_one() == 2


def test_database_failure_reaches_every_waiting_session(tmp_path) -> None:  # noqa: ANN001
    engine = open_engine(f"sqlite:///{tmp_path / 'x.db'}")
    migrate(engine)
    committer = GroupCommitter(engine)
    committer.start()
    # Take the tables away underneath: the commit itself fails for the whole batch.
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE gateway_queue")
    queue = DeliveryQueue(engine, lifetime=100, retry_initial=1, retry_max=10)

    async def scenario() -> list:
        return await asyncio.gather(*[committer.submit(lambda c: _enqueue(queue, c, 1)) for _ in range(3)],
                                    return_exceptions=True)

    try:
        results = asyncio.run(scenario())
    finally:
        committer.stop()
    # Every session is told (and so answers 451); none is left waiting or told "done".
    assert len(results) == 3
    assert all(isinstance(r, Exception) and "gateway_queue" in str(r) for r in results)


def test_claim_lease_defer_and_deliver(gw_engine: sa.Engine) -> None:
    queue = DeliveryQueue(gw_engine, lifetime=100, retry_initial=10, retry_max=40, lease=30)
    with gw_engine.begin() as conn:
        _enqueue(queue, conn, 3, now=1000)
    claimed = queue.claim("node-a", 10, now=1000)
    assert len(claimed) == 3
    assert queue.claim("node-b", 10, now=1001) == []  # leased to node-a
    with gw_engine.begin() as conn:
        queue.finish(conn, [(claimed[0].id, DELIVERED, 250, "ok")])
        when = queue.defer(conn, claimed[1], 451, "try later", now=1000)
    assert when == 1010
    # node-a died holding claimed[2]: its lease runs out and node-b takes it over.
    taken = queue.claim("node-b", 10, now=1031)
    assert {e.id for e in taken} == {claimed[1].id, claimed[2].id}
    with gw_engine.connect() as conn:
        statuses = dict(conn.execute(sa.select(queue_table.c.id, queue_table.c.status)).all())
    assert statuses[claimed[0].id] == DELIVERED
    assert statuses[claimed[1].id] == DELIVERING
    retried = next(e for e in taken if e.id == claimed[1].id)
    assert retried.attempts == 1
    with gw_engine.begin() as conn:
        assert queue.defer(conn, retried, 451, "again", now=1031) == 1031 + 20  # back-off doubles
    assert queue.claim("node-c", 10, now=1031 + 19) == []
    assert [e.id for e in queue.claim("node-c", 10, now=1031 + 20)] == [retried.id]
    with gw_engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(queue_table)
                            .where(queue_table.c.status == QUEUED)).scalar_one() == 0


def test_concurrent_claims_never_share_a_row(gw_engine: sa.Engine) -> None:
    queue = DeliveryQueue(gw_engine, lifetime=1000, retry_initial=1, retry_max=10)
    with gw_engine.begin() as conn:
        _enqueue(queue, conn, 200, now=1000)
    seen: list[int] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while True:
            rows = queue.claim(name, 7, now=1001)
            if not rows:
                return
            with lock:
                seen.extend(e.id for e in rows)

    threads = [threading.Thread(target=worker, args=(f"n{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 200
    assert len(set(seen)) == 200
