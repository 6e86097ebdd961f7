"""Archive tables (SQLAlchemy Core). No plaintext subject, attachment name or body anywhere.

``post_create(bind)`` creates what metadata cannot express: the SQLite FTS5 contentless table
``archive_fts`` and the chain head row. The gateway's schema code calls it after ``create_all``.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR

metadata = sa.MetaData()

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")

# One row per distinct message content (deduplicated). address = HMAC-SHA256(address key, raw).
blobs = sa.Table(
    "archive_blobs",
    metadata,
    sa.Column("address", sa.String(64), primary_key=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("stored_size", sa.BigInteger, nullable=False),
    sa.Column("dek_id", sa.String(32), nullable=False),          # id of the per-message data key
    sa.Column("kid", sa.String(32), nullable=False),             # master key that wraps it
    sa.Column("wrapped_dek", sa.LargeBinary, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Index("ix_archive_blobs_sha256", "sha256"),
    sa.Index("ix_archive_blobs_kid", "kid"),
)

# One row per archive event (accepted, released, imported, ...). Hash-chained by id order.
records = sa.Table(
    "archive_records",
    metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("blob_address", sa.String(64), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("dek_id", sa.String(32), nullable=False),
    sa.Column("event", sa.String(40), nullable=False),
    sa.Column("received_at", sa.Float, nullable=False),
    sa.Column("message_id", sa.Text, nullable=True),
    sa.Column("mail_from", sa.Text, nullable=False, default=""),
    sa.Column("rcpt_tos", sa.JSON, nullable=False),
    sa.Column("header_from", sa.Text, nullable=True),
    sa.Column("header_to", sa.JSON, nullable=False),
    sa.Column("header_cc", sa.JSON, nullable=False),
    sa.Column("date_at", sa.Float, nullable=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("direction", sa.String(16), nullable=True),
    sa.Column("verdict", sa.String(24), nullable=True),
    sa.Column("rules", sa.JSON, nullable=False),
    sa.Column("department", sa.String(120), nullable=True),
    sa.Column("attachment_types", sa.JSON, nullable=False),
    sa.Column("has_attachment", sa.Boolean, nullable=False, default=False),
    sa.Column("meta_enc", sa.LargeBinary, nullable=False),       # AES-GCM(subject, attachment names)
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("record_hash", sa.String(64), nullable=False),
    # HMAC of record_hash under a key derived from master key mac_kid (archive.chain); NULL only
    # on rows written before the chain was keyed.
    sa.Column("mac_kid", sa.String(32), nullable=True),
    sa.Column("mac", sa.String(64), nullable=True),
    sa.Index("ix_archive_records_received", "received_at", "id"),
    sa.Index("ix_archive_records_sha256_event", "sha256", "event"),
    sa.Index("ix_archive_records_blob", "blob_address"),
    sa.Index("ix_archive_records_direction", "direction", "received_at"),
    sa.Index("ix_archive_records_verdict", "verdict", "received_at"),
)
# Message-IDs by their first 200 characters (archive.threads: is a reply's thread one we hold?)
sa.Index("ix_archive_records_message_id", sa.func.substr(records.c.message_id, sa.literal_column("1"),
                                                         sa.literal_column("200")))

# Envelope and header addresses, lower-cased, for from:/to: filters. kind: 'f' sender, 't' recipient.
addresses = sa.Table(
    "archive_addresses",
    metadata,
    sa.Column("record_id", sa.BigInteger, nullable=False),
    sa.Column("kind", sa.String(1), nullable=False),
    sa.Column("address", sa.String(320), nullable=False),
    sa.Column("domain", sa.String(255), nullable=False),
    sa.PrimaryKeyConstraint("record_id", "kind", "address"),
    sa.Index("ix_archive_addresses_address", "address", "kind", "record_id"),
    sa.Index("ix_archive_addresses_domain", "domain", "kind", "record_id"),
)

record_rules = sa.Table(
    "archive_record_rules",
    metadata,
    sa.Column("record_id", sa.BigInteger, nullable=False),
    sa.Column("rule", sa.String(200), nullable=False),
    sa.PrimaryKeyConstraint("record_id", "rule"),
    sa.Index("ix_archive_record_rules_rule", "rule", "record_id"),
)

# The chain head: one row (id = 1), locked FOR UPDATE while a record is appended.
head = sa.Table(
    "archive_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("last_id", sa.BigInteger, nullable=False),
    sa.Column("last_hash", sa.String(64), nullable=False),
    # Bumped by every key ring change (rotate, retire, derived key rotation). It sits in the row
    # every append already locks and reads, so a process notices a change before it commits a
    # record, at no extra round trip (see archive.keystate).
    sa.Column("key_generation", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("mac_kid", sa.String(32), nullable=True),    # HMAC of (last_id, last_hash): a rewound
    sa.Column("mac", sa.String(64), nullable=True),        # head needs the key as well
)

# The key ring, shared by every process and node (archive.keystate). One row (id = 1).
keyring = sa.Table(
    "archive_keyring",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("active_kid", sa.String(32), nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

# Master keys by id (never their value): state active | old | retired.
master_keys = sa.Table(
    "archive_master_keys",
    metadata,
    sa.Column("kid", sa.String(32), primary_key=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("retired_at", sa.Float, nullable=True),
)

# Master key ``kid`` wrapped (AES-256-GCM) under master key ``wrapped_by``: whoever holds one
# live key of the ring can open the others (a node started with the old key learns the new one;
# one holding the new key opens data keys not yet re-wrapped). Rows of a retired key are deleted.
master_wraps = sa.Table(
    "archive_master_wraps",
    metadata,
    sa.Column("kid", sa.String(32), primary_key=True),
    sa.Column("wrapped_by", sa.String(32), primary_key=True),
    sa.Column("wrapped", sa.LargeBinary, nullable=False),
)

# The long-lived derived keys (blind index, blob address, metadata, ...), versioned, each wrapped
# by the active master key (re-wrapped in the transaction that activates a new one).
derived_keys = sa.Table(
    "archive_derived_keys",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("state", sa.String(16), nullable=False),      # active | old
    sa.Column("kid", sa.String(32), nullable=False),
    sa.Column("wrapped", sa.LargeBinary, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    # The blind index while re-keyed (state building): records up to ``target`` need the new
    # key, those up to ``progress`` have it (archive.reindex).
    sa.Column("progress", sa.BigInteger, nullable=True),
    sa.Column("target", sa.BigInteger, nullable=True),
)

# Records purged by retention: their hash stays so the chain remains checkable.
tombstones = sa.Table(
    "archive_tombstones",
    metadata,
    sa.Column("record_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("record_hash", sa.String(64), nullable=False),
    sa.Column("purged_at", sa.Float, nullable=False),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("mac_kid", sa.String(32), nullable=True),    # HMAC of the fields above: a deletion
    sa.Column("mac", sa.String(64), nullable=True),        # cannot pass for a purge without the key
)

# Records not yet in the blind index (written in the acceptance transaction).
index_pending = sa.Table(
    "archive_index_pending",
    metadata,
    sa.Column("record_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("last_error", sa.String(300), nullable=True),
)

# PostgreSQL blind index (hashed tokens only). SQLite uses the FTS5 table archive_fts instead.
fulltext = sa.Table(
    "archive_fulltext",
    metadata,
    sa.Column("record_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("tsv", sa.Text().with_variant(TSVECTOR(), "postgresql"), nullable=False),
)
sa.Index("ix_archive_fulltext_tsv", fulltext.c.tsv, postgresql_using="gin").ddl_if(dialect="postgresql")

legal_holds = sa.Table(
    "archive_legal_holds",
    metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),        # address | query | record
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("released_at", sa.Float, nullable=True),
    sa.Column("released_by", sa.String(200), nullable=True),
    sa.Column("release_reason", sa.Text, nullable=True),
)

# Decision history that came with an imported record (a signed export of another instance):
# who held, approved, released or rejected it there, and when. Decisions made on this
# instance stay in the quarantine's own tables; views show both.
record_history = sa.Table(
    "archive_record_history",
    metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("record_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("comment", sa.Text, nullable=True),
    sa.Column("recipients", sa.JSON, nullable=False),
    sa.Column("source", sa.Text, nullable=True),      # where it was decided (the export's signer key id)
)

GENESIS = "0" * 64

FTS_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS archive_fts USING fts5("
    "tokens, content='', columnsize=0, detail=full, tokenize='ascii')"
)


def post_create(bind: sa.Connection) -> None:
    """Create the SQLite FTS5 table and the chain head row (idempotent)."""
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql(FTS_DDL)
    ensure_head(bind)


def ensure_head(bind: sa.Connection) -> None:
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    bind.execute(insert(head).values(id=1, last_id=0, last_hash=GENESIS, key_generation=0).on_conflict_do_nothing())


def create_schema(engine: sa.Engine) -> None:
    """Create all archive tables (tests and first runs; the gateway runs migrations instead)."""
    with engine.begin() as conn:
        metadata.create_all(conn)
        post_create(conn)
