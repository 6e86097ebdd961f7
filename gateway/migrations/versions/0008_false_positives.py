"""quarantine_false_positives: reviewers' "false positive" marks, counted per rule.
Idempotent: a database created by the baseline already has the table.

Revision ID: false_positives
Revises: index_rebuild
"""

import sqlalchemy as sa
from alembic import op

from quarantine.tables import false_positives

revision = "false_positives"
down_revision = "index_rebuild"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if not sa.inspect(bind).has_table(false_positives.name):
        false_positives.create(bind)


def downgrade() -> None:
    op.drop_table(false_positives.name)
