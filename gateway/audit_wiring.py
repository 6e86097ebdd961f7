"""What the audit and administration console (issue 16) needs from the gateway, wired in one place.

admin_api imports nothing of the gateway: the backtest (rules, the extraction pool), legal
holds and purge (retention with the gateway's own ``still_needed``), the directory's word on
a new account and each rule's category are handed to it here as plain callables.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from admin_api.jobs import JobStore
from archive.retention import Retention
from gateway import attempts
from gateway.account_check import account_check
from gateway.backtest import backtest, candidate_policy
from gateway.extraction_pool import ExtractionPool
from gateway.retention import forget, node_lock, still_needed
from gateway.rule_categories import categoriser
from gateway.services import Services
from gateway.tables import queue as queue_table
from rules.loader import RuleSetError


def _candidate_dir(live_rules: Path) -> tempfile.TemporaryDirectory:
    """A private folder holding the candidate beside links to the live rules' neighbours, so a
    ``file: lists/x.txt`` in the candidate reads the same list the live rules read."""
    folder = tempfile.TemporaryDirectory(prefix="mailwarden-backtest-")
    for entry in live_rules.parent.iterdir():
        if entry.name != "candidate.yaml":
            (Path(folder.name) / entry.name).symlink_to(entry)
    return folder


def record_deliveries(engine: sa.Engine) -> Callable[[list[int]], list[dict[str, Any]]]:
    """archive ids -> their deliveries as timeline events: queued, each attempt, each DSN sent
    (the queue and its attempts log are the gateway's, gateway/attempts.py)."""
    q = queue_table.c

    def deliveries(ids: list[int]) -> list[dict[str, Any]]:
        with engine.connect() as conn:
            rows = list(conn.execute(sa.select(q.id, q.archive_id, q.recipient, q.status, q.attempts, q.created_at,
                                               q.finished_at, q.next_attempt_at, q.last_code, q.last_error)
                                     .where(q.archive_id.in_(ids)).order_by(q.id)).mappings())
        return attempts.timeline_deliveries(rows, attempts.read(engine, archive_ids=ids) if rows else [])

    return deliveries


def rules_info(services: Services) -> Callable[[], Mapping[str, Any]]:
    """The live rules as the rules page shows them, and the lint state of the file on disk."""
    from rules.loader import lint

    def info() -> Mapping[str, Any]:
        policy = services.policy.current
        path = Path(services.settings.rules_path)
        try:
            problems = list(lint(path))
        except Exception as exc:  # noqa: BLE001 - shown on the page, never a 500
            problems = [str(exc)]
        return {"generation": policy.generation, "loaded_at": policy.loaded_at, "path": path.name, "lint": problems,
                "rules": [{"name": r.name, "description": r.description, "mode": str(r.mode), "action": r.action,
                           "enabled": r.enabled, "priority": r.priority,
                           "descriptions": dict(r.descriptions)}
                          for r in policy.engine.ruleset.rules]}

    return info


def console_services(services: Services, extraction: ExtractionPool | None) -> dict[str, Any]:
    settings = services.settings
    archive_settings = settings.archive

    def prepare_backtest(text: str, days: float) -> Callable[..., Mapping[str, Any]]:
        if not days > 0:
            raise ValueError("days must be more than 0")
        folder = _candidate_dir(Path(settings.rules_path))
        path = Path(folder.name) / "candidate.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            policy = candidate_policy(path, services.policy.current)
        except RuleSetError as exc:
            folder.cleanup()
            raise ValueError("; ".join(str(e).replace(str(path), "candidate.yaml") for e in exc.errors[:5])) from None
        folder.cleanup()

        def work(progress: Callable[[int, int | None], None]) -> Mapping[str, Any]:
            return backtest(services.engine, services.archive, policy, days, rules_file="candidate.yaml",
                            extraction=extraction, progress=progress)

        return work

    retention = Retention(services.archive, archive_settings.retention,
                          archive_settings.default_retention_days, still_needed=still_needed, forget=forget)

    def purge(dry_run: bool) -> Mapping[str, Any]:
        with node_lock(services.engine) as got:   # the lock serve's scheduled purge takes
            if not got and not dry_run:
                raise RuntimeError("a purge is running (another node or process); try again later")
            report = retention.plan() if dry_run else retention.purge()
        return report.to_dict()

    export_dir = settings.data_dir / "exports"
    return {
        "jobs": JobStore(services.engine), "backtest": prepare_backtest, "retention": retention,
        "purge": purge, "export_dir": export_dir,
        "account_check": account_check(services.policy.directory),   # the live directory, reloads included
        "record_deliveries": record_deliveries(services.engine), "rules_info": rules_info(services),
        "rule_category": categoriser(lambda: services.policy.current.engine.ruleset,
                                     settings.engines.rspamd.spam_rules),
    }
