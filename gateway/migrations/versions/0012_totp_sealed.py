"""TOTP secrets sealed at rest (admin_api.totp_seal): the two columns grow to hold
``totp1:<version>:<base64 of nonce + ciphertext + tag>``. Secrets already stored in plaintext are
sealed on their next use and at API start-up (the key ring is not at hand in a migration).

Revision ID: totp_sealed
Revises: console_auth
"""

import sqlalchemy as sa
from alembic import op

revision = "totp_sealed"
down_revision = "console_auth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("admin_console_accounts") as batch:
        for column in ("totp_secret", "totp_pending"):
            batch.alter_column(column, type_=sa.String(255), existing_type=sa.String(64), existing_nullable=True)


def downgrade() -> None:
    # a sealed value does not fit the old width: the second factor has to be enrolled again
    op.execute("UPDATE admin_console_accounts SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL")
    with op.batch_alter_table("admin_console_accounts") as batch:
        for column in ("totp_secret", "totp_pending"):
            batch.alter_column(column, type_=sa.String(64), existing_type=sa.String(255), existing_nullable=True)
