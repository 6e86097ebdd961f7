"""Precision and recall of the shipped rules on the labelled corpus of issue 19.

Run on demand: ``.venv/bin/python bench/bench_accuracy.py`` (``--category cards`` or
``--id card-pos-003`` to narrow, ``--labels DIR/labels.yaml`` to measure another set in the
same format (one kept outside the repository), ``--inline`` to read documents in-process instead of in the
extraction worker, ``--json`` for machine-readable figures). Every message of
``tests/accuracy/`` goes through the real screening and decision exactly as ``mailwarden
check`` does (``gateway.policy.check`` with the shipped configs); see
``tests/accuracy/measure.py`` for how outcomes are scored. Prints precision and recall per
category and overall, then each misclassified message with the rules that decided it and
their evidence (the confidence and context, where the detectors report them), for tuning.
The target is >= 0.99 for both in every category (``tests/test_accuracy.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.accuracy.measure import TARGET, Result, labels, run, score  # noqa: E402


def describe(r: Result) -> list[str]:
    lab = r.label
    lines = [f"  {lab['id']:<16} expected {lab['expect'] + (' (recorded)' if lab.get('recorded') else ''):<20} "
             f"got {r.outcome:<10} {r.kind.upper()}  {lab['note']}"]
    for h in r.verdict["hits"]:
        if h["rule"] == "compliance-copy":
            continue
        ev = "; ".join(", ".join(f"{k}={v}" for k, v in e.items())[:160] for e in h["evidence"][:3])
        lines.append(f"      {h['rule']} [{h['action']}, {h['mode']}, score {h['score']}] {ev}")
    if r.verdict["findings"]:
        lines.append(f"      findings: {', '.join(r.verdict['findings'])[:200]}")
    if r.verdict["spam_score"]:
        lines.append(f"      spam score {r.verdict['spam_score']}")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", type=Path, help="measure another labelled set in the same format (its labels.yaml)")
    ap.add_argument("--category", action="append", help="only these categories")
    ap.add_argument("--id", action="append", help="only these message ids")
    ap.add_argument("--inline", action="store_true", help="read documents in-process (no extraction worker)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--all", action="store_true", help="list every message with the rules that decided it")
    args = ap.parse_args()
    selected = [lab for lab in labels(args.labels) if (not args.category or lab["category"] in args.category)
                and (not args.id or lab["id"] in args.id)]
    t0 = time.perf_counter()
    results = run(selected, inline=args.inline)
    elapsed = time.perf_counter() - t0
    scores = score(results)
    if args.json:
        print(json.dumps({k: {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "tp": s.tp,
                              "fp": s.fp, "fn": s.fn, "tn": s.tn, "wrong": [r.label["id"] for r in s.wrong]}
                          for k, s in scores.items()}, indent=2))
        return 0
    print(f"{len(results)} messages in {elapsed:.1f} s; target precision and recall >= {TARGET}\n")
    print(f"{'category':<14}{'n':>5}{'TP':>5}{'FP':>5}{'FN':>5}{'TN':>5}{'precision':>11}{'recall':>8}")
    for name, s in scores.items():
        flag = "" if min(s.precision, s.recall) >= TARGET else "   < target"
        print(f"{name:<14}{s.total:>5}{s.tp:>5}{s.fp:>5}{s.fn:>5}{s.tn:>5}{s.precision:>11.3f}{s.recall:>8.3f}{flag}")
    wrong = scores["overall"].wrong if "overall" in scores else []
    if args.all:
        print(f"\nall messages ({len(results)}):")
        for r in results:
            print("\n".join(describe(r)))
    elif wrong:
        print(f"\nmisclassified ({len(wrong)}):")
        for r in sorted(wrong, key=lambda r: r.label["id"]):
            print("\n".join(describe(r)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
