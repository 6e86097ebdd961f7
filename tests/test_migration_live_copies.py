"""The ``live_copies`` migration on a database made before it, with queued mail (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from gateway.db import alembic_config, migrate, open_engine
from gateway.tables import queue


def test_upgrade_adds_the_live_copies_table_and_keeps_the_queue(database_url: str) -> None:
    engine = open_engine(database_url)
    try:
        migrate(engine)
        with engine.begin() as conn:  # the schema as it was before, with a notice waiting
            conn.execute(sa.text("DROP TABLE gateway_live_copies"))
            conn.execute(sa.text("UPDATE alembic_version SET version_num = 'delivery_attempts'"))
            conn.execute(queue.insert().values(archive_id=7, digest="d" * 64, mail_from="", recipient="a@example.com",
                                               direction="internal", origin="notice", add_headers=[],
                                               status="queued", attempts=0, created_at=1.0, next_attempt_at=1.0,
                                               expires_at=2.0))
        migrate(engine)
        columns = {c["name"] for c in sa.inspect(engine).get_columns("gateway_live_copies")}
        assert columns == {"archive_id", "key_version", "sealed", "created_at", "expires_at"}
        with engine.connect() as conn:
            assert conn.execute(sa.select(queue.c.archive_id, queue.c.origin)).all() == [(7, "notice")]
            head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()   # live_copies or later
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == head
        migrate(engine)  # idempotent
    finally:
        engine.dispose()
