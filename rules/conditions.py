"""Compiled rule conditions and the per-message evaluation state they share.

Conditions are small objects built once by the loader. Evaluation state caches everything
expensive per message (keyword scan, detector runs, regex runs per text unit), so twenty
rules over the same body scan it once, and rules that only look at headers never touch
attachments. A condition is *per recipient* when its answer can differ between recipients
(direction, recipient address); the engine evaluates the others once per message.
"""

from __future__ import annotations

import fnmatch
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from rules.detectors import Match, detect
from rules.external import RspamdResult
from rules.lazy import cached_property
from rules.markers import MarkerGrader
from rules.matchers import KeywordHit, KeywordMatcher, normalize
from rules.model import AuthResults, Direction, Envelope, Evidence, SenderStats
from rules.redact import snippet
from rules.spam import FORGERY_CHECKS, has_gtube

if TYPE_CHECKING:
    from rules.content import ParsedMessage

MAX_EVIDENCE = 3


class DirectoryView(Protocol):
    """What the rules need to know about the organisation (implemented by the gateway)."""

    def is_internal(self, address: str) -> bool: ...
    def department_of(self, address: str) -> str | None: ...
    def groups_of(self, address: str) -> frozenset[str]: ...
    def may_send_externally(self, address: str) -> bool: ...


@dataclass
class EvaluationContext:
    """Facts the gateway knows about a message that are not in its bytes."""

    directions: dict[str, Direction]
    directory: DirectoryView
    sender_stats: SenderStats | None = None
    auth_results: AuthResults | None = None
    # Findings the gateway made about the message from outside its bytes (e.g. the
    # session's identity: ``forged_internal_sender``); ``finding:`` rules see them too.
    findings: tuple[str, ...] = ()
    # Rspamd's answer (gateway/engines/), when it is enabled and answered.
    rspamd: RspamdResult | None = None


class Unit:
    """One piece of text (subject, a body part, an attachment, a header) with its caches."""

    __slots__ = ("where", "text", "short", "_norm", "_norm_len", "_kw", "_det", "_rx", "_offsets", "_graded",
                 "_grader", "_dspans")

    def __init__(self, where: str, text: str, short: bool = False) -> None:
        self.where = where
        self.text = text
        self.short = short  # a subject, header or name: a marker in it is a banner
        self._graded: dict[tuple[int, int], tuple[str | None, str]] | None = None
        self._grader: MarkerGrader | None = None
        self._dspans: list[tuple[int, int]] | None = None
        self._norm: str | None = None
        self._norm_len: int | None = None  # len(normalize(text)), known once scanned
        self._kw: dict[int, list[KeywordHit]] | None = None
        self._det: dict[str, list[Match]] = {}
        self._rx: dict[int, list[re.Match[str]]] = {}
        self._offsets: list[int] | None = None

    def keywords(self, matcher: KeywordMatcher) -> dict[int, list[KeywordHit]]:
        # The matcher seldom needs the normalised text itself, only its length (hit offsets
        # are into it); the text is normalised later only if evidence must quote it.
        if self._kw is None:
            self._kw, self._norm_len = matcher.find(self.text)
        return self._kw

    def norm_offset(self, raw_index: int) -> int:
        """Where a raw-text offset (a detector match) falls in the normalised text (where
        keyword hits are): the same place unless normalising changed the text's length
        (… → ..., ﬁ → fi). Then it is mapped character by character, which is exact up to
        the rare compositions across characters, well inside any proximity window."""
        if self._norm_len == len(self.text):
            return raw_index
        if self._offsets is None:
            offsets, pos = [0], 0
            for ch in self.text:
                pos += 1 if ch.isascii() else len(normalize(ch))
                offsets.append(pos)
            self._offsets = offsets
        return self._offsets[min(raw_index, len(self.text))]

    def norm_text(self) -> str:
        if self._norm is None:
            self._norm = normalize(self.text)
            self._norm_len = len(self._norm)
        return self._norm

    def detect(self, name: str) -> list[Match]:
        found = self._det.get(name)
        if found is None:
            found = self._det[name] = detect(name, self.text)
        return found

    def grade_marker(self, start: int, end: int, disclaimers: Sequence[re.Pattern[str]]) -> tuple[str | None, str]:
        """Confidence of the keyword hit ``[start, end)`` (normalised offsets) as a
        confidentiality marker (:func:`rules.markers.grade`); None when it is excluded."""
        if self._graded is None:
            self._graded = {}
        key = (start, end)
        found = self._graded.get(key)
        if found is None:
            if self._grader is None:
                text = self.text if self._norm_len == len(self.text) else self.norm_text()
                self._grader = MarkerGrader(text, self.short)
            if self._dspans is None:
                norm = self.norm_text() if disclaimers else ""
                self._dspans = [m.span() for rx in disclaimers for m in rx.finditer(norm)]
            if any(a <= start and end <= b for a, b in self._dspans):
                found = (None, _ORG_DISCLAIMER)
            else:
                found = self._grader.grade(start, end)
            self._graded[key] = found
        return found

    def regex(self, rx: re.Pattern[str], limit: int = 100) -> list[re.Match[str]]:
        key = id(rx)
        found = self._rx.get(key)
        if found is None:
            found = []
            for m in rx.finditer(self.text):
                found.append(m)
                if len(found) >= limit:
                    break
            self._rx[key] = found
        return found

    def snippet_for(self, start: int, end: int, normalized: bool = False, match: Match | None = None) -> str:
        text = self.text
        if normalized and self._norm_len is not None and self._norm_len != len(self.text):
            text = self.norm_text()
        return snippet(text, start, end, match=match)


