"""Approvals (issue 14): routing kept per entry, overrides, reminders and escalation, and
accounts bound to their mail addresses.

Idempotent: a database created by the baseline from current metadata already has all of it.
Entries held before keep ``routes``/``quorum`` NULL and are judged on their flat reviewer
list; each account's ``email`` becomes its first bound address.

Revision ID: approvals
Revises: smtp_identity
"""

import sqlalchemy as sa
from alembic import op

revision = "approvals"
down_revision = "smtp_identity"
branch_labels = None
depends_on = None

_ENTRY_COLUMNS = (
    ("routes", sa.JSON, None),
    ("quorum", sa.JSON, None),
    ("approvers", sa.JSON, None),
    ("reminded_at", sa.Float, None),
    ("escalation", sa.Integer, sa.text("0")),
    ("escalated_at", sa.Float, None),
)


def upgrade() -> None:
    from admin_api import tables as admin

    bind = op.get_bind()
    inspector = sa.inspect(bind)
    have = {c["name"] for c in inspector.get_columns("quarantine_entries")}
    for name, type_, default in _ENTRY_COLUMNS:
        if name not in have:
            op.add_column("quarantine_entries", sa.Column(name, type_, nullable=default is None,
                                                          server_default=default))
    if "override" not in {c["name"] for c in inspector.get_columns("quarantine_decisions")}:
        op.add_column("quarantine_decisions", sa.Column("override", sa.Boolean, nullable=False,
                                                        server_default=sa.false()))
    if "admin_user_addresses" not in set(inspector.get_table_names()):
        admin.user_addresses.create(bind)
        rows = bind.execute(sa.select(admin.users.c.id, admin.users.c.email).where(admin.users.c.email.is_not(None)))
        seen: set[str] = set()
        for uid, email in rows.all():
            address = email.strip().lower()
            if address and address not in seen:
                seen.add(address)
                bind.execute(sa.insert(admin.user_addresses).values(address=address, user_id=uid))


def downgrade() -> None:
    from admin_api import tables as admin

    bind = op.get_bind()
    admin.user_addresses.drop(bind, checkfirst=True)
    op.drop_column("quarantine_decisions", "override")
    for name, _type, _default in reversed(_ENTRY_COLUMNS):
        op.drop_column("quarantine_entries", name)
