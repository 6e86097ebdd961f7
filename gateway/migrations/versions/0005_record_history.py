"""archive_record_history: the decision history imported with records from a signed export.

Idempotent: a database created by the baseline from current metadata already has it.

Revision ID: record_history
Revises: approvals
"""

import sqlalchemy as sa
from alembic import op

revision = "record_history"
down_revision = "approvals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from archive import tables as t

    bind = op.get_bind()
    if "archive_record_history" not in set(sa.inspect(bind).get_table_names()):
        t.record_history.create(bind)


def downgrade() -> None:
    from archive import tables as t

    t.record_history.drop(op.get_bind(), checkfirst=True)
