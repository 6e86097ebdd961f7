"""An index on the first 200 characters of archive_records.message_id (archive.threads): an
inbound reply's references are looked up in the archive to tell a reply to our thread from a
made-up one. Idempotent: a database created by the baseline already has the index. Building it
reads the archive once (a large archive takes a while on upgrade).

Revision ID: thread_index
Revises: routed_under
"""

import sqlalchemy as sa
from alembic import op

revision = "thread_index"
down_revision = "routed_under"
branch_labels = None
depends_on = None

NAME = "ix_archive_records_message_id"


def upgrade() -> None:
    from archive.tables import records

    # (IF NOT EXISTS: reflection does not see expression indexes on SQLite)
    op.get_bind().execute(sa.schema.CreateIndex(next(i for i in records.indexes if i.name == NAME), if_not_exists=True))


def downgrade() -> None:
    op.drop_index(NAME, table_name="archive_records")
