"""Load and validate a YAML rules file into a compiled :class:`RuleSet`.

Administrators edit this file by hand, so every mistake must be reported where it is:
``path:line: key: problem``. The caller keeps the old rules live when any is found. This
module checks the file and each rule (actions, review and approvals, notices, lists,
spam thresholds, disclaimers); the ``when:`` vocabulary is compiled by
:mod:`rules.condition_compiler`, line-numbered YAML is read by :mod:`rules.yaml_fields`,
and the result is the plain data of :mod:`rules.ruleset`. Keyword lists are compiled into
one automaton and regexes compiled once, here, not per message.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from rules import conditions as c
from rules.condition_compiler import ConditionCompiler
from rules.disclaimers import MIN_LENGTH, OrgDisclaimers
from rules.disclaimers import length as disclaimer_length
from rules.model import ApprovalNeed, Mode
from rules.ruleset import ACTIONS, Rule, RuleSet, SpamConfig
from rules.yaml_fields import LineDict, LineLoader, Problem

__all__ = ["ACTIONS", "LineDict", "Rule", "RuleSet", "RuleSetError", "SpamConfig", "lint", "load_ruleset",
           "review_source"]


class RuleSetError(ValueError):
    """A rules file problem; ``str()`` is ``path:line: key: problem`` (first problem),
    ``errors`` holds every problem found."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or [message]


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_ADDRESS_RE = re.compile(rf"[^@\s<>,;:\"]+@{_LABEL}(?:\.{_LABEL})+")


def review_source(item: str) -> str | None:
    """The canonical form of one ``review:`` entry, or None when it is not one."""
    item = item.strip()
    if item == "supervisor":
        return item
    for prefix in ("group:", "department:"):
        if item.startswith(prefix):
            return item if item[len(prefix):].strip() == item[len(prefix):] and item[len(prefix):] else None
    if _ADDRESS_RE.fullmatch(item):
        return item.lower()
    return None


