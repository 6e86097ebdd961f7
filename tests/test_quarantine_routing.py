"""Review routing: every source kept by the loader and the engine, approvals counted by
distinct people per source (unit level; the e2e file drives it through the gateway)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quarantine.errors import NotAuthorised
from quarantine.routing import is_routed, pending, resolve
from rules.loader import RuleSetError, load_ruleset
from rules.model import ApprovalNeed

RULE = """\
version: 1
rules:
  - name: r
    action: quarantine
    when: {{subject: {{terms: [x]}}}}
{extra}
"""


def _load(tmp_path: Path, extra: str):  # noqa: ANN202
    p = tmp_path / "rules.yaml"
    p.write_text(RULE.format(extra=extra))
    return load_ruleset(p).rule("r")


def test_review_keeps_every_source_and_approvals_per_source(tmp_path: Path) -> None:
    rule = _load(tmp_path, "    review: [supervisor, group:compliance-team, department:legal, Ann@Example.com]\n"
                           "    approvals: {supervisor: 1, group:compliance-team: 2}\n    on_expiry: release\n")
    assert rule.review == ("supervisor", "group:compliance-team", "department:legal", "ann@example.com")
    assert rule.needs == (ApprovalNeed(("supervisor",), 1), ApprovalNeed(("group:compliance-team",), 2))
    assert rule.approvals == 3 and rule.on_expiry == "release"


@pytest.mark.parametrize(("extra", "line", "key", "words"), [
    ("    review: [supervisor]\n    approvals: {group:compliance-team: 1}\n", 7, "group:compliance-team",
     "does not review"),
    ("    review: [superviser]\n", 6, "review", "'superviser': use supervisor"),
    ("    notify: [recipient]\n", 6, "notify", "'recipient': use sender, recipients"),
    ("    on_expiry: deliver\n", 6, "on_expiry", "must be reject or release"),
    ("    review: supervisor\n    approvals: {supervisor: 0}\n", 7, "supervisor", "at least 1"),
])
def test_bad_routing_names_file_line_key(tmp_path: Path, extra: str, line: int, key: str, words: str) -> None:
    with pytest.raises(RuleSetError) as exc:
        _load(tmp_path, extra)
    assert str(exc.value).startswith(f"{tmp_path / 'rules.yaml'}:{line}: {key}: "), str(exc.value)
    assert words in str(exc.value)


class _Dir:
    default_review_group = "compliance-team"
    groups = {"compliance-team": ("grace@example.com", "heidi@example.com", "cfo@example.com"),
              "empty": ()}

    def supervisors_of(self, department: str | None) -> tuple[str, ...]:
        return {"finance": ("cfo@example.com",)}.get(department or "", ())

    def review_group_members(self, name: str) -> tuple[str, ...]:
        return self.groups.get(name, ())

    def reviewers_for(self, sender: str, review_group: str | None = None) -> tuple[str, ...]:
        return self.supervisors_of("finance")

    def department_reviewers(self, name: str) -> tuple[str, ...]:
        return ()

    def review_group_of(self, department: str | None) -> str | None:
        return None


def test_distinct_people_per_source_even_when_someone_is_in_both() -> None:
    routing = resolve(["supervisor", "group:compliance-team"], "alice@example.com", "finance", _Dir())
    quorum = [{"rule": "r", "needs": [{"from": ["supervisor"], "count": 1},
                                      {"from": ["group:compliance-team"], "count": 1}]}]

    def approvers(*people: str) -> list[dict]:
        return [{"actor": p, "addresses": [p]} for p in people]

    # the CFO is also in the compliance group: alone, still one person
    assert pending(quorum, routing.routes, approvers("cfo@example.com")) == 1
    assert pending(quorum, routing.routes, approvers("grace@example.com", "heidi@example.com")) == 1
    assert pending(quorum, routing.routes, approvers("grace@example.com", "cfo@example.com")) == 0
    assert is_routed(["heidi@example.com"], routing.routes)
    assert not is_routed(["root@example.com"], routing.routes)


def test_a_source_that_finds_nobody_goes_to_the_default_group() -> None:
    routing = resolve(["group:empty", "supervisor"], "x@example.com", "sales", _Dir())
    assert routing.rerouted == ["group:empty", "supervisor"]
    assert routing.routes["supervisor"] == ("grace@example.com", "heidi@example.com", "cfo@example.com")


def test_escalation_lets_the_next_level_decide_and_reminds_once(engine) -> None:  # noqa: ANN001
    from tests.test_quarantine_service import Clock, hold, make_service, notices

    clock = Clock()
    svc = make_service(engine, clock)
    svc.remind_before, svc.escalate_after = 86400.0, 3 * 86400.0
    routes = {"supervisor": ["cfo@corp.example"], "group:compliance-team": ["grace@corp.example"]}
    quorum = [{"rule": "r", "needs": [{"from": ["supervisor"], "count": 1},
                                      {"from": ["group:compliance-team"], "count": 1}]}]
    [eid] = hold(svc, recipients=["x@ext.example"], routes=routes, quorum=quorum)
    with pytest.raises(NotAuthorised):
        svc.release(eid, "legal-head@corp.example", "not yet mine")
    levels = lambda entry: [["legal-head@corp.example"], ["grace@corp.example", "ivan@corp.example"]]  # noqa: E731
    assert svc.escalate(levels, clock.now + 86400) == 0                 # too early
    assert svc.escalate(levels, clock.now + 3 * 86400 + 1) == 1         # level 1: the department's review group
    assert notices(engine, "legal-head@corp.example")[-1].subject.startswith("[mailwarden] Escalated to you")
    assert svc.escalate(levels, clock.now + 3 * 86400 + 2) == 0         # not again until the next period
    assert svc.escalate(levels, clock.now + 6 * 86400 + 1) == 1         # level 2: compliance (grace known already)
    assert svc.get(eid)["routes"]["escalation"] == ["legal-head@corp.example", "ivan@corp.example"]
    assert svc.remind(clock.now + 12 * 86400) == 0
    assert svc.remind(clock.now + 13 * 86400 + 1) == 1
    assert svc.remind(clock.now + 13 * 86400 + 2) == 0                  # once
    assert any("Reminder" in n.subject for n in notices(engine, "cfo@corp.example"))
    # the escalated head and compliance make the pair without the absent CFO
    assert svc.release(eid, "legal-head@corp.example", "for the CFO").status == "held"
    assert svc.release(eid, "grace@corp.example", "compliance ok").status == "released"


def test_shipped_directory_resolves_departments_people_and_languages() -> None:
    from gateway.directory import Directory

    d = Directory.load(Path(__file__).parent.parent / "configs" / "directory.yaml")
    routing = resolve(["department:legal", "department:finance", "supervisor", "group:compliance-team"],
                      "bob@example.com", "engineering", d)
    assert routing.routes == {"department:legal": ("general-counsel@example.com",),
                              "department:finance": ("cfo@example.com",), "supervisor": ("cto@example.com",),
                              "group:compliance-team": ("grace@example.com", "heidi@example.com")}
    assert not routing.rerouted
    assert d.language_of("Li.Wei@example.com") == "zh-CN" and d.language_of("bob@example.com") is None
    assert d.is_known("cfo@example.com") and d.is_known("x@finance.example.com")
    assert not d.is_known("nobody@example.com")


def test_a_decision_follows_the_live_directory_even_before_the_reload_sweep(engine, tmp_path: Path) -> None:  # noqa: ANN001
    """The sweep after a reload may fail or not have reached an entry yet: the decision itself
    routes the entry again first. Only what the directory answers changes: a named address
    and the people added by escalation stay, and an approval counts only while routed."""
    from gateway.directory import Directory
    from tests.test_quarantine_service import Clock, hold, make_service, notices

    text = ("domains: [corp.example]\ngroups: {compliance-team: [grace@corp.example]}\n"
            "default_review_group: compliance-team\n"
            "departments:\n  finance: {members: [alice@corp.example], supervisors: [%s]}\n")
    (tmp_path / "old.yaml").write_text(text % "cfo@corp.example")
    (tmp_path / "new.yaml").write_text(text % "cfo2@corp.example")
    live = {"directory": Directory.load(tmp_path / "old.yaml")}
    svc = make_service(engine, Clock())
    svc.directory = lambda: live["directory"]
    routes = {"supervisor": ["cfo@corp.example"], "legal@corp.example": ["legal@corp.example"],
              "escalation": ["ivan@corp.example"]}
    quorum = [{"rule": "r", "needs": [{"from": ["supervisor"], "count": 1},
                                      {"from": ["legal@corp.example", "escalation"], "count": 1}]}]
    [eid] = hold(svc, recipients=["x@ext.example"], routes=routes, quorum=quorum)
    assert svc.reroute() == []                      # nothing changed: no record, no notice
    assert svc.release(eid, "cfo@corp.example", "fine").status == "held"   # one of two approvals

    live["directory"] = Directory.load(tmp_path / "new.yaml")   # live, but no sweep ran
    with pytest.raises(NotAuthorised, match="directory changed") as refused:
        svc.reject(eid, "cfo@corp.example", "changed my mind")
    assert refused.value.rerouted_to == ("cfo2@corp.example", "legal@corp.example", "ivan@corp.example")
    entry = svc.get(eid)
    assert entry["routes"] == {"supervisor": ["cfo2@corp.example"], "legal@corp.example": ["legal@corp.example"],
                               "escalation": ["ivan@corp.example"]}
    assert [h["action"] for h in entry["history"]] == ["held", "approve", "rerouted"]
    assert "cfo@corp.example -> cfo2@corp.example" in entry["history"][-1]["comment"]
    assert notices(engine, "cfo2@corp.example")[-1].subject.startswith("[mailwarden] Now routed to you")
    assert not [n for n in notices(engine, "legal@corp.example") if "Now routed" in n.subject]
    # the replaced head's approval no longer counts: the new head and legal make the pair
    assert svc.release(eid, "legal@corp.example", "ok").status == "held"
    assert svc.release(eid, "cfo2@corp.example", "ok").status == "released"
    assert svc.reroute() == []
