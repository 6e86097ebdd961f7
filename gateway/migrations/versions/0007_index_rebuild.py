"""archive_derived_keys.progress / target: how far a re-keying of the blind index got
(archive.reindex). Idempotent: a database created by the baseline already has them.

Revision ID: index_rebuild
Revises: 0006_chain_macs
"""

import sqlalchemy as sa
from alembic import op

revision = "index_rebuild"
down_revision = "0006_chain_macs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("archive_derived_keys")}
    missing = [name for name in ("progress", "target") if name not in columns]
    if missing:
        with op.batch_alter_table("archive_derived_keys") as batch:
            for name in missing:
                batch.add_column(sa.Column(name, sa.BigInteger, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("archive_derived_keys") as batch:
        batch.drop_column("target")
        batch.drop_column("progress")
