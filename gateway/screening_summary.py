"""What screening found in a message, as the archive keeps it for the record's timeline.

Issue 16: an auditor follows every message, not only the held ones, from the SMTP session to
the last delivery attempt, and "screening" must say what was found, not only which rules
hit. The quarantine keeps full (masked) evidence for holds; for every record the archive
keeps this summary instead, sealed with its encrypted metadata (``RecordMeta.screening``,
inside the keyed chain): per finding its kind (a detector's name such as ``payment_card``,
``keyword marker``, ``scam``, ``malware: SIGNATURE``, ``uninspectable: REASON``, ``rspamd``,
``spam score``), the rule that saw it, the confidence, how many times and where (body,
subject, ``header:Name``, ``attachment:path``). Never a snippet or a matched value.

Small on purpose (this runs for every message): at most :data:`MAX_FINDINGS` lines, at most
:data:`MAX_PLACES` places per line.
"""

from __future__ import annotations

from typing import Any

from rules.external import RspamdResult
from rules.model import Verdict

MAX_FINDINGS = 20
MAX_PLACES = 5
_TEXT = 200   # a kind, rule or place is cut here (a signature or an attachment path may be long)
_RANK = {"high": 3, "medium": 2, "low": 1}


def _cut(value: object) -> str:
    return " ".join(str(value or "").split())[:_TEXT]


def screening_summary(verdict: Verdict, rspamd: RspamdResult | None = None) -> list[dict[str, Any]]:
    """``[{kind, rule, confidence, count, where: [...]}, ...]`` (``score``/``action`` for the
    engines' scores): the rules' evidence grouped by rule, kind and confidence, then the
    findings the parser and the engines reported, then the scores."""
    lines: dict[tuple[str, str, str], dict[str, Any]] = {}
    for hit in verdict.hits:
        for ev in hit.evidence:
            kind = ev.kind or ev.where.split(":", 1)[0] or "match"
            key = (_cut(hit.rule), _cut(kind), ev.confidence)
            line = lines.setdefault(key, {"kind": key[1], "rule": key[0], "confidence": ev.confidence or None,
                                          "count": 0, "where": []})
            line["count"] += 1
            place = _cut(ev.where)
            if place not in line["where"] and len(line["where"]) < MAX_PLACES:
                line["where"].append(place)
    out = sorted(lines.values(), key=lambda x: -_RANK.get(x["confidence"] or "", 0))
    for finding in dict.fromkeys(verdict.findings):
        out.append({"kind": _cut(finding), "rule": None, "confidence": None, "count": 1, "where": ["message"]})
    if rspamd is not None:
        out.append({"kind": "rspamd", "rule": None, "confidence": None, "count": 1, "where": ["message"],
                    "score": round(float(rspamd.score), 2), "action": _cut(rspamd.action)})
    if verdict.spam_score:
        out.append({"kind": "spam score", "rule": None, "confidence": None, "count": 1, "where": ["message"],
                    "score": round(float(verdict.spam_score), 2)})
    return out[:MAX_FINDINGS]
