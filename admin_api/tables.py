"""Tables of the admin API: users, bearer tokens (hashes only) and the hash-chained audit log."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

_PK = sa.BigInteger().with_variant(sa.Integer, "sqlite")

ROLES = ("admin", "compliance", "supervisor", "auditor")

users = sa.Table(
    "admin_users",
    metadata,
    sa.Column("id", _PK, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("departments", sa.JSON, nullable=False),
    sa.Column("email", sa.Text, nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.CheckConstraint("role in ('admin', 'compliance', 'supervisor', 'auditor')", name="admin_users_role"),
)

# Every mail address an account is bound to (the first is also ``admin_users.email``). An
# address belongs to one account: routing and separation of duties are judged on these.
user_addresses = sa.Table(
    "admin_user_addresses",
    metadata,
    sa.Column("address", sa.String(320), primary_key=True),
    sa.Column("user_id", sa.BigInteger, nullable=False, index=True),
)

tokens = sa.Table(
    "admin_tokens",
    metadata,
    sa.Column("id", _PK, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),  # sha256 hex; token never stored
    sa.Column("user_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=True),
    sa.Column("revoked_at", sa.Float, nullable=True),
    sa.Column("last_used_at", sa.Float, nullable=True),
)

# Append-only. Ids are assigned under the head lock (no sequence), so the chain order is the id
# order; each row's hash covers its fields and the previous row's hash, and its MAC that hash.
audit = sa.Table(
    "admin_audit",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("actor", sa.Text, nullable=True, index=True),
    sa.Column("role", sa.String(32), nullable=True),
    sa.Column("action", sa.String(64), nullable=False, index=True),
    sa.Column("record", sa.Text, nullable=True),
    sa.Column("client_ip", sa.String(64), nullable=True),
    sa.Column("outcome", sa.String(16), nullable=False),  # ok | denied | failed | error
    sa.Column("status_code", sa.Integer, nullable=False),
    sa.Column("detail", sa.JSON, nullable=True),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    # HMAC of hash under a key derived from master key mac_kid (archive.chain), never stored.
    sa.Column("mac_kid", sa.String(32), nullable=True),
    sa.Column("mac", sa.String(64), nullable=True),
)

# One row (id=1): the chain head. Writers lock it (SELECT ... FOR UPDATE on PostgreSQL; the
# write lock on SQLite) so appends are serialized across processes and gateway nodes.
audit_head = sa.Table(
    "admin_audit_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("last_id", sa.BigInteger, nullable=False),
    sa.Column("last_hash", sa.String(64), nullable=False),
    sa.Column("mac_kid", sa.String(32), nullable=True),   # HMAC of (last_id, last_hash)
    sa.Column("mac", sa.String(64), nullable=True),
)


# ---- console sign-in (admin_api.passwords, admin_api.sessions, admin_api.throttle, admin_api.totp)
# One row per account that may sign in to the console: its password (argon2id), second factor
# and display preferences. Kept apart from admin_users so API-only accounts have none of it.
console_accounts = sa.Table(
    "admin_console_accounts",
    metadata,
    sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("password_hash", sa.Text, nullable=True),       # argon2id PHC string
    sa.Column("password_changed_at", sa.Float, nullable=True),
    # sealed (admin_api.totp_seal: "totp1:<version>:<AES-GCM>"); set once enrolment is confirmed
    sa.Column("totp_secret", sa.String(255), nullable=True),
    sa.Column("totp_pending", sa.String(255), nullable=True),  # sealed, offered, not yet confirmed
    sa.Column("totp_last_step", sa.BigInteger, nullable=True),  # a code is accepted once (RFC 6238 5.2)
    sa.Column("language", sa.String(16), nullable=True),       # zh_CN | en; None: the browser's
    sa.Column("time_zone", sa.String(64), nullable=True),      # IANA name; None: UTC
)

# Server-side console sessions. The cookie holds a random id; only its SHA-256 is stored.
sessions = sa.Table(
    "admin_sessions",
    metadata,
    sa.Column("id", _PK, primary_key=True, autoincrement=True),
    sa.Column("id_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("user_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("stage", sa.String(16), nullable=False),      # "totp": password given, code pending; "full"
    sa.Column("csrf", sa.String(64), nullable=False),       # the synchronizer token of its forms
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_seen_at", sa.Float, nullable=False),
    sa.Column("ended_at", sa.Float, nullable=True),
    sa.Column("client_ip", sa.String(64), nullable=True),
    sa.Column("user_agent", sa.String(200), nullable=True),
)

# Failed sign-ins, per account name and per client address: every API worker and node reads
# the same rows, so the throttle holds however many processes answer.
signin_failures = sa.Table(
    "admin_signin_failures",
    metadata,
    sa.Column("id", _PK, primary_key=True, autoincrement=True),
    sa.Column("account", sa.String(200), nullable=True, index=True),
    sa.Column("client_ip", sa.String(64), nullable=True, index=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
)

# Invitation and password-reset links: one-time, expiring, only the token's SHA-256 stored.
account_links = sa.Table(
    "admin_account_links",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("purpose", sa.String(16), nullable=False),   # invite | reset
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
    sa.Column("used_at", sa.Float, nullable=True),
)

CONSOLE_TABLES = (console_accounts, sessions, signin_failures, account_links)

# Background jobs started from the console or API (backtests, exports): their state and
# progress live here so a job outlives the page that started it. ``result`` holds counts,
# rule names and record ids only, never message content.
jobs = sa.Table(
    "admin_jobs",
    metadata,
    sa.Column("id", _PK, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("params", sa.JSON, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),          # queued | running | done | failed
    sa.Column("done", sa.BigInteger, nullable=False, default=0),
    sa.Column("total", sa.BigInteger, nullable=True),
    sa.Column("result", sa.JSON, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("node", sa.String(200), nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Column("finished_at", sa.Float, nullable=True),
    sa.Index("ix_admin_jobs_owner", "owner", "id"),
)

# An auditor's saved archive searches: the query text and structured filters, per person.
saved_searches = sa.Table(
    "admin_saved_searches",
    metadata,
    sa.Column("id", _PK, primary_key=True, autoincrement=True),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("query", sa.Text, nullable=False),
    sa.Column("filters", sa.JSON, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.UniqueConstraint("owner", "name", name="uq_admin_saved_searches_owner_name"),
)

_PG_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION admin_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only a row's MAC may change (re-MACed under a new master key before the old one is retired).
    IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'mac' - 'mac_kid') = (to_jsonb(OLD) - 'mac' - 'mac_kid') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'admin_audit is append-only';
END
$$
"""


