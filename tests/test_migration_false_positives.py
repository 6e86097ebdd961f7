"""The ``false_positives`` migration on a database made before it (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlalchemy as sa

from gateway.db import migrate, open_engine


def test_upgrade_adds_false_positive_table(database_url: str) -> None:
    engine = open_engine(database_url)
    try:
        migrate(engine)
        with engine.begin() as conn:  # the schema as it was before
            conn.execute(sa.text("DROP TABLE quarantine_false_positives"))
            conn.execute(sa.text("UPDATE alembic_version SET version_num = 'index_rebuild'"))
        migrate(engine)
        columns = {c["name"] for c in sa.inspect(engine).get_columns("quarantine_false_positives")}
        assert {"entry_id", "rule", "department", "actor", "reason", "at"} <= columns
        migrate(engine)  # idempotent
    finally:
        engine.dispose()
