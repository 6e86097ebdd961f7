"""An index on the first 200 characters of archive_records.message_id (archive.threads): an
inbound reply's references are looked up in the archive to tell a reply to our thread from a
made-up one. Idempotent (IF NOT EXISTS): a database created by the baseline already has the index.

Building it reads the archive once, and a plain CREATE INDEX holds inserts into archive_records,
and so the acceptance of mail (which then gets 4xx and is retried), for as long as that takes. On a
large PostgreSQL archive, create it beforehand without the lock, and this step finds it present:

    CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_archive_records_message_id
        ON archive_records (substr(message_id, 1, 200));

(It is not built CONCURRENTLY here: the migrations run in one transaction under an advisory lock
shared by every node, and CONCURRENTLY cannot run inside a transaction.)

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

    # (IF NOT EXISTS: reflection does not see expression indexes on SQLite, and one made beforehand stays)
    op.get_bind().execute(sa.schema.CreateIndex(next(i for i in records.indexes if i.name == NAME), if_not_exists=True))


def downgrade() -> None:
    op.drop_index(NAME, table_name="archive_records")
