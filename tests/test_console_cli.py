"""The console's commands and settings as an administrator meets them (real processes)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from admin_api import tables as at
from admin_api.passwords import verify_password
from tests.harness import free_port, write_config
from tests.test_cli import config, mailwarden  # noqa: F401 - the fixture


def test_user_password_reads_stdin_and_invite_mails_a_one_time_link(tmp_path: Path, config: Path) -> None:  # noqa: F811
    assert mailwarden("user", "add", "ann", "--role", "auditor", "--email", "dave@example.com",
                      config=config).returncode == 0
    weak = mailwarden("user", "password", "ann", config=config, stdin="short\n")
    assert weak.returncode == 1 and "at least 10 characters" in weak.stderr and "Traceback" not in weak.stderr
    unknown = mailwarden("user", "password", "nobody", config=config, stdin="long enough password\n")
    assert unknown.returncode == 1 and "no user 'nobody'" in unknown.stderr
    ok = mailwarden("user", "password", "ann", config=config, stdin="long enough password\n")
    assert ok.returncode == 0, ok.stderr
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'gw.db'}")
    try:
        assert verify_password(engine, "ann", "long enough password") is not None
        assert verify_password(engine, "ann", "long enough passwort") is None
        invite = mailwarden("user", "invite", "ann", "--language", "zh-CN", config=config)
        assert invite.returncode == 0 and "dave@example.com" in invite.stdout, invite.stderr
        with engine.connect() as conn:
            links = conn.execute(sa.select(at.account_links)).all()
            queued = conn.execute(sa.text("SELECT count(*) FROM gateway_queue")).scalar()
        assert len(links) == 1 and links[0].purpose == "invite" and len(links[0].token_hash) == 64
        assert queued == 1      # the mail went into the gateway's outgoing queue (archived encrypted)
        digest = mailwarden("user", "link-digest", "https://gw/password?token=mwl_abc", config=config)
        assert digest.returncode == 0 and digest.stdout.startswith("hmac-sha256:mk-"), digest.stderr
        bare = mailwarden("user", "link-digest", "mwl_abc", config=config)
        assert bare.stdout == digest.stdout
    finally:
        engine.dispose()


def test_api_beyond_loopback_without_tls_refuses_to_start_with_one_line(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}", next_hop="127.0.0.1:9",
                       smtp_port=free_port(), api_port=free_port())
    out = mailwarden("serve", config=cfg, env={"MAILWARDEN_API__LISTEN": "0.0.0.0:8025"})
    assert out.returncode == 2 and out.stderr.strip().count("\n") == 0, out.stderr
    assert "api.listen 0.0.0.0:8025 is reachable from other machines: set api.tls: true" in out.stderr
