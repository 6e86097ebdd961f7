"""Bounded resources at the SMTP edge (issue 11): per-address sessions and rates, the pregreet
test, and DATA deadlines, over real SMTP on loopback (127.0.0.1 is trusted; 127.0.0.9 and up
are outsiders, one address per test). The books themselves (gateway.edge_limits) are tested
with a stepped clock.

On the old edge: 1,000 connections from one address took every slot (another address got
``421``), a DATA trickle held its slot as long as it kept trickling, commands before the
greeting were accepted and there was no message rate.
"""

from __future__ import annotations

import smtplib
import socket
import time
import uuid
from collections.abc import Iterator

import pytest

from gateway.edge_limits import DataPace, EdgeLimits, EdgeLimitSettings, client_key
from tests.edge_env import Edge, edge_gateway, message
from tests.smtp_raw import RawSMTP

SMTP = {"max_sessions_per_ip": 20, "connection_rate_per_ip": 60, "message_rate_per_ip": 5, "pregreet_wait": 0.5}
# Short deadlines: sessions die after 3 s of silence here, so the session tests use the other one.
SLOW_DATA = {"data_timeout": "4s", "data_min_rate": 200, "data_rate_grace": "1s", "idle_timeout": "3s",
             "pregreet_wait": 0}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def edge(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edge]:
    yield from edge_gateway(request, tmp_path_factory, SMTP)


@pytest.fixture(scope="module", params=["sqlite"])
def deadline_edge(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edge]:
    """DATA deadlines never reach the database: one gateway (SQLite) is enough."""
    yield from edge_gateway(request, tmp_path_factory, SLOW_DATA)


def _refused(edge: Edge, reason: str) -> bool:
    return f'mailwarden_smtp_refused_total{{reason="{reason}"}}'.encode() in edge.gw.services.metrics.render()


def _refusals(edge: Edge, reason: str) -> float:
    """How many refusals for ``reason`` the gateway counted so far."""
    label = f'mailwarden_smtp_refused_total{{reason="{reason}"}} '.encode()
    for line in edge.gw.services.metrics.render().splitlines():
        if line.startswith(label):
            return float(line[len(label):])
    return 0.0


# ---- sessions and rates per address --------------------------------------------------------
def test_a_thousand_connections_from_one_address_leave_room_for_others(edge: Edge) -> None:
    conns = []
    try:
        for _ in range(1000):
            s = socket.create_connection(("127.0.0.1", edge.port), timeout=10, source_address=("127.0.0.9", 0))
            conns.append(s)
        # Meanwhile another outsider sends a message, and it goes through.
        marker = f"room-{uuid.uuid4().hex[:8]}"
        with smtplib.SMTP("127.0.0.1", edge.port, timeout=30, source_address=("127.0.0.10", 0)) as client:
            client.ehlo("other.test")
            assert client.sendmail("carol@outside.org", ["bob@example.com"],
                                   message(marker, sender="carol@outside.org")) == {}
        first = [s.recv(200) for s in conns]
    finally:
        for s in conns:
            s.close()
    greeted = [r for r in first if r.startswith(b"220")]
    refused = [r for r in first if r.startswith(b"421 4.7.0")]
    assert len(greeted) == 20
    assert len(refused) == 980
    assert b"Too many concurrent sessions from 127.0.0.9" in refused[0]
    assert edge.wait_quiet(marker, 1, settle=0)
    assert _refused(edge, "sessions_per_ip")


def test_connection_rate_per_address(edge: Edge) -> None:
    """60 a minute with a burst of 60: the refusal comes after 60 connections plus the one a
    second that refilled meanwhile (a loaded machine takes a while to make 60)."""
    started = time.monotonic()
    accepted = 0
    refusal = b""
    while accepted < 200:
        with RawSMTP(edge.port, source="127.0.0.11") as client:
            if not client.greeting.startswith(b"220"):
                refusal = client.greeting
                break
            accepted += 1
    elapsed = time.monotonic() - started
    assert refusal.startswith(b"421 4.7.0 Too many connections from 127.0.0.11 (limit 60/min)"), refusal
    assert 60 <= accepted <= 61 + elapsed
    assert _refused(edge, "connection_rate")


def test_message_rate_per_address_and_trusted_networks_exempt(edge: Edge) -> None:
    with RawSMTP(edge.port, source="127.0.0.12") as client:
        assert client.code("EHLO outside.test") == 250
        for _ in range(5):
            assert client.code("MAIL FROM:<x@outside.org>") == 250
            assert client.code("RSET") == 250
        reply = client.cmd("MAIL FROM:<x@outside.org>")
        assert reply.startswith(b"421 4.7.0 Too many messages from 127.0.0.12 (limit 5/min)")
        assert client.closed()
    with RawSMTP(edge.port, source="127.0.0.1") as client:
        assert client.code("EHLO upstream.test") == 250
        for _ in range(10):
            assert client.code("MAIL FROM:<alice@example.com>") == 250
            assert client.code("RSET") == 250
    assert _refused(edge, "message_rate")


