"""gateway_queue.dsn (the RFC 3461 parameters of a recipient) and delay_warned_at (its
delayed-delivery DSN went out).

The baseline creates tables from the current metadata, so on a database made by it the columns
exist already; on an older one they are added (NULL: no parameters given, no warning sent).

Revision ID: 0010_queue_dsn
Revises: console_jobs
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_queue_dsn"
down_revision = "console_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("gateway_queue")}
    with op.batch_alter_table("gateway_queue") as batch:
        if "dsn" not in have:
            batch.add_column(sa.Column("dsn", sa.JSON(none_as_null=True), nullable=True))
        if "delay_warned_at" not in have:
            batch.add_column(sa.Column("delay_warned_at", sa.Float, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("gateway_queue") as batch:
        batch.drop_column("delay_warned_at")
        batch.drop_column("dsn")
