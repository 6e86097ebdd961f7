"""Rerouting after a directory change (dd32dbe), attacked from the side (SQLite and PostgreSQL):
- escalation: an undecided entry escalated to its department's review group, then someone
  leaves that group. Escalated people come from the directory (the department's review group,
  then the default review group), so the one who left must no longer decide;
- digests: a replaced supervisor who reads held mail in a daily digest must not be sent the
  entries routed away from them (subject, sender, recipients, rules: not theirs any more)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.directory import Directory
from gateway.quarantine_wiring import escalation_levels
from quarantine.errors import NotAuthorised
from tests.test_quarantine_service import Clock, hold, make_service, notices

TEXT = ("domains: [corp.example]\n"
        "groups: {compliance-team: [grace@corp.example], finance-leads: [%s]}\n"
        "default_review_group: compliance-team\n"
        "departments:\n"
        "  finance: {members: [alice@corp.example], supervisors: [cfo@corp.example], review_group: finance-leads}\n")


class LiveDirectory:
    """What the gateway's PolicyHolder gives the quarantine: the directory live now."""

    def __init__(self, path: Path) -> None:
        self.current = Directory.load(path)

    def directory(self) -> Directory:
        return self.current


def test_someone_who_left_the_review_group_no_longer_decides_what_was_escalated_to_them(
        engine, tmp_path: Path) -> None:  # noqa: ANN001
    """Seen failing on old code: gus, removed from finance-leads, still released the entry."""
    (tmp_path / "old.yaml").write_text(TEXT % "fay@corp.example, gus@corp.example")
    (tmp_path / "new.yaml").write_text(TEXT % "fay@corp.example")
    live = LiveDirectory(tmp_path / "old.yaml")
    clock = Clock()
    svc = make_service(engine, clock)
    svc.directory, svc.escalate_after = live.directory, 3 * 86400.0
    svc.escalation_levels = escalation_levels(live)          # what gateway/services.py wires
    quorum = [{"rule": "r", "needs": [{"from": ["supervisor"], "count": 1}]}]
    [eid] = hold(svc, recipients=["x@ext.example"], routes={"supervisor": ["cfo@corp.example"]}, quorum=quorum)
    assert svc.escalate(escalation_levels(live), clock.now + 3 * 86400 + 1) == 1   # the CFO is away
    assert svc.get(eid)["routes"]["escalation"] == ["fay@corp.example", "gus@corp.example"]

    live.current = Directory.load(tmp_path / "new.yaml")      # gus leaves finance-leads
    with pytest.raises(NotAuthorised, match="directory changed"):
        svc.release(eid, "gus@corp.example", "still mine?")
    entry = svc.get(eid)
    assert entry["routes"] == {"supervisor": ["cfo@corp.example"], "escalation": ["fay@corp.example"]}
    assert "gus@corp.example" in entry["history"][-1]["comment"]
    assert svc.reroute() == []                                # settled: nothing changes again
    assert svc.release(eid, "fay@corp.example", "for the CFO").status == "released"


def test_escalated_people_still_in_their_group_stay_without_levels_wired(engine, tmp_path: Path) -> None:  # noqa: ANN001
    """Without the levels wired (a service built without the gateway), escalation stays as it was."""
    (tmp_path / "old.yaml").write_text(TEXT % "fay@corp.example, gus@corp.example")
    live = LiveDirectory(tmp_path / "old.yaml")
    clock = Clock()
    svc = make_service(engine, clock)
    svc.directory, svc.escalate_after = live.directory, 3 * 86400.0
    quorum = [{"rule": "r", "needs": [{"from": ["supervisor"], "count": 1}]}]
    [eid] = hold(svc, recipients=["x@ext.example"], routes={"supervisor": ["cfo@corp.example"]}, quorum=quorum)
    assert svc.escalate(escalation_levels(live), clock.now + 3 * 86400 + 1) == 1
    live.current = Directory.load(tmp_path / "old.yaml")
    assert svc.reroute() == []
    assert svc.release(eid, "gus@corp.example", "for the CFO").status == "released"


def test_a_replaced_supervisor_on_a_digest_is_not_sent_what_was_routed_away(engine, tmp_path: Path) -> None:  # noqa: ANN001
    """Seen failing on old code: cfo's daily digest still listed the entry rerouted to cfo2."""
    (tmp_path / "old.yaml").write_text(TEXT % "fay@corp.example")
    (tmp_path / "new.yaml").write_text((TEXT % "fay@corp.example").replace("[cfo@corp.example]",
                                                                          "[cfo2@corp.example]"))
    live = LiveDirectory(tmp_path / "old.yaml")
    clock = Clock()
    svc = make_service(engine, clock)
    svc.directory = live.directory
    for person in ("cfo@corp.example", "cfo2@corp.example"):
        svc.set_reviewer_preference(person, "daily")
    quorum = [{"rule": "r", "needs": [{"from": ["supervisor"], "count": 1}]}]
    [eid] = hold(svc, recipients=["x@ext.example"], routes={"supervisor": ["cfo@corp.example"]}, quorum=quorum)
    [other] = hold(svc, archive_id=8, recipients=["y@ext.example"], routes={"legal": ["cfo@corp.example"]},
                   quorum=[{"rule": "r", "needs": [{"from": ["legal"], "count": 1}]}])   # a named route: stays
    live.current = Directory.load(tmp_path / "new.yaml")      # finance's head is cfo2 now
    assert svc.reroute() == [eid]
    assert svc.send_digests(clock.now) == 2
    [old] = notices(engine, "cfo@corp.example")
    assert f"/quarantine/{other}\n" in old.body and f"/quarantine/{eid}\n" not in old.body
    [new] = notices(engine, "cfo2@corp.example")
    assert f"/quarantine/{eid}\n" in new.body