# ---- pregreet ------------------------------------------------------------------------------
def test_commands_before_the_greeting_are_refused(edge: Edge) -> None:
    with RawSMTP(edge.port, source="127.0.0.13", greet=False) as client:
        client.send(b"EHLO bot.test\r\nMAIL FROM:<spam@outside.org>\r\nRCPT TO:<bob@example.com>\r\n")
        reply = client.reply()
        assert reply.startswith(b"554 5.5.1"), reply
        assert client.closed()
    assert _refused(edge, "pregreet")


def test_a_patient_client_is_greeted_after_the_wait_and_trusted_ones_at_once(edge: Edge) -> None:
    started = time.monotonic()
    with RawSMTP(edge.port, source="127.0.0.14") as client:
        assert client.greeting.startswith(b"220")
        assert time.monotonic() - started >= 0.45
        assert client.code("EHLO patient.test") == 250
    for source in ("127.0.0.14", "127.0.0.1"):       # passed once: no wait now; trusted: never
        started = time.monotonic()
        with RawSMTP(edge.port, source=source) as client:
            assert client.greeting.startswith(b"220")
        assert time.monotonic() - started < 0.45, source


def test_a_client_that_hangs_up_before_the_greeting_frees_its_slot(edge: Edge) -> None:
    with RawSMTP(edge.port, source="127.0.0.19", greet=False) as client:
        client.sock.shutdown(socket.SHUT_WR)
        client.sock.settimeout(5)
        assert client.sock.recv(100) == b""          # closed after the wait, not held to the idle timeout


# ---- DATA deadlines ------------------------------------------------------------------------
def _open_data(client: RawSMTP) -> None:
    assert client.code("EHLO slow.test") == 250
    assert client.code("MAIL FROM:<x@outside.org>") == 250
    assert client.code("RCPT TO:<bob@example.com>") == 250
    assert client.code("DATA") == 354


def _trickle(client: RawSMTP, chunk: bytes, every: float, limit: float) -> tuple[bytes, float]:
    """Send ``chunk`` every ``every`` s until the server answers; (reply, seconds it took)."""
    started = time.monotonic()
    client.sock.settimeout(every)
    while time.monotonic() - started < limit:
        try:
            client.send(chunk)
        except OSError:
            break
        try:
            reply = client.reply()
            return reply, time.monotonic() - started
        except TimeoutError:
            continue
    client.sock.settimeout(5)
    return client.reply(), time.monotonic() - started


def test_a_byte_trickle_is_cut_at_the_minimum_rate(deadline_edge: Edge) -> None:
    with RawSMTP(deadline_edge.port, source="127.0.0.15") as client:
        _open_data(client)
        reply, took = _trickle(client, b"x", 0.1, 20)
        assert reply.startswith(b"421 4.4.2 DATA slower than 200 bytes/s"), reply
        assert 0.9 < took < 2.5
        assert client.closed()
    assert _refused(deadline_edge, "data_rate")


def test_data_is_cut_at_its_total_time_limit(deadline_edge: Edge) -> None:
    with RawSMTP(deadline_edge.port, source="127.0.0.16") as client:
        _open_data(client)
        reply, took = _trickle(client, b"y" * 100 + b"\r\n", 0.2, 20)    # ~500 bytes/s: fast enough
        assert reply.startswith(b"421 4.4.2 DATA took longer than 4 s"), reply
        assert 3.8 < took < 5.5
        assert client.closed()
    assert _refused(deadline_edge, "data_timeout")


def test_silence_in_data_is_cut_at_the_idle_timeout(deadline_edge: Edge) -> None:
    # The idle limit (3 s) runs out before the total one (4 s). This test used to accept a
    # data_rate refusal left by an earlier test, and failed alone: with both limits at 3 s the
    # total one, which began first, cut the section.
    before = _refusals(deadline_edge, "data_idle")
    with RawSMTP(deadline_edge.port, source="127.0.0.17") as client:
        _open_data(client)
        client.send(b"x" * 2000)     # enough for the rate over the whole window
        started = time.monotonic()
        client.sock.settimeout(10)
        reply = client.reply()
        assert reply.startswith(b"421 4.4.2 No data for 3 s"), reply
        assert 2.5 < time.monotonic() - started < 3.6
    assert _refusals(deadline_edge, "data_idle") == before + 1


