"""Rules checked against the directory: no review or notify target that finds nobody.

The rules file alone cannot know whether ``group:compliance-tem`` exists; a typo there used
to hold mail for nobody until it expired. ``mailwarden rules lint`` and every reload (SIGHUP,
API) run this with the directory they would put live, and refuse the pair with
``path:line: key: problem``.
"""

from __future__ import annotations

from gateway.directory import Directory
from rules.ruleset import RuleSet


def routing_problems(ruleset: RuleSet, directory: Directory) -> list[str]:
    problems: list[str] = []
    path = ruleset.path
    for rule in ruleset.rules:
        for source in rule.review:
            problem = _unknown(source, directory)
            if problem:
                problems.append(f"{path}:{rule.review_line}: review: rule {rule.name!r}: {problem}")
        for target in rule.notify:
            problem = _unknown(target, directory) if target not in ("sender", "recipients") else None
            if problem:
                problems.append(f"{path}:{rule.notify_line}: notify: rule {rule.name!r}: {problem}")
    group = ruleset.spam.review_group
    if group and group not in directory.groups:
        problems.append(f"{path}:{ruleset.spam.line}: review_group: spam: unknown group {group!r} "
                        f"(directory.yaml groups: {', '.join(sorted(directory.groups)) or 'none'})")
    return problems


def _unknown(source: str, directory: Directory) -> str | None:
    if source in ("supervisor", "default"):
        return None
    if source.startswith("group:"):
        if source[6:] not in directory.groups:
            return (f"unknown group {source[6:]!r} "
                    f"(directory.yaml groups: {', '.join(sorted(directory.groups)) or 'none'})")
        return None
    if source.startswith("department:"):
        if source[11:] not in directory.departments:
            return (f"unknown department {source[11:]!r} "
                    f"(directory.yaml departments: {', '.join(sorted(directory.departments)) or 'none'})")
        return None
    if not directory.is_internal(source) or not directory.is_known(source):
        return f"{source} is not a person in directory.yaml"
    return None
