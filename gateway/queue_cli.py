"""``mailwarden queue list|show|retry|hold|release|delete`` (audited by gateway.commands)."""

from __future__ import annotations

import argparse
import sys
import time

from gateway.cli import print_json
from gateway.settings import Settings


def run(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.queue_control import QueueConflict, QueueControl, QueueRowNotFound
    from gateway.services import build_services

    services = build_services(settings)
    control = QueueControl(services.engine, services.archive.open_digest)
    try:
        command = args.queue_command
        try:
            if command == "list":
                rows = control.list(args.status, limit=args.limit)
                if args.json:
                    print_json(rows)
                else:
                    _print_rows(rows)
            elif command == "show":
                row = control.show(args.ids[0])
                print_json(row)
                return 0 if row["readable"] else 1
            elif command == "retry":
                if not args.ids and not args.all:
                    print("mailwarden: name the rows to retry, or --all for every waiting row", file=sys.stderr)
                    return 2
                print(f"{control.retry(None if args.all else args.ids)} row(s) due now")
            else:
                changed = getattr(control, command)(args.ids)
                done = {"hold": "put on hold", "release": "released to the queue", "delete": "deleted"}[command]
                print(f"{changed} row(s) {done}")
                if changed < len(args.ids):   # a claim won the race: say so
                    print("mailwarden: some rows changed meanwhile; list them again", file=sys.stderr)
                    return 1
        except QueueRowNotFound as exc:
            print(f"mailwarden: {exc}", file=sys.stderr)
            return 1
        except QueueConflict as exc:
            print(f"mailwarden: {exc}", file=sys.stderr)
            return 1
    finally:
        services.close()
    return 0


def _print_rows(rows: list[dict]) -> None:
    if not rows:
        print("the queue is empty")
        return
    print(f"{'ID':>8}  {'STATUS':10} {'TRIES':>5} {'AGE':>8}  {'NEXT':>8}  FROM -> TO  LAST ERROR")
    now = time.time()
    for r in rows:
        nxt = _span(r["next_attempt_at"] - now) if r["status"] == "queued" else "-"
        last = f"  {r['last_code'] or ''} {(r['last_error'] or '')[:60]}".rstrip()
        print(f"{r['id']:>8}  {r['status']:10} {r['attempts']:>5} {_span(r['age_seconds']):>8}  {nxt:>8}  "
              f"<{r['mail_from']}> -> <{r['recipient']}>{last}")


def _span(seconds: float) -> str:
    seconds = max(0.0, seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f}{unit}"
    return f"{seconds:.0f}s"
