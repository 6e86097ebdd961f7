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