def test_a_normal_message_from_an_outsider_is_untouched_by_the_limits(edge: Edge) -> None:
    marker = f"normal-{uuid.uuid4().hex[:8]}"
    with smtplib.SMTP("127.0.0.1", edge.port, timeout=30, source_address=("127.0.0.18", 0)) as client:
        client.ehlo("ok.test")
        assert client.sendmail("dave@outside.org", ["bob@example.com"],
                               message(marker, b"x" * 200_000 + b"\r\n", sender="dave@outside.org")) == {}
    assert edge.wait_quiet(marker, 1, settle=0)


# ---- the books, with a stepped clock -------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_sessions_are_counted_per_address_and_released() -> None:
    limits = EdgeLimits(EdgeLimitSettings(max_sessions_per_ip=2, connection_rate_per_ip=0))
    assert limits.open_session("192.0.2.1", trusted=False) is None
    assert limits.open_session("::ffff:192.0.2.1", trusted=False) is None     # the same address
    refusal = limits.open_session("192.0.2.1", trusted=False)
    assert refusal is not None and refusal.reason == "sessions_per_ip"
    assert limits.open_session("192.0.2.1", trusted=True) is None            # trusted: not counted
    assert limits.open_session("192.0.2.2", trusted=False) is None
    limits.close_session("192.0.2.1")
    assert limits.open_session("192.0.2.1", trusted=False) is None
    assert limits.sessions_of("192.0.2.1") == 2


def test_ipv6_is_counted_per_64() -> None:
    assert client_key("2001:db8:1:2::5") == client_key("2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::5") != client_key("2001:db8:1:2::5")


def test_rates_refill_over_a_minute() -> None:
    clock = Clock()
    limits = EdgeLimits(EdgeLimitSettings(connection_rate_per_ip=3, message_rate_per_ip=2, max_sessions_per_ip=0),
                        clock=clock)
    for _ in range(3):
        assert limits.open_session("198.51.100.7", trusted=False) is None
    assert limits.open_session("198.51.100.7", trusted=False) is not None
    clock.now += 20                               # a third of a minute: one connection back
    assert limits.open_session("198.51.100.7", trusted=False) is None
    assert limits.open_session("198.51.100.7", trusted=False) is not None
    assert limits.start_message("198.51.100.7", trusted=False) is None
    assert limits.start_message("198.51.100.7", trusted=False) is None
    refusal = limits.start_message("198.51.100.7", trusted=False)
    assert refusal is not None and refusal.reason == "message_rate"
    assert limits.start_message("198.51.100.7", trusted=True) is None


def test_pregreet_pass_is_remembered_for_its_ttl() -> None:
    clock = Clock()
    limits = EdgeLimits(EdgeLimitSettings(pregreet_wait=1.5, pregreet_pass_ttl=60), clock=clock)
    assert limits.pregreet_wait("203.0.113.5", trusted=False) == 1.5
    assert limits.pregreet_wait("203.0.113.5", trusted=True) == 0
    limits.pregreet_passed("203.0.113.5")
    assert limits.pregreet_wait("203.0.113.5", trusted=False) == 0
    clock.now += 61
    assert limits.pregreet_wait("203.0.113.5", trusted=False) == 1.5


def test_data_pace_deadlines() -> None:
    pace = DataPace(start=0.0, idle=300, total=600, min_rate=500, grace=30)
    assert (pace.deadline, pace.reason) == (30.0, "data_rate")          # nothing yet: the grace
    pace.advance(1, 10.0)
    assert pace.deadline == 30.0                                         # a byte moves nothing but idle
    pace.advance(100_000, 20.0)
    assert (pace.deadline, pace.reason) == (200.002, "data_rate")        # 100,001 bytes at 500 B/s
    pace.advance(10_000_000, 25.0)
    assert (pace.deadline, pace.reason) == (325.0, "data_idle")
    pace.advance(100_000_000, 590.0)
    assert (pace.deadline, pace.reason) == (600.0, "data_timeout")
    assert "longer than 600 s" in pace.reply()


def test_refusals_are_logged_once_a_minute_per_address() -> None:
    clock = Clock()
    limits = EdgeLimits(clock=clock)
    assert limits.worth_logging("sessions_per_ip", "192.0.2.9")
    assert not limits.worth_logging("sessions_per_ip", "192.0.2.9")
    assert limits.worth_logging("connection_rate", "192.0.2.9")
    assert limits.worth_logging("sessions_per_ip", "192.0.2.10")
    clock.now += 61
    assert limits.worth_logging("sessions_per_ip", "192.0.2.9")
