"""The ``mailwarden`` command as an administrator runs it (real processes, real files)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness import REPO, clean_env, free_port, write_config

GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"


def mailwarden(*args: str, config: Path | None = None, stdin: str | None = None,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "gateway.cli", *args]
    if config is not None:
        cmd += ["--config", str(config)]
    return subprocess.run(cmd, cwd=REPO, env={**clean_env(), **(env or {})}, input=stdin, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}", next_hop="127.0.0.1:9",
                        smtp_port=free_port(), api_port=free_port())


def test_check_prints_verdict_json(tmp_path: Path, config: Path) -> None:
    eml = tmp_path / "m.eml"
    eml.write_bytes("From: alice@example.com\r\nSubject: 合同\r\n\r\n本文件绝密，严禁外传。\r\n".encode())
    out = mailwarden("check", str(eml), "--from", "alice@example.com", "--to", "partner@other.org",
                     "--to", "bob@example.com", config=config)
    assert out.returncode == 0, out.stderr
    verdict = json.loads(out.stdout)
    assert verdict["action"] == "quarantine"
    assert verdict["recipients"]["partner@other.org"]["action"] == "quarantine"
    assert verdict["recipients"]["bob@example.com"]["action"] == "deliver"
    assert any(h["rule"] == "outbound-confidential-marker" for h in verdict["hits"])


def test_check_shows_confidence_and_the_context_that_decided_it(tmp_path: Path, config: Path) -> None:
    eml = tmp_path / "m.eml"
    eml.write_bytes(b"From: alice@example.com\r\nSubject: order\r\n\r\n"
                    b"Please charge my Visa 4556 7375 8689 9855, valid thru 08/27.\r\n")
    out = mailwarden("check", str(eml), "--from", "alice@example.com", "--to", "partner@other.org", config=config)
    assert out.returncode == 0, out.stderr
    hit = next(h for h in json.loads(out.stdout)["hits"] if h["rule"] == "outbound-payment-cards")
    assert hit["evidence"][0]["confidence"] == "high"
    assert "expiry" in hit["evidence"][0]["context"] and "8689" not in out.stdout


def test_rules_lint_accepts_shipped_and_names_file_line_key(tmp_path: Path, config: Path) -> None:
    ok = mailwarden("rules", "lint", config=config)
    assert ok.returncode == 0, ok.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - name: x\n    when: {regex: {pattern: '(unclosed'}}\n    action: reject\n")
    out = mailwarden("rules", "lint", str(bad), config=config)
    assert out.returncode == 1
    assert f"{bad}:3" in out.stderr and "regex" in out.stderr


def test_bad_setting_stops_with_one_line(tmp_path: Path) -> None:
    cfg = tmp_path / "gateway.yaml"
    cfg.write_text("smtp:\n  listen: 127.0.0.1:2525\n  max_sessions: lots\n")
    out = mailwarden("serve", config=cfg)
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0
    assert f"{cfg}:3: smtp.max_sessions" in out.stderr


def test_bad_rules_file_stops_serve_with_file_and_line(config: Path) -> None:
    """Checked once before any process starts (a worker would otherwise die and be
    restarted for ever): every problem on its own line, no traceback."""
    rules = config.parent / "rules.yaml"
    rules.write_text(rules.read_text().rstrip() + "\n  - name: broken\n    when: {regex: {pattern: '('}}\n"
                     "    action: reject\n  - name: broken2\n    when: {subject: {contains: 1}}\n    action: explode\n")
    out = mailwarden("serve", config=config)
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) >= 2 and all(line.startswith(f"mailwarden: {rules}:") for line in lines), lines
    assert "regex" in lines[0]


def audit_actions(tmp_path: Path) -> list[tuple[str, str, str]]:
    """(action, record, outcome) of every audit row, oldest first, read straight from the database."""
    import sqlite3

    with sqlite3.connect(tmp_path / "gw.db") as db:
        return db.execute("select action, coalesce(record, ''), outcome from admin_audit order by id").fetchall()


_REFUSED_ACCOUNTS = [
    # the README's old example: alice, a finance sender, made a finance supervisor
    (["alice", "--role", "supervisor", "--department", "finance"], "needs --email"),
    (["alice", "--role", "supervisor", "--department", "finance", "--email", "alice@example.com"],
     "none of alice@example.com is a supervisor of finance"),
    (["cfo", "--role", "supervisor", "--department", "finanse", "--email", "cfo@example.com"],
     "unknown department 'finanse'"),
    (["grace", "--role", "compliance", "--email", "grace at example.com"], "is not a mail address"),
    (["grace", "--role", "compliance", "--email", "grace@gmail.com"], "not an address of ours"),
    (["bob", "--role", "compliance", "--email", "bob@example.com"], "is in a directory group"),
]


def test_user_add_checks_the_directory(config: Path) -> None:
    for args, words in _REFUSED_ACCOUNTS:
        out = mailwarden("user", "add", *args, config=config)
        assert out.returncode == 1 and words in out.stderr, (args, out.stderr)
        assert "Traceback" not in out.stderr


def test_user_add_binds_addresses_once(config: Path) -> None:
    ok = mailwarden("user", "add", "grace", "--role", "compliance", "--email", "Grace@example.com",
                    "--email", "heidi@example.com", config=config)
    assert ok.returncode == 0, ok.stderr
    listing = json.loads(mailwarden("user", "list", config=config).stdout)
    assert listing[0]["addresses"] == ["grace@example.com", "heidi@example.com"]
    again = mailwarden("user", "add", "heidi", "--role", "compliance", "--email", "heidi@example.com",
                       config=config)
    assert again.returncode == 1 and "already bound to user 'grace'" in again.stderr


def test_user_add_shows_token_once_and_list_never(tmp_path: Path, config: Path) -> None:
    out = mailwarden("user", "add", "carla", "--role", "supervisor", "--department", "finance",
                     "--email", "cfo@example.com", config=config)
    assert out.returncode == 0, out.stderr
    token = out.stdout.strip().splitlines()[-1]
    assert token.startswith("mw_") and len(token) > 30
    listing = mailwarden("user", "list", config=config)
    assert "carla" in listing.stdout and token not in listing.stdout
    assert mailwarden("user", "add", "x", "--role", "wizard", config=config).returncode != 0
    assert mailwarden("user", "add", "carla", "--role", "auditor", config=config).returncode == 1  # exists
    second = mailwarden("user", "token", "carla", "--expires-days", "30", config=config)
    assert second.returncode == 0 and second.stdout.strip().startswith("mw_")
    revoked = mailwarden("user", "revoke", "carla", config=config)
    assert revoked.returncode == 0 and "revoked 2" in revoked.stdout
    rows = audit_actions(tmp_path)
    assert ("cli.user.add", "carla", "ok") in rows
    assert ("cli.user.add", "carla", "failed") in rows  # refused attempts are on record too
    assert ("cli.user.revoke", "carla", "ok") in rows
    assert not any(token in " ".join(r) for r in rows)  # the token itself is never logged


def test_dkim_rotation_with_the_configured_default_selector(config: Path) -> None:
    """``dkim generate`` without --selector takes delivery.dkim_selector; ``dkim retire`` ends a
    rotation (the key stops signing, its file is kept) and a retired selector is never reused."""
    keys = config.parent / "data" / "dkim" / "example.com"
    first = mailwarden("dkim", "generate", "--domain", "example.com", config=config)
    assert first.returncode == 0 and "mailwarden._domainkey.example.com. IN TXT" in first.stdout
    assert mailwarden("dkim", "generate", "--domain", "example.com", "--selector", "mw2027",
                      config=config).returncode == 0
    assert sorted(p.name for p in keys.glob("*.pem")) == ["mailwarden.pem", "mw2027.pem"]
    retired = mailwarden("dkim", "retire", "--domain", "example.com", "--selector", "mailwarden", config=config)
    assert retired.returncode == 0 and "no longer signs" in retired.stdout
    assert sorted(p.name for p in keys.glob("*.pem")) == ["mw2027.pem"]
    again = mailwarden("dkim", "retire", "--domain", "example.com", "--selector", "mailwarden", config=config)
    assert again.returncode == 1 and "Traceback" not in again.stderr and len(again.stderr.strip().splitlines()) == 1
    reuse = mailwarden("dkim", "generate", "--domain", "example.com", "--selector", "mailwarden", config=config)
    assert reuse.returncode == 1 and "retired" in reuse.stderr


def test_dkim_generate_prints_dns_record(config: Path) -> None:
    out = mailwarden("dkim", "generate", "--domain", "example.com", "--selector", "mw1", config=config)
    assert out.returncode == 0, out.stderr
    assert "mw1._domainkey.example.com. IN TXT" in out.stdout and "v=DKIM1; k=rsa; p=" in out.stdout
    key = config.parent / "data" / "dkim" / "example.com" / "mw1.pem"
    assert key.stat().st_mode & 0o777 == 0o600
    again = mailwarden("dkim", "generate", "--domain", "example.com", "--selector", "mw1", config=config)
    assert again.returncode == 1


def test_archive_import_search_verify_export_and_keys(tmp_path: Path, config: Path) -> None:
    maildir = tmp_path / "old" / "new"
    maildir.mkdir(parents=True)
    (tmp_path / "old" / "cur").mkdir()
    (tmp_path / "old" / "tmp").mkdir()
    for i in range(3):
        (maildir / f"{i}.eml").write_bytes(
            f"From: old{i}@example.com\r\nTo: bob@example.com\r\nSubject: 采购合同 {i}\r\n"
            f"Message-ID: <old{i}@x>\r\nDate: Mon, 2 Mar 2020 10:00:00 +0000\r\n\r\nbody {i}\r\n".encode())
    imported = mailwarden("archive", "import", str(tmp_path / "old"), config=config)
    assert imported.returncode == 0, imported.stderr
    assert "imported 3" in imported.stdout
    again = mailwarden("archive", "import", str(tmp_path / "old"), config=config)
    assert "imported 0" in again.stdout  # idempotent
    search = mailwarden("archive", "search", "合同", config=config)
    assert search.returncode == 0 and "3 match" in search.stdout, search.stdout + search.stderr
    first = json.loads(mailwarden("archive", "search", "合同", "--limit", "2", "--json", config=config).stdout)
    assert (first["total"], first["total_exact"], len(first["items"])) == (3, True, 2)
    rest = json.loads(mailwarden("archive", "search", "合同", "--json", "--exact-count", "--cursor", first["next"],
                                 config=config).stdout)
    assert len(rest["items"]) == 1 and rest["next"] is None
    assert {i["id"] for i in first["items"] + rest["items"]} == {1, 2, 3}
    bad = mailwarden("archive", "search", "合同", "--cursor", "%%%", config=config)
    assert bad.returncode == 2 and bad.stderr.strip() == "mailwarden: invalid cursor", bad.stderr
    assert mailwarden("archive", "verify", config=config).returncode == 0
    export = tmp_path / "out.zip"
    assert mailwarden("archive", "export", "合同", "--out", str(export), config=config).returncode == 0
    assert export.stat().st_size > 0
    held = mailwarden("archive", "hold", "add", "address", "old1@example.com", "--reason", "litigation 2026-17",
                      "--by", "legal@example.com", config=config)
    assert held.returncode == 0 and "legal hold" in held.stdout, held.stderr
    holds = json.loads(mailwarden("archive", "hold", "list", config=config).stdout)
    assert holds[0]["reason"] == "litigation 2026-17" and holds[0]["value"] == "old1@example.com"
    assert mailwarden("audit", "verify", config=config).returncode == 0
    before = mailwarden("keys", "list", config=config).stdout.split()
    assert mailwarden("keys", "rotate", config=config).returncode == 0
    keys = mailwarden("keys", "list", config=config).stdout
    old = before[0]
    assert "(active)" in keys and old in keys
    assert mailwarden("archive", "search", "合同", config=config).stdout.count("采购合同") == 3
    assert mailwarden("keys", "retire", old, config=config).returncode == 0
    listing = mailwarden("keys", "list", config=config).stdout
    assert f"{old}  (retired)" in listing and f"{old}  (active)" not in listing and f"{old}\n" not in listing
    assert mailwarden("archive", "verify", config=config).returncode == 0
    # Tamper with a blob: verify must fail and say which record.
    blob = next(p for p in (config.parent / "data" / "blobs").rglob("*") if p.is_file() and len(p.name) == 64)
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0x01
    blob.write_bytes(bytes(data))
    broken = mailwarden("archive", "verify", config=config)
    assert broken.returncode == 1
    assert "BROKEN record" in broken.stdout
    actions = [(a, o) for a, _r, o in audit_actions(tmp_path)]
    for expected in [("cli.archive.import", "ok"), ("cli.archive.search", "ok"), ("cli.archive.export", "ok"),
                     ("cli.archive.hold.add", "ok"), ("cli.keys.rotate", "ok"), ("cli.keys.retire", "ok"),
                     ("cli.archive.verify", "failed")]:
        assert expected in actions, expected
    assert mailwarden("audit", "verify", config=config).returncode == 0


def test_same_environment_same_data(tmp_path: Path, config: Path) -> None:
    """Every command reads the same settings: an override by environment reaches them all."""
    data = tmp_path / "elsewhere"
    env = {"MAILWARDEN_STORAGE__DATA_DIR": str(data),
           "MAILWARDEN_STORAGE__DATABASE_URL": f"sqlite:///{tmp_path / 'other.db'}"}
    assert mailwarden("user", "add", "ann", "--role", "auditor", config=config, env=env).returncode == 0
    assert "ann" in mailwarden("user", "list", config=config, env=env).stdout
    assert "ann" not in mailwarden("user", "list", config=config).stdout
    assert (data / "blobs").is_dir()


def test_output_into_a_closed_pipe_ends_quietly(tmp_path: Path, config: Path) -> None:
    """`mailwarden … | head` closes the pipe early: no traceback, exit 141 like other tools."""
    proc = subprocess.Popen([sys.executable, "-m", "gateway.cli", "rules", "lint", "--config", str(config)],
                            cwd=REPO, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()           # nobody reads
    _out, err = proc.communicate(timeout=120)
    assert b"Traceback" not in err, err
    assert proc.returncode == 141