SCOPES = ("any", "subject", "body", "attachments", "headers", "attachment_names", "names")


def in_disclaimer(text: str, start: int, end: int, disclaimers: Sequence[re.Pattern[str]]) -> bool:
    """Whether ``[start, end)`` of ``text`` lies in one of the organisation's own disclaimers
    (the rules file's ``disclaimers:``, matched however the lines were wrapped)."""
    return any(m.start() <= start and end <= m.end() for rx in disclaimers for m in rx.finditer(text))


class State:
    """Per-message evaluation state: inputs plus lazily built, cached text units."""

    def __init__(self, message: ParsedMessage, envelope: Envelope, ctx: EvaluationContext,
                 matcher: KeywordMatcher, recipients: Sequence[str],
                 disclaimers: Sequence[re.Pattern[str]] = ()) -> None:
        self.message = message
        self.disclaimers = disclaimers
        self.envelope = envelope
        self.ctx = ctx
        self.matcher = matcher
        self.recipients = list(recipients)
        self.spam_score = 0.0
        self.directions: dict[str, Direction] = {}
        self.memo: dict[int, tuple[bool, list[Evidence]]] = {}

    @cached_property
    def sender(self) -> str:
        return self.envelope.mail_from.strip().strip("<>").lower()

    @cached_property
    def subject_unit(self) -> Unit:
        return Unit("subject", self.message.subject, short=True)

    @cached_property
    def content_units(self) -> list[Unit]:
        # message.texts starts with the subject; reuse its unit so its caches are shared
        return [self.subject_unit] + [Unit(w, t) for w, t in self.message.texts[1:]]

    @cached_property
    def header_units(self) -> list[Unit]:
        return [Unit(f"header:{k}", v, short=True) for k, v in self.message.headers]

    @cached_property
    def name_units(self) -> list[Unit]:
        # "confidential_plan.xlsx": a name's underscores separate its words (same length, so
        # positions and evidence stay)
        return [Unit(f"attachment:{a.path}", a.name.replace("_", " "), short=True) for a in self.message.attachments]

    def units(self, scope: str) -> list[Unit]:
        if scope == "headers":
            return self.header_units
        if scope in ("attachment_names", "names"):
            return self.name_units
        if scope == "subject":
            return [self.subject_unit]  # needs no body decoding
        units = self.content_units
        if scope == "body":
            return [u for u in units if u.where == "body"]
        if scope == "attachments":
            return [u for u in units if u.where.startswith("attachment:")]
        return self.any_units

    @cached_property
    def any_units(self) -> list[Unit]:
        """Everything a reader sees: subject, bodies, attachment texts and attachment names
        (a file called 机密.bin says as much as its content)."""
        return self.content_units + self.name_units if self.message.attachments else self.content_units

    def direction_of(self, rcpt: str) -> Direction:
        return self.directions.get(rcpt, Direction.INBOUND)


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


# -- content ---------------------------------------------------------------------------------

_ORG_DISCLAIMER = "the organisation's disclaimer"
_ENOUGH = 20  # graded keyword hits that settle a condition (evidence shows the strongest)
_GRADE_PER_UNIT = 100  # hits graded in one text at most (grading is per hit, scanning is not)
_RANK = {"high": 3, "medium": 2, "low": 1}


