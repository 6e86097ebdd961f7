"""A directory reload that leaves a held entry's reviewers empty (SQLite and PostgreSQL):
- the department's head is removed with no replacement: the department's review group stands
  in, then the default review group (the order escalation follows);
- nobody is left at all (no review group members, no default review group): the console's
  compliance officers and administrators are told, as at hold time;
and in each case the people added are told (a notice or their digest) and the ``rerouted``
decision says who stood in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from gateway.directory import Directory
from gateway.quarantine_wiring import unroutable_contacts
from quarantine import tables as qt
from quarantine.model import Reviewer
from tests.test_quarantine_service import Clock, hold, make_service, notices

TEXT = """\
domains: [corp.example]
groups: {compliance-team: [%(compliance)s], finance-leads: [%(leads)s]}
%(default)s
departments:
  finance: {members: [alice@corp.example], supervisors: [%(heads)s], review_group: finance-leads}
"""
QUORUM = [{"rule": "r", "needs": [{"from": ["supervisor"], "count": 1}]}]


def _directory(tmp_path: Path, name: str, *, heads: str = "cfo@corp.example", leads: str = "fay@corp.example",
               compliance: str = "grace@corp.example", default: bool = True) -> Directory:
    path = tmp_path / f"{name}.yaml"
    path.write_text(TEXT % {"heads": heads, "leads": leads, "compliance": compliance,
                            "default": "default_review_group: compliance-team" if default else ""})
    return Directory.load(path)


def _service(engine: sa.Engine, live: dict[str, Directory], told: list[str] | None = None) -> Any:
    svc = make_service(engine, Clock())
    svc.directory = lambda: live["directory"]
    svc.unroutable_contacts = lambda _conn: list(told or [])
    return svc


def _rerouted(svc: Any, eid: int) -> dict[str, Any]:
    [record] = [h for h in svc.get(eid)["history"] if h["action"] == "rerouted"]
    return record


def test_a_removed_head_is_replaced_by_the_departments_review_group(engine: sa.Engine, tmp_path: Path) -> None:
    """Seen failing on old code: the entry went to the default review group (grace), past the
    finance review group that escalation asks first."""
    live = {"directory": _directory(tmp_path, "old")}
    svc = _service(engine, live)
    [eid] = hold(svc, recipients=["x@ext.example"], routes={"supervisor": ["cfo@corp.example"]}, quorum=QUORUM)
    live["directory"] = _directory(tmp_path, "new", heads="")          # the CFO left; no one yet
    assert svc.reroute() == [eid]
    assert svc.get(eid)["routes"] == {"supervisor": ["fay@corp.example"]}
    assert "finance-leads" in _rerouted(svc, eid)["comment"]
    assert notices(engine, "fay@corp.example")[-1].subject.startswith("[mailwarden] Now routed to you")
    assert not notices(engine, "grace@corp.example")
    assert svc.release(eid, "fay@corp.example", "for the CFO").status == "released"


def test_with_the_review_group_empty_too_the_default_group_decides_and_a_digest_reader_gets_it_there(
        engine: sa.Engine, tmp_path: Path) -> None:
    live = {"directory": _directory(tmp_path, "old")}
    svc = _service(engine, live)
    svc.set_reviewer_preference("grace@corp.example", "daily")
    [eid] = hold(svc, recipients=["x@ext.example"], routes={"supervisor": ["cfo@corp.example"]}, quorum=QUORUM)
    [grouped] = hold(svc, archive_id=8, recipients=["y@ext.example"],
                     routes={"group:finance-leads": ["fay@corp.example"]},
                     quorum=[{"rule": "r", "needs": [{"from": ["group:finance-leads"], "count": 1}]}])
    live["directory"] = _directory(tmp_path, "new", heads="", leads="")
    assert sorted(svc.reroute()) == [eid, grouped]
    for entry_id in (eid, grouped):
        assert list(svc.get(entry_id)["routes"].values()) == [["grace@corp.example"]]
        assert "compliance-team" in _rerouted(svc, entry_id)["comment"]
    assert not notices(engine, "grace@corp.example")            # a daily digest reader: in the digest
    with engine.connect() as conn:
        queued = {r.entry_id for r in conn.execute(sa.select(qt.digest_items.c.entry_id).where(
            qt.digest_items.c.reviewer == "grace@corp.example"))}
    assert queued == {eid, grouped}


def test_with_nobody_left_the_compliance_officers_and_administrators_are_told(
        engine: sa.Engine, tmp_path: Path) -> None:
    """Seen failing on old code: routes emptied, nobody told -- the entry waited for expiry."""
    live = {"directory": _directory(tmp_path, "old", default=False)}
    told = ["grace@corp.example", "root@corp.example"]
    svc = _service(engine, live, told)
    [eid] = hold(svc, recipients=["x@ext.example"], routes={"supervisor": ["cfo@corp.example"]}, quorum=QUORUM)
    live["directory"] = _directory(tmp_path, "new", heads="", leads="", default=False)
    assert svc.reroute() == [eid]
    assert svc.get(eid)["routes"] == {"supervisor": []}
    comment = _rerouted(svc, eid)["comment"]
    assert "nobody" in comment and "grace@corp.example" in comment and "root@corp.example" in comment
    for person in told:
        [notice] = notices(engine, person)
        assert notice.subject.startswith("[mailwarden] Nobody can review")
        assert f"/quarantine/{eid}" in notice.body and "directory.yaml" in notice.body
    assert svc.reroute() == []                                   # settled: not told again
    assert len(notices(engine, "root@corp.example")) == 1
    # a compliance officer decides it as an override
    grace = Reviewer("grace", "compliance", frozenset({"grace@corp.example"}))
    assert svc.release(eid, grace, "directory fixed later", override=True).status == "released"


def test_an_entry_held_with_nobody_to_review_it_is_told_to_them_too(engine: sa.Engine, tmp_path: Path) -> None:
    """Hold time does the same (a source that found nobody, no default review group)."""
    live = {"directory": _directory(tmp_path, "old", heads="", leads="", default=False)}
    svc = _service(engine, live, ["root@corp.example"])
    [eid] = hold(svc, recipients=["x@ext.example"], routes={"supervisor": []}, quorum=QUORUM)
    [notice] = notices(engine, "root@corp.example")
    assert notice.subject.startswith("[mailwarden] Nobody can review") and f"/quarantine/{eid}" in notice.body


@pytest.mark.parametrize("language", ["zh-CN"])
def test_the_notice_reads_in_the_persons_language(language: str) -> None:
    from quarantine.notices import render

    subject, body = render("unroutable", language, ref=1, refs=[1], links=[("x@ext.example", "http://h/quarantine/1")],
                           link="http://h/quarantine/1", subject="Q3", sender="alice@corp.example",
                           recipients=["x@ext.example"], rules=[], reviewers=[], expires_at=None, required=1,
                           needs=[], internal=True, sources=["supervisor"])
    assert subject.startswith("[mailwarden] 无人可以审核") and "directory.yaml" in body


def test_the_people_told_are_the_enabled_compliance_officers_and_administrators(engine: sa.Engine) -> None:
    from admin_api.services import create_schema
    from admin_api.user_admin import set_disabled
    from admin_api.users import add_user

    create_schema(engine)
    add_user(engine, "grace", "compliance", email="grace@corp.example", addresses=["grace.w@corp.example"])
    add_user(engine, "heidi", "compliance", email="heidi@corp.example")
    add_user(engine, "root", "admin", email="root@corp.example")
    add_user(engine, "root2", "admin")                                    # no address: nobody to mail
    add_user(engine, "audrey", "auditor", email="audrey@corp.example")
    add_user(engine, "cfo", "supervisor", ["finance"], email="cfo@corp.example")
    set_disabled(engine, "heidi", True)
    with engine.connect() as conn:
        assert unroutable_contacts(conn) == ["grace@corp.example", "root@corp.example"]