class _Compiler(ConditionCompiler):
    """The whole file: top-level keys, lists, spam settings, disclaimers and each rule."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.errors: list[str] = []

    def err(self, line: int, key: str, problem: str) -> None:
        self.errors.append(f"{self.path}:{line}: {key}: {problem}")

    # top level -------------------------------------------------------------------------
    def compile(self, doc: Any) -> RuleSet | None:
        if doc is None:
            doc = LineDict()
        if not isinstance(doc, LineDict):
            self.err(1, "(top)", "the rules file must be a mapping with 'rules:'")
            return None
        try:
            self.check_keys(doc, {"version", "spam", "lists", "rules", "disclaimers"}, "the top level")
        except Problem as p:
            self.err(p.line, p.key, p.problem)
        spam = SpamConfig()
        if "spam" in doc:
            try:
                spam = self.spam(doc, "spam")
            except Problem as p:
                self.err(p.line, p.key, p.problem)
        if "lists" in doc:
            lists = doc["lists"]
            if not isinstance(lists, LineDict):
                self.err(doc.line_of("lists"), "lists", "must be a mapping of list names")
            else:
                for name in lists:
                    try:
                        self.one_list(lists, str(name))
                    except Problem as p:
                        self.err(p.line, p.key, p.problem)
        disclaimers = OrgDisclaimers()
        if "disclaimers" in doc:
            try:
                disclaimers = self.disclaimers(doc)
            except Problem as p:
                self.err(p.line, p.key, p.problem)
        rules: list[Rule] = []
        raw_rules = doc.get("rules", [])
        if not isinstance(raw_rules, list):
            self.err(doc.line_of("rules"), "rules", "must be a list of rules")
            raw_rules = []
        names: set[str] = set()
        for i, node in enumerate(raw_rules):
            try:
                if not isinstance(node, LineDict):
                    raise Problem(doc.line_of("rules"), f"rules[{i}]", "each rule must be a mapping")
                rule = self.rule(node, i)
                if rule.name in names:
                    raise Problem(node.line_of("name"), "name", f"duplicate rule name {rule.name!r}")
                names.add(rule.name)
                rules.append(rule)
            except Problem as p:
                self.err(p.line, p.key, p.problem)
        if self.errors:
            return None
        self.matcher.build()
        rules.sort(key=lambda r: (-r.priority, r.order))
        return RuleSet(rules=rules, spam=spam, matcher=self.matcher, lists=dict(self.lists),
                       address_lists=dict(self.address_lists), path=str(self.path), disclaimers=disclaimers)

    def disclaimers(self, doc: LineDict) -> OrgDisclaimers:
        """``disclaimers:``: the organisation's own footer texts (a list, or ``{items, file}``).
        Each matches however a mailer wrapped its lines: whitespace is optional between its
        characters, and case and full-width forms do not matter."""
        node = doc["disclaimers"]
        items: list[str] = []
        if isinstance(node, LineDict):
            self.check_keys(node, {"items", "file"}, "disclaimers")
            if "items" in node:
                items += self.str_list(node, "items")
            if "file" in node:
                items += self.read_list_file(node, "file")
        else:
            items = self.str_list(doc, "disclaimers")
        for text in items:
            if disclaimer_length(text) < MIN_LENGTH:
                raise Problem(doc.line_of("disclaimers"), "disclaimers",
                              f"{text[:30]!r}: a disclaimer is a whole text (20 characters or more)")
        return OrgDisclaimers(items)

    def spam(self, doc: LineDict, key: str) -> SpamConfig:
        node = doc[key]
        if not isinstance(node, LineDict):
            raise Problem(doc.line_of(key), key, "must be a mapping")
        self.check_keys(node, {"tag", "quarantine", "reject", "subject_prefix", "header", "reject_message",
                               "review_group"}, "spam")
        cfg = SpamConfig()
        for k in ("tag", "quarantine", "reject"):
            if k in node:
                setattr(cfg, k, None if node[k] is None else self._num(node, k))
        for k in ("subject_prefix", "reject_message", "review_group", "header"):
            if k in node:
                v = node[k]
                if v is not None and not isinstance(v, str):
                    raise Problem(node.line_of(k), k, "must be a string")
                setattr(cfg, k, v)
        cfg.line = node.line_of("review_group") if "review_group" in node else node.line
        return cfg

    def one_list(self, lists: LineDict, name: str) -> None:
        node = lists[name]
        line = lists.line_of(name)
        kind = "keywords"
        items: list[str] = []
        if isinstance(node, list):
            items = self.str_list(lists, name)
        elif isinstance(node, LineDict):
            self.check_keys(node, {"type", "items", "file", "description"}, f"list {name}")
            if "type" in node:
                kind = node["type"]
                if kind not in ("keywords", "addresses"):
                    raise Problem(node.line_of("type"), "type", f"must be keywords or addresses, not {kind!r}")
            if "items" in node:
                items += self.str_list(node, "items")
            if "file" in node:
                items += self.read_list_file(node, "file")
            if "items" not in node and "file" not in node:
                raise Problem(node.line, name, "a list needs items or file")
        else:
            raise Problem(line, name, "a list is a YAML list or a mapping with items/file")
        if name in self.lists or name in self.address_lists:
            raise Problem(line, name, "duplicate list name")
        if kind == "keywords":
            self.lists[name] = self.new_list(items)
        else:
            self.address_lists[name] = tuple(i.lower() for i in items)

    # rules ----------------------------------------------------------------------------------
    _RULE_KEYS = {
        "name", "description", "priority", "enabled", "mode", "when", "action", "message", "code",
        "enhanced_status", "review", "approvals", "comment_required", "subject_prefix", "add_header",
        "copy_to", "notify", "score", "stop", "on_expiry", "unless",
    }

    def description(self, node: LineDict) -> tuple[str, dict[str, str]]:
        """``description:`` as one string, or one per language (``{en: ..., zh-CN: ...}``)."""
        value = node["description"]
        if isinstance(value, str):
            return value, {}
        if not isinstance(value, dict) or not value or not all(
                isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()):
            raise Problem(node.line_of("description"), "description",
                          "must be a string or a mapping of languages to strings, like {en: ..., zh-CN: ...}")
        texts = {str(k): str(v) for k, v in value.items()}
        return texts.get("en") or next(iter(texts.values())), texts

    def review_sources(self, node: LineDict) -> tuple[str, ...]:
        """``review:``: one source or a list, every one kept (routing resolves them to people)."""
        sources: list[str] = []
        for item in self.str_list(node, "review"):
            source = review_source(item)
            if source is None:
                raise Problem(node.line_of("review"), "review",
                              f"{item!r}: use supervisor, group:NAME, department:NAME or an address")
            sources.append(source)
        if not sources:
            raise Problem(node.line_of("review"), "review", "must name at least one reviewer")
        return tuple(dict.fromkeys(sources))

    def approval_needs(self, node: LineDict, r: Rule) -> tuple[ApprovalNeed, ...]:
        """``approvals: N`` (N distinct people among the rule's reviewers) or a mapping
        ``{source: N, ...}`` (N distinct people from each source, each person counted once)."""
        sources = r.review or ("default",)
        if "approvals" not in node:
            return (ApprovalNeed(sources, 1),)
        v = node["approvals"]
        if isinstance(v, LineDict):
            if not v:
                raise Problem(node.line_of("approvals"), "approvals", "must not be empty")
            needs = []
            for key in v:
                source = review_source(str(key))
                if source is None or source not in r.review:
                    known = ", ".join(r.review) or "none: add review:"
                    raise Problem(v.line_of(key), str(key),
                                  f"approvals names a source the rule does not review (review: {known})")
                count = self.typed(v, key, int, "an integer")
                if count < 1:
                    raise Problem(v.line_of(key), str(key), "must be at least 1")
                needs.append(ApprovalNeed((source,), count))
            return tuple(needs)
        count = self.typed(node, "approvals", int, "an integer or a mapping like {supervisor: 1}")
        if count < 1:
            raise Problem(node.line_of("approvals"), "approvals", "must be at least 1")
        return (ApprovalNeed(sources, count),)

    def notify_targets(self, node: LineDict) -> list[str]:
        """``notify:``: sender, recipients, supervisor, group:NAME or addresses; anything else
        (``recipient``, a typo) is refused rather than mailed to as a literal address."""
        targets = []
        for item in self.str_list(node, "notify"):
            target = item.strip()
            if target in ("sender", "recipients", "supervisor") or target.startswith("group:") and target[6:]:
                targets.append(target)
            elif _ADDRESS_RE.fullmatch(target):
                targets.append(target.lower())
            else:
                raise Problem(node.line_of("notify"), "notify",
                              f"{item!r}: use sender, recipients, supervisor, group:NAME or an address")
        return list(dict.fromkeys(targets))

    def rule(self, node: LineDict, order: int) -> Rule:
        self.check_keys(node, self._RULE_KEYS, "a rule", required=("name", "action"))
        name = self.typed(node, "name", str, "a string")
        action = self.typed(node, "action", str, "a string")
        if action not in ACTIONS:
            raise Problem(node.line_of("action"), "action", f"unknown action {action!r} (use {', '.join(ACTIONS)})")
        r = Rule(name=name, action=action, when=c.Always(), line=node.line, order=order)
        if "description" in node:
            r.description, r.descriptions = self.description(node)
        if "priority" in node:
            r.priority = self.typed(node, "priority", int, "an integer")
        if "enabled" in node:
            r.enabled = self.typed(node, "enabled", bool, "true or false")
        if "mode" in node:
            mode = node["mode"]
            if mode not in ("enforce", "audit"):
                raise Problem(node.line_of("mode"), "mode", f"must be enforce or audit, not {mode!r}")
            r.mode = Mode(mode)
        if "when" in node:
            r.when = self.condition(node, "when")
        if "unless" in node:  # an exclusion: the rule matches when ``when`` holds and this does not
            r.when = c.All([r.when, c.Not(self.condition(node, "unless"))])
        if "message" in node:
            r.message = self.typed(node, "message", str, "a string")
        if "code" in node:
            r.code = self.typed(node, "code", int, "an integer")
            if not 500 <= r.code <= 599:
                raise Problem(node.line_of("code"), "code", "a reject code must be 5xx")
        if "enhanced_status" in node:
            r.enhanced = self.typed(node, "enhanced_status", str, "a string like 5.7.1")
        if "review" in node:
            r.review = self.review_sources(node)
            r.review_line = node.line_of("review")
            r.review_group = next((x[6:] for x in r.review if x.startswith("group:")), None)
            r.reviewers = tuple(x for x in r.review if "@" in x)
        r.needs = self.approval_needs(node, r)
        r.approvals = sum(n.count for n in r.needs)
        if "on_expiry" in node:
            r.on_expiry = node["on_expiry"]
            if r.on_expiry not in ("reject", "release"):
                raise Problem(node.line_of("on_expiry"), "on_expiry",
                              f"must be reject or release, not {r.on_expiry!r}")
        if "comment_required" in node:
            r.comment_required = self.typed(node, "comment_required", bool, "true or false")
        if "subject_prefix" in node:
            r.subject_prefix = self.typed(node, "subject_prefix", str, "a string")
        if "add_header" in node:
            hdrs = self.typed(node, "add_header", dict, "a mapping of header: value")
            pairs = []
            for k, v in hdrs.items():
                if not isinstance(k, str) or not re.fullmatch(r"[!-9;-~]+", k) or not isinstance(v, str | int):
                    raise Problem(hdrs.line_of(k), str(k), "header names must be tokens and values strings")
                if "\n" in str(v) or "\r" in str(v):
                    raise Problem(hdrs.line_of(k), str(k), "header values may not contain line breaks")
                pairs.append((k, str(v)))
            r.add_headers = tuple(pairs)
        if "copy_to" in node:
            r.copy_to = tuple(self.str_list(node, "copy_to"))
        if "notify" in node:
            r.notify = tuple(self.notify_targets(node))
            r.notify_line = node.line_of("notify")
        if "score" in node:
            r.score = float(self._num(node, "score"))
        if "stop" in node:
            r.stop = self.typed(node, "stop", bool, "true or false")
        if action == "tag" and not (r.subject_prefix or r.add_headers):
            raise Problem(node.line_of("action"), "action", "tag needs subject_prefix or add_header")
        if action == "copy_to" and not r.copy_to:
            raise Problem(node.line_of("action"), "action", "copy_to needs a copy_to address")
        if action == "score" and not r.score:
            raise Problem(node.line_of("action"), "action", "score needs a score")
        return r


def _compile(path: str | Path) -> tuple[RuleSet | None, list[str]]:
    p = Path(path)
    comp = _Compiler(p)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{p}:0: (file): cannot read: {exc}"]
    try:
        doc = yaml.load(text, Loader=LineLoader)  # noqa: S506 - SafeLoader subclass
    except Problem as prob:
        return None, [f"{p}:{prob.line}: {prob.key}: {prob.problem}"]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        return None, [f"{p}:{line}: (yaml): {getattr(exc, 'problem', None) or exc}"]
    rs = comp.compile(doc)
    return rs, comp.errors


def load_ruleset(path: str | Path) -> RuleSet:
    """Load, validate and compile a rules file; raises :class:`RuleSetError`."""
    rs, errors = _compile(path)
    if errors or rs is None:
        errors = errors or [f"{path}:0: (file): could not load"]
        raise RuleSetError(errors[0], errors)
    return rs


def lint(path: str | Path) -> list[str]:
    """Every problem in a rules file as ``path:line: key: problem`` (empty when fine)."""
    rs, errors = _compile(path)
    if errors:
        return errors
    problems = []
    assert rs is not None
    for r in rs.rules:
        if isinstance(r.when, c.Always) and r.action in ("reject", "quarantine", "warn") and r.enabled:
            problems.append(f"{path}:{r.line}: when: rule {r.name!r} has no condition and {r.action}s every message")
    return problems
