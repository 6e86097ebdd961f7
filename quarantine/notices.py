"""Rendering what the quarantine tells people (reviewers, senders)."""

from __future__ import annotations

import json
from typing import Any


def format_evidence(evidence: Any) -> str:
    """Render redacted evidence (list of hits or of {where, snippet}) as plain text."""
    lines: list[str] = []

    def walk(item: Any, indent: str = "  ") -> None:
        if isinstance(item, dict):
            if "snippet" in item or "where" in item:
                lines.append(f"{indent}{item.get('where', '?')}: {item.get('snippet', '')}")
            elif "rule" in item:
                lines.append(f"{indent}rule {item['rule']}:")
                for ev in item.get("evidence") or []:
                    walk(ev, indent + "  ")
            else:
                lines.append(indent + json.dumps(item, sort_keys=True, default=str))
        elif isinstance(item, list):
            for sub in item:
                walk(sub, indent)
        elif item is not None:
            lines.append(f"{indent}{item}")

    walk(evidence)
    return "\n".join(lines) or "  (none)"
