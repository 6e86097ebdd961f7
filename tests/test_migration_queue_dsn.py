"""The ``0010_queue_dsn`` migration on a database made before it (SQLite and PostgreSQL): the
queue gains ``dsn`` and ``delay_warned_at``, rows already queued keep working (NULL: defaults)."""

from __future__ import annotations

import time

import sqlalchemy as sa

from gateway.db import migrate, open_engine
from gateway.queue import DeliveryQueue


def test_upgrade_adds_dsn_columns_and_old_rows_still_claim(database_url: str) -> None:
    engine = open_engine(database_url)
    try:
        migrate(engine)
        with engine.begin() as conn:  # the schema as it was before
            if engine.dialect.name == "sqlite":
                conn.execute(sa.text("ALTER TABLE gateway_queue DROP COLUMN dsn"))
                conn.execute(sa.text("ALTER TABLE gateway_queue DROP COLUMN delay_warned_at"))
            else:
                conn.execute(sa.text("ALTER TABLE gateway_queue DROP COLUMN dsn, DROP COLUMN delay_warned_at"))
            conn.execute(sa.text("INSERT INTO gateway_queue (archive_id, digest, mail_from, recipient, direction, "
                                 "message_id, origin, add_headers, status, attempts, created_at, next_attempt_at, "
                                 "expires_at) VALUES (1, 'd', 'a@example.com', 'b@other.org', 'outbound', '', "
                                 "'accepted', '[]', 'queued', 0, 0, 0, 9e12)"))
            conn.execute(sa.text("UPDATE alembic_version SET version_num = 'console_jobs'"))
        migrate(engine)
        columns = {c["name"] for c in sa.inspect(engine).get_columns("gateway_queue")}
        assert {"dsn", "delay_warned_at"} <= columns
        migrate(engine)  # idempotent
        [entry] = DeliveryQueue(engine, lifetime=60, retry_initial=1, retry_max=1).claim("n1", 10, now=time.time())
        assert entry.dsn is None and entry.delay_warned_at is None
    finally:
        engine.dispose()