def install_append_only(bind: sa.Connection) -> None:
    """The triggers refusing UPDATE (except of the MAC columns), DELETE and TRUNCATE (re-created)."""
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text(_PG_APPEND_ONLY))
        bind.execute(sa.text("DROP TRIGGER IF EXISTS admin_audit_no_change ON admin_audit"))
        bind.execute(
            sa.text(
                "CREATE TRIGGER admin_audit_no_change BEFORE UPDATE OR DELETE ON admin_audit "
                "FOR EACH ROW EXECUTE FUNCTION admin_audit_append_only()"
            )
        )
        bind.execute(sa.text("DROP TRIGGER IF EXISTS admin_audit_no_truncate ON admin_audit"))
        bind.execute(
            sa.text(
                "CREATE TRIGGER admin_audit_no_truncate BEFORE TRUNCATE ON admin_audit "
                "FOR EACH STATEMENT EXECUTE FUNCTION admin_audit_append_only()"
            )
        )
    elif bind.dialect.name == "sqlite":
        fixed = ", ".join(c.name for c in audit.columns if c.name not in ("mac", "mac_kid"))
        for event, of in (("UPDATE", f" OF {fixed}"), ("DELETE", "")):
            bind.execute(sa.text(f"DROP TRIGGER IF EXISTS admin_audit_no_{event.lower()}"))
            bind.execute(
                sa.text(
                    f"CREATE TRIGGER admin_audit_no_{event.lower()} "
                    f"BEFORE {event}{of} ON admin_audit "
                    "BEGIN SELECT RAISE(ABORT, 'admin_audit is append-only'); END"
                )
            )


def post_create(bind: sa.Connection) -> None:
    """What metadata cannot express (called by the gateway's migrations and by
    :func:`admin_api.services.create_schema`): the database itself refuses UPDATE, DELETE and TRUNCATE
    on ``admin_audit``, and the chain head row exists. Someone who disables the triggers can
    still edit rows and recompute their hashes, but not their MACs: :func:`admin_api.audit.verify_audit`
    names every edited row."""
    install_append_only(bind)
    if bind.execute(sa.select(audit_head.c.id).where(audit_head.c.id == 1)).first() is None:
        bind.execute(sa.insert(audit_head).values(id=1, last_id=0, last_hash="0" * 64))
