"""SMTP identity: the addresses each SMTP login may send as (gateway_smtp_sender_addresses)
and the failed-AUTH throttle shared by every node (gateway_auth_failures).

Idempotent: a database created by the baseline from current metadata already has them.
Existing logins get no addresses: after this upgrade they may send only the null sender
until an administrator binds them (``mailwarden smtp-user allow NAME --address A``).

Revision ID: smtp_identity
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "smtp_identity"
down_revision = "0002"
branch_labels = None
depends_on = None

_TABLES = ("gateway_smtp_sender_addresses", "gateway_auth_failures")


def upgrade() -> None:
    from gateway import tables as t

    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    for name in _TABLES:
        if name not in existing:
            t.metadata.tables[name].create(bind)


def downgrade() -> None:
    from gateway import tables as t

    bind = op.get_bind()
    for name in reversed(_TABLES):
        t.metadata.tables[name].drop(bind, checkfirst=True)
