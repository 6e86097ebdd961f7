"""Tables of the quarantine package (own metadata; no cross-package foreign keys).

No plaintext message content is stored here: the subject is read from the encrypted archive
when it is displayed, and ``evidence`` holds the rules engine's redacted snippets sealed
(AES-256-GCM, see :mod:`quarantine.sealing`) when the service is given a cipher, as the
gateway always does.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

_PK = sa.BigInteger().with_variant(sa.Integer, "sqlite")

STATUSES = ("held", "released", "rejected", "expired")

entries = sa.Table(
    "quarantine_entries",
    metadata,
    sa.Column("id", _PK, primary_key=True, autoincrement=True),
    # Entries created by one hold() call (one message, several recipients) share hold_key.
    sa.Column("hold_key", sa.String(64), nullable=False, index=True),
    sa.Column("archive_id", sa.BigInteger, nullable=False),
    sa.Column("digest", sa.String(128), nullable=False),
    sa.Column("message_id", sa.Text, nullable=True),
    sa.Column("mail_from", sa.Text, nullable=False),
    sa.Column("recipient", sa.Text, nullable=False, index=True),
    sa.Column("direction", sa.Text, nullable=False),
    sa.Column("department", sa.Text, nullable=True, index=True),
    sa.Column("rules", sa.JSON, nullable=False),
    sa.Column("evidence", sa.JSON, nullable=False),
    sa.Column("reviewers", sa.JSON, nullable=False),
    sa.Column("review_group", sa.Text, nullable=True),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("required_approvals", sa.Integer, nullable=False, default=1),
    sa.Column("approvals", sa.JSON, nullable=False),
    sa.Column("sender_may_release", sa.Boolean, nullable=False, default=False),
    sa.Column("comment_required", sa.Boolean, nullable=False, default=False),
    sa.Column("expire_action", sa.String(16), nullable=False, default="reject"),
    # Optimistic concurrency: every change is ``UPDATE ... WHERE status='held' AND version=:v``.
    sa.Column("version", sa.Integer, nullable=False, default=0),
    sa.Column("created_at", sa.Float, nullable=False, index=True),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
    sa.Column("decided_at", sa.Float, nullable=True),
    sa.Column("decided_by", sa.Text, nullable=True),
    # Routing as resolved at hold time: {source: [addresses or patterns]}; what each holding
    # rule needs ([{"rule", "needs": [{"from": [source...], "count"}]}]); who approved so far
    # ([{"actor", "addresses"}]). NULL on entries held before routing was kept per source.
    sa.Column("routes", sa.JSON, nullable=True),
    sa.Column("quorum", sa.JSON, nullable=True),
    sa.Column("approvers", sa.JSON, nullable=True),
    # Reminders and escalation: when the last reminder went out, how far it was escalated
    # (0 routed reviewers, 1 the department's review group, 2 compliance).
    sa.Column("reminded_at", sa.Float, nullable=True),
    sa.Column("escalation", sa.Integer, nullable=False, default=0),
    sa.Column("escalated_at", sa.Float, nullable=True),
    # The RFC 3461 parameters the client gave for this recipient ({"ret", "envid", "notify",
    # "orcpt"}, as the delivery queue keeps them; NULL: none): a released copy is delivered and
    # reported on as the client asked.
    sa.Column("dsn", sa.JSON(none_as_null=True), nullable=True),
    # When the node that resolved ``routes`` (at hold time, or routing again after a directory
    # change) had loaded its directory (NULL: not known). A node whose directory is older does
    # not route the entry again: nodes are reloaded one by one, and the one still on the old
    # directory must not hand the entry back to a replaced supervisor (quarantine/rerouting.py).
    sa.Column("routed_under", sa.Float, nullable=True),
    sa.CheckConstraint(
        "status in ('held', 'released', 'rejected', 'expired')", name="quarantine_entries_status"
    ),
)

# One row per (entry, rule name): lets the API filter by rule in SQL on both databases.
entry_rules = sa.Table(
    "quarantine_entry_rules",
    metadata,
    sa.Column("entry_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("rule", sa.Text, nullable=False, index=True),
    sa.PrimaryKeyConstraint("entry_id", "rule"),
)

# One row per (entry, reviewer address, lower-cased): lets a reviewer see what was assigned to
# them even outside their own departments.
entry_reviewers = sa.Table(
    "quarantine_entry_reviewers",
    metadata,
    sa.Column("entry_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("address", sa.Text, nullable=False, index=True),
    sa.PrimaryKeyConstraint("entry_id", "address"),
)

decisions = sa.Table(
    "quarantine_decisions",
    metadata,
    sa.Column("id", _PK, primary_key=True, autoincrement=True),
    sa.Column("entry_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("actor", sa.Text, nullable=False),
    # held | approve | release | reject | expired | sender-release
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("comment", sa.Text, nullable=True),
    sa.Column("recipients", sa.JSON, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    # A compliance officer deciding outside the routing (with a mandatory comment).
    sa.Column("override", sa.Boolean, nullable=False, default=False),
)

reviewer_prefs = sa.Table(
    "quarantine_reviewer_prefs",
    metadata,
    sa.Column("address", sa.Text, primary_key=True),
    sa.Column("frequency", sa.String(16), nullable=False),  # immediate | hourly | daily
    sa.Column("last_digest_at", sa.Float, nullable=True),
)

digest_items = sa.Table(
    "quarantine_digest_items",
    metadata,
    sa.Column("id", _PK, primary_key=True, autoincrement=True),
    sa.Column("reviewer", sa.Text, nullable=False, index=True),
    sa.Column("entry_id", sa.BigInteger, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("sent_at", sa.Float, nullable=True, index=True),
)

# "False positive" marks: a reviewer says a rule should not have held this entry, and why.
# One row per (entry, rule, actor); console pages count them per rule (quarantine.false_positives).
false_positives = sa.Table(
    "quarantine_false_positives",
    metadata,
    sa.Column("id", _PK, primary_key=True, autoincrement=True),
    sa.Column("entry_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("rule", sa.Text, nullable=False, index=True),
    sa.Column("department", sa.Text, nullable=True, index=True),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.UniqueConstraint("entry_id", "rule", "actor", name="uq_quarantine_false_positives_mark"),
)
