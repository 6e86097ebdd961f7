"""The ``routed_under`` migration on a database made before it, with mail held (SQLite and
PostgreSQL): the column is added, the held entry keeps its routes and can still be routed again
(NULL: when its directory was loaded is not known)."""

from __future__ import annotations

import time

import sqlalchemy as sa

from gateway.db import migrate, open_engine
from gateway.directory import Department, Directory
from quarantine import tables as t
from quarantine.rerouting import current_routes, newer_than_routing


def test_upgrade_adds_routed_under_and_held_entries_still_follow_the_directory(database_url: str) -> None:
    engine = open_engine(database_url)
    try:
        migrate(engine)
        with engine.begin() as conn:  # the schema as it was before, with an entry held
            conn.execute(sa.text("ALTER TABLE quarantine_entries DROP COLUMN routed_under"))
            conn.execute(sa.text("UPDATE alembic_version SET version_num = 'live_copies'"))
            conn.execute(sa.text(
                "INSERT INTO quarantine_entries (hold_key, archive_id, digest, mail_from, recipient, direction, "
                "department, rules, evidence, reviewers, status, required_approvals, approvals, "
                "sender_may_release, comment_required, expire_action, version, created_at, expires_at, routes, "
                "escalation) VALUES ('1:d', 1, 'd', 'alice@example.com', 'bank@other.org', 'outbound', 'finance', "
                "'[]', '[]', '[\"cfo@example.com\"]', 'held', 1, '[]', false, false, 'reject', 0, 1, 9e12, "
                "'{\"supervisor\": [\"cfo@example.com\"]}', 0)"))
        migrate(engine)
        assert "routed_under" in {c["name"] for c in sa.inspect(engine).get_columns("quarantine_entries")}
        migrate(engine)  # idempotent
        with engine.connect() as conn:
            entry = dict(conn.execute(sa.select(t.entries.c.routes, t.entries.c.routed_under,
                                                t.entries.c.mail_from, t.entries.c.department)).mappings().one())
        assert entry["routes"] == {"supervisor": ["cfo@example.com"]} and entry["routed_under"] is None
        directory = Directory(domains=("example.com",), loaded_at=time.time(), departments={
            "finance": Department(name="finance", members=("alice@example.com",), supervisors=("cfo2@example.com",))})
        assert newer_than_routing(entry, directory.loaded_at)
        assert current_routes(entry, directory) == {"supervisor": ["cfo2@example.com"]}
    finally:
        engine.dispose()
