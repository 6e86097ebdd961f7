"""The organisation as mail sees it: our domains, departments, supervisors, groups.

Loaded from ``directory.yaml``; it implements the ``DirectoryView`` the rules engine asks
questions of, and classifies the direction of each recipient for the pipeline.
"""

from __future__ import annotations

import fnmatch
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from gateway.yamlfile import ConfigFileError, YamlDocument

INTERNAL, OUTBOUND, INBOUND = "internal", "outbound", "inbound"

_TOP_KEYS = {"domains", "departments", "groups", "external_senders", "default_review_group", "people"}
_PERSON_KEYS = {"name", "language"}
LANGUAGES = ("en", "zh-CN")
_DEPT_KEYS = {"members", "supervisors", "review_group", "description"}


def normalise(address: str) -> str:
    return address.strip().strip("<>").lower()


def mailbox_of(address: str) -> str:
    """The mailbox a sub-address delivers to (``alice+q3@x`` -> ``alice@x``), normalised.

    Relays let people send from their ``+detail`` sub-addresses; the person (department,
    groups, language) is the mailbox's, or a sub-address would fall outside every department
    and skip its head's review."""
    addr = normalise(address)
    local, at, domain = addr.rpartition("@")
    if not at or "+" not in local or local.startswith("+"):
        return addr
    return f"{local.split('+', 1)[0]}@{domain}"


def domain_of(address: str) -> str:
    return normalise(address).rpartition("@")[2]


@dataclass(frozen=True)
class Department:
    name: str
    members: tuple[str, ...]
    supervisors: tuple[str, ...]
    review_group: str | None = None


