"""The ``console_auth`` migration on a database made before it (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlalchemy as sa

from gateway.db import migrate, open_engine

TABLES = ("admin_console_accounts", "admin_sessions", "admin_signin_failures", "admin_account_links")


def test_upgrade_adds_the_console_sign_in_tables(database_url: str) -> None:
    engine = open_engine(database_url)
    try:
        migrate(engine)
        with engine.begin() as conn:  # the schema as it was before
            for table in TABLES:
                conn.execute(sa.text(f"DROP TABLE {table}"))
            conn.execute(sa.text("UPDATE alembic_version SET version_num = '0010_queue_dsn'"))
        migrate(engine)
        names = set(sa.inspect(engine).get_table_names())
        assert set(TABLES) <= names
        columns = {c["name"] for c in sa.inspect(engine).get_columns("admin_sessions")}
        assert {"id_hash", "user_id", "stage", "csrf", "created_at", "last_seen_at", "ended_at"} <= columns
        migrate(engine)  # idempotent
    finally:
        engine.dispose()
