"""Line-numbered YAML and typed field reading, for files administrators edit by hand.

Every mistake in a rules file must be reported where it is (``path:line: key: problem``).
This module is the part of the rules loader that knows nothing of rules: it loads YAML
mappings as :class:`LineDict` (each remembering its line and each key's line), refuses
duplicate keys at parse time, and reads typed values (strings, lists, numbers, regexes,
list files) out of them, raising :class:`Problem` with the line of the offending key.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml


class Problem(Exception):
    """One problem at one place; the compiler turns it into ``path:line: key: problem``."""

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


class LineLoader(yaml.SafeLoader):
    pass


def _construct_map(loader: LineLoader, node: yaml.MappingNode) -> Any:
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
            raise Problem(key_node.start_mark.line + 1, str(key), "unhashable key") from None
        if key in data:
            raise Problem(key_node.start_mark.line + 1, str(key), "duplicate key")
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)


# -- typed fields -------------------------------------------------------------------------

class FieldReader:
    """Reads typed values out of :class:`LineDict` nodes of one file (``path``), raising
    :class:`Problem` at the key's line. Regexes are compiled once per file, not per use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.regex_cache: dict[tuple[str, int], re.Pattern[str]] = {}

    @staticmethod
    def check_keys(node: LineDict, allowed: set[str], where: str, required: tuple[str, ...] = ()) -> None:
        for k in node:
            if k not in allowed:
                known = ", ".join(sorted(allowed))
                raise Problem(node.line_of(k), str(k), f"unknown key in {where} (allowed: {known})")
        for k in required:
            if k not in node:
                raise Problem(node.line, k, f"required in {where}")

    @staticmethod
    def typed(node: LineDict, key: str, types: type | tuple[type, ...], what: str) -> Any:
        v = node[key]
        if isinstance(v, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
            raise Problem(node.line_of(key), key, f"must be {what}, not {v!r}")
        if not isinstance(v, types):
            raise Problem(node.line_of(key), key, f"must be {what}, not {type(v).__name__}")
        return v

    def str_list(self, node: LineDict, key: str) -> list[str]:
        v = node[key]
        if isinstance(v, str):
            return [v]
        if isinstance(v, list) and all(isinstance(x, str | int) and not isinstance(x, bool) for x in v):
            return [str(x) for x in v]
        raise Problem(node.line_of(key), key, "must be a string or a list of strings")

    @staticmethod
    def _num(node: LineDict, key: str) -> float:
        v = node[key]
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise Problem(node.line_of(key), key, f"must be a number, not {v!r}")
        return float(v)

    def regex(self, node: LineDict, key: str, flags: int = 0) -> re.Pattern[str]:
        pattern = node[key]
        if not isinstance(pattern, str):
            raise Problem(node.line_of(key), key, "regex must be a string")
        cache_key = (pattern, flags)
        if cache_key not in self.regex_cache:
            try:
                self.regex_cache[cache_key] = re.compile(pattern, flags)
            except re.error as exc:
                raise Problem(node.line_of(key), key, f"bad regex {pattern!r}: {exc}") from None
        return self.regex_cache[cache_key]

    def read_list_file(self, node: LineDict, key: str) -> list[str]:
        rel = node[key]
        if not isinstance(rel, str):
            raise Problem(node.line_of(key), key, "must be a path")
        p = (self.path.parent / rel).resolve()
        try:
            text = p.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise Problem(node.line_of(key), key, f"cannot read list file {p}: {exc}") from None
        return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]

    @staticmethod
    def sub(node: LineDict, key: str) -> LineDict:
        v = node[key]
        if not isinstance(v, LineDict):
            raise Problem(node.line_of(key), key, "must be a mapping")
        return v

