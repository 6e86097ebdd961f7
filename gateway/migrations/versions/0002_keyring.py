"""The key ring in the database (archive.keystate): archive_keyring, archive_master_keys,
archive_master_wraps, archive_derived_keys, and archive_head.key_generation.

Idempotent: a database created by the baseline from current metadata already has them. The
ring's contents are written by the first process that opens it (importing ``keys_dir``).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TABLES = ("archive_keyring", "archive_master_keys", "archive_master_wraps", "archive_derived_keys")


def upgrade() -> None:
    from archive import tables as t

    bind = op.get_bind()
    inspector = sa.inspect(bind)
    existing = set(inspector.get_table_names())
    for name in _TABLES:
        if name not in existing:
            t.metadata.tables[name].create(bind)
    if "key_generation" not in {c["name"] for c in inspector.get_columns("archive_head")}:
        with op.batch_alter_table("archive_head") as batch:
            batch.add_column(sa.Column("key_generation", sa.BigInteger, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("archive_head") as batch:
        batch.drop_column("key_generation")
    for name in reversed(_TABLES):
        op.drop_table(name)
