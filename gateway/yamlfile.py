"""Read a YAML file and keep where each key stood, so errors can say ``file:line: key``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class ConfigFileError(Exception):
    """A problem in a configuration file, phrased as ``file:line: key: problem``."""


def line_of_key(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the deepest part of the key path ``loc`` found in a composed document."""
    node, line = root, None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(part):
                    line, node = key_node.start_mark.line + 1, value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


class YamlDocument:
    def __init__(self, path: Path):
        self.path = path
        try:
            self.text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigFileError(f"{path}: cannot read: {exc.strerror}") from None
        try:
            self.data: Any = yaml.safe_load(self.text)
            self._root = yaml.compose(self.text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark else str(path)
            raise ConfigFileError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None

    def line_of(self, *loc: Any) -> int | None:
        return line_of_key(self._root, loc)

    def error(self, problem: str, *loc: Any) -> ConfigFileError:
        line = self.line_of(*loc)
        where = f"{self.path}:{line}" if line else str(self.path)
        key = ".".join(str(p) for p in loc)
        return ConfigFileError(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")
