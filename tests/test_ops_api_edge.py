"""The API's edge over real HTTP: every bad input is a 4xx, large bodies are refused before
they are read (unauthenticated ones above a few KB), token guessing gets 429 with one audit
row instead of one per guess, and each address has a request rate."""

from __future__ import annotations

import base64
import json
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from admin_api import users
from admin_api.tables import audit
from tests.harness import InProcessGateway, free_port, write_config


@pytest.fixture
def gateway(tmp_path: Path):  # noqa: ANN201
    config = write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}", next_hop="127.0.0.1:9",
                          smtp_port=free_port(), api_port=free_port(),
                          overrides={"api": {"token_failures": 5, "token_lockout": "10m", "rate_per_ip": 1,
                                             "burst_per_ip": 40, "rate_exempt": []}})
    gw = InProcessGateway(config).start()
    yield gw
    gw.stop()


def call(port: int, method: str, path: str, token: str | None, body: bytes | None = None) -> tuple[int, dict, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read()), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read()), exc.headers


def cursor(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_bad_input_is_a_4xx(gateway: InProcessGateway) -> None:
    token = users.add_user(gateway.services.engine, "root", "admin", [])
    port = gateway.api_port
    for path in ("/api/v1/archive/search?q=id:99999999999999999999999",
                 "/api/v1/archive/search?cursor=" + cursor(b"[Infinity, 1]"),
                 "/api/v1/archive/search?cursor=" + cursor(b"[1e30, 1e30]"),
                 "/api/v1/archive/search?cursor=" + cursor(b"[1, 1, 1e30, 1, 1e30]"),
                 "/api/v1/archive/search?cursor=" + cursor(b"[NaN, 1]"),
                 "/api/v1/quarantine?cursor=Infinity", "/api/v1/audit?cursor=1e30"):
        status, body, _ = call(port, "GET", path, token)
        assert status == 422, (path, status, body)
    for path, raw in (("/api/v1/rules/test", b'{"message": "x", "mail_from": "\\ud800", "rcpt_to": ["a@example.com"]}'),
                      ("/api/v1/rules/test", b'{"\\ud800": 1}'),
                      ("/api/v1/quarantine/1/release", b'{"comment": "\\udfff"}'),
                      ("/api/v1/sender-release", b'{"token": "\\ud800", "justification": "x"}')):
        status, body, _ = call(port, "POST", path, token, raw)
        assert status == 422, (path, status, body)
        assert "\ufffd" in json.dumps(body, ensure_ascii=False) or body["detail"]


def _raw_post(port: int, head: str, first: bytes) -> bytes:
    """Send the head and the first bytes of a body; return what the server answers meanwhile:
    its head and, as far as its Content-Length says, its body (which may come in a later packet:
    reading only to the blank line made the body checks flaky)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(head.encode() + first)
        conn.settimeout(10)
        answer = b""
        try:
            while not _complete(answer):
                chunk = conn.recv(4096)
                if not chunk:
                    break
                answer += chunk
        except (TimeoutError, ConnectionResetError):
            pass
        return answer


def _complete(answer: bytes) -> bool:
    head, sep, body = answer.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip())
    return True


def test_large_bodies_are_refused_before_reading(gateway: InProcessGateway) -> None:
    token = users.add_user(gateway.services.engine, "root", "admin", [])
    port = gateway.api_port
    size = 300 * 1024 * 1024
    # 300 MB announced, 1 MB sent: the answer comes without the rest ever being read.
    head = (f"POST /api/v1/rules/test HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {size}\r\n\r\n")
    answer = _raw_post(port, head, b"{" + b" " * (1 << 20))
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    # a bad token does not buy a larger body either
    answer = _raw_post(port, head.replace("Host: x\r\n", "Host: x\r\nAuthorization: Bearer mw_nope\r\n"), b"{")
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    # a valid one: the limit is max_body (110 MB), announced or counted while chunks arrive
    answer = _raw_post(port, head.replace("Host: x\r\n", f"Host: x\r\nAuthorization: Bearer {token}\r\n"), b"{")
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    chunked = ("POST /api/v1/rules/test HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Transfer-Encoding: chunked\r\n\r\n")
    piece = b"10000\r\n" + b" " * 0x10000 + b"\r\n"
    answer = _raw_post(port, chunked, piece * 3)      # 192 KiB unauthenticated: cut at 64 KiB
    assert answer.startswith(b"HTTP/1.1 401") or answer.startswith(b"HTTP/1.1 413"), answer[:200]
    # small bodies still work, with and without a token
    status, body, _ = call(port, "POST", "/api/v1/rules/test", token,
                           json.dumps({"message": "Subject: hi\r\n\r\nhello\r\n", "mail_from": "alice@example.com",
                                       "rcpt_to": ["bob@example.com"]}).encode())
    assert status == 200 and body["action"] == "deliver"
    assert call(port, "POST", "/api/v1/sender-release", None, b'{"token": "x", "justification": "y"}')[0] == 403


def test_token_guessing_is_throttled_with_a_counted_summary(gateway: InProcessGateway) -> None:
    engine = gateway.services.engine
    port = gateway.api_port

    def rows(action: str) -> list:
        with engine.connect() as conn:
            return conn.execute(sa.select(audit.c.action, audit.c.outcome, audit.c.detail)
                                .where(audit.c.action == action)).all()

    statuses = [call(port, "GET", "/api/v1/me", f"mw_guess{i}")[0] for i in range(5)]
    assert statuses == [401] * 5
    assert len(rows("me.read")) == 5                     # each guess up to the limit is audited
    assert len(rows("api.throttled")) == 1               # and the lockout once
    for i in range(20):
        status, body, headers = call(port, "GET", "/api/v1/me", f"mw_more{i}")
        assert status == 429 and int(headers["Retry-After"]) > 500
    assert len(rows("me.read")) == 5                     # no row per refused guess
    # a real token from that address is refused too while locked (the address is what guessed)
    token = users.add_user(engine, "root", "admin", [])
    assert call(port, "GET", "/api/v1/me", token)[0] == 429
    # the lockout ends: one row counts what it refused
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE gateway_auth_failures SET locked_until = 0"))
    assert call(port, "GET", "/api/v1/me", token)[0] == 200
    summary = rows("api.throttled.summary")
    assert len(summary) == 1 and summary[0].detail == {"refused_requests": 21}


def test_requests_per_address_are_limited(gateway: InProcessGateway) -> None:
    import concurrent.futures

    token = users.add_user(gateway.services.engine, "root", "admin", [])
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: call(gateway.api_port, "GET", "/api/v1/me", token)[0], range(100)))
    elapsed = time.monotonic() - started
    assert set(statuses) == {200, 429}
    assert 40 <= statuses.count(200) <= 40 + elapsed * 1 + 2        # the burst, then 1 per second
    time.sleep(2.5)
    assert call(gateway.api_port, "GET", "/api/v1/me", token)[0] == 200
    assert urllib.request.urlopen(f"http://127.0.0.1:{gateway.api_port}/healthz", timeout=30).status == 200


def test_a_signed_in_console_session_may_upload(gateway: InProcessGateway) -> None:
    """The console's rules page takes files of megabytes: a live session counts like a token."""
    from admin_api import sessions
    from admin_api.tables import users as users_table

    engine = gateway.services.engine
    users.add_user(engine, "grace", "admin", [])
    with engine.connect() as conn:
        user_id = conn.execute(sa.select(users_table.c.id).where(users_table.c.name == "grace")).scalar_one()
    sid = sessions.create(engine, user_id, stage="full", now=time.time(), client_ip="127.0.0.1", user_agent="t")
    body = b"message=" + b"x" * (200 * 1024) + b"&rcpt_to=bob%40example.com"
    head = ("POST /rules/test HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nCookie: mw_session={{}}\r\nConnection: close\r\n\r\n")
    forged = _raw_post(gateway.api_port, head.format("not-a-session"), body)
    assert forged.startswith(b"HTTP/1.1 401") and b"needs a valid bearer token" in forged, forged[:300]
    signed_in = _raw_post(gateway.api_port, head.format(sid), body)
    assert not signed_in.startswith(b"HTTP/1.1 401") and not signed_in.startswith(b"HTTP/1.1 413"), signed_in[:300]
