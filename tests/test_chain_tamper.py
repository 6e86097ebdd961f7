"""Tamper evidence that needs the key: an insider with the database (and the product's own code
as the tool) rewrites the archive's record chain and the admin audit chain; verify names the
first broken row and why, and the next append refuses to launder a rewound head.

Every attack here first checks that the unkeyed chain is self-consistent again afterwards (the
whole of what verify checked before the chains were keyed: those verifies said OK).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from admin_api import tables as at
from admin_api.audit import (
    AuditChainError,
    append_audit,
    audit_report,
    ensure_head,
    remac_audit,
    row_hash,
    verify_audit,
)
from archive import tables as t
from archive.chain import ChainKey
from archive.cli_ops import describe_broken
from archive.service import ArchiveIntegrityError, KeyInUse, chain_hash
from tests.test_archive_support import build, make_archive, put


# ---- the attacker's tools (the product's own hash functions, no key) ----------------------
def rewrite_record(engine: sa.Engine, rid: int, **changes: object) -> None:
    """Edit record ``rid``, recompute every unkeyed hash from it to the end, and the head."""
    r = t.records.c
    with engine.begin() as conn:
        rows = [dict(row._mapping) for row in conn.execute(sa.select(t.records).where(r.id >= rid).order_by(r.id))]
        prev = rows[0]["prev_hash"]
        for row in rows:
            if row["id"] == rid:
                row.update(changes)
            row["prev_hash"] = prev
            row["record_hash"] = prev = chain_hash(prev, row)
            values = {**(changes if row["id"] == rid else {}), "prev_hash": row["prev_hash"],
                      "record_hash": row["record_hash"]}
            conn.execute(sa.update(t.records).where(r.id == row["id"]).values(**values))
        conn.execute(sa.update(t.head).where(t.head.c.id == 1).values(last_hash=prev))


def truncate_records(engine: sa.Engine, keep: int) -> None:
    """Delete every record after ``keep`` and rewind the head to it (its MAC copied from the row)."""
    r = t.records.c
    with engine.begin() as conn:
        last = conn.execute(sa.select(t.records).where(r.id == keep)).one()
        conn.execute(sa.delete(t.records).where(r.id > keep))
        conn.execute(sa.update(t.head).where(t.head.c.id == 1).values(
            last_id=keep, last_hash=last.record_hash, mac_kid=last.mac_kid, mac=last.mac))


def unkeyed_records_consistent(engine: sa.Engine) -> bool:
    """What verify checked before the chain was keyed: every hash, every link, the head."""
    prev = t.GENESIS
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.records).order_by(t.records.c.id)).fetchall()
        head = conn.execute(sa.select(t.head)).one()
    for row in rows:
        if row.prev_hash != prev or chain_hash(row.prev_hash, row) != row.record_hash:
            return False
        prev = row.record_hash
    return head.last_hash == prev and head.last_id == rows[-1].id


def drop_audit_triggers(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP TRIGGER admin_audit_no_change ON admin_audit"))
        else:
            conn.execute(sa.text("DROP TRIGGER admin_audit_no_update"))
            conn.execute(sa.text("DROP TRIGGER admin_audit_no_delete"))


def rewrite_audit_row(engine: sa.Engine, rid: int, **changes: object) -> None:
    a = at.audit.c
    with engine.begin() as conn:
        rows = [dict(row._mapping) for row in conn.execute(sa.select(at.audit).where(a.id >= rid).order_by(a.id))]
        prev = rows[0]["prev_hash"]
        for row in rows:
            if row["id"] == rid:
                row.update(changes)
            row["prev_hash"] = prev
            row["hash"] = prev = row_hash(row, prev)
            values = {**(changes if row["id"] == rid else {}), "prev_hash": row["prev_hash"], "hash": row["hash"]}
            conn.execute(sa.update(at.audit).where(a.id == row["id"]).values(**values))
        conn.execute(sa.update(at.audit_head).where(at.audit_head.c.id == 1).values(last_hash=prev))


def truncate_audit(engine: sa.Engine, keep: int) -> None:
    a = at.audit.c
    with engine.begin() as conn:
        last = conn.execute(sa.select(at.audit).where(a.id == keep)).one()
        conn.execute(sa.delete(at.audit).where(a.id > keep))
        conn.execute(sa.update(at.audit_head).where(at.audit_head.c.id == 1).values(
            last_id=keep, last_hash=last.hash, mac_kid=last.mac_kid, mac=last.mac))


def unkeyed_audit_consistent(engine: sa.Engine) -> bool:
    prev = "0" * 64
    with engine.connect() as conn:
        rows = conn.execute(sa.select(at.audit).order_by(at.audit.c.id)).fetchall()
        head = conn.execute(sa.select(at.audit_head)).one()
    for row in rows:
        if row.prev_hash != prev or row_hash(dict(row._mapping), row.prev_hash) != row.hash:
            return False
        prev = row.hash
    return head.last_hash == prev and head.last_id == rows[-1].id


# ---- fixtures -------------------------------------------------------------------------------
@pytest.fixture
def archive(engine: sa.Engine, tmp_path: Path):  # noqa: ANN201
    archive = make_archive(engine, tmp_path)
    for i in range(6):
        put(archive, build(f"message {i}", f"body {i}"))
    assert archive.verify().ok
    return archive


@pytest.fixture
def audit(engine: sa.Engine, tmp_path: Path) -> ChainKey:
    at.metadata.create_all(engine)
    with engine.begin() as conn:
        at.post_create(conn)
    ensure_head(engine)
    chain = ChainKey(make_archive(engine, tmp_path).keyring, "audit-chain")
    for i in range(6):
        append_audit(engine, chain=chain, action="archive.read", outcome="ok", status_code=200,
                     actor="auditor", record=str(i))
    assert verify_audit(engine, chain) == (True, [])
    return chain


# ---- the archive's record chain ---------------------------------------------------------------
def test_edited_record_with_every_hash_and_the_head_recomputed_is_named(archive) -> None:  # noqa: ANN001
    rewrite_record(archive.engine, 3, mail_from="nobody@elsewhere.example", rcpt_tos=["x@elsewhere.example"])
    assert unkeyed_records_consistent(archive.engine)
    report = archive.verify()
    assert not report.ok
    first_id, why = report.broken[0]
    assert first_id == 3 and "MAC does not verify" in why and "recomputed" in why
    assert {rid for rid, _ in report.broken} == {3, 4, 5, 6}   # the whole rewritten stretch
    assert describe_broken("record", report.broken) == [
        f"BROKEN records 3-6: {why}",
        "BROKEN record 6: chain head not written by the archive (MAC does not verify): records after 6 deleted "
        "and the head rewound, or the head edited"]


def test_last_three_records_deleted_and_the_head_rewound_are_named(archive) -> None:  # noqa: ANN001
    truncate_records(archive.engine, keep=3)
    assert unkeyed_records_consistent(archive.engine)
    report = archive.verify()
    assert not report.ok and report.checked == 3
    assert report.broken == [(3, "chain head not written by the archive (MAC does not verify): records after 3 "
                                 "deleted and the head rewound, or the head edited")]
    # The next acceptance must not give the rewound head a valid MAC (which would erase the evidence).
    with pytest.raises(ArchiveIntegrityError, match="chain head does not verify"):
        put(archive, build("after the rewind", "body"))
    assert archive.verify().broken == report.broken


def test_head_mac_removed_is_named_and_not_extended(archive) -> None:  # noqa: ANN001
    with archive.engine.begin() as conn:
        conn.execute(sa.update(t.head).values(mac_kid=None, mac=None))
    assert archive.verify().broken == [(6, "chain head not written by the archive (no MAC (not keyed)): records "
                                           "after 6 deleted and the head rewound, or the head edited")]
    with pytest.raises(ArchiveIntegrityError):
        put(archive, build("after", "body"))


def test_deleted_record_dressed_as_a_purge_is_named(archive) -> None:  # noqa: ANN001
    """A tombstone copied from the deleted record's own fields (and MAC) is not a purge's."""
    with archive.engine.begin() as conn:
        row = conn.execute(sa.select(t.records).where(t.records.c.id == 4)).one()
        conn.execute(sa.delete(t.records).where(t.records.c.id == 4))
        conn.execute(t.tombstones.insert().values(record_id=4, prev_hash=row.prev_hash, record_hash=row.record_hash,
                                                  purged_at=row.received_at + 1, reason="retention",
                                                  mac_kid=row.mac_kid, mac=row.mac))
    report = archive.verify()
    assert [rid for rid, _ in report.broken] == [4]
    assert "purge tombstone not written by the archive (MAC does not verify)" in report.broken[0][1]


def test_a_real_purge_tombstone_verifies(archive) -> None:  # noqa: ANN001
    with archive.engine.begin() as conn:
        row = conn.execute(sa.select(t.records).where(t.records.c.id == 2)).one()
        conn.execute(t.tombstones.insert().values(archive.tombstone_values(row, row.received_at + 1, "retention")))
        conn.execute(sa.delete(t.records).where(t.records.c.id == 2))
    assert archive.verify().ok


def test_rotated_master_key_still_verifies_and_retire_re_macs(archive) -> None:  # noqa: ANN001
    old = archive.keyring.active_kid
    archive.rotate_keys()
    put(archive, build("after rotation", "body"))
    with archive.engine.connect() as conn:
        kids = dict(conn.execute(sa.select(t.records.c.id, t.records.c.mac_kid)).fetchall())
    assert kids[1] == old and kids[7] == archive.keyring.active_kid != old
    assert archive.verify().ok
    archive.retire_key(old)
    assert not archive.keyring.has_key(old)
    with archive.engine.connect() as conn:
        assert set(conn.execute(sa.select(t.records.c.mac_kid)).scalars()) == {archive.keyring.active_kid}
        assert conn.execute(sa.select(t.head.c.mac_kid)).scalar_one() == archive.keyring.active_kid
    assert archive.verify().ok


def test_retire_refuses_to_re_mac_a_tampered_record(archive) -> None:  # noqa: ANN001
    old = archive.keyring.active_kid
    archive.rotate_keys()
    rewrite_record(archive.engine, 5, mail_from="nobody@elsewhere.example")
    with pytest.raises(KeyInUse, match="record 5: MAC does not verify"):
        archive.retire_key(old)
    assert archive.keyring.has_key(old)
    assert archive.verify().broken[0][0] == 5


# ---- the admin audit chain ----------------------------------------------------------------
def test_audit_row_rewritten_after_dropping_the_triggers_is_named(engine: sa.Engine, audit: ChainKey) -> None:
    drop_audit_triggers(engine)
    rewrite_audit_row(engine, 3, actor="someone-else", outcome="denied", status_code=403)
    assert unkeyed_audit_consistent(engine)
    broken = audit_report(engine, audit)
    assert broken[0][0] == 3 and "row hash rewritten: MAC does not verify" in broken[0][1]
    assert [rid for rid, _ in broken] == [3, 4, 5, 6, 6]   # and the head (its MAC is of the old hash)
    assert verify_audit(engine, audit) == (False, [3, 4, 5, 6])
    with pytest.raises(AuditChainError):
        append_audit(engine, chain=audit, action="x", outcome="ok", status_code=200)


def test_last_three_audit_rows_deleted_and_the_head_rewound_are_named(engine: sa.Engine, audit: ChainKey) -> None:
    drop_audit_triggers(engine)
    truncate_audit(engine, keep=3)
    assert unkeyed_audit_consistent(engine)
    assert audit_report(engine, audit) == [(3, "audit head not written by the gateway (MAC does not verify): rows "
                                               "after 3 deleted and the head rewound, or the head edited")]
    with pytest.raises(AuditChainError, match="does not verify"):
        append_audit(engine, chain=audit, action="x", outcome="ok", status_code=200)


def test_audit_rows_survive_key_rotation_and_retirement(engine: sa.Engine, audit: ChainKey,
                                                        tmp_path: Path) -> None:
    """Rotated by another process (its own key ring object): the audit log follows it, and the
    old key is retired only once every row's MAC is made again under the new one."""
    other = make_archive(engine, tmp_path)             # another process: same files, own objects
    old = audit.active_kid
    other.rotate_keys()
    append_audit(engine, chain=audit, action="after", outcome="ok", status_code=200)
    assert audit.active_kid != old                     # followed the rotation before MACing
    assert verify_audit(engine, audit) == (True, [])
    assert remac_audit(engine, audit, old) == 6      # the rows (the head is under the new key already)
    other.retire_key(old)
    fresh = ChainKey(other.keyring, "audit-chain")     # nothing cached from the old key
    assert verify_audit(engine, fresh) == (True, [])
    with engine.connect() as conn:
        assert set(conn.execute(sa.select(at.audit.c.mac_kid)).scalars()) == {other.keyring.active_kid}
    # only the MAC columns may change; the database still refuses everything else
    with pytest.raises(sa.exc.DatabaseError), engine.begin() as conn:
        conn.execute(sa.update(at.audit).where(at.audit.c.id == 1).values(actor="x"))


