"""Compile a rule's ``when:`` / ``unless:`` YAML into a tree of conditions.

The condition vocabulary (``keywords``, ``detector``, ``sender``, ``attachment``, ...) is
the largest part of the rules language, so its validation lives here, apart from the
file-level and rule-level checks in :mod:`rules.loader`. Every key is checked where it is
written; keyword lists (named in ``lists:`` or inline ``terms:``) are registered into one
shared automaton, so a message is scanned once whatever the number of rules.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rules import conditions as c
from rules import content_conditions as cc
from rules.detectors import DETECTORS
from rules.evaluation import SCOPES
from rules.external import RSPAMD_ACTIONS
from rules.findings import LEGACY_FINDINGS
from rules.match import LEVELS
from rules.matchers import KeywordMatcher, normalize
from rules.scams import SCAN_LIMIT
from rules.scams import anchor_words as scam_anchor_words
from rules.spam import FORGERY_CHECKS
from rules.yaml_fields import FieldReader, LineDict, Problem

_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.I)
_SIZE_MULT = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


class ConditionCompiler(FieldReader):
    """Conditions, plus the keyword and address lists they name (built by the file compiler)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.matcher = KeywordMatcher()
        self.lists: dict[str, int] = {}
        self.address_lists: dict[str, tuple[str, ...]] = {}
        self._next_list = 0
        self.scam_anchors: dict[str, int] | None = None

    def new_list(self, terms: list[str], within: int | None = None) -> int:
        lid = self._next_list
        self._next_list += 1
        for t in terms:
            self.matcher.add(lid, t, within=within)
        return lid

    # numbers and comparisons -----------------------------------------------------------
    def size(self, node: LineDict, key: str) -> float:
        v = node[key]
        if isinstance(v, int | float) and not isinstance(v, bool):
            return float(v)
        if isinstance(v, str):
            m = _SIZE_RE.match(v)
            if m:
                unit = (m.group(2) or "").lower()[:1]
                return float(m.group(1)) * _SIZE_MULT[unit]
        raise Problem(node.line_of(key), key, f"must be a number or a size like 10MB, not {v!r}")

    def comparison(self, node: LineDict, key: str, sizes: bool = False) -> Any:
        v = node[key]
        if isinstance(v, int | float | str) and not isinstance(v, bool):
            spec = {"gte": self.size(node, key) if sizes else self._num(node, key)}
        elif isinstance(v, LineDict) and v:
            spec = {}
            for op in v:
                if op not in c.OPS:
                    raise Problem(v.line_of(op), str(op), f"unknown comparison (use {', '.join(c.OPS)})")
                spec[op] = self.size(v, op) if sizes else self._num(v, op)
        else:
            raise Problem(node.line_of(key), key, "must be a number or a mapping like {gt: 50}")
        return c.make_comparison(spec)

    # conditions --------------------------------------------------------------------------
    def condition(self, parent: LineDict | list[Any], key: Any) -> c.Condition:
        node = parent[key]
        line = parent.line_of(key) if isinstance(parent, LineDict) else getattr(node, "line", 0)
        if isinstance(node, list):
            return c.All([self.condition(node, i) for i in range(len(node))])
        if not isinstance(node, LineDict) or not node:
            raise Problem(line, str(key), "a condition must be a mapping like {direction: outbound}")
        items = [self.one_condition(node, str(k)) for k in node]
        return items[0] if len(items) == 1 else c.All(items)

    _SCOPE_KEYS = {"in"}

    def scope(self, node: LineDict) -> str:
        s = node.get("in", "any")
        if s not in SCOPES:
            raise Problem(node.line_of("in"), "in", f"unknown scope {s!r} (use {', '.join(SCOPES)})")
        return s

    def list_ids(self, node: LineDict, where: str) -> frozenset[int]:
        ids: set[int] = set()
        for k in ("list", "lists"):
            if k in node:
                for name in self.str_list(node, k):
                    if name not in self.lists:
                        known = ", ".join(sorted(self.lists)) or "none defined"
                        raise Problem(node.line_of(k), k, f"unknown keyword list {name!r} (known: {known})")
                    ids.add(self.lists[name])
        if "terms" in node:
            terms = self.str_list(node, "terms")
            if not terms:
                raise Problem(node.line_of("terms"), "terms", "must not be empty")
            ids.add(self.new_list(terms))
        if not ids:
            raise Problem(node.line, where, "needs list, lists or terms")
        return frozenset(ids)

    def one_condition(self, node: LineDict, kind: str) -> c.Condition:  # noqa: C901 - a dispatcher
        line = node.line_of(kind)
        v = node[kind]
        if kind == "all" or kind == "any":
            if not isinstance(v, list) or not v:
                raise Problem(line, kind, "must be a non-empty list of conditions")
            items = [self.condition_item(v, i, line) for i in range(len(v))]
            return c.All(items) if kind == "all" else c.Any_(items)
        if kind == "not":
            if isinstance(v, list):
                return c.Not(c.All([self.condition_item(v, i, line) for i in range(len(v))]))
            return c.Not(self.condition(node, kind))
        if kind == "direction":
            dirs = self.str_list(node, kind)
            for d in dirs:
                if d not in ("internal", "outbound", "inbound"):
                    raise Problem(line, kind, f"unknown direction {d!r} (use internal, outbound, inbound)")
            return c.DirectionIs(frozenset(dirs))
        if kind in ("sender", "recipient"):
            return self.address_condition(node, kind)
        if kind == "header":
            sub = self.sub(node, kind)
            self.check_keys(sub, {"name", "regex", "contains", "exists"}, "header", required=("name",))
            return c.HeaderCond(
                name=self.typed(sub, "name", str, "a header name"),
                regex=self.regex(sub, "regex", re.I) if "regex" in sub else None,
                contains=normalize(self.typed(sub, "contains", str, "a string")) if "contains" in sub else None,
                exists=self.typed(sub, "exists", bool, "true or false") if "exists" in sub else None,
            )
        if kind in ("subject", "body", "text"):
            # sugar: subject: {keywords: NAME | terms: [...] | regex: ...}
            sub = self.sub(node, kind)
            scope = {"subject": "subject", "body": "body", "text": "any"}[kind]
            self.check_keys(sub, {"list", "lists", "terms", "regex", "min_count"}, kind)
            if "regex" in sub:
                return cc.RegexCond(self.regex(sub, "regex", re.I), scope, self.min_count(sub))
            return cc.KeywordCond(self.list_ids(sub, kind), scope, self.min_count(sub))
        if kind == "keywords":
            if isinstance(v, str):
                sub = LineDict(list=v)
                sub.line, sub.key_lines = line, {"list": line}
            else:
                sub = self.sub(node, kind)
            self.check_keys(sub, {"list", "lists", "terms", "in", "min_count", "distinct", "confidence"}, "keywords")
            distinct = self.typed(sub, "distinct", bool, "true or false") if "distinct" in sub else False
            return cc.KeywordCond(self.list_ids(sub, kind), self.scope(sub), self.min_count(sub), distinct,
                                 self.confidence(sub))
        if kind == "regex":
            if isinstance(v, str):
                return cc.RegexCond(self.regex(node, kind))
            sub = self.sub(node, kind)
            self.check_keys(sub, {"pattern", "in", "min_count", "ignore_case"}, "regex", required=("pattern",))
            ic = self.typed(sub, "ignore_case", bool, "true or false") if "ignore_case" in sub else False
            return cc.RegexCond(self.regex(sub, "pattern", re.I if ic else 0), self.scope(sub), self.min_count(sub))
        if kind == "detector":
            if isinstance(v, str):
                sub = LineDict(name=v)
                sub.line, sub.key_lines = line, {"name": line}
            else:
                sub = self.sub(node, kind)
            self.check_keys(sub, {"name", "in", "min_count", "near", "confidence"}, "detector", required=("name",))
            name = sub["name"]
            if name not in DETECTORS:
                raise Problem(sub.line_of("name"), kind,
                              f"unknown detector {name!r} (known: {', '.join(DETECTORS)})")
            near: frozenset[int] = frozenset()
            within = 0
            if "near" in sub:
                nn = self.sub(sub, "near")
                self.check_keys(nn, {"list", "lists", "terms", "within"}, "near")
                near = self.list_ids(nn, "near")
                within = int(self._num(nn, "within")) if "within" in nn else 50
            return cc.DetectorCond(name, self.scope(sub), self.min_count(sub), near, within, self.confidence(sub))
        if kind == "attachment":
            sub = self.sub(node, kind)
            self.check_keys(sub, {"name", "true_type", "declared_type", "executable", "script", "macros",
                                  "encrypted", "archive", "disk_image", "size"}, "attachment")
            flags = {k: self.typed(sub, k, bool, "true or false")
                     for k in ("executable", "script", "macros", "encrypted", "archive", "disk_image") if k in sub}
            return cc.AttachmentCond(
                names=tuple(n.lower() for n in self.str_list(sub, "name")) if "name" in sub else (),
                true_types=tuple(self.str_list(sub, "true_type")) if "true_type" in sub else (),
                declared_types=tuple(self.str_list(sub, "declared_type")) if "declared_type" in sub else (),
                size=self.comparison(sub, "size", sizes=True) if "size" in sub else None,
                **flags,
            )
        if kind == "finding":
            # names the parser used before the uninspectable vocabulary still match
            return c.FindingCond(frozenset(LEGACY_FINDINGS.get(n, n) for n in self.str_list(node, kind)))
        if kind in ("message_size", "recipient_count", "external_recipient_count", "spam_score"):
            return c.NumberCond(kind, self.comparison(node, kind, sizes=kind == "message_size"))
        if kind == "sender_stats":
            sub = self.sub(node, kind)
            fields = ("messages_last_hour", "recipients_last_hour", "external_recipients_last_hour")
            self.check_keys(sub, set(fields), "sender_stats")
            conds: list[c.Condition] = [c.NumberCond(f"sender_stats.{f}", self.comparison(sub, f), f) for f in sub]
            if not conds:
                raise Problem(line, kind, "needs at least one counter")
            return conds[0] if len(conds) == 1 else c.All(conds)
        if kind == "auth":
            sub = self.sub(node, kind)
            self.check_keys(sub, {"spf", "dkim", "dmarc", "dmarc_policy"}, "auth")
            return c.AuthCond(**{k: frozenset(x.lower() for x in self.str_list(sub, k)) for k in sub})
        if kind == "forgery":
            checks = tuple(self.str_list(node, kind))
            for ch in checks:
                if ch not in FORGERY_CHECKS:
                    raise Problem(line, kind, f"unknown check {ch!r} (known: {', '.join(FORGERY_CHECKS)})")
            return c.ForgeryCond(checks)
        if kind == "rspamd":
            sub = self.sub(node, kind)
            self.check_keys(sub, {"score", "action"}, "rspamd")
            actions = frozenset(self.str_list(sub, "action")) if "action" in sub else frozenset()
            for a in actions:
                if a not in RSPAMD_ACTIONS:
                    raise Problem(sub.line_of("action"), "action",
                                  f"unknown rspamd action {a!r} (known: {', '.join(RSPAMD_ACTIONS)})")
            if "score" not in sub and not actions:
                raise Problem(line, kind, "needs score and/or action")
            return c.RspamdCond(self.comparison(sub, "score") if "score" in sub else None, actions)
        if kind == "rspamd_symbol":
            names = self.str_list(node, kind)
            if not names or any(not re.fullmatch(r"[A-Za-z0-9_.\-]+", n) for n in names):
                raise Problem(line, kind, "must be a symbol name or a list of them (letters, digits, _ . -)")
            return c.RspamdSymbolCond(frozenset(names))
        if kind == "scam":
            # scam: {confidence: medium} (or true: medium and high), optionally in: SCOPE
            if self.scam_anchors is None:  # each signal family's words, wanted where the assessment reads
                self.scam_anchors = {family: self.new_list(list(words), within=SCAN_LIMIT)
                                     for family, words in scam_anchor_words().items()}
            if v is True:
                return cc.ScamCond(frozenset(k for k, n in LEVELS.items() if n >= LEVELS["medium"]), self.scam_anchors)
            sub = self.sub(node, kind)
            self.check_keys(sub, {"confidence", "in"}, "scam", required=("confidence",))
            return cc.ScamCond(self.confidence(sub) or frozenset(LEVELS), self.scam_anchors, self.scope(sub))
        if kind == "gtube":
            if v is not True:
                raise Problem(line, kind, "must be true")
            return cc.GtubeCond()
        raise Problem(line, kind, "unknown condition")

    def condition_item(self, items: list[Any], i: int, line: int) -> c.Condition:
        node = items[i]
        if not isinstance(node, LineDict) or not node:
            raise Problem(line, f"[{i}]", "each item must be a condition mapping")
        parts = [self.one_condition(node, str(k)) for k in node]
        return parts[0] if len(parts) == 1 else c.All(parts)

    def confidence(self, node: LineDict) -> frozenset[str] | None:
        """``confidence:``: the minimum (low, medium, high) a match needs to count, or a list
        of the exact levels that count (``[low]``: what the enforcing rules leave)."""
        if "confidence" not in node:
            return None
        levels = self.str_list(node, "confidence")
        for v in levels:
            if v not in LEVELS:
                raise Problem(node.line_of("confidence"), "confidence", f"must be low, medium or high, not {v!r}")
        if isinstance(node["confidence"], str):
            return frozenset(k for k, n in LEVELS.items() if n >= LEVELS[levels[0]])
        return frozenset(levels)

    def min_count(self, node: LineDict) -> int:
        if "min_count" not in node:
            return 1
        n = self.typed(node, "min_count", int, "an integer")
        if n < 1:
            raise Problem(node.line_of("min_count"), "min_count", "must be at least 1")
        return n

    def address_condition(self, node: LineDict, kind: str) -> c.Condition:
        v = node[kind]
        if isinstance(v, str | list):
            sub = LineDict(address=v)
            sub.line, sub.key_lines = node.line_of(kind), {"address": node.line_of(kind)}
        else:
            sub = self.sub(node, kind)
        allowed = {"address", "domain", "list", "group", "department", "internal", "may_send_externally",
                   "authenticated"}
        self.check_keys(sub, allowed, kind)
        patterns: list[str] = []
        if "address" in sub:
            patterns += [p.lower() for p in self.str_list(sub, "address")]
        if "domain" in sub:
            patterns += ["@" + d.lower().lstrip("@") for d in self.str_list(sub, "domain")]
        if "list" in sub:
            for name in self.str_list(sub, "list"):
                if name not in self.address_lists:
                    known = ", ".join(sorted(self.address_lists)) or "none defined"
                    raise Problem(sub.line_of("list"), "list", f"unknown address list {name!r} (known: {known})")
                patterns += list(self.address_lists[name])
        flags = {k: self.typed(sub, k, bool, "true or false")
                 for k in ("internal", "may_send_externally", "authenticated") if k in sub}
        return c.AddressCond(
            side=kind, patterns=tuple(patterns),
            groups=frozenset(self.str_list(sub, "group")) if "group" in sub else frozenset(),
            departments=frozenset(self.str_list(sub, "department")) if "department" in sub else frozenset(),
            **flags,
        )

