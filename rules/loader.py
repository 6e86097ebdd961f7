"""Load and validate a YAML rules file into a compiled :class:`RuleSet`.

Administrators edit this file by hand, so every mistake must be reported where it is:
``path:line: key: problem``. YAML mappings are loaded with the line of each key; unknown
keys, wrong types, bad regexes, unknown lists and unknown detectors are refused at load, and
the caller keeps the old rules live. Keyword lists are compiled into one automaton and
regexes compiled once, here, not per message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rules import conditions as c
from rules.detectors import DETECTORS
from rules.external import RSPAMD_ACTIONS
from rules.findings import LEGACY_FINDINGS
from rules.match import LEVELS
from rules.matchers import KeywordMatcher, normalize
from rules.model import ApprovalNeed, Mode
from rules.spam import FORGERY_CHECKS


class RuleSetError(ValueError):
    """A rules file problem; ``str()`` is ``path:line: key: problem`` (first problem),
    ``errors`` holds every problem found."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or [message]


class _Problem(Exception):
    def __init__(self, line: int, key: str, problem: str) -> None:
        super().__init__(problem)
        self.line, self.key, self.problem = line, key, problem


# -- YAML with line numbers -------------------------------------------------------------

class LineDict(dict):  # type: ignore[type-arg]
    """A mapping that remembers its own line and each key's line (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return getattr(self, "key_lines", {}).get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> Any:
    data = LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise _Problem(key_node.start_mark.line + 1, str(key), "unhashable key") from None
        if key in data:
            raise _Problem(key_node.start_mark.line + 1, str(key), "duplicate key")
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)


# -- compiled rule set ------------------------------------------------------------------

ACTIONS = ("deliver", "reject", "quarantine", "warn", "tag", "copy_to", "notify", "score")


@dataclass
class SpamConfig:
    tag: float | None = 5.0
    quarantine: float | None = 10.0
    reject: float | None = 15.0
    subject_prefix: str = "[SPAM]"
    header: str | None = None  # e.g. X-Spam-Score: add the score as a header (the gateway adds its own)
    reject_message: str = "Message rejected as spam"
    review_group: str | None = None
    line: int = 0  # of review_group, for the directory checks


@dataclass
class Rule:
    name: str
    action: str
    when: c.Condition
    description: str = ""
    # the description per language (``description: {en: ..., zh-CN: ...}``); ``description`` is
    # the English one (or the first written), which notices and logs use when no language fits
    descriptions: dict[str, str] = field(default_factory=dict)
    priority: int = 0
    enabled: bool = True
    mode: Mode = Mode.ENFORCE
    message: str = ""
    code: int = 550
    enhanced: str = "5.7.1"
    review_group: str | None = None
    reviewers: tuple[str, ...] = ()
    approvals: int = 1
    comment_required: bool = False
    subject_prefix: str | None = None
    add_headers: tuple[tuple[str, str], ...] = ()
    copy_to: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()
    score: float = 0.0
    stop: bool = False
    line: int = 0
    order: int = 0
    review: tuple[str, ...] = ()  # every review source, in file order (none dropped)
    needs: tuple[ApprovalNeed, ...] = ()  # who must approve (from approvals:)
    on_expiry: str = "reject"
    review_line: int = 0  # where review: / notify: are, for the directory checks of lint and reload
    notify_line: int = 0

    @property
    def per_recipient(self) -> bool:
        return self.when.per_recipient


@dataclass
class RuleSet:
    """Rules ordered by priority (highest first, then file order), plus shared matchers."""

    rules: list[Rule]
    spam: SpamConfig
    matcher: KeywordMatcher
    lists: dict[str, int] = field(default_factory=dict)
    address_lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    path: str = ""
    disclaimers: tuple[re.Pattern[str], ...] = ()  # the organisation's own: markers in them do not count

    def rule(self, name: str) -> Rule:
        return next(r for r in self.rules if r.name == name)


# -- compiler ------------------------------------------------------------------------------

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


_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.I)
_SIZE_MULT = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


class _Compiler:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.errors: list[str] = []
        self.matcher = KeywordMatcher()
        self.lists: dict[str, int] = {}
        self.address_lists: dict[str, tuple[str, ...]] = {}
        self._next_list = 0
        self.regex_cache: dict[tuple[str, int], re.Pattern[str]] = {}

    def err(self, line: int, key: str, problem: str) -> None:
        self.errors.append(f"{self.path}:{line}: {key}: {problem}")

    # helpers ---------------------------------------------------------------------------
    @staticmethod
    def check_keys(node: LineDict, allowed: set[str], where: str, required: tuple[str, ...] = ()) -> None:
        for k in node:
            if k not in allowed:
                known = ", ".join(sorted(allowed))
                raise _Problem(node.line_of(k), str(k), f"unknown key in {where} (allowed: {known})")
        for k in required:
            if k not in node:
                raise _Problem(node.line, k, f"required in {where}")

    @staticmethod
    def typed(node: LineDict, key: str, types: type | tuple[type, ...], what: str) -> Any:
        v = node[key]
        if isinstance(v, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
            raise _Problem(node.line_of(key), key, f"must be {what}, not {v!r}")
        if not isinstance(v, types):
            raise _Problem(node.line_of(key), key, f"must be {what}, not {type(v).__name__}")
        return v

    def str_list(self, node: LineDict, key: str) -> list[str]:
        v = node[key]
        if isinstance(v, str):
            return [v]
        if isinstance(v, list) and all(isinstance(x, str | int) and not isinstance(x, bool) for x in v):
            return [str(x) for x in v]
        raise _Problem(node.line_of(key), key, "must be a string or a list of strings")

    def size(self, node: LineDict, key: str) -> float:
        v = node[key]
        if isinstance(v, int | float) and not isinstance(v, bool):
            return float(v)
        if isinstance(v, str):
            m = _SIZE_RE.match(v)
            if m:
                unit = (m.group(2) or "").lower()[:1]
                return float(m.group(1)) * _SIZE_MULT[unit]
        raise _Problem(node.line_of(key), key, f"must be a number or a size like 10MB, not {v!r}")

    def comparison(self, node: LineDict, key: str, sizes: bool = False) -> Any:
        v = node[key]
        if isinstance(v, int | float | str) and not isinstance(v, bool):
            spec = {"gte": self.size(node, key) if sizes else self._num(node, key)}
        elif isinstance(v, LineDict) and v:
            spec = {}
            for op in v:
                if op not in c.OPS:
                    raise _Problem(v.line_of(op), str(op), f"unknown comparison (use {', '.join(c.OPS)})")
                spec[op] = self.size(v, op) if sizes else self._num(v, op)
        else:
            raise _Problem(node.line_of(key), key, "must be a number or a mapping like {gt: 50}")
        return c.make_comparison(spec)

    @staticmethod
    def _num(node: LineDict, key: str) -> float:
        v = node[key]
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise _Problem(node.line_of(key), key, f"must be a number, not {v!r}")
        return float(v)

    def regex(self, node: LineDict, key: str, flags: int = 0) -> re.Pattern[str]:
        pattern = node[key]
        if not isinstance(pattern, str):
            raise _Problem(node.line_of(key), key, "regex must be a string")
        cache_key = (pattern, flags)
        if cache_key not in self.regex_cache:
            try:
                self.regex_cache[cache_key] = re.compile(pattern, flags)
            except re.error as exc:
                raise _Problem(node.line_of(key), key, f"bad regex {pattern!r}: {exc}") from None
        return self.regex_cache[cache_key]

    def new_list(self, terms: list[str]) -> int:
        lid = self._next_list
        self._next_list += 1
        for t in terms:
            self.matcher.add(lid, t)
        return lid

    def read_list_file(self, node: LineDict, key: str) -> list[str]:
        rel = node[key]
        if not isinstance(rel, str):
            raise _Problem(node.line_of(key), key, "must be a path")
        p = (self.path.parent / rel).resolve()
        try:
            text = p.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise _Problem(node.line_of(key), key, f"cannot read list file {p}: {exc}") from None
        return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]

    # top level -------------------------------------------------------------------------
    def compile(self, doc: Any) -> RuleSet | None:
        if doc is None:
            doc = LineDict()
        if not isinstance(doc, LineDict):
            self.err(1, "(top)", "the rules file must be a mapping with 'rules:'")
            return None
        try:
            self.check_keys(doc, {"version", "spam", "lists", "rules", "disclaimers"}, "the top level")
        except _Problem as p:
            self.err(p.line, p.key, p.problem)
        spam = SpamConfig()
        if "spam" in doc:
            try:
                spam = self.spam(doc, "spam")
            except _Problem as p:
                self.err(p.line, p.key, p.problem)
        if "lists" in doc:
            lists = doc["lists"]
            if not isinstance(lists, LineDict):
                self.err(doc.line_of("lists"), "lists", "must be a mapping of list names")
            else:
                for name in lists:
                    try:
                        self.one_list(lists, str(name))
                    except _Problem as p:
                        self.err(p.line, p.key, p.problem)
        disclaimers: tuple[re.Pattern[str], ...] = ()
        if "disclaimers" in doc:
            try:
                disclaimers = self.disclaimers(doc)
            except _Problem as p:
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
                    raise _Problem(doc.line_of("rules"), f"rules[{i}]", "each rule must be a mapping")
                rule = self.rule(node, i)
                if rule.name in names:
                    raise _Problem(node.line_of("name"), "name", f"duplicate rule name {rule.name!r}")
                names.add(rule.name)
                rules.append(rule)
            except _Problem as p:
                self.err(p.line, p.key, p.problem)
        if self.errors:
            return None
        self.matcher.build()
        rules.sort(key=lambda r: (-r.priority, r.order))
        return RuleSet(rules=rules, spam=spam, matcher=self.matcher, lists=dict(self.lists),
                       address_lists=dict(self.address_lists), path=str(self.path), disclaimers=disclaimers)

    def disclaimers(self, doc: LineDict) -> tuple[re.Pattern[str], ...]:
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
        out = []
        for text in items:
            chars = [re.escape(ch) for ch in normalize(text) if not ch.isspace()]
            if len(chars) < 20:
                raise _Problem(doc.line_of("disclaimers"), "disclaimers",
                               f"{text[:30]!r}: a disclaimer is a whole text (20 characters or more)")
            out.append(re.compile(r"\s*".join(chars), re.I))
        return tuple(out)

    def spam(self, doc: LineDict, key: str) -> SpamConfig:
        node = doc[key]
        if not isinstance(node, LineDict):
            raise _Problem(doc.line_of(key), key, "must be a mapping")
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
                    raise _Problem(node.line_of(k), k, "must be a string")
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
                    raise _Problem(node.line_of("type"), "type", f"must be keywords or addresses, not {kind!r}")
            if "items" in node:
                items += self.str_list(node, "items")
            if "file" in node:
                items += self.read_list_file(node, "file")
            if "items" not in node and "file" not in node:
                raise _Problem(node.line, name, "a list needs items or file")
        else:
            raise _Problem(line, name, "a list is a YAML list or a mapping with items/file")
        if name in self.lists or name in self.address_lists:
            raise _Problem(line, name, "duplicate list name")
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
            raise _Problem(node.line_of("description"), "description",
                           "must be a string or a mapping of languages to strings, like {en: ..., zh-CN: ...}")
        texts = {str(k): str(v) for k, v in value.items()}
        return texts.get("en") or next(iter(texts.values())), texts

    def review_sources(self, node: LineDict) -> tuple[str, ...]:
        """``review:``: one source or a list, every one kept (routing resolves them to people)."""
        sources: list[str] = []
        for item in self.str_list(node, "review"):
            source = review_source(item)
            if source is None:
                raise _Problem(node.line_of("review"), "review",
                               f"{item!r}: use supervisor, group:NAME, department:NAME or an address")
            sources.append(source)
        if not sources:
            raise _Problem(node.line_of("review"), "review", "must name at least one reviewer")
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
                raise _Problem(node.line_of("approvals"), "approvals", "must not be empty")
            needs = []
            for key in v:
                source = review_source(str(key))
                if source is None or source not in r.review:
                    known = ", ".join(r.review) or "none: add review:"
                    raise _Problem(v.line_of(key), str(key),
                                   f"approvals names a source the rule does not review (review: {known})")
                count = self.typed(v, key, int, "an integer")
                if count < 1:
                    raise _Problem(v.line_of(key), str(key), "must be at least 1")
                needs.append(ApprovalNeed((source,), count))
            return tuple(needs)
        count = self.typed(node, "approvals", int, "an integer or a mapping like {supervisor: 1}")
        if count < 1:
            raise _Problem(node.line_of("approvals"), "approvals", "must be at least 1")
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
                raise _Problem(node.line_of("notify"), "notify",
                               f"{item!r}: use sender, recipients, supervisor, group:NAME or an address")
        return list(dict.fromkeys(targets))

    def rule(self, node: LineDict, order: int) -> Rule:
        self.check_keys(node, self._RULE_KEYS, "a rule", required=("name", "action"))
        name = self.typed(node, "name", str, "a string")
        action = self.typed(node, "action", str, "a string")
        if action not in ACTIONS:
            raise _Problem(node.line_of("action"), "action", f"unknown action {action!r} (use {', '.join(ACTIONS)})")
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
                raise _Problem(node.line_of("mode"), "mode", f"must be enforce or audit, not {mode!r}")
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
                raise _Problem(node.line_of("code"), "code", "a reject code must be 5xx")
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
                raise _Problem(node.line_of("on_expiry"), "on_expiry",
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
                    raise _Problem(hdrs.line_of(k), str(k), "header names must be tokens and values strings")
                if "\n" in str(v) or "\r" in str(v):
                    raise _Problem(hdrs.line_of(k), str(k), "header values may not contain line breaks")
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
            raise _Problem(node.line_of("action"), "action", "tag needs subject_prefix or add_header")
        if action == "copy_to" and not r.copy_to:
            raise _Problem(node.line_of("action"), "action", "copy_to needs a copy_to address")
        if action == "score" and not r.score:
            raise _Problem(node.line_of("action"), "action", "score needs a score")
        return r

    # conditions --------------------------------------------------------------------------
    def condition(self, parent: LineDict | list[Any], key: Any) -> c.Condition:
        node = parent[key]
        line = parent.line_of(key) if isinstance(parent, LineDict) else getattr(node, "line", 0)
        if isinstance(node, list):
            return c.All([self.condition(node, i) for i in range(len(node))])
        if not isinstance(node, LineDict) or not node:
            raise _Problem(line, str(key), "a condition must be a mapping like {direction: outbound}")
        items = [self.one_condition(node, str(k)) for k in node]
        return items[0] if len(items) == 1 else c.All(items)

    _SCOPE_KEYS = {"in"}

    def scope(self, node: LineDict) -> str:
        s = node.get("in", "any")
        if s not in c.SCOPES:
            raise _Problem(node.line_of("in"), "in", f"unknown scope {s!r} (use {', '.join(c.SCOPES)})")
        return s

    def list_ids(self, node: LineDict, where: str) -> frozenset[int]:
        ids: set[int] = set()
        for k in ("list", "lists"):
            if k in node:
                for name in self.str_list(node, k):
                    if name not in self.lists:
                        known = ", ".join(sorted(self.lists)) or "none defined"
                        raise _Problem(node.line_of(k), k, f"unknown keyword list {name!r} (known: {known})")
                    ids.add(self.lists[name])
        if "terms" in node:
            terms = self.str_list(node, "terms")
            if not terms:
                raise _Problem(node.line_of("terms"), "terms", "must not be empty")
            ids.add(self.new_list(terms))
        if not ids:
            raise _Problem(node.line, where, "needs list, lists or terms")
        return frozenset(ids)

    def one_condition(self, node: LineDict, kind: str) -> c.Condition:  # noqa: C901 - a dispatcher
        line = node.line_of(kind)
        v = node[kind]
        if kind == "all" or kind == "any":
            if not isinstance(v, list) or not v:
                raise _Problem(line, kind, "must be a non-empty list of conditions")
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
                    raise _Problem(line, kind, f"unknown direction {d!r} (use internal, outbound, inbound)")
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
                return c.RegexCond(self.regex(sub, "regex", re.I), scope, self.min_count(sub))
            return c.KeywordCond(self.list_ids(sub, kind), scope, self.min_count(sub))
        if kind == "keywords":
            if isinstance(v, str):
                sub = LineDict(list=v)
                sub.line, sub.key_lines = line, {"list": line}
            else:
                sub = self.sub(node, kind)
            self.check_keys(sub, {"list", "lists", "terms", "in", "min_count", "distinct", "confidence"}, "keywords")
            distinct = self.typed(sub, "distinct", bool, "true or false") if "distinct" in sub else False
            return c.KeywordCond(self.list_ids(sub, kind), self.scope(sub), self.min_count(sub), distinct,
                                 self.confidence(sub))
        if kind == "regex":
            if isinstance(v, str):
                return c.RegexCond(self.regex(node, kind))
            sub = self.sub(node, kind)
            self.check_keys(sub, {"pattern", "in", "min_count", "ignore_case"}, "regex", required=("pattern",))
            ic = self.typed(sub, "ignore_case", bool, "true or false") if "ignore_case" in sub else False
            return c.RegexCond(self.regex(sub, "pattern", re.I if ic else 0), self.scope(sub), self.min_count(sub))
        if kind == "detector":
            if isinstance(v, str):
                sub = LineDict(name=v)
                sub.line, sub.key_lines = line, {"name": line}
            else:
                sub = self.sub(node, kind)
            self.check_keys(sub, {"name", "in", "min_count", "near", "confidence"}, "detector", required=("name",))
            name = sub["name"]
            if name not in DETECTORS:
                raise _Problem(sub.line_of("name"), kind,
                               f"unknown detector {name!r} (known: {', '.join(DETECTORS)})")
            near: frozenset[int] = frozenset()
            within = 0
            if "near" in sub:
                nn = self.sub(sub, "near")
                self.check_keys(nn, {"list", "lists", "terms", "within"}, "near")
                near = self.list_ids(nn, "near")
                within = int(self._num(nn, "within")) if "within" in nn else 50
            return c.DetectorCond(name, self.scope(sub), self.min_count(sub), near, within, self.confidence(sub))
        if kind == "attachment":
            sub = self.sub(node, kind)
            self.check_keys(sub, {"name", "true_type", "declared_type", "executable", "script", "encrypted",
                                  "archive", "size"}, "attachment")
            flags = {k: self.typed(sub, k, bool, "true or false")
                     for k in ("executable", "script", "encrypted", "archive") if k in sub}
            return c.AttachmentCond(
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
                raise _Problem(line, kind, "needs at least one counter")
            return conds[0] if len(conds) == 1 else c.All(conds)
        if kind == "auth":
            sub = self.sub(node, kind)
            self.check_keys(sub, {"spf", "dkim", "dmarc", "dmarc_policy"}, "auth")
            return c.AuthCond(**{k: frozenset(x.lower() for x in self.str_list(sub, k)) for k in sub})
        if kind == "forgery":
            checks = tuple(self.str_list(node, kind))
            for ch in checks:
                if ch not in FORGERY_CHECKS:
                    raise _Problem(line, kind, f"unknown check {ch!r} (known: {', '.join(FORGERY_CHECKS)})")
            return c.ForgeryCond(checks)
        if kind == "rspamd":
            sub = self.sub(node, kind)
            self.check_keys(sub, {"score", "action"}, "rspamd")
            actions = frozenset(self.str_list(sub, "action")) if "action" in sub else frozenset()
            for a in actions:
                if a not in RSPAMD_ACTIONS:
                    raise _Problem(sub.line_of("action"), "action",
                                   f"unknown rspamd action {a!r} (known: {', '.join(RSPAMD_ACTIONS)})")
            if "score" not in sub and not actions:
                raise _Problem(line, kind, "needs score and/or action")
            return c.RspamdCond(self.comparison(sub, "score") if "score" in sub else None, actions)
        if kind == "rspamd_symbol":
            names = self.str_list(node, kind)
            if not names or any(not re.fullmatch(r"[A-Za-z0-9_.\-]+", n) for n in names):
                raise _Problem(line, kind, "must be a symbol name or a list of them (letters, digits, _ . -)")
            return c.RspamdSymbolCond(frozenset(names))
        if kind == "gtube":
            if v is not True:
                raise _Problem(line, kind, "must be true")
            return c.GtubeCond()
        raise _Problem(line, kind, "unknown condition")

    def condition_item(self, items: list[Any], i: int, line: int) -> c.Condition:
        node = items[i]
        if not isinstance(node, LineDict) or not node:
            raise _Problem(line, f"[{i}]", "each item must be a condition mapping")
        parts = [self.one_condition(node, str(k)) for k in node]
        return parts[0] if len(parts) == 1 else c.All(parts)

    @staticmethod
    def sub(node: LineDict, key: str) -> LineDict:
        v = node[key]
        if not isinstance(v, LineDict):
            raise _Problem(node.line_of(key), key, "must be a mapping")
        return v

    def confidence(self, node: LineDict) -> frozenset[str] | None:
        """``confidence:``: the minimum (low, medium, high) a match needs to count, or a list
        of the exact levels that count (``[low]``: what the enforcing rules leave)."""
        if "confidence" not in node:
            return None
        levels = self.str_list(node, "confidence")
        for v in levels:
            if v not in LEVELS:
                raise _Problem(node.line_of("confidence"), "confidence", f"must be low, medium or high, not {v!r}")
        if isinstance(node["confidence"], str):
            return frozenset(k for k, n in LEVELS.items() if n >= LEVELS[levels[0]])
        return frozenset(levels)

    def min_count(self, node: LineDict) -> int:
        if "min_count" not in node:
            return 1
        n = self.typed(node, "min_count", int, "an integer")
        if n < 1:
            raise _Problem(node.line_of("min_count"), "min_count", "must be at least 1")
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
                    raise _Problem(sub.line_of("list"), "list", f"unknown address list {name!r} (known: {known})")
                patterns += list(self.address_lists[name])
        flags = {k: self.typed(sub, k, bool, "true or false")
                 for k in ("internal", "may_send_externally", "authenticated") if k in sub}
        return c.AddressCond(
            side=kind, patterns=tuple(patterns),
            groups=frozenset(self.str_list(sub, "group")) if "group" in sub else frozenset(),
            departments=frozenset(self.str_list(sub, "department")) if "department" in sub else frozenset(),
            **flags,
        )


def _compile(path: str | Path) -> tuple[RuleSet | None, list[str]]:
    p = Path(path)
    comp = _Compiler(p)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{p}:0: (file): cannot read: {exc}"]
    try:
        doc = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except _Problem as prob:
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