def test_a_rewound_audit_head_stops_the_api_with_503_until_accepted(engine: sa.Engine, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Not audited, not answered: while the audit head does not verify the API says 503 and why;
    `mailwarden audit accept-head` (itself audited) lets it go on."""
    from gateway.cli import main
    from tests.harness import free_port, write_config
    from tests.test_api_support import Env

    url = engine.url.render_as_string(hide_password=False)
    config = write_config(tmp_path / "gw", database_url=url, next_hop="127.0.0.1:9", smtp_port=free_port(),
                          api_port=free_port())
    assert main(["archive", "verify", "--config", str(config)]) == 0       # makes the schema and key ring
    from gateway.services import build_services
    from gateway.settings import load_settings

    services = build_services(load_settings(config))
    try:
        env = Env(services.engine)
        env.services.audit_chain = None
        env.services.archive = services.archive          # the gateway's key ring keys the audit log
        from fastapi.testclient import TestClient

        from admin_api.app import create_app

        client = TestClient(create_app(env.services))
        for _ in range(4):
            assert client.get("/api/v1/quarantine", headers=env.headers("admin")).status_code == 200
        drop_audit_triggers(services.engine)
        with services.engine.connect() as conn:
            last = conn.execute(sa.select(at.audit.c.id).order_by(at.audit.c.id.desc())).scalars().first()
        truncate_audit(services.engine, keep=last - 2)
        refused = client.get("/api/v1/quarantine", headers=env.headers("admin"))
        assert refused.status_code == 503
        assert "the audit log cannot be written: audit chain head" in refused.json()["detail"]
        assert main(["audit", "accept-head", "--config", str(config)]) == 0
        assert f"audit chain head accepted at row {last - 2} (it said {last - 2})" in capsys.readouterr().out
        assert client.get("/api/v1/quarantine", headers=env.headers("admin")).status_code == 200
        chain = ChainKey(services.keyring, "audit-chain")
        assert verify_audit(services.engine, chain) == (True, [])
        with services.engine.connect() as conn:
            actions = list(conn.execute(sa.select(at.audit.c.action)).scalars())
        assert "cli.audit.accept-head" in actions
    finally:
        services.close()


def _unkey_everything(engine: sa.Engine) -> None:
    """What a database upgraded from before the keyed chains looks like: no MAC anywhere."""
    with engine.begin() as conn:
        for table in (t.records, t.tombstones, t.head, at.audit, at.audit_head):
            conn.execute(sa.update(table).values(mac_kid=None, mac=None))


def test_rows_from_before_the_keyed_chains_are_sealed_once_they_verify(archive, engine: sa.Engine,  # noqa: ANN001
                                                                      audit: ChainKey) -> None:
    from admin_api.audit import seal_legacy as seal_audit

    _unkey_everything(engine)
    assert archive.verify().broken[0] == (1, "record no MAC (not keyed): unkeyed rows are only self-consistent")
    assert verify_audit(engine, audit)[1][0] == 1
    put(archive, build("after the upgrade", "body"))              # appends go on (and are keyed)
    append_audit(engine, chain=audit, action="after", outcome="ok", status_code=200)
    # a legacy row edited before sealing is refused, not blessed
    with engine.begin() as conn:
        conn.execute(sa.update(t.records).where(t.records.c.id == 2).values(mail_from="x@elsewhere.example"))
    with pytest.raises(ArchiveIntegrityError, match="record 2 does not match its hash or link"):
        archive.seal_legacy()
    with engine.begin() as conn:
        row = conn.execute(sa.select(t.records).where(t.records.c.id == 3)).one()
        conn.execute(sa.update(t.records).where(t.records.c.id == 2).values(mail_from=row.mail_from))  # put back
    assert archive.seal_legacy() == 6
    assert archive.verify().ok
    assert seal_audit(engine, audit) == 6
    assert verify_audit(engine, audit) == (True, [])
    # a MAC removed later is not a legacy row
    with engine.begin() as conn:
        conn.execute(sa.update(t.records).where(t.records.c.id == 5).values(mac_kid=None, mac=None))
    with pytest.raises(ArchiveIntegrityError, match="record 5 has no MAC but comes after keyed record 1"):
        archive.seal_legacy()
