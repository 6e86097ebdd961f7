"""The review console's pages over HTTP (no browser; SQLite and PostgreSQL): the queue with
filters and bulk decisions, the entry page with evidence and decisions, the sender's page.
Signed in through the real sign-in form; every form carries its CSRF token."""

from __future__ import annotations

import re

import sqlalchemy as sa
from fastapi.testclient import TestClient

from admin_api.passwords import set_password
from admin_api.tables import audit
from tests.test_api_support import Env

PASSWORD = "correct horse battery staple 42"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def signed_in(env: Env, name: str, language: str = "en") -> TestClient:
    set_password(env.engine, name, PASSWORD)
    client = TestClient(env.app, headers={"Accept-Language": language})
    page = client.get("/signin")
    token = CSRF.search(page.text).group(1)
    done = client.post("/signin", data={"name": name, "password": PASSWORD, "next": "/queue", "csrf": token},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    return client


def csrf_of(html: str) -> str:
    return CSRF.search(html).group(1)


def test_queue_filters_scope_and_bulk_reject_under_one_comment(engine: sa.Engine) -> None:
    env = Env(engine)
    ids = [env.hold(recipients=(f"r{i}@ext.example",))[0] for i in range(20)]
    other = env.hold(department="sales", recipients=("s@ext.example",), mail_from="bob@corp.example")[0]
    sup = signed_in(env, "supervisor")
    page = sup.get("/queue?per_page=25")
    assert page.status_code == 200 and "20 messages" in page.text
    assert f'href="/quarantine/{ids[0]}"' in page.text and f'href="/quarantine/{other}"' not in page.text
    assert sup.get("/queue?q=r7@ext").text.count('name="ids"') == 1
    assert "Some filters are not valid" in sup.get("/queue?sort=bogus").text
    token = csrf_of(page.text)
    forged = sup.post("/queue/decide", data={"action": "reject", "comment": "x", "ids": ids}, follow_redirects=False)
    assert forged.status_code == 403 and env.quarantine.get(ids[0])["status"] == "held"
    empty = sup.post("/queue/decide", data={"action": "reject", "comment": "  ", "ids": ids, "csrf": token})
    assert "Write one comment" in empty.text and env.quarantine.get(ids[0])["status"] == "held"
    done = sup.post("/queue/decide", data={"action": "reject", "comment": "newsletter run", "ids": [*ids, other],
                                           "csrf": token})
    assert done.status_code == 200 and "Rejected: 20 of 21." in done.text
    assert {env.quarantine.get(i)["status"] for i in ids} == {"rejected"}
    assert env.quarantine.get(other)["status"] == "held"  # another department's: not found, untouched
    comments = {h["comment"] for i in ids for h in env.quarantine.history(i) if h["action"] == "reject"}
    assert comments == {"newsletter run"}


def test_entry_page_evidence_decision_and_other_department(engine: sa.Engine) -> None:
    env = Env(engine)
    [eid, eid2] = env.hold(recipients=("x@ext.example", "y@ext.example"), evidence=[{
        "rule": "confidential-outbound", "description": "Confidential marker", "score": 0,
        "evidence": [{"where": "body", "snippet": "card **** **** **** 1111 figures"}]}], comment_required=True)
    sup = signed_in(env, "supervisor")
    page = sup.get(f"/quarantine/{eid}")
    assert page.status_code == 200
    assert "<mark>**** **** **** 1111</mark>" in page.text
    assert "Confidential figures attached" in page.text and "<script>alert" not in page.text
    assert "q3.pdf" in page.text and f"/api/v1/quarantine/{eid}/raw" in page.text
    raw = sup.get(f"/api/v1/quarantine/{eid}/raw")  # the page's download link, with the session
    assert raw.status_code == 200 and raw.content.startswith(b"From: Alice")
    with engine.connect() as conn:
        reads = conn.execute(sa.select(audit.c.actor).where(audit.c.action == "quarantine.raw")).scalars().all()
    assert reads == ["supervisor"]  # the download is audited
    token = csrf_of(page.text)
    refused = sup.post(f"/quarantine/{eid}/decide", data={"action": "release", "comment": "   ", "csrf": token})
    assert refused.status_code == 422 and env.quarantine.get(eid)["status"] == "held"
    assert 'id="comment"' in refused.text
    ok = sup.post(f"/quarantine/{eid}/decide", data={"action": "release", "comment": "checked with finance",
                                                     "recipients": ["y@ext.example"], "csrf": token})
    assert ok.status_code == 200 and "Released to: y@ext.example" in ok.text
    assert env.quarantine.get(eid2)["status"] == "released" and env.quarantine.get(eid)["status"] == "held"
    other = signed_in(env, "supervisor_other")
    assert other.get(f"/quarantine/{eid}").status_code == 404
    mark = sup.post(f"/quarantine/{eid}/false-positive", data={"reason": "test data", "csrf": token})
    assert mark.status_code == 200 and "Marked as a false positive" in mark.text


def test_sender_page_justify_blank_then_send_and_withdraw(engine: sa.Engine) -> None:
    env = Env(engine)
    env.hold(recipients=("x@ext.example",), sender_may_release=True)
    env.hold(recipients=("z@ext.example",), sender_may_release=True)
    tokens = [n.body.split("token=")[1].split()[0] for n in env.notices("alice@corp.example")]
    client = TestClient(env.app, headers={"Accept-Language": "en"})
    page = client.get(f"/sender?token={tokens[0]}")
    assert page.status_code == 200 and "x@ext.example" in page.text and "Q3 numbers" in page.text
    token = csrf_of(page.text)
    blank = client.post("/sender/release", data={"token": tokens[0], "justification": "   ", "csrf": token})
    assert blank.status_code == 422 and 'name="justification"' in blank.text and "Write why" in blank.text
    assert env.released() == []
    sent = client.post("/sender/release", data={"token": tokens[0], "justification": "customer asked",
                                                "csrf": token})
    assert sent.status_code == 200 and "on its way" in sent.text and len(env.released()) == 1
    gone = client.post("/sender/withdraw", data={"token": tokens[1], "csrf": token})
    assert gone.status_code == 200 and "withdrawn" in gone.text
    assert len(env.released()) == 1
    assert client.get("/sender?token=1.2.3").status_code == 403


def test_pages_in_chinese(engine: sa.Engine) -> None:
    env = Env(engine)
    [eid] = env.hold(sender_may_release=True)
    sup = signed_in(env, "supervisor", "zh-CN")
    assert "审核队列" in sup.get("/queue").text
    assert "拦截原因" in sup.get(f"/quarantine/{eid}").text
    token = env.notices("alice@corp.example")[0].body.split("token=")[1].split()[0]
    anon = TestClient(env.app, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "您的邮件已被拦截" in anon.get(f"/sender?token={token}").text
