"""``mailwarden rules backtest FILE --days N``: the console's backtest, printed."""

from __future__ import annotations

import argparse
import sys

from gateway.cli import print_json
from gateway.settings import Settings


def backtest(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.backtest import backtest as run
    from gateway.backtest import candidate_policy, format_result
    from gateway.services import build_services

    if not args.days > 0:
        print("mailwarden: --days must be more than 0", file=sys.stderr)
        return 2
    if not args.file.is_file():
        print(f"mailwarden: {args.file}: no such file", file=sys.stderr)
        return 2
    services = build_services(settings)
    try:
        policy = candidate_policy(args.file, services.policy.current)   # RuleSetError: file:line, exit 2
        result = run(services.engine, services.archive, policy, args.days, rules_file=str(args.file),
                     extraction=services.extraction)
    finally:
        services.close()
    if args.json:
        print_json(result)
    else:
        print("\n".join(format_result(result)))
    return 0
