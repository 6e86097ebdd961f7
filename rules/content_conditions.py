"""Rule conditions that scan what a reader sees: keywords, regexes, detectors, GTUBE and
attachments.

These are the expensive conditions (they carry a ``cost`` so ``all:`` tries cheap facts
first), and the ones that grade and rank evidence: a keyword hit is graded as a
confidentiality marker, hits inside the organisation's own disclaimer do not count, and
the strongest evidence is shown first. Scanning itself is cached per message in
:mod:`rules.evaluation`.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from rules.conditions import MAX_EVIDENCE, Condition
from rules.detectors import Match
from rules.evaluation import State, Unit
from rules.match import LOW
from rules.matchers import KeywordHit
from rules.model import Direction, Evidence
from rules.spam import has_gtube

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
                        got, why = unit.grade_marker(h.start, h.end, st.disclaimers, st.correspondents)
                        if got is None or got not in self.confidence:
                            continue
                        level = got
                    elif st.disclaimers and unit.in_org_disclaimer(h.start, h.end, st.disclaimers):
                        continue  # only the organisation's own disclaimers are asked of plain keywords
                    found.append((unit, h, level, why))
        count = len({h.term for _, h, _, _ in found}) if self.distinct else len(found)
        if count < self.min_count:
            return False
        found.sort(key=lambda f: -_RANK.get(f[2], 0))  # the strongest evidence first
        # each term once before any twice (机密 and 请勿转发 shown, not 请勿转发 in three parts)
        seen: set[str] = set()
        first = [f for f in found if not (f[1].term in seen or seen.add(f[1].term))]
        shown = (first + [f for f in found if not any(f is g for g in first)])[:MAX_EVIDENCE]
        for unit, h, level, why in shown:
            text, mark = unit.excerpt_for(h.start, h.end, normalized=True)
            ev.append(Evidence(unit.where, text, level, why, mark,
                                 kind="keyword marker" if self.confidence is not None else "keyword"))
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
            text, mark = unit.excerpt_for(m.start(), m.end())
            ev.append(Evidence(unit.where, text, mark=mark, kind="regex"))
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
                if m.kind == "classification_marker" and unit.where == "subject" and m.confidence != LOW and \
                        st.correspondents.subject_is_theirs(unit.text, m.value):
                    m = replace(m, confidence=LOW, context=m.context + ", the subject of their own mail replied to")
                if self.confidence is not None and m.confidence not in self.confidence:
                    continue
                if self.near_lists and not self._near(st, unit, m):
                    continue
                if st.disclaimers and m.kind == "classification_marker" and \
                        st.disclaimers.covers(unit.text, m.start, m.end):
                    continue
                found.append((unit, m))
        if len(found) < self.min_count:
            return False
        found.sort(key=lambda f: -_RANK[f[1].confidence])  # the strongest evidence first
        for unit, m in found[:MAX_EVIDENCE]:
            text, mark = unit.excerpt_for(m.start, m.end, match=m)
            ev.append(Evidence(unit.where, text, m.confidence, m.context, mark, kind=m.kind))
        return True


@dataclass
class ScamCond(Condition):
    """The message's scam signals (:mod:`rules.scams`) reach one of the ``confidence``
    levels; the evidence names every signal, where it stands and the points they make."""

    confidence: frozenset[str]
    anchors: dict[str, int]  # signal family -> keyword list of its words (rules.scams.ANCHORS)
    scope: str = "any"
    per_recipient = True  # unsolicited: mail from outside (direction) that is no reply
    cost = 30

    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        found = st.scam(st.direction_of(rcpt) == Direction.INBOUND, self.scope, self.anchors,
                        full="low" in self.confidence)
        if found.level is None or found.level not in self.confidence:
            return False
        for s in found.signals:
            shown, mark = s.shown
            ev.append(Evidence(s.where, shown, found.level, f"{s.name.replace('_', ' ')}; {found.context}", mark,
                               kind="scam"))
        return True


@dataclass
class GtubeCond(Condition):
    def test(self, st: State, rcpt: str, ev: list[Evidence]) -> bool:
        if has_gtube(st.message):
            ev.append(Evidence("body", "GTUBE test string", kind="gtube"))
            return True
        return False



@dataclass
class AttachmentCond(Condition):
    """True when at least one attachment has every listed property."""

    names: tuple[str, ...] = ()
    true_types: tuple[str, ...] = ()
    declared_types: tuple[str, ...] = ()
    executable: bool | None = None
    script: bool | None = None
    macros: bool | None = None
    encrypted: bool | None = None
    archive: bool | None = None
    disk_image: bool | None = None
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
            if self.macros is not None and a.has_macros != self.macros:
                continue
            if self.encrypted is not None and a.encrypted != self.encrypted:
                continue
            if self.archive is not None and a.is_archive != self.archive:
                continue
            if self.disk_image is not None and a.is_disk_image != self.disk_image:
                continue
            if self.size is not None and not self.size(a.size):
                continue
            flags = [f for f, on in (("executable", a.is_executable), ("script", a.is_script),
                                     ("macros", a.has_macros), ("encrypted", a.encrypted),
                                     ("disk-image", a.is_disk_image)) if on]
            ev.append(Evidence(f"attachment:{a.path}", f"{a.true_type} {a.size} bytes {' '.join(flags)}".strip(),
                               kind="attachment"))
            return True
        return False