@dataclass
class KeywordCond(Condition):
    list_ids: frozenset[int]
    scope: str = "any"
    min_count: int = 1
    distinct: bool = False
    confidence: frozenset[str] | None = None  # graded as confidentiality markers, these levels count
    cost = 10

    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        found: list[tuple[Unit, KeywordHit, str, str]] = []
        for unit in st.units(self.scope):
            hits = unit.keywords(st.matcher)
            graded = 0
            for lid in self.list_ids:
                for h in hits.get(lid, ()):
                    if len(found) >= _ENOUGH and not self.distinct and len(found) >= self.min_count:
                        break  # enough to decide and to show: the rest need no grading
                    graded += 1
                    if self.confidence is not None and graded > _GRADE_PER_UNIT:
                        break  # a text of nothing but markers: its first ones have told
                    level, why = "", ""
                    if self.confidence is not None:
                        got, why = unit.grade_marker(h.start, h.end, st.disclaimers)
                        if got is None or got not in self.confidence:
                            continue
                        level = got
                    elif st.disclaimers and unit.grade_marker(h.start, h.end, st.disclaimers)[1] == _ORG_DISCLAIMER:
                        continue
                    found.append((unit, h, level, why))
        count = len({h.term for _, h, _, _ in found}) if self.distinct else len(found)
        if count < self.min_count:
            return False
        found.sort(key=lambda f: -_RANK.get(f[2], 0))  # the strongest evidence first
        for unit, h, level, why in found[:MAX_EVIDENCE]:
            ev.append(Evidence(unit.where, unit.snippet_for(h.start, h.end, normalized=True), level, why))
        return True


@dataclass
class RegexCond(Condition):
    rx: re.Pattern[str]
    scope: str = "any"
    min_count: int = 1
    cost = 20

    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        found = []
        for unit in st.units(self.scope):
            for m in unit.regex(self.rx, limit=max(self.min_count, MAX_EVIDENCE)):
                found.append((unit, m))
            if len(found) >= self.min_count:
                break
        if len(found) < self.min_count:
            return False
        for unit, m in found[:MAX_EVIDENCE]:
            ev.append(Evidence(unit.where, unit.snippet_for(m.start(), m.end())))
        return True


@dataclass
class DetectorCond(Condition):
    name: str
    scope: str = "any"
    min_count: int = 1
    near_lists: frozenset[int] = frozenset()
    within: int = 0
    confidence: frozenset[str] | None = None  # the levels that count (None: any)
    cost = 30

    def _near(self, st: State, unit: Unit, m: Match) -> bool:
        hits = unit.keywords(st.matcher)   # offsets in the normalised text
        start, end = unit.norm_offset(m.start), unit.norm_offset(m.end)
        for lid in self.near_lists:
            for h in hits.get(lid, ()):
                if h.end >= start - self.within and h.start <= end + self.within:
                    return True
        return False

    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        found: list[tuple[Unit, Match]] = []
        for unit in st.units(self.scope):
            for m in unit.detect(self.name):
                if self.confidence is not None and m.confidence not in self.confidence:
                    continue
                if self.near_lists and not self._near(st, unit, m):
                    continue
                if st.disclaimers and m.kind == "classification_marker" and \
                        in_disclaimer(unit.text, m.start, m.end, st.disclaimers):
                    continue
                found.append((unit, m))
        if len(found) < self.min_count:
            return False
        found.sort(key=lambda f: -_RANK[f[1].confidence])  # the strongest evidence first
        for unit, m in found[:MAX_EVIDENCE]:
            ev.append(Evidence(unit.where, unit.snippet_for(m.start, m.end, match=m), m.confidence, m.context))
        return True


@dataclass
class GtubeCond(Condition):
    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        if has_gtube(st.message):
            ev.append(Evidence("body", "GTUBE test string"))
            return True
        return False


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
            ev.append(Evidence("message", ", ".join(hit)))
        return bool(hit)


@dataclass
class AttachmentCond(Condition):
    """True when at least one attachment has every listed property."""

    names: tuple[str, ...] = ()
    true_types: tuple[str, ...] = ()
    declared_types: tuple[str, ...] = ()
    executable: bool | None = None
    script: bool | None = None
    encrypted: bool | None = None
    archive: bool | None = None
    size: Callable[[float], bool] | None = None
    cost = 25

    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        for a in st.message.attachments:
            if self.names and not any(fnmatch.fnmatch(a.name.lower(), p) for p in self.names):
                continue
            if self.true_types and not any(fnmatch.fnmatch(a.true_type, p) for p in self.true_types):
                continue
            if self.declared_types and not any(fnmatch.fnmatch(a.declared_type, p) for p in self.declared_types):
                continue
            if self.executable is not None and a.is_executable != self.executable:
                continue
            if self.script is not None and a.is_script != self.script:
                continue
            if self.encrypted is not None and a.encrypted != self.encrypted:
                continue
            if self.archive is not None and a.is_archive != self.archive:
                continue
            if self.size is not None and not self.size(a.size):
                continue
            flags = [f for f, on in (("executable", a.is_executable), ("script", a.is_script),
                                     ("encrypted", a.encrypted)) if on]
            ev.append(Evidence(f"attachment:{a.path}", f"{a.true_type} {a.size} bytes {' '.join(flags)}".strip()))
            return True
        return False


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
        ev.append(Evidence("rspamd", f"score {r.score:g}, action {r.action}"))
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
            ev.append(Evidence("rspamd", ", ".join(f"{n} ({r.symbols[n]:g})" for n in found[:MAX_EVIDENCE])))
        return bool(found)
