"""Live copies of sign-in link mail (gateway.tables.live_copies, issue 15): the archive keeps
these mails with the link withheld; the copy that is delivered waits here, sealed. Idempotent:
a database created by the baseline already has the table.

Revision ID: live_copies
Revises: delivery_attempts
"""

import sqlalchemy as sa
from alembic import op

revision = "live_copies"
down_revision = "delivery_attempts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from gateway.tables import live_copies

    bind = op.get_bind()
    if live_copies.name not in set(sa.inspect(bind).get_table_names()):
        live_copies.create(bind)


def downgrade() -> None:
    from gateway.tables import live_copies

    live_copies.drop(op.get_bind(), checkfirst=True)
