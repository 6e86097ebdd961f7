"""Who reviews a held message, and whether the approvals so far are enough.

A rule names review *sources* (``supervisor``, ``group:NAME``, ``department:NAME``, an
address; ``default`` when it named none). At hold time each source is resolved to people
through the directory and the result is stored with the entry (``routes``), so the routing
a reviewer is judged against is the one that was announced to them. Only people in the
routes decide; a source that resolves to nobody (someone left the company) is given to
someone who stands in instead of silently stranding the message: for an absent department
head (``supervisor``) the department's review group, then the directory's default review
group -- the order escalation follows (``gateway.quarantine_wiring.escalation_levels``) --
and for any other source the default review group. A source nobody stands in for stays
empty (``Routing.unroutable``); the quarantine then tells the compliance officers and
administrators (:mod:`quarantine.unroutable`).

Approvals are counted per holding rule: each rule's needs (``count`` distinct people from
``sources``) must be met at once by *different* people, which is a bipartite matching of
approvers to approval slots — so the CFO who is also in the compliance group cannot be both
halves of a four-eyes pair.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


class DirectoryLike(Protocol):
    """What routing asks of the organisation's directory (``gateway.directory.Directory``)."""

    default_review_group: str | None

    def supervisors_of(self, department: str | None) -> tuple[str, ...]: ...

    def review_group_members(self, name: str) -> tuple[str, ...]: ...

    def reviewers_for(self, sender: str, review_group: str | None = None) -> tuple[str, ...]: ...

    def department_reviewers(self, department: str) -> tuple[str, ...]: ...

    def review_group_of(self, department: str | None) -> str | None: ...


@dataclass
class Routing:
    routes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rerouted: list[str] = field(default_factory=list)  # sources that resolved to nobody of their own
    stood_in: dict[str, str] = field(default_factory=dict)   # such a source -> the group standing in ("": none)

    @property
    def reviewers(self) -> list[str]:
        return list(dict.fromkeys(p for people in self.routes.values() for p in people))

    @property
    def unroutable(self) -> list[str]:
        """Sources nobody stands in for: no one can fill what is drawn from them."""
        return [s for s, people in self.routes.items() if not people]


def resolve(sources: Sequence[str], sender: str, department: str | None, directory: DirectoryLike) -> Routing:
    """Each source to the people it stands for now; an empty one to whoever stands in."""
    routing = Routing()
    for source in dict.fromkeys(sources or ("default",)):
        people = _people(source, sender, department, directory)
        if not people:
            routing.rerouted.append(source)
            routing.stood_in[source], people = stand_in(source, department, directory)
        routing.routes[source] = tuple(dict.fromkeys(p.lower() for p in people))
    return routing


def stand_in(source: str, department: str | None, directory: DirectoryLike) -> tuple[str, tuple[str, ...]]:
    """(group, its people) standing in for ``source`` that found nobody; ("", ()) when none can.
    An absent department head is stood in for by the department's review group first (as
    escalation does); anything else -- a named group above all -- by the default review group
    only, so a department's leads never stand in for compliance."""
    groups = [directory.review_group_of(department)] if source == "supervisor" else []
    for group in [*groups, directory.default_review_group]:
        people = directory.review_group_members(group) if group else ()
        if people:
            return str(group), tuple(people)
    return "", ()


def _people(source: str, sender: str, department: str | None, directory: DirectoryLike) -> tuple[str, ...]:
    if source == "default":
        return directory.reviewers_for(sender)
    if source == "supervisor":
        return directory.supervisors_of(department)
    if source.startswith("group:"):
        return directory.review_group_members(source[6:])
    if source.startswith("department:"):
        return directory.department_reviewers(source[11:])
    return (source,)


def matches(address: str, pattern: str) -> bool:
    """Directory patterns: an address, ``@domain`` or a glob like ``*@finance.example.com``."""
    address, pattern = address.lower(), pattern.lower()
    if pattern.startswith("@"):
        return address.endswith(pattern)
    if "*" in pattern or "?" in pattern:
        return fnmatch.fnmatchcase(address, pattern)
    return address == pattern


def in_source(addresses: Iterable[str], people: Iterable[str]) -> bool:
    people = list(people)
    return any(matches(a, p) for a in addresses for p in people)


def is_routed(addresses: Iterable[str], routes: Mapping[str, Sequence[str]]) -> bool:
    """Whether a person with these addresses is among the entry's reviewers."""
    addresses = list(addresses)
    return any(in_source(addresses, people) for people in routes.values())


def pending(quorum: Sequence[Mapping[str, Any]], routes: Mapping[str, Sequence[str]],
            approvers: Sequence[Mapping[str, Any]]) -> int:
    """How many more approvals are needed (0: every holding rule's needs are met)."""
    missing = 0
    for rule in quorum:
        slots = [tuple(need["from"]) for need in rule["needs"] for _ in range(int(need["count"]))]
        missing = max(missing, len(slots) - _matching(slots, routes, approvers))
    return missing


def _matching(slots: list[tuple[str, ...]], routes: Mapping[str, Sequence[str]],
              approvers: Sequence[Mapping[str, Any]]) -> int:
    """Size of a maximum matching of distinct approvers to slots (Kuhn's augmenting paths)."""
    fits = [
        [i for i, sources in enumerate(slots)
         if any(in_source(a["addresses"], routes.get(src, ())) for src in sources)]
        for a in approvers
    ]
    owner: dict[int, int] = {}

    def augment(person: int, seen: set[int]) -> bool:
        for slot in fits[person]:
            if slot in seen:
                continue
            seen.add(slot)
            if slot not in owner or augment(owner[slot], seen):
                owner[slot] = person
                return True
        return False

    return sum(1 for person in range(len(approvers)) if augment(person, set()))


def quorum_json(rule: str, sources: Sequence[str], count: int) -> dict[str, Any]:
    """A one-need quorum (older callers: ``count`` of the flat reviewer list)."""
    return {"rule": rule, "needs": [{"from": list(sources), "count": count}]}
