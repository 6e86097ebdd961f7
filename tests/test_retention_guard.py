"""Retention you can trust: purge never removes what is still needed, and dry-run tells the truth.

Real gateway services on SQLite and PostgreSQL; purge and dry-run run through ``mailwarden``'s
own command (in-process), the way an administrator or the scheduler runs them.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.services import Services, build_services
from gateway.settings import load_settings
from quarantine.service import HoldRequest
from tests.harness import free_port, write_config
from tests.test_archive_support import build, put

DAY = 86400.0


@pytest.fixture
def gateway_config(tmp_path: Path, database_url: str) -> Path:
    return write_config(tmp_path / "gw", database_url=database_url, next_hop="127.0.0.1:9",
                        smtp_port=free_port(), api_port=free_port(),
                        overrides={"archive": {"default_retention_days": 30,
                                               "retention": [{"direction": "inbound", "days": 10}]}})


def _services(config: Path) -> Services:
    return build_services(load_settings(config))


def _aged(services: Services, subject: str, *, direction: str = "outbound", sender: str = "amy@corp.example",
          to: tuple[str, ...] = ("bo@partner.example",), age_days: float = 400) -> tuple[int, str]:
    raw = build(subject, f"body of {subject}", sender=sender, to=to)
    rid = put(services.archive, raw, direction=direction, verdict="delivered",
              received_at=time.time() - age_days * DAY)
    return rid, hashlib.sha256(raw).hexdigest()


def _stage(config: Path) -> dict[str, int]:
    """Expired records: one held in quarantine, one under legal hold, one queued, one delivering,
    and some nothing needs any more (a decided entry's, a delivered one's, plain old mail)."""
    services = _services(config)
    try:
        ids: dict[str, int] = {}
        ids["held"], held_digest = _aged(services, "held for review")
        ids["released"], rel_digest = _aged(services, "already released")
        ids["legal"], _ = _aged(services, "litigation", sender="lawyer@corp.example")
        ids["queued"], q_digest = _aged(services, "still queued")
        ids["delivering"], d_digest = _aged(services, "being delivered")
        ids["delivered"], done_digest = _aged(services, "delivered long ago")
        ids["old_in"], _ = _aged(services, "old inbound", direction="inbound", age_days=20)
        ids["old_out"], _ = _aged(services, "old outbound", age_days=40)
        ids["young"], _ = _aged(services, "young", age_days=5)
        with services.engine.begin() as conn:
            entries = {key: services.quarantine.hold(conn, HoldRequest(
                archive_id=ids[key], digest=digest, mail_from="amy@corp.example",
                recipients=["bo@partner.example"], direction="outbound", department=None, rules=["dlp"],
                reviewers=["sup@corp.example"]))[0]
                for key, digest in (("held", held_digest), ("released", rel_digest))}
            for key, digest in (("delivering", d_digest), ("delivered", done_digest)):
                _enqueue(services, conn, ids[key], digest)
        services.quarantine.reject(entries["released"], "sup@corp.example", "no", silent=True)
        claimed = {row.archive_id: row.id for row in services.queue.claim("node-a", 10)}
        with services.engine.begin() as conn:
            services.queue.finish(conn, [(claimed[ids["delivered"]], "delivered", 250, "ok")])
            _enqueue(services, conn, ids["queued"], q_digest)
        return ids
    finally:
        services.close()


def _enqueue(services: Services, conn, archive_id: int, digest: str) -> None:  # noqa: ANN001
    services.queue.enqueue(conn, archive_id=archive_id, digest=digest, mail_from="amy@corp.example",
                           recipients=["bo@partner.example"], direction="outbound")


def _cli(config: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main([*args, "--config", str(config)]) == 0
    return capsys.readouterr().out


def _remaining(config: Path) -> set[int]:
    services = _services(config)
    try:
        return {item.id for item in services.archive.iter_search("")}
    finally:
        services.close()


def test_purge_keeps_held_entry_legal_hold_and_queued_delivery(gateway_config: Path, capsys) -> None:
    """Failed on the old code: purge removed the held entry's and the queued rows' records."""
    ids = _stage(gateway_config)
    _cli(gateway_config, "archive", "hold", "add", "address", "lawyer@corp.example",
         "--reason", "litigation 7", "--by", "counsel", capsys=capsys)
    _cli(gateway_config, "archive", "purge", capsys=capsys)
    remaining = _remaining(gateway_config)
    kept = {ids[k] for k in ("held", "legal", "queued", "delivering", "young")}
    gone = {ids[k] for k in ("released", "delivered", "old_in", "old_out")}
    assert kept <= remaining
    assert not gone & remaining
    services = _services(gateway_config)
    try:
        # The held entry can still be released: its blob is there, and the release queues it.
        entry = next(e for e in services.quarantine.search(limit=50, status="held").items
                     if e["archive_id"] == ids["held"])
        decision = services.quarantine.release(entry["id"], "sup@corp.example", "fine")
        assert decision.status == "released"
        assert services.archive.open(ids["queued"]) and services.archive.open(ids["delivering"])
        assert services.archive.verify().ok
    finally:
        services.close()


def test_dry_run_equals_what_purge_removes(gateway_config: Path, capsys) -> None:
    ids = _stage(gateway_config)
    before = _remaining(gateway_config)
    planned = json.loads(_cli(gateway_config, "archive", "purge", "--dry-run", "--json", capsys=capsys))
    assert _remaining(gateway_config) == before           # a dry run removes nothing
    done = json.loads(_cli(gateway_config, "archive", "purge", "--json", capsys=capsys))
    assert planned.pop("dry_run") is True and done.pop("dry_run") is False
    assert planned == done
    assert set(done["first_ids"]) == {ids[k] for k in ("released", "delivered", "old_in", "old_out", "legal")}
    assert done["purged"] == 5 and done["needed"] == 3 and done["held"] == 0 and done["blobs_deleted"] == 5
    assert done["by_rule"] == [
        {"rule": "default", "direction": "outbound", "count": 4},
        {"rule": "direction=inbound", "direction": "inbound", "count": 1},
    ]
    assert before - _remaining(gateway_config) == set(done["first_ids"])
    text = _cli(gateway_config, "archive", "purge", "--dry-run", capsys=capsys)
    assert "would purge 0 record(s)" in text and "3 still needed" in text and "nothing deleted" in text


RULES = "version: 1\nrules:\n  - name: pci-card\n    when: {gtube: true}\n    action: reject\n"


@pytest.mark.parametrize(("retention", "line", "key", "problem"), [
    ("    - {direction: inbound, days: 9}\n    - {dirction: inbound, days: 90}\n",
     8, "archive.retention[1].dirction", "unknown key"),
    ("    - {direction: inbund, days: 90}\n", 7, "archive.retention[0].direction", "'inbund' is not one of"),
    ("    - {rule: spam, days: 90}\n", 7, "archive.retention[0].rule", "no rule named 'spam' in rules.yaml"),
    ("    - {rule: pci-card, days: ninety}\n", 7, "archive.retention[0].days", "must be a positive integer"),
    ("    - {days: 90}\n", 7, "archive.retention[0]", "needs one of"),
])
def test_wrong_retention_rule_stops_start_with_file_line_key(tmp_path: Path, capsys, retention: str, line: int,
                                                             key: str, problem: str) -> None:
    """Failed on the old code: a wrong rule loaded silently (and never matched, or purge raised)."""
    (tmp_path / "rules.yaml").write_text(RULES)
    cfg = tmp_path / "gateway.yaml"
    cfg.write_text("storage:\n  data_dir: data\nrules:\n  path: rules.yaml\narchive:\n  retention:\n" + retention)
    assert main(["archive", "purge", "--dry-run", "--config", str(cfg)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0, err
    assert err.startswith(f"mailwarden: {cfg}:{line}: {key}: {problem}"), err
    assert not (tmp_path / "data").exists()          # refused before anything was opened or written


def test_shipped_retention_rules_name_real_rules(tmp_path: Path) -> None:
    """Failed on the old code: the shipped `rule: spam` named no rule, so spam was kept 7 years."""
    from tests.harness import REPO

    settings = load_settings(REPO / "configs" / "gateway.yaml")
    assert [r["rule"] for r in settings.archive.retention if "rule" in r] == ["spam-threshold"]


def test_cli_search_and_export_audit_the_query_length_never_its_text(gateway_config: Path, tmp_path: Path,
                                                                      capsys) -> None:
    """Failed on the old code: the audit row's record held the query text in plaintext."""
    import sqlalchemy as sa

    from admin_api.tables import audit

    secret = "from:whistleblower@corp.example merger-codename"
    _cli(gateway_config, "archive", "search", secret, capsys=capsys)
    _cli(gateway_config, "archive", "export", secret, "--out", str(tmp_path / "x.zip"), capsys=capsys)
    _cli(gateway_config, "archive", "hold", "add", "query", secret, "--reason", "r", "--by", "b", capsys=capsys)
    services = _services(gateway_config)
    try:
        with services.engine.connect() as conn:
            rows = [r._mapping for r in conn.execute(sa.select(audit).where(audit.c.action.like("cli.archive.%")))]
    finally:
        services.close()
    assert {r["action"] for r in rows} == {"cli.archive.search", "cli.archive.export", "cli.archive.hold.add"}
    for row in rows:
        assert "whistleblower" not in json.dumps({k: row[k] for k in ("record", "detail")}), row
        assert row["detail"] == {"q_length": len(secret)}


def test_rules_lint_names_a_retention_rule_the_new_rules_file_drops(tmp_path: Path, capsys) -> None:
    from tests.harness import REPO

    (tmp_path / "rules.yaml").write_text(RULES)
    (tmp_path / "directory.yaml").write_text((REPO / "configs" / "directory.yaml").read_text())
    cfg = tmp_path / "gateway.yaml"
    cfg.write_text("storage:\n  data_dir: data\nrules:\n  path: rules.yaml\narchive:\n  retention:\n"
                   "    - {rule: pci-card, days: 3650}\n")
    renamed = tmp_path / "new-rules.yaml"
    renamed.write_text(RULES.replace("pci-card", "payment-cards"))
    assert main(["rules", "lint", "--config", str(cfg)]) == 0
    capsys.readouterr()
    assert main(["rules", "lint", str(renamed), "--config", str(cfg)]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (f"{cfg}:7: archive.retention[0].rule: no rule named 'pci-card' in new-rules.yaml "
                   "(the spam score's hit is 'spam-threshold')"), err
