"""A compliance officer clearing held mail in bulk may override the routing as on one entry
(with the one comment, each decision recorded as an override); nobody else may, and without
the override an entry routed elsewhere stays refused. The queue page and the API both offer it
(SQLite and PostgreSQL through the ``engine`` fixture)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from admin_api.tables import audit
from tests.test_api_support import Env
from tests.test_console_review_pages import csrf_of, signed_in

ONLY_THE_SUPERVISOR = {"reviewers": ["supervisor@corp.example"]}


def _history(env: Env, entry_id: int) -> list[dict]:
    return env.client.get(f"/api/v1/quarantine/{entry_id}", headers=env.headers("compliance")).json()["history"]


def test_bulk_override_over_the_api(engine: sa.Engine) -> None:
    env = Env(engine)
    ids = [env.hold(recipients=(f"r{i}@ext.example",), **ONLY_THE_SUPERVISOR)[0] for i in range(3)]
    comp = env.headers("compliance")
    plain = env.client.post("/api/v1/quarantine/release", json={"ids": ids, "comment": "newsletters"}, headers=comp)
    assert [i["status_code"] for i in plain.json()["items"]] == [403, 403, 403] and env.released() == []
    sup_other = env.client.post("/api/v1/quarantine/release", headers=env.headers("supervisor_other"),
                                json={"ids": ids, "comment": "x", "override": True})
    assert {i["status_code"] for i in sup_other.json()["items"]} == {404}      # not even seen
    done = env.client.post("/api/v1/quarantine/reject", headers=comp,
                           json={"ids": ids, "comment": "newsletters, cleared in bulk", "override": True})
    assert [i["status_code"] for i in done.json()["items"]] == [200, 200, 200], done.text
    for entry_id in ids:
        [decision] = [h for h in _history(env, entry_id) if h["action"] == "reject"]
        assert decision["override"] is True and decision["comment"] == "newsletters, cleared in bulk"
    with engine.connect() as conn:
        details = [r.detail for r in conn.execute(sa.select(audit).where(audit.c.action == "quarantine.bulk_reject"))]
    assert any((d or {}).get("override") for d in details)


def test_bulk_override_on_the_queue_page(engine: sa.Engine) -> None:
    env = Env(engine)
    ids = [env.hold(recipients=(f"p{i}@ext.example",), **ONLY_THE_SUPERVISOR)[0] for i in range(2)]
    comp = signed_in(env, "compliance")
    page = comp.get("/queue").text
    assert 'id="bulk-override"' in page
    form = {"action": "release", "comment": "cleared", "ids": [str(i) for i in ids], "csrf": csrf_of(page)}
    refused = comp.post("/queue/decide", data=form)
    assert "Released: 0 of 2" in refused.text and env.released() == []
    done = comp.post("/queue/decide", data={**form, "override": "yes", "csrf": csrf_of(comp.get("/queue").text)})
    assert "Released: 2 of 2" in done.text and len(env.released()) == 2
    assert all(any(h.get("override") for h in _history(env, i)) for i in ids)
    # a supervisor is offered no override
    assert 'id="bulk-override"' not in signed_in(env, "supervisor").get("/queue").text
    assert re.search(r"override", comp.get(f"/quarantine/{ids[0]}").text)
