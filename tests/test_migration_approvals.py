"""The ``approvals`` migration on a database made before it (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlalchemy as sa

from gateway.db import migrate, open_engine


def test_upgrade_adds_routing_columns_and_binds_existing_emails(database_url: str) -> None:
    engine = open_engine(database_url)
    try:
        migrate(engine)
        with engine.begin() as conn:  # the schema as it was before: no routing columns, no address table
            for column in ("routes", "quorum", "approvers", "reminded_at", "escalation", "escalated_at"):
                conn.execute(sa.text(f"ALTER TABLE quarantine_entries DROP COLUMN {column}"))
            conn.execute(sa.text("ALTER TABLE quarantine_decisions DROP COLUMN override"))
            conn.execute(sa.text("DROP TABLE admin_user_addresses"))
            conn.execute(sa.text("UPDATE alembic_version SET version_num = 'smtp_identity'"))
            conn.execute(sa.text(
                "INSERT INTO admin_users (name, role, departments, email, created_at, disabled) "
                "VALUES ('cfo', 'supervisor', '[\"finance\"]', 'CFO@example.com', 0, false)"))
        migrate(engine)
        inspector = sa.inspect(engine)
        columns = {c["name"] for c in inspector.get_columns("quarantine_entries")}
        assert {"routes", "quorum", "approvers", "reminded_at", "escalation", "escalated_at"} <= columns
        assert "override" in {c["name"] for c in inspector.get_columns("quarantine_decisions")}
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT address FROM admin_user_addresses")).scalars().all() == [
                "cfo@example.com"]
        migrate(engine)  # idempotent
    finally:
        engine.dispose()
