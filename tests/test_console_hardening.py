"""Console hardening (issue 15 follow-up) on SQLite and PostgreSQL: TOTP secrets sealed at rest
under the key ring (surviving `keys rotate`), plaintext ones sealed on use and at start-up."""

from __future__ import annotations

import re
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from admin_api import tables as at
from admin_api import totp_seal
from archive.keyring import KeyRing
from tests.console_support import Clock, console_env, csrf_of, sign_in

pytestmark = pytest.mark.postgres


def _stored(engine: sa.Engine, name: str) -> sa.Row:
    with engine.connect() as conn:
        return conn.execute(sa.select(at.console_accounts.c.totp_secret, at.console_accounts.c.totp_pending)
                            .join(at.users, at.users.c.id == at.console_accounts.c.user_id)
                            .where(at.users.c.name == name)).one()


def _sign_in_with_code(env, name: str, code: str) -> int:  # noqa: ANN001
    client = TestClient(env.app)
    first = sign_in(client, name, next_path="/account")
    assert first.status_code == 303 and first.headers["location"].startswith("/signin/code")
    form = client.get(first.headers["location"])
    done = client.post("/signin/code", data={"csrf": csrf_of(form.text), "code": code, "next": "/account"},
                       follow_redirects=False)
    return done.status_code


def test_totp_secret_is_sealed_at_rest_and_survives_key_rotation(engine: sa.Engine, tmp_path: Path) -> None:
    clock = Clock()
    env = console_env(engine, clock)
    ring = KeyRing.open(tmp_path / "keys").bind(engine)
    env.services.console_keys = ring
    sign_in(env.client, "compliance", next_path="/account")
    page = env.client.get("/account")
    start = env.client.post("/account/totp/start", data={"csrf": csrf_of(page.text)})
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', start.text).group(1)
    pending = _stored(engine, "compliance").totp_pending
    assert pending and secret not in pending and pending.startswith(totp_seal.PREFIX)
    totp = pyotp.TOTP(secret)
    ok = env.client.post("/account/totp/confirm", data={"csrf": csrf_of(start.text), "code": totp.at(clock.now)})
    assert ok.status_code == 200
    row = _stored(engine, "compliance")
    assert row.totp_pending is None and row.totp_secret and secret not in row.totp_secret
    assert row.totp_secret.startswith(totp_seal.PREFIX)

    clock.now += 60
    assert _sign_in_with_code(env, "compliance", "123456") == 401
    assert _sign_in_with_code(env, "compliance", totp.at(clock.now)) == 303

    old_kid = ring.active_kid
    assert ring.rotate_master() != old_kid          # `mailwarden keys rotate`
    clock.now += 60
    assert _sign_in_with_code(env, "compliance", totp.at(clock.now)) == 303
    # a fresh process (another node) holding only the new ring state opens it too
    env.services.console_keys = KeyRing.open(tmp_path / "keys").bind(engine)
    clock.now += 60
    assert _sign_in_with_code(env, "compliance", totp.at(clock.now)) == 303
    # a rotation of the console key itself: the secret sealed under version 1 still opens
    ring.rotate_derived("console")
    env.services.console_keys = ring
    clock.now += 60
    assert _sign_in_with_code(env, "compliance", totp.at(clock.now)) == 303

    # the sealed value is bound to its account: copied into another row it opens nothing
    with engine.begin() as conn:
        other = conn.execute(sa.select(at.users.c.id).where(at.users.c.name == "auditor")).scalar_one()
        conn.execute(sa.update(at.console_accounts).where(at.console_accounts.c.user_id == other)
                     .values(totp_secret=row.totp_secret))
    clock.now += 60
    assert _sign_in_with_code(env, "auditor", totp.at(clock.now)) == 401


def test_plaintext_secrets_of_before_are_sealed_on_use_and_at_start(engine: sa.Engine, tmp_path: Path) -> None:
    clock = Clock()
    env = console_env(engine, clock)
    ring = KeyRing.open(tmp_path / "keys").bind(engine)
    env.services.console_keys = ring
    secrets = {name: pyotp.random_base32() for name in ("compliance", "auditor")}
    with engine.begin() as conn:
        for name, secret in secrets.items():
            uid = conn.execute(sa.select(at.users.c.id).where(at.users.c.name == name)).scalar_one()
            conn.execute(sa.update(at.console_accounts).where(at.console_accounts.c.user_id == uid)
                         .values(totp_secret=secret))
    assert _stored(engine, "compliance").totp_secret == secrets["compliance"]   # as old code left it
    clock.now += 60
    assert _sign_in_with_code(env, "compliance", pyotp.TOTP(secrets["compliance"]).at(clock.now)) == 303
    assert secrets["compliance"] not in _stored(engine, "compliance").totp_secret
    assert totp_seal.seal_plaintext(engine, ring) == 1                         # the API's start-up sweep
    assert secrets["auditor"] not in _stored(engine, "auditor").totp_secret
    assert _sign_in_with_code(env, "auditor", pyotp.TOTP(secrets["auditor"]).at(clock.now)) == 303


# ---- uploads through the browser session (ops-platform's request guard) -------------------------
@pytest.fixture
def gateway(tmp_path: Path):  # noqa: ANN201
    from tests.harness import InProcessGateway, free_port, write_config

    config = write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}", next_hop="127.0.0.1:9",
                          smtp_port=free_port(), api_port=free_port())
    gw = InProcessGateway(config).start()
    yield gw
    gw.stop()


def test_a_megabyte_upload_with_a_session_and_csrf_token_passes_the_guard(gateway) -> None:  # noqa: ANN001
    import socket

    import httpx

    from admin_api import users
    from admin_api.passwords import set_password
    from tests.console_support import PASSWORD

    engine = gateway.services.engine
    users.add_user(engine, "grace", "admin", [])
    set_password(engine, "grace", PASSWORD)
    message = "Subject: bench\r\n\r\n" + "x" * (1024 * 1024)
    form = {"message": message, "mail_from": "a@corp.example", "rcpt_to": "bob@example.com"}
    with httpx.Client(base_url=f"http://127.0.0.1:{gateway.api_port}", timeout=60) as client:
        assert sign_in(client, "grace").status_code == 303
        page = client.get("/rules")
        assert page.status_code == 200
        # the session alone is not enough: a cookie POST still needs the page's CSRF token
        forged = client.post("/rules/test", data=form)
        assert forged.status_code == 403, forged.text[:300]
        done = client.post("/rules/test", data={**form, "csrf": csrf_of(page.text)})
        assert done.status_code == 200, done.text[:300]
        assert "bench" in done.text
    # no session: refused from the head alone, before the megabyte is read
    body_length = len(message) + 100
    head = (f"POST /rules/test HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {body_length}\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", gateway.api_port), timeout=10) as conn:
        conn.sendall(head + b"message=xx")            # a few bytes of the body, then nothing
        answer = conn.recv(4096)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
