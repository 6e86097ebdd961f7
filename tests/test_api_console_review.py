"""The JSON API beneath the console's entry and sender pages (SQLite and PostgreSQL): the
timeline, the false-positive mark, the sender's withdraw. Same services as the pages."""

from __future__ import annotations

import sqlalchemy as sa

from admin_api.tables import audit
from quarantine.false_positives import counts
from tests.test_api_support import Env


def test_timeline_and_scope(engine: sa.Engine) -> None:
    env = Env(engine)
    [eid] = env.hold()
    sup = env.headers("supervisor")
    ok = env.client.post(f"/api/v1/quarantine/{eid}/release", json={"comment": "fine"}, headers=sup)
    assert ok.status_code == 200, ok.text
    items = env.client.get(f"/api/v1/quarantine/{eid}/timeline", headers=sup).json()["items"]
    assert [i["kind"] for i in items] == ["held", "notified", "released"]
    assert items[-1]["actor"] == "supervisor" and items[-1]["comment"] == "fine"
    other = env.client.get(f"/api/v1/quarantine/{eid}/timeline", headers=env.headers("supervisor_other"))
    assert other.status_code == 404  # another department's entry does not exist for them
    assert env.client.get(f"/api/v1/quarantine/{eid}/timeline", headers=env.headers("auditor")).status_code == 200


def test_false_positive_mark(engine: sa.Engine) -> None:
    env = Env(engine)
    [eid] = env.hold(rules=["confidential-outbound", "spam-ish"])
    url = f"/api/v1/quarantine/{eid}/false-positive"
    sup = env.headers("supervisor")
    assert env.client.post(url, json={"reason": "   "}, headers=sup).status_code == 422
    bad = env.client.post(url, json={"reason": "x", "rules": ["nope"]}, headers=sup)
    assert bad.status_code == 422 and any("rules" in e["loc"] for e in bad.json()["detail"])
    assert env.client.post(url, json={"reason": "x"}, headers=env.headers("auditor")).status_code == 403
    assert env.client.post(url, json={"reason": "x"}, headers=env.headers("supervisor_other")).status_code == 404
    ok = env.client.post(url, json={"reason": "a price list", "rules": ["spam-ish"]}, headers=sup)
    assert ok.status_code == 200 and ok.json()["rules"] == ["spam-ish"]
    assert counts(engine) == {"spam-ish": 1}
    with engine.connect() as conn:
        last = conn.execute(sa.select(audit).order_by(audit.c.id.desc()).limit(1)).first()
    assert last.action == "quarantine.false_positive" and last.actor == "supervisor"
    assert env.quarantine.get(eid)["status"] == "held"  # a mark decides nothing


def test_sender_withdraw_json(engine: sa.Engine) -> None:
    env = Env(engine)
    ids = env.hold(recipients=("x@ext.example", "y@ext.example"), sender_may_release=True)
    token = env.notices("alice@corp.example")[0].body.split("token=")[1].split()[0]
    bad = env.client.post("/api/v1/sender-release/withdraw", json={"token": token + "x"})
    assert bad.status_code == 403
    ok = env.client.post("/api/v1/sender-release/withdraw", json={"token": token})
    assert ok.status_code == 200 and ok.json()["action"] == "sender-withdraw"
    assert [env.quarantine.get(i)["status"] for i in ids] == ["rejected", "rejected"] and env.released() == []
    again = env.client.post("/api/v1/sender-release", json={"token": token, "justification": "oops"})
    assert again.status_code == 409
