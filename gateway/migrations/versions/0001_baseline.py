"""Baseline schema of every package (before the first release).

The first revision creates each package's tables from its metadata. Every schema change
after the first release gets a revision of its own with explicit operations.

Revision ID: 0001
Revises:
"""

from alembic import op

from gateway.schema import all_metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    for metadata in all_metadata():
        metadata.create_all(bind)
    from gateway.schema import post_create

    post_create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for metadata in reversed(all_metadata()):
        metadata.drop_all(bind)
