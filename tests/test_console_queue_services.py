"""The console's read models and decisions on a real database (SQLite and PostgreSQL):
triage queue (filters, search, sort, paging, scope), timeline, false-positive marks counted
per rule, bulk decisions under one comment, and the sender's withdraw."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from quarantine import tables as qt
from quarantine.evidence_view import panel, summarise
from quarantine.false_positives import counts
from quarantine.service import (
    AlreadyDecided,
    CommentRequired,
    InvalidRule,
    InvalidToken,
    QuarantineService,
    Reviewer,
    TriageQuery,
)
from tests.test_quarantine_service import Clock, hold, make_service, notices, released

BOSS = Reviewer("boss", "supervisor", frozenset({"boss@corp.example"}))
CFO = Reviewer("cfo", "supervisor", frozenset({"cfo@corp.example"}))

EVIDENCE = [{
    "rule": "confidential-outbound", "action": "quarantine", "mode": "enforce", "score": 0.0,
    "description": "Confidential marker to outside", "recipients": [],
    "evidence": [{"where": "subject", "snippet": "机密 合同"},
                 {"where": "body", "snippet": "card **** **** **** 1111 ok"}],
}, {
    "rule": "spam-score", "action": "quarantine", "mode": "enforce", "score": 7.5, "description": "",
    "recipients": [], "evidence": [{"where": "body", "snippet": "BUY NOW"}],
}]


def setup(engine: sa.Engine, clock: Clock | None = None) -> tuple[QuarantineService, Clock]:
    clock = clock or Clock()
    svc = make_service(engine, clock)
    return svc, clock


def subjects(mapping: dict[int, str]) -> Any:
    return lambda entry: mapping.get(entry["archive_id"])


def test_triage_filters_search_sort_paging_scope(engine: sa.Engine) -> None:
    svc, clock = setup(engine)
    a = hold(svc, archive_id=1, recipients=["x@ext.example", "y@ext.example"], evidence=EVIDENCE,
             rules=["confidential-outbound", "spam-score"])
    clock.now += 60
    b = hold(svc, archive_id=2, mail_from="carol@corp.example", recipients=["z@ext.example"],
             department="sales", reviewers=["sales-boss@corp.example"], rules=["card-numbers"])
    clock.now += 60
    c = hold(svc, archive_id=3, recipients=["w@ext.example"], required_approvals=2,
             reviewers=["boss@corp.example", "cfo@corp.example"])
    svc.release(c[0], BOSS, "fine by me")  # one of two approvals
    subj = subjects({1: "机密 合同草案", 2: "Card list", 3: "Quarterly"})
    desc = {"confidential-outbound": "Confidential marker to outside"}.get

    page = svc.triage(TriageQuery(), subject_of=subj, describe=lambda r: desc(r) or r)
    assert page.total == 4 and [r["id"] for r in page.rows] == [c[0], b[0], a[1], a[0]]  # newest first
    row = next(r for r in page.rows if r["id"] == a[0])
    assert row["recipients"] == ["x@ext.example", "y@ext.example"] and row["subject"] == "机密 合同草案"
    assert row["rules"][0] == {"name": "confidential-outbound", "description": "Confidential marker to outside"}
    assert row["evidence"][0]["count"] == 2 and row["evidence"][0]["where"] == ["subject", "body"]
    assert row["evidence"][1]["confidence"] == 7.5
    assert row["time_left"] == pytest.approx(14 * 86400 - 120)
    four = next(r for r in page.rows if r["id"] == c[0])
    assert (four["approvals_given"], four["approvals_needed"]) == (1, 2)
    assert page.rules == ["card-numbers", "confidential-outbound", "spam-score"]
    assert page.departments == ["finance", "sales"]

    assert [r["id"] for r in svc.triage(TriageQuery(department="sales")).rows] == b
    assert [r["id"] for r in svc.triage(TriageQuery(rule="spam-score")).rows] == [a[1], a[0]]
    assert [r["id"] for r in svc.triage(TriageQuery(sender="CAROL@corp.example")).rows] == b
    assert [r["id"] for r in svc.triage(TriageQuery(recipient="w@ext.example")).rows] == c
    assert [r["id"] for r in svc.triage(TriageQuery(after=clock.now - 90, before=clock.now - 30)).rows] == b
    # search: subject (decrypted per answer), address, rule; LIKE wildcards are literal
    assert [r["id"] for r in svc.triage(TriageQuery(q="合同"), subject_of=subj).rows] == [a[1], a[0]]
    assert [r["id"] for r in svc.triage(TriageQuery(q="carol"), subject_of=subj).rows] == b
    assert [r["id"] for r in svc.triage(TriageQuery(q="card-num"), subject_of=subj).rows] == b
    assert svc.triage(TriageQuery(q="%"), subject_of=subj).total == 0
    # sort and paging
    asc = svc.triage(TriageQuery(sort="sender", descending=False, per_page=25))
    assert [r["sender"] for r in asc.rows][0] == "alice@corp.example" and asc.rows[-1]["sender"] == "carol@corp.example"
    for i in range(60):
        hold(svc, archive_id=100 + i, recipients=[f"r{i}@ext.example"])
    p1, p3 = svc.triage(TriageQuery(per_page=25)), svc.triage(TriageQuery(per_page=25, page=3))
    assert (p1.total, p1.pages, len(p1.rows), len(p3.rows)) == (64, 3, 25, 14)
    assert not {r["id"] for r in p1.rows} & {r["id"] for r in p3.rows}
    # scope: a supervisor of sales sees sales, plus what is routed to them
    scoped = svc.triage(TriageQuery(), departments={"sales"}, reviewer=["nobody@corp.example"])
    assert [r["id"] for r in scoped.rows] == b and scoped.departments == ["sales"]
    routed = svc.triage(TriageQuery(), departments=set(), reviewer=["cfo@corp.example"])
    assert [r["id"] for r in routed.rows] == c
    # status filter: decided entries leave the held queue
    svc.reject(b[0], Reviewer("sb", "supervisor", frozenset({"sales-boss@corp.example"})), "no")
    assert b[0] not in {r["id"] for r in svc.triage(TriageQuery(per_page=100)).rows}
    assert [r["id"] for r in svc.triage(TriageQuery(status="rejected")).rows] == b
    for bad in (dict(sort="subject; drop"), dict(status="gone"), dict(per_page=7), dict(page=0)):
        with pytest.raises(ValueError):
            TriageQuery(**bad)


def test_timeline_received_to_delivery(engine: sa.Engine) -> None:
    svc, clock = setup(engine)
    archive_id = 5
    [eid] = hold(svc, archive_id=archive_id, recipients=["x@ext.example"], required_approvals=2,
                 reviewers=["boss@corp.example", "cfo@corp.example"])
    clock.now += 100
    svc.release(eid, BOSS, "ok from me")
    clock.now += 100
    svc.release(eid, CFO, "ok too")
    record = {"received_at": clock.now - 205, "verdict": "quarantine", "direction": "outbound",
              "rules": ["confidential-outbound"]}
    events = svc.timeline(eid, record=record, deliveries=[
        {"at": clock.now + 5, "recipient": "x@ext.example", "status": "queued", "code": 451, "text": "try later",
         "attempts": 1},
        {"at": clock.now + 65, "recipient": "x@ext.example", "status": "delivered", "code": 250, "text": "ok",
         "attempts": 2}])
    kinds = [e["kind"] for e in events]
    assert kinds == ["received", "screened", "held", "notified", "approved", "released", "delivery", "delivery"]
    assert events[1]["detail"] == {"verdict": "quarantine", "rules": ["confidential-outbound"]}
    assert set(events[3]["recipients"]) == {"boss@corp.example", "cfo@corp.example"}
    assert (events[4]["actor"], events[4]["comment"]) == ("boss", "ok from me")
    assert (events[5]["actor"], events[5]["comment"]) == ("cfo", "ok too")
    assert [e["detail"]["code"] for e in events[6:]] == [451, 250]


def test_false_positive_marks_counted_per_rule(engine: sa.Engine) -> None:
    svc, clock = setup(engine)
    a = hold(svc, archive_id=1, recipients=["x@ext.example", "y@ext.example"],
             rules=["confidential-outbound", "spam-score"])
    b = hold(svc, archive_id=2, recipients=["z@ext.example"], department="sales", rules=["spam-score"])
    with pytest.raises(CommentRequired):
        svc.mark_false_positive(a[0], "boss", " \u200b ")
    with pytest.raises(InvalidRule):
        svc.mark_false_positive(a[0], "boss", "newsletter", rules=["card-numbers"])
    assert svc.mark_false_positive(a[0], "boss", "a newsletter") == ["confidential-outbound", "spam-score"]
    svc.mark_false_positive(a[0], "cfo", "agreed", rules=["spam-score"])  # same entry: counted once
    svc.mark_false_positive(a[1], "boss", "same message, other recipient", rules=["spam-score"])
    clock.now += 10
    svc.mark_false_positive(b[0], "boss", "price list", rules=["spam-score"])
    svc.mark_false_positive(b[0], "boss", "price list, reworded")  # again: replaces, no second row
    assert counts(engine) == {"confidential-outbound": 1, "spam-score": 3}
    assert counts(engine, departments={"sales"}) == {"spam-score": 1}
    assert counts(engine, after=clock.now - 5) == {"spam-score": 1}
    marks = svc.false_positive_marks(b[0])
    assert [(m["actor"], m["reason"]) for m in marks] == [("boss", "price list, reworded")]


def test_bulk_reject_twenty_under_one_comment(engine: sa.Engine) -> None:
    svc, _ = setup(engine)
    ids = [hold(svc, archive_id=10 + i, recipients=[f"r{i}@ext.example"])[0] for i in range(20)]
    other = hold(svc, archive_id=99, department="sales", reviewers=["sales-boss@corp.example"],
                 recipients=["s@ext.example"])[0]
    with pytest.raises(CommentRequired):
        svc.decide_many(ids, BOSS, "reject", "   ")
    results = svc.decide_many([*ids, other, 424242], BOSS, "reject", "newsletter run, not confidential",
                              visible=lambda e: e["department"] == "finance")
    assert [r.ok for r in results] == [True] * 20 + [False, False]
    assert [r.outcome for r in results[20:]] == ["not_found", "not_found"]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(qt.decisions.c.comment).where(qt.decisions.c.action == "reject")).scalars().all()
    assert rows == ["newsletter run, not confidential"] * 20
    assert svc.get(other)["status"] == "held"
    again = svc.decide_many(ids[:2], BOSS, "release", "changed my mind")
    assert [r.outcome for r in again] == ["already_decided"] * 2


def test_sender_withdraw_rejects_and_release_after_is_refused(engine: sa.Engine) -> None:
    svc, _ = setup(engine)
    ids = hold(svc, recipients=["x@ext.example", "y@ext.example"], sender_may_release=True, comment_required=True)
    token = notices(engine, "alice@corp.example")[0].body.split("token=")[1].split()[0]
    view = svc.sender_view(token)
    assert view["status"] == "held" and view["recipients"] == ["x@ext.example", "y@ext.example"]
    d = svc.withdraw_by_sender(token)
    assert d.action == "sender-withdraw" and d.status == "rejected" and set(d.entry_ids) == set(ids)
    assert released(engine) == []
    assert [svc.get(i)["status"] for i in ids] == ["rejected", "rejected"]
    with pytest.raises(AlreadyDecided):
        svc.confirm_by_sender(token, "too late")
    assert svc.sender_view(token)["status"] == "rejected"
    with pytest.raises(InvalidToken):
        svc.withdraw_by_sender(token[:-1] + ("0" if token[-1] != "0" else "1"))
    # the reviewer hears it was withdrawn, the sender is not mailed about their own choice
    boss = notices(engine, "boss@corp.example")
    assert "withdrawn" in boss[-1].body
    assert len(notices(engine, "alice@corp.example")) == 1


def test_evidence_panel_and_summary_shapes() -> None:
    [p0, p1] = panel(EVIDENCE, terms_of=lambda r: ["机密"] if r == "confidential-outbound" else [])
    assert p0["items"][0]["segments"] == [("机密", True), (" 合同", False)]
    assert p0["items"][1]["segments"] == [("card ", False), ("**** **** **** 1111", True), (" ok", False)]
    assert p1["confidence"] == 7.5
    assert summarise("not a list") == [] and summarise([{"where": "body", "snippet": "x"}])[0]["count"] == 1
