"""The admin API as the running gateway serves it: admin_api's app with the gateway's services."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from functools import partial
from typing import Any

from fastapi import FastAPI

from admin_api.account_links import LinkMail
from admin_api.app import ApiServices, create_app
from admin_api.edge_guard import GuardLimits
from admin_api.services import ConsoleConfig
from archive.stats import summary as archive_summary
from gateway import health as health_checks
from gateway.audit_wiring import console_services
from gateway.auth_throttle import AuthThrottle, ThrottleLimits
from gateway.console_wiring import delivery_events, rule_description, rule_terms
from gateway.engines.base import EngineError
from gateway.extraction_pool import ExtractionPool
from gateway.health import Health
from gateway.policy import check
from gateway.queue_control import QueueControl
from gateway.services import Services
from gateway.startup import processes_file
from quarantine.record_history import record_history

log = logging.getLogger(__name__)


def api_services(services: Services, reload: Any = None, extraction: ExtractionPool | None = None,
                 stopping: Any = None) -> ApiServices:
    started = time.time()

    def rules_test(raw: bytes, mail_from: str, rcpt_tos: list[str]) -> Mapping[str, Any]:
        # a sync endpoint (a thread): documents go to the gateway's extraction workers
        return check(services.policy.current, raw, mail_from, rcpt_tos, extraction=extraction).to_json()

    def rules_reload() -> None:
        try:
            services.policy.reload()
        except Exception as exc:  # noqa: BLE001 - the API answers 422 with the file:line text
            raise ValueError(str(exc)) from exc

    checks = node_health(services)
    api = services.settings.api
    if stopping is not None:      # a stopping node is not ready (the load balancer moves on)
        checks.stopping = stopping

    def health() -> Mapping[str, Any]:
        report = checks.report()
        try:
            depth: int | None = services.queue.depth()
        except Exception:  # noqa: BLE001 - the database component already says why
            depth = None
        engines = services.engines.health.snapshot() if services.engines is not None else {}
        return {**report, "uptime_seconds": round(time.time() - started, 1), "queue_depth": depth,
                "rules_generation": services.policy.current.generation, **({"engines": engines} if engines else {})}

    def supervisors(department: str) -> set[str]:
        return set(services.policy.directory().supervisors_of(department))

    def archive_record(archive_id: int) -> Mapping[str, Any]:
        item = services.archive.get_record(archive_id)
        return {
            "record": {
                "envelope": {"mail_from": item.sender, "rcpt_tos": list(item.recipients)},
                "received_at": item.received_at, "date": item.date, "direction": item.direction,
                "verdict": item.verdict, "rules": list(item.rules), "department": item.department,
                "event": item.event,
            },
            "history": record_history(services.engine, [archive_id]).get(archive_id, []),
        }

    def learn_spam(archive_id: int, spam: bool, actor: str, role: str | None, client_ip: str | None) -> str:
        assert services.learner is not None
        try:
            return services.learner.mark(archive_id, spam=spam, actor=actor, role=role, client_ip=client_ip)
        except EngineError as exc:
            raise RuntimeError(f"Rspamd could not learn it now: {exc}") from None

    _seal_totp_secrets(services)
    return ApiServices(
        engine=services.engine, quarantine=services.quarantine, archive=services.archive,
        rules_test=rules_test, rules_reload=reload or rules_reload,
        metrics_text=lambda: services.metrics.render().decode(), health=health, ready=checks.ready,
        queue_control=QueueControl(services.engine, services.archive.open_digest),
        guard_limits=GuardLimits(small_body=api.unauthenticated_body, large_body=api.max_body,
                                 rate=api.rate_per_ip, burst=api.burst_per_ip, rate_exempt=tuple(api.rate_exempt)),
        token_throttle=TokenThrottle(AuthThrottle(services.engine, ThrottleLimits(
            max_failures=api.token_failures, window=api.token_window, lockout=api.token_lockout), namespace="api:")),
        department_supervisors=supervisors,
        archive_stats=lambda after, before: archive_summary(services.engine, after, before),
        archive_record=archive_record,
        console=ConsoleConfig(session_idle=services.settings.api.session_idle,
                              session_absolute=services.settings.api.session_absolute,
                              base_url=services.settings.api_base_url),
        send_link_mail=lambda mail: _send_link_mail(services, mail),
        rule_terms=rule_terms(services.policy), delivery_events=delivery_events(services.engine),
        describe_rule=rule_description(services.policy),
        learn_spam=learn_spam if services.learner is not None else None,
        **console_services(services, extraction),
    )


def _seal_totp_secrets(services: Services) -> None:
    """TOTP secrets stored in plaintext before sealing existed are sealed when the API starts
    (and, should this fail, on their next use): the database never keeps a usable second factor."""
    from admin_api.totp_seal import seal_plaintext

    try:
        sealed = seal_plaintext(services.engine, services.archive.keyring)
    except Exception as exc:  # noqa: BLE001 - the API still starts; verify() seals on use
        log.warning("cannot seal plaintext TOTP secrets now: %s", exc)
        return
    if sealed:
        log.info("sealed %d TOTP secrets stored in plaintext", sealed)


class TokenThrottle:
    """Invalid bearer tokens counted per client address only (never per account: a guesser
    spread over many addresses must not be able to lock everyone out of the API)."""

    def __init__(self, throttle: AuthThrottle):
        self.throttle = throttle

    def locked(self, ip: str) -> float:
        return self.throttle.locked(ip, "", trusted=True)

    def failed(self, ip: str) -> float:
        return self.throttle.failed(ip, "", trusted=True)


def _send_link_mail(services: Services, mail: LinkMail) -> None:
    """The console's invitation/reset links through the notice path: queued, archived with the
    link withheld, the live copy sealed until delivered (gateway.notices.Notifier.send_link)."""
    with services.engine.begin() as conn:
        services.notifier.send_link(conn, mail)


def node_health(services: Services) -> Health:
    """The components ``/healthz`` names (engines add theirs with health.register_component)."""
    s = services.settings
    return Health({
        "database": partial(health_checks.database, services.engine),
        "disk": partial(health_checks.disk, {"data": s.data_dir, "blobs": s.blobs_dir}),
        "workers": partial(health_checks.workers, processes_file()),
        "keys": partial(health_checks.key_ring, services.keyring),
        "directory": partial(health_checks.directory, services.policy),
        "engines": partial(health_checks.engines, services.engines),
    })


def build_app(services: Services, gateway: Any = None) -> FastAPI:
    """The API of a running gateway: a reload reaches every worker process, not just this one."""
    reload = None
    if gateway is not None:
        def reload() -> None:
            try:
                gateway.reload_or_raise()
            except Exception as exc:  # noqa: BLE001 - the API answers 422 with the file:line text
                raise ValueError(str(exc)) from exc
    stopping = gateway.stop_event.is_set if gateway is not None else None
    return create_app(api_services(services, reload, getattr(gateway, "extraction", None) or services.extraction,
                                   stopping=stopping))
