"""Console sign-in on a real database (SQLite and PostgreSQL): passwords, sessions, CSRF,
throttling, the TOTP second factor, timeouts, notice links, invitation links."""

from __future__ import annotations

import hashlib
import re

import pyotp
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from admin_api import account_links, sessions
from admin_api import tables as at
from admin_api.app import create_app
from admin_api.passwords import set_password
from tests.console_support import PASSWORD, Clock, audit_rows, console_env, csrf_of, sign_in

pytestmark = pytest.mark.postgres


def test_root_leads_to_sign_in_and_back(engine: sa.Engine) -> None:
    """Old main: ``/`` answered 404."""
    env = console_env(engine)
    first = env.client.get("/", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/signin?next=/"
    res = sign_in(env.client, "supervisor")
    assert res.status_code == 303 and res.headers["location"] == "/"
    home = env.client.get("/")
    assert home.status_code == 200 and "supervisor" in home.text


def test_session_cookie_is_httponly_strict_and_only_its_hash_is_stored(engine: sa.Engine) -> None:
    env = console_env(engine)
    res = sign_in(env.client, "auditor")
    cookie = res.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie  # plain HTTP
    sid = re.search(r"mw_session=([^;]+)", cookie).group(1)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(at.sessions)).all()
    assert len(rows) == 1
    assert rows[0].id_hash == hashlib.sha256(sid.encode()).hexdigest()
    assert all(sid not in str(value) for value in rows[0])
    assert [r.actor for r in audit_rows(engine, "console.signin")] == ["auditor"]


def test_wrong_password_is_refused_and_audited(engine: sa.Engine) -> None:
    env = console_env(engine)
    res = sign_in(env.client, "auditor", "not the password", Accept_Language="en")
    assert res.status_code == 401 and "The name or the password is not right." in res.text
    assert "mw_session" not in res.headers.get("set-cookie", "")
    unknown = sign_in(env.client, "nobody-here", "whatever password")
    assert unknown.status_code == 401
    assert [r.outcome for r in audit_rows(engine, "console.signin")] == ["denied", "denied"]
    assert env.client.get("/account", follow_redirects=False).status_code == 303


