"""quarantine_entries.routed_under: when the directory a held entry was routed under was loaded,
so a node still running an older directory does not route it back (quarantine/rerouting.py).

The baseline creates tables from the current metadata, so on a database made by it the column
exists already; on an older one it is added (NULL: not known, the entry may be routed again as
before).

Revision ID: routed_under
Revises: live_copies
"""

import sqlalchemy as sa
from alembic import op

revision = "routed_under"
down_revision = "live_copies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("quarantine_entries")}
    if "routed_under" not in have:
        with op.batch_alter_table("quarantine_entries") as batch:
            batch.add_column(sa.Column("routed_under", sa.Float, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("quarantine_entries") as batch:
        batch.drop_column("routed_under")
