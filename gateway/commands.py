"""What each ``mailwarden`` sub-command does (argument parsing lives in :mod:`gateway.cli`)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from gateway.cli import print_json, read_password
from gateway.settings import Settings


def _services(settings: Settings):  # noqa: ANN202
    from gateway.services import build_services

    return build_services(settings)


def serve(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.server import run

    services = _services(settings)
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover - optional speed-up
        pass
    asyncio.run(run(services))
    return 0


def migrate_db(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.db import migrate, open_engine

    engine = open_engine(settings.database_url)
    migrate(engine)
    print("schema is up to date")
    return 0


def check(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.policy import PolicyHolder, check

    policy = PolicyHolder(settings.rules_path, settings.directory_path).current
    verdict = check(policy, args.file.read_bytes(), args.mail_from, args.rcpt_tos)
    print_json(verdict.to_json())
    return 0


def rules(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.directory import Directory
    from rules.loader import lint

    path = args.file or settings.rules_path
    problems = list(lint(path))
    try:
        Directory.load(settings.directory_path)
    except Exception as exc:  # noqa: BLE001 - reported like any other problem
        problems.append(str(exc))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"{path}: OK")
    return 0


def smtp_user(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.accounts import AccountError

    services = _services(settings)
    try:
        if args.smtp_command == "add":
            services.accounts.add(args.name, read_password())
            print(f"SMTP account {args.name} added")
        elif not services.accounts.remove(args.name):
            print(f"no SMTP account {args.name}", file=sys.stderr)
            return 1
    except AccountError as exc:
        print(f"mailwarden: {exc}", file=sys.stderr)
        return 1
    finally:
        services.close()
    return 0


def dkim(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.dkim_signing import generate_key

    try:
        record = generate_key(settings.data_dir / "dkim", args.domain, args.selector)
    except FileExistsError as exc:
        print(f"mailwarden: {exc}", file=sys.stderr)
        return 1
    print("Publish this DNS record:")
    print(record)
    return 0
