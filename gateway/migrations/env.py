"""Alembic environment: runs on the connection the gateway hands in (no alembic.ini needed)."""

from __future__ import annotations

from alembic import context

from gateway.schema import all_metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=all_metadata(), render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
