"""Admin API quarantine workflow, archive, rules, reports and users on a real database."""

from __future__ import annotations

import base64
import threading
import time

import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.test_api_support import Env


def test_list_filters_and_cursor_pagination(engine: sa.Engine) -> None:
    env = Env(engine)
    ids = env.hold(recipients=("a@ext.example", "b@ext.example", "c@ext.example"))
    env.hold(department="sales", rules=["spam-ish"], mail_from="bob@corp.example")
    h = env.headers("compliance")
    seen: list[int] = []
    url = "/api/v1/quarantine?limit=2"
    while True:
        page = env.client.get(url, headers=h).json()
        assert set(page) == {"items", "total", "next"} and page["total"] == 4
        seen += [i["id"] for i in page["items"]]
        if page["next"] is None:
            break
        url = f"/api/v1/quarantine?limit=2&cursor={page['next']}"
    assert len(seen) == 4 and len(set(seen)) == 4
    q = env.client.get
    assert q("/api/v1/quarantine?department=sales", headers=h).json()["total"] == 1
    assert q("/api/v1/quarantine?rule=confidential-outbound", headers=h).json()["total"] == 3
    assert q("/api/v1/quarantine?sender=bob@corp.example", headers=h).json()["total"] == 1
    assert q("/api/v1/quarantine?recipient=b@ext.example", headers=h).json()["items"][0]["id"] == ids[1]
    assert q("/api/v1/quarantine?status=released", headers=h).json()["total"] == 0
    assert (
        q("/api/v1/quarantine?after=2000-01-01T00:00:00Z&before=2999-01-01", headers=h).json()["total"] == 4
    )
    assert q(f"/api/v1/quarantine?after={int(time.time()) + 3600}", headers=h).json()["total"] == 0
    item = q("/api/v1/quarantine?limit=1", headers=h).json()["items"][0]
    assert item["subject"] == "Q3 numbers" and "evidence" not in item


def test_invalid_input_names_the_field(engine: sa.Engine) -> None:
    env = Env(engine)
    h = env.headers("admin")
    eid = env.hold()[0]
    cases = [
        ("GET", "/api/v1/quarantine?status=bogus", None, "status"),
        ("GET", "/api/v1/quarantine?limit=0", None, "limit"),
        ("GET", "/api/v1/quarantine?cursor=zzz", None, "cursor"),
        ("GET", "/api/v1/quarantine?after=yesterday", None, "after"),
        ("GET", "/api/v1/quarantine?sender=a%00b", None, "sender"),
        ("GET", "/api/v1/quarantine/0", None, "entry_id"),
        ("POST", f"/api/v1/quarantine/{eid}/release", {"comment": 5}, "comment"),
        ("POST", f"/api/v1/quarantine/{eid}/release", {"recipients": []}, "recipients"),
        ("POST", f"/api/v1/quarantine/{eid}/release", {"recipientz": ["a"]}, "recipientz"),
        ("POST", f"/api/v1/quarantine/{eid}/release", {"recipients": ["nobody@ext.example"]}, "recipients"),
        ("POST", "/api/v1/quarantine/release", {"ids": []}, "ids"),
        ("POST", "/api/v1/rules/test", {"mail_from": "a@b", "rcpt_to": ["c@d"]}, "body"),
        ("POST", "/api/v1/rules/test", {"message_base64": "!!", "rcpt_to": ["c@d"]}, "message_base64"),
        ("GET", "/api/v1/reports/summary?format=xml", None, "format"),
    ]
    for method, url, body, field in cases:
        resp = env.client.request(method, url, json=body, headers=h)
        assert resp.status_code == 422, (url, body, resp.text)
        locs = [e["loc"] for e in resp.json()["detail"]]
        assert any(field in loc for loc in locs), (url, body, locs)
    assert env.client.get("/api/v1/quarantine/424242", headers=h).status_code == 404
    assert env.client.get("/api/v1/archive/424242", headers=h).status_code == 404
    assert env.quarantine.get(eid)["status"] == "held" and env.released() == []


