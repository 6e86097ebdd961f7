"""The ``delivery_attempts`` migration on a database made before it, with mail in it (SQLite and
PostgreSQL): the attempts log and ``quarantine_entries.dsn`` appear; a row queued before keeps
being claimed, its attempts are logged from now on and shown after its old last reply; an entry
held before (no DSN parameters) is released without any."""

from __future__ import annotations

import time

import sqlalchemy as sa

from gateway import attempts
from gateway.db import migrate, open_engine
from gateway.hops import Hop
from gateway.quarantine_wiring import held_dsn
from gateway.queue import DeliveryQueue
from gateway.tables import delivery_attempts, queue
from quarantine.tables import entries


def test_upgrade_keeps_queued_mail_and_logs_its_next_attempts(database_url: str) -> None:
    engine = open_engine(database_url)
    try:
        migrate(engine)
        with engine.begin() as conn:  # the schema as it was before, with a queued row and a held entry
            delivery_attempts.drop(conn)
            conn.execute(sa.text("ALTER TABLE quarantine_entries DROP COLUMN dsn"))
            conn.execute(sa.text("UPDATE alembic_version SET version_num = 'totp_sealed'"))
            conn.execute(sa.text("INSERT INTO gateway_queue (archive_id, digest, mail_from, recipient, direction, "
                                 "message_id, origin, add_headers, status, attempts, created_at, next_attempt_at, "
                                 "expires_at, last_code, last_error) VALUES (7, 'd', 'a@example.com', "
                                 "'b@other.org', 'outbound', '', 'accepted', '[]', 'queued', 1, 10, 0, 9e12, 451, "
                                 "'4.3.0 busy')"))
            conn.execute(sa.insert(entries).values(
                hold_key="7:d", archive_id=7, digest="d", mail_from="a@example.com", recipient="c@other.org",
                direction="outbound", rules=[], evidence=[], reviewers=[], status="held", required_approvals=1,
                approvals=[], sender_may_release=False, comment_required=False, expire_action="reject", version=0,
                escalation=0, created_at=10, expires_at=9e12))
        assert "gateway_delivery_attempts" not in sa.inspect(engine).get_table_names()
        migrate(engine)
        inspector = sa.inspect(engine)
        assert "gateway_delivery_attempts" in inspector.get_table_names()
        assert "dsn" in {c["name"] for c in inspector.get_columns("quarantine_entries")}
        migrate(engine)  # idempotent

        with engine.begin() as conn:
            assert held_dsn(conn, 7, ["c@other.org"]) == {}      # held before: released without parameters
        [entry] = DeliveryQueue(engine, lifetime=60, retry_initial=1, retry_max=1).claim("n1", 10, now=time.time())
        assert entry.attempts == 1
        with engine.begin() as conn:
            attempts.AttemptLog(engine).write(conn, [attempts.attempt_row(
                entry, attempts.DELIVERED, 250, "2.0.0 OK", started=20.0, finished=21.0,
                hop=Hop("mx.other.org", "192.0.2.1", 25, "TLSv1.3", True, "verify"))])
        with engine.connect() as conn:
            rows = conn.execute(sa.select(queue)).mappings().all()
        shown = attempts.timeline_deliveries(rows, attempts.read(engine, archive_ids=[7]))
        assert [(d["status"], d.get("attempt"), d["code"], d["text"]) for d in shown] == [
            ("queued", None, None, None), ("delivered", 2, 250, "OK")]
        assert shown[1]["hop"] == {"host": "mx.other.org", "address": "192.0.2.1", "port": 25}
        assert shown[1]["tls"] == {"version": "TLSv1.3", "verified": True, "policy": "verify"}
        # a row with no logged attempt (all of them, before) still shows its last reply
        assert [(d["status"], d.get("attempt"), d["code"]) for d in attempts.timeline_deliveries(rows, [])] == [
            ("queued", None, None), ("delivering", None, 451)]
    finally:
        engine.dispose()
