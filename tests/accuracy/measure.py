"""Run the corpus through the real screening and decision, and score it per category.

Each message goes through :func:`gateway.policy.check` (what ``mailwarden check`` runs) with
the shipped ``configs/rules.yaml`` and ``configs/directory.yaml`` and, by default, the
gateway's extraction worker (documents read within the screening budget, as the gateway
reads them). The outcome is ``refused`` (reject), ``held`` (quarantine or warn), ``tagged``
(delivered with the spam subject prefix) or ``delivered``.

The Date header is set to the time of the run first (the one change made to a message): the
files are fixed, but a message checked today is one being sent today, and a Date weeks away
would add the shipped date-skew spam score to every inbound message.

Scoring, per category and overall (the positive class is "must be stopped or recorded"):
- a message expected held/tagged/refused is a true positive when the outcome is at least
  that severe (a scam expected held and only tagged is a miss), a false negative otherwise;
- a message expected delivered is a false positive when anything stronger happens;
- a ``recorded`` message (low-confidence finding) is a true positive when it is delivered
  and an audit-mode rule hit it, a false negative when delivered unrecorded, and a false
  positive when held.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SEVERITY = {"delivered": 0, "tagged": 1, "held": 2, "refused": 3}
TARGET = 0.99


@dataclass
class Result:
    label: dict[str, Any]
    outcome: str
    audited: bool
    verdict: dict[str, Any]

    @property
    def kind(self) -> str:
        """tp, fp, fn or tn (see the module docstring)."""
        want, got = self.label["expect"], self.outcome
        if self.label.get("recorded"):
            if SEVERITY[got] > 0:
                return "fp"
            return "tp" if self.audited else "fn"
        if want == "delivered":
            return "fp" if SEVERITY[got] > 0 else "tn"
        return "tp" if SEVERITY[got] >= SEVERITY[want] else "fn"


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    wrong: list[Result] = field(default_factory=list)

    def add(self, r: Result) -> None:
        k = r.kind
        setattr(self, k, getattr(self, k) + 1)
        if k in ("fp", "fn"):
            self.wrong.append(r)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn


def labels(path: Path | None = None) -> list[dict[str, Any]]:
    """The labels of this corpus, or of another set in the same format (``path``: its
    labels.yaml; each ``file`` is relative to it), such as one kept outside the repository."""
    path = path or HERE / "labels.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    for entry in entries:
        entry["path"] = str(path.parent / entry["file"])
    return entries


def dated_now(raw: bytes) -> bytes:
    """``raw`` with its Date header (in the header block) set to now, whichever line ending
    the file uses (a set written elsewhere may use LF: its Date was left as written, and a
    message dated weeks away scored the date-skew spam points)."""
    eol = b"\r\n" if b"\r\n" in raw[:raw.find(b"\n") + 1] else b"\n"
    head, sep, body = raw.partition(eol + eol)
    lines = head.split(eol)
    now = formatdate(localtime=False).encode()
    lines = [b"Date: " + now if line.lower().startswith(b"date:") else line for line in lines]
    return eol.join(lines) + sep + body


def outcome_of(verdict: Any) -> str:
    action = str(verdict.action)
    if action == "reject":
        return "refused"
    if action == "quarantine":
        return "held"
    return "tagged" if verdict.subject_prefix else "delivered"


@contextmanager
def checker(*, inline: bool = False) -> Iterator[Any]:
    """A function raw, mail_from, rcpt_tos -> Verdict, as ``mailwarden check`` decides."""
    from gateway.extraction_pool import ExtractionPool
    from gateway.policy import PolicyHolder, check
    from gateway.settings import ExtractionSettings

    policy = PolicyHolder(ROOT / "configs" / "rules.yaml", ROOT / "configs" / "directory.yaml").current
    if inline:
        yield lambda raw, mail_from, rcpts: check(policy, raw, mail_from, rcpts)
        return
    budget = ExtractionSettings()
    pool = ExtractionPool(workers=1, seconds=budget.seconds, memory_mb=budget.memory_mb)
    try:
        yield lambda raw, mail_from, rcpts: check(policy, raw, mail_from, rcpts, extraction=pool)
    finally:
        pool.close()


def run(selected: list[dict[str, Any]] | None = None, *, inline: bool = False) -> list[Result]:
    out = []
    with checker(inline=inline) as decide:
        for label in selected if selected is not None else labels():
            raw = dated_now(Path(label.get("path") or HERE / label["file"]).read_bytes())
            env = label["envelope"]
            v = decide(raw, env["mail_from"], env["rcpt_tos"])
            audited = any(str(h.mode) == "audit" for h in v.hits)
            out.append(Result(label, outcome_of(v), audited, v.to_json()))
    return out


def score(results: list[Result]) -> dict[str, Score]:
    """Scores by category, and ``overall``."""
    scores: dict[str, Score] = {}
    for r in results:
        for key in (r.label["category"], "overall"):
            scores.setdefault(key, Score()).add(r)
    return dict(sorted(scores.items(), key=lambda kv: (kv[0] == "overall", kv[0])))
