"""gateway_delivery_attempts (every delivery attempt and DSN of a queue row, see
gateway/tables.py) and quarantine_entries.dsn (the RFC 3461 parameters a held recipient keeps
for its release).

Idempotent: the baseline creates tables from the current metadata, so on a database made by it
both exist already. Rows queued before have no attempts recorded; the timeline shows their
last reply from the queue row, as before. Entries held before have no parameters (NULL).

Revision ID: delivery_attempts
Revises: totp_sealed
"""

import sqlalchemy as sa
from alembic import op

revision = "delivery_attempts"
down_revision = "totp_sealed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from gateway.tables import delivery_attempts

    bind = op.get_bind()
    inspector = sa.inspect(bind)
    if delivery_attempts.name not in inspector.get_table_names():
        delivery_attempts.create(bind)
    if "dsn" not in {c["name"] for c in inspector.get_columns("quarantine_entries")}:
        with op.batch_alter_table("quarantine_entries") as batch:
            batch.add_column(sa.Column("dsn", sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    from gateway.tables import delivery_attempts

    with op.batch_alter_table("quarantine_entries") as batch:
        batch.drop_column("dsn")
    delivery_attempts.drop(op.get_bind(), checkfirst=True)
