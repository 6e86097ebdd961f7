"""Signed checkpoints outside the database: an insider who puts back an *earlier* state of the
chain (deletes the newest records and writes back the head row saved before them — every MAC
still genuine) passes a plain verify, and is found by ``verify --checkpoints``.

SQLite and PostgreSQL; the commands run as ``mailwarden`` runs them (in-process ``main``).
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from admin_api import tables as at
from admin_api.audit import append_audit, audit_report
from archive import checkpoint
from archive import tables as t
from archive.chain import ChainKey
from gateway.checkpoints import Checkpointer, check_archive, check_audit
from gateway.cli import main
from gateway.services import build_services
from gateway.settings import load_settings
from tests.harness import InProcessGateway, Sink, free_port, send, simple_message, write_config
from tests.test_archive_support import build, put


@pytest.fixture
def config(tmp_path: Path, database_url: str) -> Path:
    return write_config(tmp_path / "gw", database_url=database_url, next_hop="127.0.0.1:9",
                        smtp_port=free_port(), api_port=free_port())


def _restore_archive_head(engine: sa.Engine, saved: sa.Row) -> None:
    """The insider's rollback: the records after the saved head deleted, the saved head row
    (its genuine MAC included) written back."""
    with engine.begin() as conn:
        conn.execute(sa.delete(t.records).where(t.records.c.id > saved.last_id))
        conn.execute(sa.update(t.head).where(t.head.c.id == 1).values(
            last_id=saved.last_id, last_hash=saved.last_hash, mac_kid=saved.mac_kid, mac=saved.mac))


def _restore_audit_head(engine: sa.Engine, saved: sa.Row) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP TRIGGER admin_audit_no_change ON admin_audit"))
        else:
            conn.execute(sa.text("DROP TRIGGER admin_audit_no_delete"))
        conn.execute(sa.delete(at.audit).where(at.audit.c.id > saved.last_id))
        conn.execute(sa.update(at.audit_head).where(at.audit_head.c.id == 1).values(
            last_id=saved.last_id, last_hash=saved.last_hash, mac_kid=saved.mac_kid, mac=saved.mac))


def _heads(engine: sa.Engine) -> tuple[sa.Row, sa.Row]:
    with engine.connect() as conn:
        return (conn.execute(sa.select(t.head)).one(), conn.execute(sa.select(at.audit_head)).one())


def test_rolled_back_chains_pass_verify_but_not_the_checkpoints(config: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    services = build_services(load_settings(config))
    engine, archive = services.engine, services.archive
    chain = ChainKey(archive.keyring, "audit-chain")
    try:
        for i in range(3):
            put(archive, build(f"kept {i}", "body"))
            append_audit(engine, chain=chain, action="archive.read", outcome="ok", status_code=200, actor="aud")
        saved_archive, saved_audit = _heads(engine)
        for i in range(3):
            put(archive, build(f"later {i}", "body"))
            append_audit(engine, chain=chain, action="archive.read", outcome="ok", status_code=200, actor="aud")
    finally:
        services.close()
    assert main(["archive", "checkpoint", "--config", str(config)]) == 0   # as cron or serve would
    cp_file = load_settings(config).checkpoint_path
    assert cp_file.stat().st_mode & 0o777 == 0o600
    capsys.readouterr()

    engine = sa.create_engine(load_settings(config).database_url)
    _restore_archive_head(engine, saved_archive)
    _restore_audit_head(engine, saved_audit)
    engine.dispose()
    # Every MAC in the rolled-back state is genuine: verify alone says OK.
    assert main(["archive", "verify", "--config", str(config)]) == 0
    assert main(["audit", "verify", "--config", str(config)]) == 0
    capsys.readouterr()
    rc = main(["archive", "verify", "--config", str(config), "--checkpoints", str(cp_file)])
    out = capsys.readouterr().out
    assert rc == 1
    assert ("BROKEN record 4: records 4-6 missing: the chain ends at 3, the checkpoint of" in out
            and "saw it reach 6 (tail deleted, head rewound)" in out), out
    # The audit log was rolled back to row 3; the two verifies since appended rows 4 and 5, so
    # the chain ends at 5 where the checkpoint saw it reach 6 (its rows 4-6 are gone).
    rc = main(["audit", "verify", "--config", str(config), "--checkpoints", str(cp_file)])
    out = capsys.readouterr().out
    assert rc == 1 and "audit log OK" in out
    assert "BROKEN audit row 6: audit row 6 missing: the chain ends at 5, the checkpoint of" in out, out


def test_altered_forged_or_missing_checkpoint_lines_are_named(engine: sa.Engine, tmp_path: Path) -> None:
    from tests.test_archive_support import make_archive

    archive = make_archive(engine, tmp_path)
    at.metadata.create_all(engine)
    with engine.begin() as conn:
        at.post_create(conn)
    path = tmp_path / "cp.log"
    writer = Checkpointer(engine, archive, path)
    for i in range(3):
        put(archive, build(f"m{i}", "b"))
        writer.write()
    assert check_archive(archive, path) == [] and check_audit(engine, archive, path) == []
    lines = path.read_text().splitlines()
    assert [json.loads(ln)["chains"]["archive"]["seq"] for ln in lines] == [1, 2, 3]
    # a line altered (the attacker lowers what the checkpoint saw) no longer verifies
    doc = json.loads(lines[2])
    doc["chains"]["archive"]["seq"] = 2
    path.write_text("\n".join([lines[0], lines[1], json.dumps(doc)]) + "\n")
    assert check_archive(archive, path) == [(0, f"{path}:3: signature does not verify (line altered or forged)")]
    # a line signed with the attacker's own key (its public key in the line) is no better
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    class Forger:
        def master_derived(self, purpose: str, kid: str | None = None) -> tuple[str, bytes]:
            return archive.keyring.active_kid, b"\x07" * 32

    assert isinstance(checkpoint.signing_key(Forger())[1], Ed25519PrivateKey)
    forged = checkpoint.make(Forger(), {"archive": (2, "0" * 64)}, time.time(), checkpoint.line_digest(lines[1]))
    path.write_text("\n".join([lines[0], lines[1], forged]) + "\n")
    assert check_archive(archive, path)[0] == (0, f"{path}:3: signature does not verify (line altered or forged)")
    # a line deleted from the middle of the file is named by the next line's link
    path.write_text("\n".join([lines[0], lines[2]]) + "\n")
    assert check_archive(archive, path) == [(0, f"{path}:2: the line before it is missing or altered "
                                                "(prev does not match)")]
    # a SIEM's copy: the JSON log lines carrying the checkpoints
    siem = tmp_path / "siem.jsonl"
    siem.write_text("".join(json.dumps({"msg": "chain checkpoint", "checkpoint": ln}) + "\n" for ln in lines))
    assert check_archive(archive, siem) == []
    # a record rewritten before a checkpointed sequence: the checkpoint names it
    with engine.begin() as conn:
        conn.execute(sa.update(t.records).where(t.records.c.id == 2).values(record_hash="f" * 64))
    found = check_archive(archive, siem)
    assert found[0][0] == 2 and "differs from the checkpoint of" in found[0][1]
    assert audit_report(engine, ChainKey(archive.keyring, "audit-chain")) == []


def test_serve_writes_checkpoints_periodically_and_at_shutdown(tmp_path: Path, database_url: str,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    sink = Sink().start()
    config = write_config(tmp_path / "gw", database_url=database_url, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=free_port(),
                          overrides={"archive": {"checkpoint_interval": "1s"}})
    cp_file = load_settings(config).checkpoint_path
    caplog.set_level(logging.INFO, logger="mailwarden.checkpoints")
    gateway = InProcessGateway(config, with_api=False).start()
    try:
        deadline = time.monotonic() + 20
        while not cp_file.exists() and time.monotonic() < deadline:     # one at start
            time.sleep(0.05)
        assert send(gateway.smtp_port, "alice@example.com", ["bob@example.com"], simple_message()) == {}
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:                                # the periodic one sees it
            lines = cp_file.read_text().splitlines()
            if json.loads(lines[-1])["chains"]["archive"]["seq"] >= 1:
                break
            time.sleep(0.1)
        else:
            raise AssertionError(cp_file.read_text())
        assert send(gateway.smtp_port, "alice@example.com", ["bob@example.com"], simple_message()) == {}
    finally:
        gateway.stop()
        sink.stop()
    last = json.loads(cp_file.read_text().splitlines()[-1])
    assert last["chains"]["archive"]["seq"] == 2           # the shutdown checkpoint saw the second message
    logged = [r.checkpoint for r in caplog.records if getattr(r, "checkpoint", None)]
    assert logged and logged[-1] == cp_file.read_text().splitlines()[-1]   # the log keeps a copy
    services = build_services(load_settings(config))
    try:
        assert check_archive(services.archive, cp_file) == []
    finally:
        services.close()


def test_a_rewound_head_stops_acceptance_with_451_until_the_operator_accepts_it(
        tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Never lose mail: while the head does not verify, SMTP answers 451 (the client keeps the
    message); `archive accept-head` (audited) lets it go on, and the checkpoint still names the loss."""
    import smtplib

    sink = Sink().start()
    config = write_config(tmp_path / "gw", database_url=database_url, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=free_port(),
                          overrides={"archive": {"checkpoint_interval": 0}})
    gateway = InProcessGateway(config, with_api=False).start()
    try:
        for _ in range(3):
            assert send(gateway.smtp_port, "alice@example.com", ["bob@example.com"], simple_message()) == {}
        Checkpointer.from_settings(gateway.services).write()
        engine = gateway.services.engine
        with engine.connect() as conn:
            second = conn.execute(sa.select(t.records).where(t.records.c.id == 2)).one()
        with engine.begin() as conn:      # the insider: record 3 deleted, the head set back to record 2
            conn.execute(sa.delete(t.records).where(t.records.c.id == 3))
            conn.execute(sa.update(t.head).values(last_id=2, last_hash=second.record_hash,
                                                  mac_kid=second.mac_kid, mac=second.mac))
        with pytest.raises(smtplib.SMTPDataError) as refused:
            send(gateway.smtp_port, "alice@example.com", ["bob@example.com"], simple_message())
        assert refused.value.smtp_code == 451
        assert main(["archive", "accept-head", "--config", str(config)]) == 0
        assert "archive chain head accepted: it ends at 3 (it said 2)" in capsys.readouterr().out
        assert send(gateway.smtp_port, "alice@example.com", ["bob@example.com"], simple_message()) == {}
    finally:
        gateway.stop()
        sink.stop()
    capsys.readouterr()
    cp_file = load_settings(config).checkpoint_path
    assert main(["archive", "verify", "--config", str(config)]) == 0      # the loss is in the chain
    assert main(["archive", "verify", "--config", str(config), "--checkpoints", str(cp_file)]) == 1
    out = capsys.readouterr().out
    assert "BROKEN record 3: record 3 differs from the checkpoint of" in out, out
    with sa.create_engine(load_settings(config).database_url).connect() as conn:
        tomb = conn.execute(sa.select(t.tombstones).where(t.tombstones.c.record_id == 3)).one()
    assert tomb.reason == "lost: chain head accepted by the operator"
    engine = sa.create_engine(load_settings(config).database_url)
    with engine.connect() as conn:
        actions = list(conn.execute(sa.select(at.audit.c.action)).scalars())
    engine.dispose()
    assert "cli.archive.accept-head" in actions