def test_detail_view_raw_and_release_of_some_recipients(engine: sa.Engine) -> None:
    env = Env(engine)
    ids = env.hold(recipients=("x@ext.example", "y@ext.example", "z@ext.example"))
    sup = env.headers("supervisor")
    detail = env.client.get(f"/api/v1/quarantine/{ids[0]}", headers=sup).json()
    assert detail["subject"] == "Q3 numbers" and detail["rules"] == ["confidential-outbound"]
    assert detail["evidence"][0]["evidence"][0]["snippet"] == "Conf******"
    assert detail["reviewers"][0] == "supervisor@corp.example" and detail["status"] == "held"
    assert [h["action"] for h in detail["history"]] == ["held"]
    view = env.client.get(f"/api/v1/quarantine/{ids[0]}/view", headers=sup).json()
    assert "Confidential figures attached" in view["text"]
    assert "<" not in view["text"] and "alert" not in view["text"]  # never HTML, no script text
    assert view["attachments"] == [{"name": "q3.pdf", "content_type": "application/pdf", "true_type": "application/pdf",
                                    "size": 16}]
    raw = env.client.get(f"/api/v1/quarantine/{ids[0]}/raw", headers=sup)
    assert raw.headers["content-type"].startswith("message/rfc822")
    assert "attachment" in raw.headers["content-disposition"] and raw.content.startswith(b"From: Alice")

    resp = env.client.post(
        f"/api/v1/quarantine/{ids[0]}/release",
        json={"comment": "approved by head of finance", "recipients": ["x@ext.example", "z@ext.example"]},
        headers=sup,
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "released" and sorted(resp.json()["recipients"]) == [
        "x@ext.example",
        "z@ext.example",
    ]
    rel = env.released()
    assert len(rel) == 1 and sorted(rel[0].recipients) == ["x@ext.example", "z@ext.example"]
    again = env.client.post(f"/api/v1/quarantine/{ids[0]}/release", json={"comment": "x"}, headers=sup)
    assert again.status_code == 409 and len(env.released()) == 1
    rej = env.client.post(f"/api/v1/quarantine/{ids[1]}/reject", json={"comment": "client data"}, headers=sup)
    assert rej.status_code == 200 and rej.json()["status"] == "rejected"
    assert any("client data" in n.body for n in env.notices("alice@corp.example"))
    history = env.client.get(f"/api/v1/quarantine/{ids[0]}", headers=sup).json()["history"]
    assert [(h["action"], h["actor"]) for h in history] == [("held", "system"), ("release", "supervisor")]


def test_four_eyes_and_comment_required_over_api(engine: sa.Engine) -> None:
    env = Env(engine)
    eid = env.hold(required_approvals=2, comment_required=True)[0]
    url = f"/api/v1/quarantine/{eid}/release"
    no_comment = env.client.post(url, json={}, headers=env.headers("supervisor"))
    assert no_comment.status_code == 422 and no_comment.json()["detail"][0]["loc"] == ["body", "comment"]
    first = env.client.post(url, json={"comment": "ok"}, headers=env.headers("supervisor"))
    assert first.json()["action"] == "approve" and first.json()["pending_approvals"] == 1
    same = env.client.post(url, json={"comment": "ok again"}, headers=env.headers("supervisor"))
    assert same.status_code == 409 and env.released() == []
    second = env.client.post(url, json={"comment": "agreed"}, headers=env.headers("compliance"))
    assert second.status_code == 200 and second.json()["status"] == "released"
    assert len(env.released()) == 1


def test_bulk_per_id_results(engine: sa.Engine) -> None:
    env = Env(engine)
    a, b = env.hold()[0], env.hold()[0]
    other = env.hold(department="sales", reviewers=["admin@corp.example"])[0]
    env.quarantine.reject(b, "admin@corp.example", "earlier")
    resp = env.client.post(
        "/api/v1/quarantine/release",
        json={"ids": [a, b, other, 999999], "comment": "bulk"},
        headers=env.headers("supervisor"),
    )
    assert resp.status_code == 200
    body = resp.json()
    assert body["total"] == 4 and body["next"] is None
    assert {i["id"]: i["status_code"] for i in body["items"]} == {a: 200, b: 409, other: 404, 999999: 404}
    assert len(env.released()) == 1
    rej = env.client.post(
        "/api/v1/quarantine/reject",
        json={"ids": [other], "comment": "no", "silent": True},
        headers=env.headers("admin"),
    )
    assert rej.json()["items"][0]["status"] == "rejected"


def test_concurrent_release_over_api(engine: sa.Engine) -> None:
    env = Env(engine)
    eid = env.hold()[0]
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def reviewer(who: str) -> None:
        with TestClient(env.app) as client:
            barrier.wait()
            resp = client.post(
                f"/api/v1/quarantine/{eid}/release", json={"comment": who}, headers=env.headers(who)
            )
            codes.append(resp.status_code)

    threads = [threading.Thread(target=reviewer, args=(w,)) for w in ("supervisor", "compliance")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409]
    assert len(env.released()) == 1


def test_sender_self_release_over_api(engine: sa.Engine) -> None:
    env = Env(engine)
    ids = env.hold(recipients=("x@ext.example", "y@ext.example"), sender_may_release=True)
    body = env.notices("alice@corp.example")[0].body
    token = body.split("token=")[1].split()[0]
    info = env.client.get("/api/v1/sender-release", params={"token": token})
    assert info.status_code == 200 and info.json()["status"] == "held"
    tampered = token[:-1] + ("1" if token[-1] == "0" else "0")
    assert env.client.get("/api/v1/sender-release", params={"token": tampered}).status_code == 403
    bad = env.client.post("/api/v1/sender-release", json={"token": token + "x", "justification": "x"})
    assert bad.status_code == 403
    ok = env.client.post("/api/v1/sender-release", json={"token": token, "justification": "customer asked"})
    assert ok.status_code == 200 and ok.json()["actor"] == "sender:alice@corp.example"
    assert sorted(env.released()[0].recipients) == ["x@ext.example", "y@ext.example"]
    assert (
        env.client.post("/api/v1/sender-release", json={"token": token, "justification": "again"}).status_code
        == 409
    )
    assert env.quarantine.get(ids[1])["status"] == "released"


def test_archive_rules_reports_users(engine: sa.Engine) -> None:
    env = Env(engine)
    env.hold()
    h = env.headers("admin")
    aid = env.archive.add(b"Subject: hello\r\n\r\nplain body\r\n")
    page = env.client.get("/api/v1/archive/search", params={"q": "hello", "limit": 1}, headers=h).json()
    assert page == {"items": [{"id": aid, "size": 30}], "total": 1, "total_exact": True, "next": None}
    assert env.client.get("/api/v1/archive/search?cursor=x", headers=h).status_code == 422
    view = env.client.get(f"/api/v1/archive/{aid}", headers=env.headers("auditor")).json()
    assert view["subject"] == "hello" and view["text"].strip() == "plain body"
    assert env.client.get(f"/api/v1/archive/{aid}/raw", headers=h).content.startswith(b"Subject: hello")

    raw = b"Subject: x\r\n\r\nConfidential plan\r\n"
    verdict = env.client.post(
        "/api/v1/rules/test",
        json={
            "message_base64": base64.b64encode(raw).decode(),
            "mail_from": "a@corp.example",
            "rcpt_to": ["b@ext"],
        },
        headers=h,
    ).json()
    assert verdict["action"] == "quarantine" and list(verdict["recipients"]) == ["b@ext"]
    assert env.client.post("/api/v1/rules/reload", headers=h).json() == {"ok": True}
    env.rules.broken = True
    bad = env.client.post("/api/v1/rules/reload", headers=h)
    assert bad.status_code == 422 and "rules.yaml:3" in bad.json()["detail"]

    summary = env.client.get("/api/v1/reports/summary", headers=env.headers("auditor")).json()
    assert summary["quarantine"]["rule"] == {"confidential-outbound": 1}
    assert summary["archive"] == {"verdict": {"delivered": 3, "quarantined": 1}}
    csv_text = env.client.get("/api/v1/reports/summary?format=csv", headers=h).text
    assert csv_text.splitlines()[0] == "source,dimension,key,count"
    assert "quarantine,department,finance,1" in csv_text

    users = env.client.get("/api/v1/users", headers=h).json()
    assert {u["name"]: u["role"] for u in users["items"]}["supervisor_other"] == "supervisor"
    assert all("token" not in k for u in users["items"] for k in u if k != "active_tokens")

    me = env.client.put(
        "/api/v1/me/notifications", json={"frequency": "hourly"}, headers=env.headers("supervisor")
    )
    assert me.json() == {"email": "supervisor@corp.example", "notifications": "hourly"}
    assert env.quarantine.reviewer_preference("supervisor@corp.example") == "hourly"


def test_nobody_releases_their_own_message(engine: sa.Engine) -> None:
    env = Env(engine)
    eid = env.hold(mail_from="Supervisor@corp.example")[0]
    own = env.client.post(
        f"/api/v1/quarantine/{eid}/release", json={"comment": "mine"}, headers=env.headers("supervisor")
    )
    assert own.status_code == 403 and env.released() == []
    bulk = env.client.post(
        "/api/v1/quarantine/release", json={"ids": [eid]}, headers=env.headers("supervisor")
    )
    assert bulk.json()["items"][0]["status_code"] == 403 and env.released() == []
    other = env.client.post(
        f"/api/v1/quarantine/{eid}/release", json={"comment": "ok"}, headers=env.headers("compliance")
    )
    assert other.status_code == 200 and len(env.released()) == 1


def test_sender_release_html_form(engine: sa.Engine) -> None:
    env = Env(engine)
    env.hold(recipients=("x@ext.example", "y@ext.example"), sender_may_release=True)
    token = env.notices("alice@corp.example")[0].body.split("token=")[1].split()[0]
    html_headers = {"Accept": "text/html"}
    page = env.client.get("/api/v1/sender-release", params={"token": token}, headers=html_headers,
                          follow_redirects=False)  # a browser goes to the sender's page
    assert page.status_code == 303 and page.headers["location"] == f"/sender?token={token}"
    shown = env.client.get("/api/v1/sender-release", params={"token": token}, headers=html_headers)
    assert shown.status_code == 200 and "x@ext.example, y@ext.example" in shown.text
    assert "'unsafe-inline'" not in shown.headers["content-security-policy"]
    bad = env.client.get("/api/v1/sender-release", params={"token": "1.2.3"}, headers=html_headers)
    assert bad.status_code == 403 and "not valid" in bad.text
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    empty = env.client.post(
        "/api/v1/sender-release/confirm", content=f"token={token}&justification=", headers=form
    )
    assert empty.status_code == 422 and env.released() == []
    done = env.client.post(
        "/api/v1/sender-release/confirm", content=f"token={token}&justification=customer+asked", headers=form
    )
    assert done.status_code == 200 and "being delivered" in done.text
    assert sorted(env.released()[0].recipients) == ["x@ext.example", "y@ext.example"]
    again = env.client.post(
        "/api/v1/sender-release/confirm", content=f"token={token}&justification=x", headers=form
    )
    assert again.status_code == 409 and len(env.released()) == 1
    assert env.quarantine.history(1)[-1]["comment"] == "customer asked"
