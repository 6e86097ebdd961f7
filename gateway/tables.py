"""Tables the gateway owns: the delivery queue, SMTP accounts and per-sender counters."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")

# One row per (message, recipient) still to deliver or already decided. The blob is the
# archive's; the row says where it goes next. Delivery claims rows with a lease so that a
# crashed node's work is picked up again and two nodes never deliver the same row.
queue = sa.Table(
    "gateway_queue",
    metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("archive_id", sa.BigInteger, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("mail_from", sa.String(512), nullable=False),
    sa.Column("recipient", sa.String(512), nullable=False),
    sa.Column("direction", sa.String(16), nullable=False),
    sa.Column("message_id", sa.String(998), nullable=False, default=""),
    sa.Column("origin", sa.String(32), nullable=False, default="accepted"),
    sa.Column("add_headers", sa.JSON, nullable=False, default=list),
    sa.Column("subject_prefix", sa.String(200), nullable=True),
    sa.Column("status", sa.String(16), nullable=False, default="queued"),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("next_attempt_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
    sa.Column("claimed_by", sa.String(64), nullable=True),
    sa.Column("claimed_until", sa.Float, nullable=True),
    sa.Column("last_code", sa.Integer, nullable=True),
    sa.Column("last_error", sa.String(1000), nullable=True),
    sa.Column("finished_at", sa.Float, nullable=True),
    # RFC 3461 parameters of this recipient ({"notify", "orcpt", "envid", "ret"}; NULL: none
    # given) and when its delayed-delivery DSN went out (sent once).
    sa.Column("dsn", sa.JSON(none_as_null=True), nullable=True),
    sa.Column("delay_warned_at", sa.Float, nullable=True),
    sa.Index("ix_gateway_queue_due", "status", "next_attempt_at"),
    sa.Index("ix_gateway_queue_archive", "archive_id"),
)

# Every delivery attempt of a queue row and its result, and every DSN sent about it: the
# queue row keeps only the last reply, the timeline (issues 15 and 16) shows them all. Written in
# the transaction that records the outcome on the queue row; addresses as the queue keeps them,
# the reply truncated (a server's words, never message content). ``result``: delivered |
# deferred | bounced | expired, or for a DSN's row dsn-sent | delayed-warning with ``dsn_id``
# (the DSN's archive record) and ``dsn_action`` (RFC 3464: failed, delayed, relayed, delivered).
# Rows go with their message when retention purges it (gateway/retention.py).
delivery_attempts = sa.Table(
    "gateway_delivery_attempts",
    metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("archive_id", sa.BigInteger, nullable=False),
    sa.Column("queue_id", sa.BigInteger, nullable=False),
    sa.Column("recipient", sa.String(512), nullable=False),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("started_at", sa.Float, nullable=True),
    sa.Column("finished_at", sa.Float, nullable=False),
    sa.Column("hop_host", sa.String(255), nullable=True),
    sa.Column("hop_address", sa.String(64), nullable=True),
    sa.Column("hop_port", sa.Integer, nullable=True),
    sa.Column("tls_version", sa.String(16), nullable=True),
    sa.Column("tls_verified", sa.Boolean, nullable=True),
    sa.Column("tls_policy", sa.String(32), nullable=True),
    sa.Column("result", sa.String(16), nullable=False),
    sa.Column("code", sa.Integer, nullable=True),
    sa.Column("enhanced", sa.String(16), nullable=True),
    sa.Column("reply", sa.String(500), nullable=True),
    sa.Column("dsn_id", sa.BigInteger, nullable=True),
    sa.Column("dsn_action", sa.String(16), nullable=True),
    sa.Index("ix_gateway_delivery_attempts_archive", "archive_id"),
    sa.Index("ix_gateway_delivery_attempts_queue", "queue_id"),
)

smtp_accounts = sa.Table(
    "gateway_smtp_accounts",
    metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(320), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
)

# Per-sender counters in ten-minute buckets: the spam/abuse rules see the same numbers on every node.
sender_counters = sa.Table(
    "gateway_sender_counters",
    metadata,
    sa.Column("sender", sa.String(512), primary_key=True),
    sa.Column("bucket", sa.BigInteger, primary_key=True),  # ten-minute bucket number
    sa.Column("messages", sa.Integer, nullable=False, default=0),
    sa.Column("recipients", sa.Integer, nullable=False, default=0),
    sa.Column("external_recipients", sa.Integer, nullable=False, default=0),
)

# The addresses an SMTP login may use as MAIL FROM (Postfix's smtpd_sender_login_maps, kept
# the other way round): an exact address, or "@domain" for every address of that domain.
# A login with no row here may send only the null sender.
smtp_sender_addresses = sa.Table(
    "gateway_smtp_sender_addresses",
    metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(320), nullable=False),
    sa.Column("address", sa.String(512), nullable=False),   # lower case
    sa.Column("created_at", sa.Float, nullable=False),
    sa.UniqueConstraint("username", "address", name="uq_gateway_smtp_sender_addresses"),
)

# Failed SMTP AUTH per client address and per login (hashed), shared by every process and
# node: a fixed window of failures, then a lockout.
auth_failures = sa.Table(
    "gateway_auth_failures",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),     # "ip:<addr>" or "login:<sha256>"
    sa.Column("window_start", sa.Float, nullable=False),
    sa.Column("failures", sa.Integer, nullable=False, default=0),
    sa.Column("locked_until", sa.Float, nullable=False, default=0.0),
)

# The live copy of a mail carrying a sign-in link (issue 15): the archive keeps the copy with
# the link withheld, the delivery worker sends this one. Sealed (gateway/live_copies.py), one
# per archive record, deleted when its delivery is decided or its link has expired.
live_copies = sa.Table(
    "gateway_live_copies",
    metadata,
    sa.Column("archive_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("key_version", sa.Integer, nullable=False),
    sa.Column("sealed", sa.LargeBinary, nullable=False),     # nonce | AES-GCM ciphertext and tag
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
)
