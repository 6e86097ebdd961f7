"""SMTP logins (issue 11): a login sends only as its bound addresses (553 otherwise), and
failed AUTH is throttled per client address in the database (421 and a lockout). Real SMTP
over STARTTLS on loopback, SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import logging
import smtplib
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import InProcessGateway, Sink, free_port, simple_message, write_config

OUTSIDER = "127.0.0.9"
OTHER_OUTSIDER = "127.0.0.10"
PASSWORD = "correct horse battery"


@pytest.fixture
def gw(tmp_path: Path, database_url: str) -> Iterator[tuple[InProcessGateway, Sink]]:
    sink = Sink().start()
    config = write_config(tmp_path / "gw", database_url=database_url, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=free_port(),
                          overrides={"smtp": {"auth_throttle": {"max_failures": 10, "window": "1m",
                                                                "lockout": "15m", "delay": 0.01}}})
    gateway = InProcessGateway(config, with_api=False).start()
    yield gateway, sink
    gateway.stop()
    sink.stop()


def session(port: int, source: str = OUTSIDER) -> smtplib.SMTP:
    client = smtplib.SMTP("127.0.0.1", port, timeout=30, source_address=(source, 0))
    client.ehlo("client.test")
    client.starttls(context=ssl._create_unverified_context())
    client.ehlo("client.test")
    return client


def auth_plain(client: smtplib.SMTP, login: str, password: str) -> tuple[int, bytes]:
    """One AUTH PLAIN attempt (smtplib's login() would try each mechanism in turn)."""
    blob = base64.b64encode(f"\0{login}\0{password}".encode()).decode()
    return client.docmd("AUTH", f"PLAIN {blob}")


# ---- AUTH binding ------------------------------------------------------------------------

def test_a_login_may_send_only_as_its_addresses(gw) -> None:  # noqa: ANN001
    """Failed on the old main: the login for alice sent as the CEO (250)."""
    gateway, sink = gw
    gateway.services.accounts.add("alice", PASSWORD, ["alice@example.com"])
    with session(gateway.smtp_port) as client:
        assert auth_plain(client, "alice", PASSWORD)[0] == 235
        code, text = client.mail("ceo@example.com")
        assert (code, text[:5]) == (553, b"5.7.1")
        code, _ = client.rcpt("bob@example.com")
        assert code == 503                           # no sender: nothing goes further
        client.rset()
        code, _ = client.mail("ALICE@example.com")   # addresses compare without case
        assert code == 250
        assert client.rcpt("partner@other.org")[0] == 250
        assert client.data(simple_message(sender="alice@example.com", to="partner@other.org"))[0] == 250
    [msg] = sink.handler.wait_for(1)
    assert msg.mail_from == "ALICE@example.com"


def test_a_relay_login_bound_to_a_domain(gw) -> None:  # noqa: ANN001
    gateway, sink = gw
    gateway.services.accounts.add("postfix-relay", PASSWORD, ["@example.com"])
    with session(gateway.smtp_port) as client:
        assert auth_plain(client, "postfix-relay", PASSWORD)[0] == 235
        assert client.mail("x@other.org")[0] == 553
        assert client.mail("x@sub.example.com")[0] == 553      # the exact domain only
        assert client.mail("anyone@example.com")[0] == 250


def test_a_login_without_addresses_sends_only_bounces(gw) -> None:  # noqa: ANN001
    """An account from before the upgrade: nothing bound until an administrator says so."""
    gateway, _sink = gw
    gateway.services.accounts.add("legacy", PASSWORD)
    with session(gateway.smtp_port) as client:
        assert auth_plain(client, "legacy", PASSWORD)[0] == 235
        assert client.mail("legacy@example.com")[0] == 553
        assert client.mail("<>")[0] == 250
    gateway.services.sender_logins.allow("legacy", ["legacy@example.com"])
    with session(gateway.smtp_port) as client:
        assert auth_plain(client, "legacy", PASSWORD)[0] == 235
        assert client.mail("legacy@example.com")[0] == 250


@pytest.mark.parametrize("mail_from", ["alice@example.com", "<>"], ids=["own-mail-from", "null-sender"])
def test_a_login_may_not_write_someone_elses_header_from(gw, mail_from: str) -> None:  # noqa: ANN001
    """Failed on the old main: alice's login, with her own MAIL FROM (or the null sender,
    always allowed), wrote ``From: CEO <ceo@example.com>`` and bob received it (250)."""
    gateway, sink = gw
    gateway.services.accounts.add("alice", PASSWORD, ["alice@example.com"])
    phish = simple_message(subject="Urgent wire transfer", sender="CEO <ceo@example.com>")
    with session(gateway.smtp_port) as client:
        assert auth_plain(client, "alice", PASSWORD)[0] == 235
        assert client.mail(mail_from)[0] == 250
        assert client.rcpt("bob@example.com")[0] == 250
        code, text = client.data(phish)
        assert (code, text[:5]) == (550, b"5.7.1") and b"not owned" in text
        # Her own From (any case, with a display name) and outside From addresses go through.
        for sender in ("Alice <ALICE@example.com>", "alice@example.com"):
            assert client.mail(mail_from)[0] == 250
            assert client.rcpt("bob@example.com")[0] == 250
            assert client.data(simple_message(sender=sender))[0] == 250
    assert len(sink.handler.wait_to("bob@example.com", 2)) == 2


def test_a_relay_login_bound_to_the_domain_writes_any_from_of_it(gw) -> None:  # noqa: ANN001
    gateway, sink = gw
    gateway.services.accounts.add("postfix-relay", PASSWORD, ["@example.com"])
    with session(gateway.smtp_port) as client:
        assert auth_plain(client, "postfix-relay", PASSWORD)[0] == 235
        assert client.mail("alice@example.com")[0] == 250
        assert client.rcpt("bob@example.com")[0] == 250
        assert client.data(simple_message(sender="CEO <ceo@example.com>"))[0] == 250
    sink.handler.wait_to("bob@example.com")


# ---- AUTH throttle -----------------------------------------------------------------------

def test_tenth_wrong_password_is_421_and_locks_the_address_out(gw, caplog) -> None:  # noqa: ANN001
    """Failed on the old main: the tenth (and the twentieth) wrong password got 535 and the
    session stayed open."""
    gateway, _sink = gw
    gateway.services.accounts.add("alice", PASSWORD, ["alice@example.com"])
    caplog.set_level(logging.WARNING, logger="mailwarden")
    with session(gateway.smtp_port) as client:
        for attempt in range(1, 10):
            code, _ = auth_plain(client, "alice", f"guess-{attempt}-wrong")
            assert code == 535, attempt
        code, text = auth_plain(client, "alice", "guess-10-wrong")
        assert (code, text[:5]) == (421, b"4.7.0")
        with pytest.raises(smtplib.SMTPServerDisconnected):
            client.noop()                          # hung up
    # Locked out: even the right password gets 421 from this address ...
    with session(gateway.smtp_port) as client:
        assert auth_plain(client, "alice", PASSWORD)[0] == 421
    # ... but not from another address (the login is not locked by ten failures).
    with session(gateway.smtp_port, OTHER_OUTSIDER) as client:
        assert auth_plain(client, "alice", PASSWORD)[0] == 235
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "locked out" in logged and OUTSIDER in logged
    assert "guess-" not in logged and PASSWORD not in logged   # no password in the log


def test_failures_are_counted_across_connections(gw) -> None:  # noqa: ANN001
    """A guesser reconnecting after every try is counted all the same (the count is in the
    database, not the session)."""
    gateway, _sink = gw
    for attempt in range(9):
        with session(gateway.smtp_port) as client:
            assert auth_plain(client, "nobody", f"wrong-{attempt}")[0] == 535
    with session(gateway.smtp_port) as client:
        assert auth_plain(client, "nobody", "wrong-9")[0] == 421


# ---- the null sender ---------------------------------------------------------------------

def test_a_bounce_from_outside_reaches_our_user(gw) -> None:  # noqa: ANN001
    """Failed on the old main: ``MAIL FROM:<>`` got 250 and then every RCPT 503 "need MAIL
    command" (the session stored the null sender as an empty string, which aiosmtpd reads
    as no MAIL at all): no bounce or DSN from the internet could reach our users."""
    gateway, sink = gw
    with smtplib.SMTP("127.0.0.1", gateway.smtp_port, timeout=30, source_address=(OUTSIDER, 0)) as client:
        client.ehlo("mx.outside.org")
        assert client.mail("<>")[0] == 250
        assert client.rcpt("bob@example.com")[0] == 250
        assert client.data(simple_message(subject="Undelivered Mail Returned to Sender",
                                          sender="MAILER-DAEMON@mx.outside.org"))[0] == 250
        # The null sender is no way around the spoofed-insider check (check_sender_auth is
        # off here, so nothing backs the claim).
        assert client.mail("<>")[0] == 250
        assert client.rcpt("bob@example.com")[0] == 250
        code, text = client.data(simple_message(sender="CEO <ceo@example.com>"))
        assert (code, text[:5]) == (550, b"5.7.1")
    [msg] = sink.handler.wait_to("bob@example.com")
    assert msg.mail_from in ("", "<>")


# ---- database trouble at the edge ------------------------------------------------------------

def _rename(gateway: InProcessGateway, table: str, new: str) -> None:
    import sqlalchemy as sa

    with gateway.services.engine.begin() as conn:
        conn.execute(sa.text(f"ALTER TABLE {table} RENAME TO {new}"))


def test_database_trouble_at_mail_or_auth_is_temporary_and_says_nothing_inside(gw) -> None:  # noqa: ANN001
    """The login bindings and the AUTH throttle live in the database. When it fails (here a
    table gone, a real error from the real driver), the old main answered aiosmtpd's
    ``500 Error: (OperationalError) ...``: a permanent refusal for a temporary fault, with the
    driver's text (SQL, table names, a server address) sent to the client."""
    gateway, _sink = gw
    gateway.services.accounts.add("alice", PASSWORD, ["alice@example.com"])
    _rename(gateway, "gateway_smtp_sender_addresses", "gateway_smtp_sender_addresses_gone")
    try:
        with session(gateway.smtp_port) as client:
            assert auth_plain(client, "alice", PASSWORD)[0] == 235
            code, text = client.mail("alice@example.com")
            assert (code, text[:5]) == (451, b"4.3.0")
            assert b"Error" not in text and b"sender_addresses" not in text
    finally:
        _rename(gateway, "gateway_smtp_sender_addresses_gone", "gateway_smtp_sender_addresses")
    _rename(gateway, "gateway_auth_failures", "gateway_auth_failures_gone")
    try:
        with session(gateway.smtp_port) as client:
            code, text = auth_plain(client, "alice", PASSWORD)
            assert (code, text[:5]) == (451, b"4.3.0")
            assert b"auth_failures" not in text
    finally:
        _rename(gateway, "gateway_auth_failures_gone", "gateway_auth_failures")
    with session(gateway.smtp_port) as client:     # and back to normal once the database is
        assert auth_plain(client, "alice", PASSWORD)[0] == 235
        assert client.mail("alice@example.com")[0] == 250
