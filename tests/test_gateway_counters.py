"""Per-sender counters: shared through the database, cached briefly per process."""

from __future__ import annotations

import sqlalchemy as sa

from gateway.counters import SenderCounters
from gateway.db import migrate, open_engine


def test_counts_are_shared_between_nodes_and_cached_briefly(database_url: str) -> None:
    engine = open_engine(database_url)
    migrate(engine)
    node_a, node_b = SenderCounters(engine, cache_seconds=5), SenderCounters(engine, cache_seconds=5)
    now = 1_800_000_000.0
    with engine.begin() as conn:
        for _ in range(3):
            node_a.record(conn, "Alice@Example.com", recipients=4, external=2, now=now)
    stats = node_b.stats_for("alice@example.com", now=now)
    assert (stats.messages_last_hour, stats.recipients_last_hour, stats.external_recipients_last_hour) == (3, 12, 6)
    # Within the cache window node_b does not see node_a's next message; after it, it does.
    with engine.begin() as conn:
        node_a.record(conn, "alice@example.com", recipients=1, external=1, now=now + 1)
    assert node_b.stats_for("alice@example.com", now=now + 2).messages_last_hour == 3
    assert node_b.stats_for("alice@example.com", now=now + 6).messages_last_hour == 4
    # What a node counts itself is in its cached view once committed, and only then: a count
    # in a transaction that rolls back (or is run again by the group committer) is not seen.
    assert node_b.cached("alice@example.com", now=now + 6) is not None
    with engine.connect() as conn, conn.begin() as txn:
        node_b.record(conn, "alice@example.com", recipients=1, external=0, now=now + 6)
        txn.rollback()
    assert node_b.stats_for("alice@example.com", now=now + 6).messages_last_hour == 4
    with engine.begin() as conn:
        node_b.record(conn, "alice@example.com", recipients=1, external=0, now=now + 6)
    assert node_b.stats_for("alice@example.com", now=now + 6).messages_last_hour == 4   # not yet told
    node_b.committed("alice@example.com", recipients=1, external=0)
    assert node_b.stats_for("alice@example.com", now=now + 7).messages_last_hour == 5
    # Older than an hour no longer counts; prune removes old buckets.
    assert node_b.stats_for("alice@example.com", now=now + 3 * 3600).messages_last_hour == 0
    assert node_a.prune(now=now + 3 * 3600) >= 1
    with engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from gateway_sender_counters")).scalar_one() == 0
    engine.dispose()
