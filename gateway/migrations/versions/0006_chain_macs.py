"""Keyed chains: a MAC (and the master key id it was derived from) on every archive record,
purge tombstone and audit row, and on both chain heads (see archive/chain.py).

The baseline creates tables from the current metadata, so on a database made by it the columns
exist already; on an older one they are added. Rows written before get no MAC here (the key
is not available to migrations): verify names them as not keyed until
``mailwarden archive seal-chain`` keys them.

Revision ID: 0006_chain_macs
Revises: record_history
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_chain_macs"
down_revision = "record_history"
branch_labels = None
depends_on = None

_TABLES = ("archive_records", "archive_head", "archive_tombstones", "admin_audit", "admin_audit_head")


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    for table in _TABLES:
        have = {c["name"] for c in inspector.get_columns(table)}
        with op.batch_alter_table(table) as batch:
            if "mac_kid" not in have:
                batch.add_column(sa.Column("mac_kid", sa.String(32), nullable=True))
            if "mac" not in have:
                batch.add_column(sa.Column("mac", sa.String(64), nullable=True))
    from admin_api.tables import install_append_only

    install_append_only(bind)   # an audit row's MAC may be re-written (re-MAC before a key retires)


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("mac")
            batch.drop_column("mac_kid")
