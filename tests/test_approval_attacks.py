"""Attacks on the approval policy that held on main's first landing of issue 14, and fixes.

Real database (SQLite and PostgreSQL through the ``engine`` fixture), the real service.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from quarantine.model import Reviewer
from quarantine.service import AlreadyDecided, NotAuthorised
from tests.test_quarantine_service import Clock, hold, make_service, released

GRACE = Reviewer(name="grace", role="compliance", addresses=frozenset({"grace@example.com"}))
HEIDI = Reviewer(name="heidi", role="compliance", addresses=frozenset({"heidi@example.com"}))


@pytest.mark.parametrize("sent_as", ["grace+q3@example.com", "Grace+Q3@Example.COM", "GRACE@example.com"])
def test_reviewer_cannot_release_own_message_sent_from_a_plus_address(engine: sa.Engine, sent_as: str) -> None:
    """grace sends from a sub-address (her relay lets her) and is routed her own message:
    the separation of duties must see through ``+detail`` and case."""
    svc = make_service(engine)
    [entry] = hold(svc, mail_from=sent_as, recipients=["x@ext.example"], department=None,
                   reviewers=["grace@example.com", "heidi@example.com"], review_group="compliance-team")
    with pytest.raises(NotAuthorised):
        svc.release(entry, GRACE, "fine")
    with pytest.raises(NotAuthorised):
        svc.release(entry, GRACE, "fine", override=True)
    assert released(engine) == []
    svc.release(entry, HEIDI, None)  # somebody else may
    assert len(released(engine)) == 1


def test_no_decision_once_the_hold_has_expired(engine: sa.Engine) -> None:
    """Between ``expires_at`` and the next expiry sweep the entry still says 'held'; a late
    release must not beat the rule's on_expiry (here: reject → expired)."""
    clock = Clock()
    svc = make_service(engine, clock)
    [entry] = hold(svc, recipients=["x@ext.example"])
    clock.now += 14 * 86400 + 1
    with pytest.raises(AlreadyDecided):
        svc.release(entry, "boss@corp.example", None)
    assert released(engine) == []
    assert svc.expire() == 1
    assert svc.get(entry)["status"] == "expired"


def test_escalation_stands_in_for_the_department_head_not_for_compliance(engine: sa.Engine) -> None:
    """A department's review group (escalation level 1) replaces an absent head; two of its
    members must not also fill the compliance half of a four-eyes pair."""
    clock = Clock()
    svc = make_service(engine, clock)
    svc.escalate_after = 86400.0
    routes = {"supervisor": ["cfo@corp.example"], "group:compliance-team": ["grace@corp.example"]}
    quorum = [{"rule": "r", "needs": [{"from": ["supervisor"], "count": 1},
                                      {"from": ["group:compliance-team"], "count": 1}]}]
    [eid] = hold(svc, recipients=["x@ext.example"], routes=routes, quorum=quorum)
    levels = lambda entry: [["lead1@corp.example", "lead2@corp.example"]]  # noqa: E731
    assert svc.escalate(levels, clock.now + 86400 + 1) == 1
    assert svc.release(eid, "lead1@corp.example", "for the CFO").status == "held"
    # a second department lead does not take the compliance slot
    assert svc.release(eid, "lead2@corp.example", "me too").status == "held"
    assert released(engine) == []
    assert svc.release(eid, "grace@corp.example", "compliance ok").status == "released"


def test_over_the_api_a_sub_address_is_still_the_reviewer(engine: sa.Engine) -> None:
    """The routed supervisor sends from supervisor+q3@: release, bulk release and reject over
    the API all answer 403; a whitespace-only override comment is refused; compliance decides."""
    from tests.test_api_support import Env

    env = Env(engine)
    [eid] = env.hold(mail_from="Supervisor+Q3@corp.example")
    sup = env.headers("supervisor")
    own = env.client.post(f"/api/v1/quarantine/{eid}/release", json={"comment": "mine"}, headers=sup)
    assert own.status_code == 403, own.text
    bulk = env.client.post("/api/v1/quarantine/release", json={"ids": [eid]}, headers=sup)
    assert bulk.json()["items"][0]["status_code"] == 403
    rej = env.client.post(f"/api/v1/quarantine/{eid}/reject", json={"comment": "mine"}, headers=sup)
    assert rej.status_code == 403 and env.released() == []
    blank = env.client.post(f"/api/v1/quarantine/{eid}/release", json={"comment": " \t ", "override": True},
                            headers=env.headers("compliance"))
    assert 400 <= blank.status_code < 500 and env.released() == []
    ok = env.client.post(f"/api/v1/quarantine/{eid}/release", json={"comment": "ok"},
                         headers=env.headers("compliance"))
    assert ok.status_code == 200 and ok.json()["status"] == "released" and len(env.released()) == 1


def test_a_sub_address_keeps_the_senders_department_routing_and_language() -> None:
    """alice+q3@ is alice: her TOP SECRET mail must still go to the CFO (not fall outside every
    department to the default group, where two compliance officers would make the pair), and
    li.wei+x@ still reads Chinese."""
    from pathlib import Path

    from gateway.directory import Directory
    from quarantine.routing import resolve

    d = Directory.load(Path(__file__).parent.parent / "configs" / "directory.yaml")
    sender = "Alice+Q3@example.com"
    assert d.department_of(sender) == "finance"
    routing = resolve(["supervisor", "group:compliance-team"], sender, d.department_of(sender), d)
    assert routing.routes["supervisor"] == ("cfo@example.com",) and not routing.rerouted
    assert d.reviewers_for(sender) == ("cfo@example.com",)
    assert d.language_of("li.wei+x@example.com") == "zh-CN"
    assert "compliance-team" in d.groups_of("grace+x@example.com")
    assert d.department_of("nobody+x@example.com") is None


@pytest.mark.parametrize("blank", ["\u200b", " \u200b\u00a0\u2060 ", "\ufeff\t\u3000"])
def test_an_invisible_override_comment_is_no_comment(engine: sa.Engine, blank: str) -> None:
    """A zero-width space is not a reason: the override (and a comment_required decision)
    still needs words."""
    from quarantine.service import CommentRequired

    svc = make_service(engine)
    [entry] = hold(svc, recipients=["x@ext.example"])
    with pytest.raises(CommentRequired):
        svc.release(entry, GRACE, blank, override=True)
    assert released(engine) == []
    [strict] = hold(svc, archive_id=8, recipients=["y@ext.example"], comment_required=True)
    with pytest.raises(CommentRequired):
        svc.reject(strict, "boss@corp.example", blank)
    assert svc.get(strict)["status"] == "held"
