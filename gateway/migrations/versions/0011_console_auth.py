"""Console sign-in: accounts' passwords and second factor, sessions, failed sign-ins,
invitation/reset links (admin_api.tables.CONSOLE_TABLES). Idempotent: a database created by
the baseline already has them.

Revision ID: console_auth
Revises: 0010_queue_dsn
"""

import sqlalchemy as sa
from alembic import op

revision = "console_auth"
down_revision = "0010_queue_dsn"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from admin_api.tables import CONSOLE_TABLES

    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    for table in CONSOLE_TABLES:
        if table.name not in existing:
            table.create(bind)


def downgrade() -> None:
    from admin_api.tables import CONSOLE_TABLES

    bind = op.get_bind()
    for table in reversed(CONSOLE_TABLES):
        table.drop(bind, checkfirst=True)