@dataclass
class Directory:
    domains: tuple[str, ...]
    departments: dict[str, Department] = field(default_factory=dict)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    external_senders: tuple[str, ...] = ()
    default_review_group: str | None = None  # who reviews mail from senders in no department
    people: dict[str, dict[str, str]] = field(default_factory=dict)  # address -> {name, language}
    # When this node read the file (Directory.load; None: built in code). Held entries record the
    # one they were routed under, so a node still running an older directory (nodes reload one by
    # one) does not route them back (quarantine/rerouting.py). Not part of equality.
    loaded_at: float | None = field(default=None, compare=False)

    # ---- loading --------------------------------------------------------------------
    @classmethod
    def load(cls, path: Path) -> Directory:
        doc = YamlDocument(path)
        data = doc.data
        if not isinstance(data, dict):
            raise doc.error("the file must be a mapping")
        for key in data:
            if key not in _TOP_KEYS:
                raise doc.error(f"unknown key (expected one of {', '.join(sorted(_TOP_KEYS))})", key)
        domains = data.get("domains")
        if not isinstance(domains, list) or not domains or not all(isinstance(d, str) for d in domains):
            raise doc.error("must be a non-empty list of domain names", "domains")
        groups: dict[str, tuple[str, ...]] = {}
        for name, members in (data.get("groups") or {}).items():
            if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
                raise doc.error("must be a list of addresses or patterns", "groups", name)
            groups[str(name)] = tuple(normalise(m) for m in members)
        departments: dict[str, Department] = {}
        for name, spec in (data.get("departments") or {}).items():
            if not isinstance(spec, dict):
                raise doc.error("must be a mapping with members and supervisors", "departments", name)
            for key in spec:
                if key not in _DEPT_KEYS:
                    raise doc.error(f"unknown key (expected one of {', '.join(sorted(_DEPT_KEYS))})",
                                    "departments", name, key)
            for key in ("members", "supervisors"):
                value = spec.get(key)
                if not isinstance(value, list) or not all(isinstance(m, str) for m in value):
                    raise doc.error("must be a list of addresses", "departments", name, key)
            review_group = spec.get("review_group")
            if review_group is not None and review_group not in groups:
                raise doc.error(f"unknown group {review_group!r}", "departments", name, "review_group")
            departments[str(name)] = Department(
                name=str(name),
                members=tuple(normalise(m) for m in spec["members"]),
                supervisors=tuple(normalise(m) for m in spec["supervisors"]),
                review_group=review_group,
            )
        external = data.get("external_senders") or []
        if not isinstance(external, list):
            raise doc.error("must be a list", "external_senders")
        for i, entry in enumerate(external):
            if entry.startswith("group:") and entry[6:] not in groups:
                raise doc.error(f"unknown group {entry[6:]!r}", "external_senders", i)
            if entry.startswith("department:") and entry[11:] not in departments:
                raise doc.error(f"unknown department {entry[11:]!r}", "external_senders", i)
        default_group = data.get("default_review_group")
        if default_group is not None and default_group not in groups:
            raise doc.error(f"unknown group {default_group!r}", "default_review_group")
        directory = cls(
            domains=tuple(d.lower() for d in domains),
            departments=departments,
            groups=groups,
            external_senders=tuple(e.lower() if "@" in e else e for e in external),
            default_review_group=default_group,
            people=_people(doc, data.get("people")),
            loaded_at=time.time(),
        )
        return directory

    # ---- DirectoryView (what the rules engine asks) --------------------------------
    def is_internal(self, address: str) -> bool:
        return self._domain_is_ours(domain_of(address))

    def department_of(self, address: str) -> str | None:
        addr = normalise(address)
        return self._department_of(addr) or self._department_of(mailbox_of(addr))

    def groups_of(self, address: str) -> frozenset[str]:
        addr = normalise(address)
        return self._groups_of(addr) | self._groups_of(mailbox_of(addr))

    def may_send_externally(self, address: str) -> bool:
        if not self.external_senders:
            return True
        return any(self._may_send_externally(a) for a in dict.fromkeys((normalise(address), mailbox_of(address))))

    def _may_send_externally(self, addr: str) -> bool:
        for entry in self.external_senders:
            if entry.startswith("group:") and entry[6:] in self._groups_of(addr):
                return True
            if entry.startswith("department:") and self._department_of(addr) == entry[11:]:
                return True
            if _matches(addr, entry):
                return True
        return False

    # ---- what the gateway and quarantine ask -------------------------------------
    def classify(self, sender: str, recipients: list[str] | tuple[str, ...], *,
                 sender_vouched: bool = False) -> dict[str, str]:
        """Direction per recipient: mail from outside is inbound whatever its recipient.

        A sender in our domains is internal only when the session vouches for it
        (``sender_vouched``: a trusted network or a login, see gateway/sender_identity.py);
        the domain alone is anyone's to write, so without it the mail is from outside."""
        sender_internal = sender_vouched and bool(sender) and self.is_internal(sender)
        result = {}
        for rcpt in recipients:
            if not sender_internal:
                result[rcpt] = INBOUND if self.is_internal(rcpt) else OUTBOUND
            else:
                result[rcpt] = INTERNAL if self.is_internal(rcpt) else OUTBOUND
        return result

    def supervisors_of(self, department: str | None) -> tuple[str, ...]:
        dept = self.departments.get(department or "")
        return dept.supervisors if dept else ()

    def review_group_members(self, name: str) -> tuple[str, ...]:
        return self.groups.get(name, ())

    def is_known(self, address: str) -> bool:
        """Whether the directory lists this person (a department's member or supervisor, or
        a group's member)."""
        addr = normalise(address)
        if self._department_of(addr) or self._groups_of(addr) or addr in self.people:
            return True
        return any(addr in dept.supervisors for dept in self.departments.values())

    def review_group_of(self, department: str | None) -> str | None:
        """The department's review group (who stands in for its absent head), if it names one."""
        dept = self.departments.get(department or "")
        return dept.review_group if dept else None

    def department_reviewers(self, name: str) -> tuple[str, ...]:
        """``review: department:NAME``: that department's supervisors, else its review group."""
        dept = self.departments.get(name)
        if dept is None:
            return ()
        return dept.supervisors or self.review_group_members(dept.review_group or "")

    def reviewers_for(self, sender: str, review_group: str | None = None) -> tuple[str, ...]:
        """Who decides on mail held from ``sender``: a named group, else the department's
        supervisors or review group, else the directory's default review group."""
        if review_group:
            return self.review_group_members(review_group)
        dept = self.departments.get(self.department_of(sender) or "")
        if dept is not None and dept.supervisors:
            return dept.supervisors
        if dept is not None and dept.review_group:
            return self.review_group_members(dept.review_group)
        return self.review_group_members(self.default_review_group or "")

    def language_of(self, address: str) -> str | None:
        """The language a person reads notices in (``people:``), None for the default."""
        person = self.people.get(normalise(address)) or self.people.get(mailbox_of(address)) or {}
        return person.get("language")

    # ---- internals ------------------------------------------------------------------
    def _domain_is_ours(self, domain: str) -> bool:
        return any(domain == d or domain.endswith("." + d) for d in self.domains)

    @lru_cache(maxsize=4096)  # noqa: B019 - the directory is immutable and long-lived
    def _department_of(self, addr: str) -> str | None:
        for dept in self.departments.values():
            if any(_matches(addr, pattern) for pattern in dept.members):
                return dept.name
        return None

    @lru_cache(maxsize=4096)  # noqa: B019
    def _groups_of(self, addr: str) -> frozenset[str]:
        names = {name for name, members in self.groups.items() if any(_matches(addr, m) for m in members)}
        dept = self._department_of(addr)
        if dept:
            names.add(dept)
        return frozenset(names)

    def __hash__(self) -> int:
        return id(self)


def _people(doc: YamlDocument, spec: object) -> dict[str, dict[str, str]]:
    """``people: {address: {name: ..., language: zh-CN}}``: who reads notices in which language."""
    if spec is None:
        return {}
    if not isinstance(spec, dict):
        raise doc.error("must be a mapping of addresses to {name, language}", "people")
    people: dict[str, dict[str, str]] = {}
    for address, person in spec.items():
        if not isinstance(address, str) or "@" not in address:
            raise doc.error("must be a mail address", "people", address)
        if not isinstance(person, dict):
            raise doc.error("must be a mapping like {language: zh-CN}", "people", address)
        for key, value in person.items():
            if key not in _PERSON_KEYS:
                raise doc.error(f"unknown key (expected one of {', '.join(sorted(_PERSON_KEYS))})",
                                "people", address, key)
            if not isinstance(value, str):
                raise doc.error("must be a string", "people", address, key)
        if person.get("language", "en") not in LANGUAGES:
            raise doc.error(f"unknown language {person['language']!r} (use {', '.join(LANGUAGES)})",
                            "people", address, "language")
        people[normalise(address)] = {str(k): str(v) for k, v in person.items()}
    return people


def _matches(address: str, pattern: str) -> bool:
    if pattern.startswith("@"):
        return address.endswith(pattern)
    if "*" in pattern or "?" in pattern:
        return fnmatch.fnmatchcase(address, pattern)
    return address == pattern


__all__ = ["Directory", "Department", "ConfigFileError", "INTERNAL", "OUTBOUND", "INBOUND"]
