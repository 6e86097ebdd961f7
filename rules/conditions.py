"""Compiled rule conditions: the combinators and the conditions on facts about a message.

Conditions are small objects built once by the loader (:mod:`rules.condition_compiler`)
and asked, per message and recipient, whether they hold. This module holds the base class
(with its per-message memo), ``all``/``any``/``not``, and the cheap conditions on the
envelope, the directory, headers, numbers, authentication, findings and external engines'
answers. The conditions that scan text and attachments are in :mod:`rules.content_conditions`;
the per-message caches they all share are in :mod:`rules.evaluation`. A condition is *per
recipient* when its answer can differ between recipients (direction, recipient address);
the engine evaluates the others once per message.
"""

from __future__ import annotations

import fnmatch
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rules.evaluation import State
from rules.evaluation import Unit as Unit  # its home before rules.evaluation: keep old imports working
from rules.matchers import normalize
from rules.model import Direction, Evidence
from rules.redact import snippet
from rules.spam import FORGERY_CHECKS

MAX_EVIDENCE = 3

# -- base -------------------------------------------------------------------------------

class Condition:
    """Base class: ``test`` returns True/False and appends evidence when it matches."""

    per_recipient = False
    uses_address = False  # depends on the recipient's address, not only on its direction

    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:  # pragma: no cover
        raise NotImplementedError

    def directions_needed(self) -> frozenset[str] | None:
        """The directions a recipient must have for this condition to hold (None: any).
        Lets the engine skip a rule outright when no recipient can match it."""
        return None

    def check(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        """:meth:`test`, memoised per message for conditions that do not depend on the
        recipient (so a 1,000-recipient message builds each snippet once)."""
        if self.per_recipient:
            return self.test(st, rcpt, ev)
        memo = st.memo.get(id(self))
        if memo is None:
            local: list[Evidence] = []
            memo = st.memo[id(self)] = (self.test(st, rcpt, local), local)
        ev.extend(memo[1])
        return memo[0]


class Always(Condition):
    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        return True


@dataclass
class All(Condition):
    items: list[Condition]

    def __post_init__(self) -> None:
        self.per_recipient = any(c.per_recipient for c in self.items)
        self.uses_address = any(c.uses_address for c in self.items)
        # cheap conditions first: message-level facts before content scans
        self.items.sort(key=lambda c: getattr(c, "cost", 0))

    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        local: list[Evidence] = []
        for c in self.items:
            if not c.check(st, rcpt, local):
                return False
        ev.extend(local)
        return True

    def directions_needed(self) -> frozenset[str] | None:
        needed = None
        for c in self.items:
            dirs = c.directions_needed()
            if dirs is not None:
                needed = dirs if needed is None else needed & dirs
        return needed


@dataclass
class Any_(Condition):
    items: list[Condition]

    def __post_init__(self) -> None:
        self.per_recipient = any(c.per_recipient for c in self.items)
        self.uses_address = any(c.uses_address for c in self.items)

    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        return any(c.check(st, rcpt, ev) for c in self.items)

    def directions_needed(self) -> frozenset[str] | None:
        needed: frozenset[str] = frozenset()
        for c in self.items:
            dirs = c.directions_needed()
            if dirs is None:
                return None
            needed |= dirs
        return needed


@dataclass
class Not(Condition):
    item: Condition

    def __post_init__(self) -> None:
        self.per_recipient = self.item.per_recipient
        self.uses_address = self.item.uses_address

    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        return not self.item.check(st, rcpt, [])


# -- envelope and directory -----------------------------------------------------------------

@dataclass
class DirectionIs(Condition):
    directions: frozenset[str]
    per_recipient = True

    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        return str(st.direction_of(rcpt)) in self.directions

    def directions_needed(self) -> frozenset[str] | None:
        return self.directions


def address_matches(address: str, patterns: Sequence[str]) -> bool:
    """``a@b.c`` exact, ``@b.c`` / ``b.c`` domain (and subdomains), globs like ``*@*.b.c``."""
    address = address.lower()
    domain = address.rpartition("@")[2]
    for p in patterns:
        if "*" in p or "?" in p:
            if fnmatch.fnmatchcase(address, p):
                return True
        elif p.startswith("@"):
            d = p[1:]
            if domain == d or domain.endswith("." + d):
                return True
        elif "@" in p:
            if address == p:
                return True
        elif domain == p or domain.endswith("." + p):
            return True
    return False


@dataclass
class AddressCond(Condition):
    """Sender or recipient by address/domain/list, directory group/department, flags."""

    side: str  # "sender" or "recipient"
    patterns: tuple[str, ...] = ()
    groups: frozenset[str] = frozenset()
    departments: frozenset[str] = frozenset()
    internal: bool | None = None
    may_send_externally: bool | None = None
    authenticated: bool | None = None

    def __post_init__(self) -> None:
        self.per_recipient = self.uses_address = self.side == "recipient"

    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        addr = st.sender if self.side == "sender" else rcpt
        d = st.ctx.directory
        if self.patterns and not address_matches(addr, self.patterns):
            return False
        if self.groups and not (self.groups & d.groups_of(addr)):
            return False
        if self.departments and d.department_of(addr) not in self.departments:
            return False
        if self.internal is not None and d.is_internal(addr) != self.internal:
            return False
        if self.may_send_externally is not None and d.may_send_externally(addr) != self.may_send_externally:
            return False
        if self.authenticated is not None and bool(st.envelope.authenticated_user) != self.authenticated:
            return False
        ev.append(Evidence("envelope", f"{self.side} {addr}"))
        return True


# -- headers --------------------------------------------------------------------------------

@dataclass
class HeaderCond(Condition):
    name: str
    regex: re.Pattern[str] | None = None
    contains: str | None = None
    exists: bool | None = None

    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        values = st.message.header(self.name)
        if self.exists is not None and bool(values) != self.exists:
            return False
        for v in values:
            if self.regex is not None:
                m = self.regex.search(v)
                if not m:
                    continue
                ev.append(Evidence(f"header:{self.name}", snippet(v, m.start(), m.end())))
                return True
            if self.contains is not None:
                i = normalize(v).find(self.contains)
                if i < 0:
                    continue
                ev.append(Evidence(f"header:{self.name}", snippet(v, i, i + len(self.contains))))
                return True
        if self.regex is None and self.contains is None:
            if self.exists is not None:
                ev.append(Evidence(f"header:{self.name}", "present" if self.exists else "absent"))
            return self.exists is not None
        return False


# -- findings (the parser's and the gateway's) ------------------------------------------------

@dataclass
class FindingCond(Condition):
    """True when the message has one of the findings named. A name also matches the
    findings it prefixes up to a colon: ``uninspectable`` matches ``uninspectable: too deep``
    and every other reason, so one rule holds whatever could not be read."""

    names: frozenset[str]

    def _matches(self, finding: str) -> bool:
        return finding in self.names or (":" in finding and finding.split(":", 1)[0] in self.names)

    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        hit = [f for f in (*st.message.findings, *st.ctx.findings) if self._matches(f)]
        if hit:
            ev.append(Evidence("message", ", ".join(hit), kind="finding"))
        return bool(hit)



# -- numbers ----------------------------------------------------------------------------------

OPS: dict[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le,
    "eq": operator.eq, "ne": operator.ne,
}


def make_comparison(spec: dict[str, float]) -> Callable[[float], bool]:
    items = list(spec.items())
    return lambda v: all(OPS[k](v, n) for k, n in items)


@dataclass
class NumberCond(Condition):
    """Message size, recipient counts, spam score, sender statistics."""

    what: str
    compare: Callable[[float], bool]
    label: str = ""

    def __post_init__(self) -> None:
        self.per_recipient = False

    def value(self, st: State) -> float | None:
        w = self.what
        if w == "message_size":
            return st.message.size
        if w == "recipient_count":
            return len(st.recipients)
        if w == "external_recipient_count":
            return sum(1 for r in st.recipients if st.direction_of(r) == Direction.OUTBOUND)
        if w == "spam_score":
            return st.spam_score
        if w.startswith("sender_stats."):
            stats = st.ctx.sender_stats
            return None if stats is None else getattr(stats, w.split(".", 1)[1])
        return None  # pragma: no cover

    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        v = self.value(st)
        if v is None or not self.compare(v):
            return False
        ev.append(Evidence("envelope", f"{self.label or self.what} = {v:g}"))
        return True


@dataclass
class AuthCond(Condition):
    spf: frozenset[str] = frozenset()
    dkim: frozenset[str] = frozenset()
    dmarc: frozenset[str] = frozenset()
    dmarc_policy: frozenset[str] = frozenset()

    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        ar = st.ctx.auth_results
        if ar is None:
            return False
        for name, allowed in (("spf", self.spf), ("dkim", self.dkim), ("dmarc", self.dmarc),
                              ("dmarc_policy", self.dmarc_policy)):
            if allowed and getattr(ar, name).lower() not in allowed:
                return False
        ev.append(Evidence("authentication", f"spf={ar.spf} dkim={ar.dkim} dmarc={ar.dmarc}"
                                             + (f" policy={ar.dmarc_policy}" if ar.dmarc_policy != "none" else "")))
        return True


@dataclass
class ForgeryCond(Condition):
    """Any of the named header-forgery heuristics fires (see :mod:`rules.spam`)."""

    checks: tuple[str, ...] = field(default_factory=tuple)
    per_recipient = True

    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        inbound = st.direction_of(rcpt) == Direction.INBOUND
        for name in self.checks:
            if FORGERY_CHECKS[name](st.message, st.ctx.directory, inbound):
                ev.append(Evidence("header:From" if "from" in name or "name" in name else "headers", name))
                return True
        return False


# -- external engines (their answers come from the gateway: rules/external.py) ---------------

@dataclass
class RspamdCond(Condition):
    """Rspamd's score and/or suggested action. False when Rspamd gave no answer (it is off,
    or down with ``on_failure: accept``: that is the finding ``scanner unavailable: rspamd``)."""

    score: Callable[[float], bool] | None = None
    actions: frozenset[str] = frozenset()

    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        r = st.ctx.rspamd
        if r is None:
            return False
        if self.score is not None and not self.score(r.score):
            return False
        if self.actions and r.action not in self.actions:
            return False
        ev.append(Evidence("rspamd", f"score {r.score:g}, action {r.action}", kind="rspamd"))
        return True


@dataclass
class RspamdSymbolCond(Condition):
    """Any of the named Rspamd symbols is in its answer (``GTUBE``, ``BAYES_SPAM``, ``RBL_…``)."""

    names: frozenset[str]

    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        r = st.ctx.rspamd
        if r is None:
            return False
        found = sorted(n for n in self.names if n in r.symbols)
        if found:
            ev.append(Evidence("rspamd", ", ".join(f"{n} ({r.symbols[n]:g})" for n in found[:MAX_EVIDENCE]),
                               kind="rspamd symbol"))
        return bool(found)
