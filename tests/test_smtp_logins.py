"""SMTP login bindings and the failed-AUTH throttle on a real database (SQLite and
PostgreSQL), and the ``mailwarden smtp-user`` commands that manage bindings."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from gateway.accounts import AccountError, SmtpAccounts
from gateway.auth_throttle import LOGIN_FACTOR, AuthThrottle, ThrottleLimits, address_key
from gateway.cli import main as cli_main
from gateway.sender_logins import BindingError, SenderLogins
from gateway.tables import auth_failures
from tests.harness import free_port, write_config
from tests.test_cli import mailwarden


def test_bindings_allow_deny(gw_engine: sa.Engine) -> None:
    accounts = SmtpAccounts(gw_engine)
    accounts.add("relay", "correct horse battery", ["Alice@Example.com", "@sales.example.com"])
    logins = SenderLogins(gw_engine, cache_seconds=0)
    assert logins.addresses("relay") == ["@sales.example.com", "alice@example.com"]
    assert logins.may_send_as("relay", "alice@example.com")
    assert logins.may_send_as("relay", "dave@sales.example.com")
    assert not logins.may_send_as("relay", "bob@example.com")
    assert not logins.may_send_as("relay", "@sales.example.com")    # not an address
    assert logins.may_send_as("relay", "")                          # the null sender
    assert logins.allow("relay", ["bob@example.com", "alice@example.com"]) == ["bob@example.com"]
    assert logins.may_send_as("relay", "bob@example.com")
    assert logins.deny("relay", ["ALICE@example.com"]) == 1
    assert not logins.may_send_as("relay", "alice@example.com")
    with pytest.raises(BindingError):
        logins.allow("nobody", ["x@example.com"])
    for bad in ("alice", "@", "a@b@example.com", "alice@localhost", "a b@example.com"):
        with pytest.raises(BindingError):
            logins.allow("relay", [bad])
    with pytest.raises(AccountError):
        accounts.add("other", "correct horse battery", ["not an address"])
    assert accounts.remove("relay")
    assert logins.addresses("relay") == []


def test_another_process_sees_a_change_within_the_cache_time(gw_engine: sa.Engine) -> None:
    SmtpAccounts(gw_engine).add("relay", "correct horse battery", ["a@example.com"])
    gateway_side = SenderLogins(gw_engine, cache_seconds=0.2)
    assert not gateway_side.may_send_as("relay", "b@example.com")
    SenderLogins(gw_engine).allow("relay", ["b@example.com"])      # the CLI, elsewhere
    time.sleep(0.25)
    assert gateway_side.may_send_as("relay", "b@example.com")


def test_throttle_is_shared_between_nodes(gw_engine: sa.Engine) -> None:
    limits = ThrottleLimits(max_failures=4, window=60, lockout=900, delay=0)
    node_a, node_b = AuthThrottle(gw_engine, limits), AuthThrottle(gw_engine, limits)
    assert node_a.failed("192.0.2.7", "alice") == 0
    assert node_b.failed("192.0.2.7", "alice") == 0
    assert node_a.failed("192.0.2.7", "bob") == 0
    left = node_b.failed("192.0.2.7", "carol")            # the fourth from this address
    assert 890 < left <= 900
    assert 890 < node_a.locked("192.0.2.7", "dave") <= 900
    assert node_a.locked("192.0.2.8", "alice") == 0       # another address is not locked


def test_ipv6_is_counted_by_its_64() -> None:
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9") == "ip:2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:192.0.2.7") == address_key("192.0.2.7") == "ip:192.0.2.7"


def test_a_lockout_can_be_lifted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}", next_hop="127.0.0.1:9",
                          smtp_port=free_port(), api_port=free_port(),
                          overrides={"smtp": {"auth_throttle": {"max_failures": 1, "delay": 0}}})
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'gw.db'}")
    from gateway.db import migrate

    migrate(engine)
    throttle = AuthThrottle(engine, ThrottleLimits(max_failures=1, delay=0))
    assert throttle.failed("192.0.2.7", "relay") > 0
    assert cli_main(["smtp-user", "unlock", "--config", str(config)]) == 2
    assert cli_main(["smtp-user", "unlock", "--client", "192.0.2.7", "--config", str(config)]) == 0
    assert "lockout lifted (1 entry removed)" in capsys.readouterr().out
    assert throttle.locked("192.0.2.7", "relay") == 0
    engine.dispose()


def test_window_expires(gw_engine: sa.Engine) -> None:
    throttle = AuthThrottle(gw_engine, ThrottleLimits(max_failures=2, window=0.2, lockout=900, delay=0))
    assert throttle.failed("192.0.2.7", "alice") == 0
    time.sleep(0.3)
    assert throttle.failed("192.0.2.7", "alice") == 0     # a new window: one failure in it
    assert throttle.failed("192.0.2.7", "alice") > 0


def test_a_login_guessed_from_many_addresses_is_locked_but_not_for_trusted_clients(gw_engine: sa.Engine) -> None:
    throttle = AuthThrottle(gw_engine, ThrottleLimits(max_failures=2, window=60, lockout=900, delay=0))
    for i in range(2 * LOGIN_FACTOR - 1):
        assert throttle.failed(f"198.51.100.{i}", "postfix-relay") == 0
    assert throttle.failed("198.51.100.200", "postfix-relay") > 0
    assert throttle.locked("203.0.113.1", "postfix-relay") > 0               # an outsider: locked
    assert throttle.locked("10.0.0.5", "postfix-relay", trusted=True) == 0  # our own relay: not
    with gw_engine.connect() as conn:
        keys = conn.execute(sa.select(auth_failures.c.key)).scalars().all()
    assert not any("postfix-relay" in k for k in keys)                       # logins stored hashed


def test_smtp_user_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}", next_hop="127.0.0.1:9",
                          smtp_port=free_port(), api_port=free_port())
    out = mailwarden("smtp-user", "add", "relay", "--address", "alice@example.com", "--address", "@sales.example.com",
                     config=config, stdin="correct horse battery\n")
    assert out.returncode == 0, out.stderr
    assert mailwarden("smtp-user", "deny", "relay", "--address", "alice@example.com", config=config).returncode == 0
    shown = mailwarden("smtp-user", "show", "relay", config=config)
    assert shown.stdout.split() == ["@sales.example.com"]
    # A bad address is one line, no traceback (in-process: a fourth interpreter start costs seconds).
    assert cli_main(["smtp-user", "allow", "relay", "--address", "nonsense", "--config", str(config)]) == 1
    assert "not an address" in capsys.readouterr().err
