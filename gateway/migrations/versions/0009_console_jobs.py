"""admin_jobs (background backtests and exports with progress) and admin_saved_searches.

Idempotent: a database created by the baseline from current metadata already has them.

Revision ID: console_jobs
Revises: false_positives
"""

import sqlalchemy as sa
from alembic import op

revision = "console_jobs"
down_revision = "false_positives"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from admin_api import tables as t

    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    for table in (t.jobs, t.saved_searches):
        if table.name not in existing:
            table.create(bind)


def downgrade() -> None:
    from admin_api import tables as t

    for table in (t.saved_searches, t.jobs):
        table.drop(op.get_bind(), checkfirst=True)