def test_sign_out_ends_the_session_server_side(engine: sa.Engine) -> None:
    env = console_env(engine)
    sign_in(env.client, "admin")
    sid = env.client.cookies.get(sessions.COOKIE)
    home = env.client.get("/")
    out = env.client.post("/signout", data={"csrf": csrf_of(home.text)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/signin"
    # the old cookie, replayed by someone who copied it, no longer works
    replay = TestClient(env.app)
    replay.cookies.set(sessions.COOKIE, sid)
    assert replay.get("/account", follow_redirects=False).status_code == 303
    assert replay.get("/api/v1/me").status_code == 401


def test_throttle_is_shared_by_every_worker_through_the_database(engine: sa.Engine) -> None:
    """Two app instances (two API workers) on one database: failures on one count on the other."""
    env = console_env(engine)
    other_worker = TestClient(create_app(env.services))
    for i in range(5):
        client = env.client if i % 2 else other_worker
        assert sign_in(client, "compliance", f"wrong password {i}").status_code == 401
    refused = sign_in(env.client, "compliance")   # the right password, but too late
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert "mw_session" not in refused.headers.get("set-cookie", "")
    assert sign_in(other_worker, "compliance").status_code == 429
    assert sign_in(env.client, "auditor").status_code == 303   # other accounts are not locked out


def test_throttle_per_client_address(engine: sa.Engine) -> None:
    env = console_env(engine)
    for i in range(20):   # 20 different names from one address
        assert sign_in(env.client, f"guess{i}", "wrong password").status_code == 401
    assert sign_in(env.client, "admin").status_code == 429


def test_forged_posts_without_the_csrf_token_are_refused(engine: sa.Engine) -> None:
    env = console_env(engine)
    forged_signin = env.client.post("/signin", data={"name": "admin", "password": PASSWORD},
                                    follow_redirects=False)
    assert forged_signin.status_code == 403
    sign_in(env.client, "admin")
    page = env.client.get("/account")
    forged = env.client.post("/account/preferences", data={"language": "zh_CN", "time_zone": "Asia/Shanghai"})
    wrong = env.client.post("/account/preferences", data={"language": "zh_CN", "csrf": "x" * 43})
    assert forged.status_code == 403 and wrong.status_code == 403
    assert "Asia/Shanghai" not in env.client.get("/account").text.split('selected>')[-1][:40]
    ok = env.client.post("/account/preferences", data={"language": "zh_CN", "time_zone": "Asia/Shanghai",
                                                      "csrf": csrf_of(page.text)}, follow_redirects=False)
    assert ok.status_code == 303
    # the JSON API with the session cookie: a changing call needs the X-CSRF-Token header
    entry = env.hold(department="finance")[0]
    api = env.client.post(f"/api/v1/quarantine/{entry}/reject", json={"comment": "no"})
    assert api.status_code == 403 and "X-CSRF-Token" in api.json()["detail"]
    assert env.client.get(f"/api/v1/quarantine/{entry}").json()["status"] == "held"
    denied = [r for r in audit_rows(engine, "me.update") if r.outcome == "denied"]
    assert len(denied) == 2


def test_bearer_tokens_keep_working_and_need_no_csrf(engine: sa.Engine) -> None:
    env = console_env(engine)
    entry = env.hold(department="finance")[0]
    res = env.client.post(f"/api/v1/quarantine/{entry}/reject", json={"comment": "no"},
                          headers=env.headers("supervisor"))
    assert res.status_code == 200 and res.json()["status"] == "rejected"


def test_idle_and_absolute_timeouts_return_to_sign_in(engine: sa.Engine) -> None:
    clock = Clock()
    env = console_env(engine, clock)
    sign_in(env.client, "auditor", next_path="/account")
    assert env.client.get("/account").status_code == 200
    clock.now += env.services.console.session_idle + 1            # idle too long
    gone = env.client.get("/account", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == "/signin?next=/account&ended=1"
    assert "Your session has ended. Sign in again." in env.client.get(gone.headers["location"]).text  # said why
    sign_in(env.client, "auditor")
    for _ in range(int(env.services.console.session_absolute // 1500) + 1):  # active, but too long
        clock.now += 1500
        env.client.get("/")
    assert env.client.get("/account", follow_redirects=False).status_code == 303
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(at.sessions)
                            .where(at.sessions.c.ended_at.is_(None))).scalar() == 0


def test_totp_second_factor_enrolment_sign_in_and_no_replay(engine: sa.Engine) -> None:
    clock = Clock()
    env = console_env(engine, clock)
    sign_in(env.client, "compliance", next_path="/account")
    page = env.client.get("/account")
    start = env.client.post("/account/totp/start", data={"csrf": csrf_of(page.text)})
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', start.text).group(1)
    totp = pyotp.TOTP(secret)
    bad = env.client.post("/account/totp/confirm", data={"csrf": csrf_of(start.text), "code": "000000"})
    assert bad.status_code == 422
    start = env.client.post("/account/totp/start", data={"csrf": csrf_of(page.text)})
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', start.text).group(1)
    totp = pyotp.TOTP(secret)
    ok = env.client.post("/account/totp/confirm", data={"csrf": csrf_of(start.text), "code": totp.at(clock.now)})
    assert ok.status_code == 200
    env.client.post("/signout", data={"csrf": csrf_of(ok.text)})

    clock.now += 60
    first = sign_in(env.client, "compliance", next_path="/account")
    assert first.status_code == 303 and first.headers["location"].startswith("/signin/code")
    # password alone authorises nothing
    assert env.client.get("/account", follow_redirects=False).status_code == 303
    assert env.client.get("/api/v1/me").status_code == 401
    form = env.client.get(first.headers["location"])
    wrong = env.client.post("/signin/code", data={"csrf": csrf_of(form.text), "code": "123456", "next": "/account"})
    assert wrong.status_code == 401
    code = totp.at(clock.now)
    done = env.client.post("/signin/code", data={"csrf": csrf_of(form.text), "code": code, "next": "/account"},
                           follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/account"
    assert env.client.get("/account").status_code == 200
    # the same code again (someone watching): refused
    other = TestClient(env.app)
    assert sign_in(other, "compliance").status_code == 303
    form = other.get("/signin/code")
    again = other.post("/signin/code", data={"csrf": csrf_of(form.text), "code": code})
    assert again.status_code == 401
    assert [r.outcome for r in audit_rows(engine, "console.totp")] == ["denied", "ok", "denied"]


def test_notice_link_leads_through_sign_in_back_to_the_entry(engine: sa.Engine) -> None:
    """Old main: the link answered a page of curl instructions to anyone, signed in or not."""
    env = console_env(engine)
    entry = env.hold(department="finance")[0]
    link = f"/quarantine/{entry}"
    first = env.client.get(link, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == f"/signin?next={link}"
    res = sign_in(env.client, "supervisor", next_path=link)
    assert res.status_code == 303 and res.headers["location"] == link
    page = env.client.get(link)
    assert page.status_code == 200 and "Q3 numbers" in page.text
    other = TestClient(env.app)
    sign_in(other, "supervisor_other")
    assert other.get(link).status_code == 404     # another department's entry is not found
    assert [r.outcome for r in audit_rows(engine, "quarantine.read")] == ["denied", "ok", "denied"]


def test_next_never_leaves_the_site(engine: sa.Engine) -> None:
    env = console_env(engine)
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        res = sign_in(TestClient(env.app), "auditor", next_path=target)
        assert res.status_code == 303 and res.headers["location"] == "/"


def test_pages_in_chinese_and_english_with_a_strict_csp(engine: sa.Engine) -> None:
    env = console_env(engine)
    zh = env.client.get("/signin", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    en = env.client.get("/signin", headers={"Accept-Language": "en-GB,en;q=0.9,zh;q=0.1"})
    assert '<html lang="zh-CN">' in zh.text and "登录" in zh.text and "Sign in" not in zh.text
    assert '<html lang="en">' in en.text and "Sign in" in en.text and "登录" not in en.text
    csp = zh.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "'unsafe-inline'" not in csp and "script-src 'self'" in csp
    assert "<script>" not in zh.text and "style=" not in zh.text
    # the account's own setting wins over the browser
    sign_in(env.client, "admin", Accept_Language="en")
    page = env.client.get("/account", headers={"Accept-Language": "en"})
    env.client.post("/account/preferences", data={"language": "zh_CN", "time_zone": "Asia/Shanghai",
                                                 "csrf": csrf_of(page.text)})
    page = env.client.get("/account", headers={"Accept-Language": "en"})
    assert "我的账户" in page.text and "Asia/Shanghai" in page.text
    assert env.client.get("/static/console.css").status_code == 200


def test_invitation_link_sets_the_password_once(engine: sa.Engine) -> None:
    clock = Clock()
    env = console_env(engine, clock)
    sent: list[account_links.LinkMail] = []
    to = account_links.send_link(engine, "auditor", "invite", base_url="https://gw.example:8025", now=clock.now,
                                 lifetime=3600, send=sent.append)
    assert to == "auditor@corp.example" and len(sent) == 1
    link = re.search(r"https://gw\.example:8025(/password\?token=(\S+))", sent[0].body)
    assert sent[0].link == link.group(0) and sent[0].token == link.group(2)
    path, token = link.group(1), link.group(2)
    with engine.connect() as conn:
        stored = conn.execute(sa.select(at.account_links.c.token_hash)).scalars().all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    page = env.client.get(path)
    assert page.status_code == 200
    short = env.client.post("/password", data={"csrf": csrf_of(page.text), "token": token, "password": "short",
                                                "repeat": "short"})
    assert short.status_code == 422
    new = "a brand new passphrase"
    done = env.client.post("/password", data={"csrf": csrf_of(page.text), "token": token, "password": new,
                                               "repeat": new})
    assert done.status_code == 200
    assert sign_in(TestClient(env.app), "auditor", new).status_code == 303
    assert sign_in(TestClient(env.app), "auditor", PASSWORD).status_code == 401
    assert env.client.get(path).status_code == 410                      # used once
    account_links.issue(engine, "admin", "reset", now=clock.now, lifetime=60)
    token2, _ = account_links.issue(engine, "admin", "reset", now=clock.now, lifetime=60)
    clock.now += 61
    assert env.client.get(f"/password?token={token2}").status_code == 410   # expired


def test_password_policy(engine: sa.Engine) -> None:
    console_env(engine)
    with pytest.raises(ValueError):
        set_password(engine, "admin", "short")
    with pytest.raises(LookupError):
        set_password(engine, "nobody", PASSWORD)


def test_a_later_link_ends_the_earlier_ones_of_the_account(engine: sa.Engine) -> None:
    """Old main: a second invitation or reset left the first one working until either was used."""
    clock = Clock()
    env = console_env(engine, clock)
    first, _ = account_links.issue(engine, "auditor", "invite", now=clock.now, lifetime=3600)
    other, _ = account_links.issue(engine, "admin", "reset", now=clock.now, lifetime=3600)
    second, _ = account_links.issue(engine, "auditor", "reset", now=clock.now, lifetime=3600)
    assert env.client.get(f"/password?token={first}").status_code == 410
    assert env.client.get(f"/password?token={second}").status_code == 200
    assert env.client.get(f"/password?token={other}").status_code == 200      # another account's: untouched
