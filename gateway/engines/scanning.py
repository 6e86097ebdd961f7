"""Ask the enabled engines about one message, alongside mailwarden's own screening.

The pipeline starts :meth:`Engines.start` as soon as DATA ends, so ClamAV and Rspamd work
while the message is parsed, its sender checked and its documents read; it awaits the
answer just before the rules run. Each engine has its own time budget per message.

What comes back (:class:`Scanned`) is only findings, Rspamd's result and headers: the rules
decide (``finding: malware``, ``rspamd: {score: {gt: 10}}``, ``rspamd_symbol: NAME``). The
one decision made here is the failure policy of an engine that gave no usable answer:
``tempfail`` -> the pipeline answers :data:`TEMPFAIL` (451 4.7.1); ``accept`` -> the finding
``scanner unavailable: <engine>`` and the header ``X-Mailwarden-Scanner``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from gateway.engines.base import EngineError, HealthBook
from gateway.engines.clamav import Clamd
from gateway.engines.config import EnginesSettings
from gateway.engines.rspamd import Rspamd
from rules.external import RspamdResult, malware, scanner_unavailable
from rules.findings import TRUNCATED, uninspectable
from rules.model import Envelope
from rules.payloads import payloads

log = logging.getLogger("mailwarden.engines")

TEMPFAIL = "451 4.7.1 The message could not be scanned now; please try again later"
SCANNER_HEADER = "X-Mailwarden-Scanner"
RSPAMD_HEADER = "X-Mailwarden-Rspamd"
_SYMBOL_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]")
THREAD_ABOVE = 256 * 1024   # bytes: decoding a larger message's parts runs in a thread
T = TypeVar("T")


class ScanDeferred(Exception):
    """An engine failed under ``on_failure: tempfail``: the client is to try again."""

    def __init__(self, reply: str = TEMPFAIL) -> None:
        super().__init__(reply)
        self.reply = reply


@dataclass
class Scanned:
    findings: list[str] = field(default_factory=list)
    rspamd: RspamdResult | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    deferred_by: list[str] = field(default_factory=list)   # engines that failed under tempfail


class InFlight:
    """One message's scan, running while mailwarden screens it: started at the end of DATA,
    awaited just before the rules run, cancelled when our own screening fails first (nobody
    would wait for it). With no engine on it is an empty answer, so the pipeline has one path."""

    def __init__(self, engines: Engines | None, raw: bytes, envelope: Envelope) -> None:
        self.task = engines.start(raw, envelope) if engines is not None else None

    async def result(self) -> Scanned:
        """The engines' findings; :class:`ScanDeferred` when one failed under ``tempfail``."""
        scanned = await self.task if self.task is not None else Scanned()
        if scanned.deferred_by:
            raise ScanDeferred()
        return scanned

    def cancel(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()


class EngineMetrics:
    """Engine calls and errors, in the process's registry (``/metrics``)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.errors = Counter("mailwarden_engine_errors_total",
                              "Engine calls without a usable answer (down, timeout, garbage)",
                              ["engine", "kind"], registry=registry)
        self.seconds = Histogram("mailwarden_engine_seconds", "Time an engine took for one message",
                                 ["engine"], registry=registry,
                                 buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
        self.findings = Counter("mailwarden_engine_findings_total", "Malware found, by engine",
                                ["engine"], registry=registry)
        # Under ``serve``'s multiprocess mode: the value a live process wrote last.
        self.up = Gauge("mailwarden_engine_up", "1 when the engine's last call or health check answered, 0 when not",
                        ["engine"], registry=registry, multiprocess_mode="livemostrecent")


class Engines:
    """The enabled engines of one gateway process (none: :attr:`enabled` is False)."""

    def __init__(self, settings: EnginesSettings, *, health: HealthBook | None = None,
                 metrics: EngineMetrics | None = None) -> None:
        self.settings = settings
        self.health = health or HealthBook()
        self.metrics = metrics
        c, r = settings.clamav, settings.rspamd
        self.clamd = Clamd(c.address, c.timeout) if c.enabled else None
        self.rspamd = Rspamd(r.url, r.controller, os.environ.get(r.password_env, "") if r.password_env else "",
                             r.timeout) if r.enabled else None
        self._streams: asyncio.Semaphore | None = None
        if metrics is not None:   # mailwarden_engine_up follows every call, check and learn
            self.health.listen(lambda name, up: metrics.up.labels(name).set(1 if up else 0))
        for engine in (self.clamd, self.rspamd):
            if engine is not None:
                self.health.register(engine.name)

    @property
    def enabled(self) -> bool:
        return self.clamd is not None or self.rspamd is not None

    def start(self, raw: bytes, envelope: Envelope) -> asyncio.Task[Scanned] | None:
        """The scan as a task running alongside the screening (None when no engine is on)."""
        if not self.enabled:
            return None
        return asyncio.ensure_future(self.scan(raw, envelope))

    async def scan(self, raw: bytes, envelope: Envelope) -> Scanned:
        jobs: list[Awaitable[Scanned]] = []
        if self.clamd is not None:
            jobs.append(self._guarded("clamav", self.settings.clamav, self._clamav(raw)))
        if self.rspamd is not None:
            jobs.append(self._guarded("rspamd", self.settings.rspamd, self._rspamd(raw, envelope)))
        out = Scanned()
        for part in await asyncio.gather(*jobs):
            out.findings += part.findings
            out.headers += part.headers
            out.deferred_by += part.deferred_by
            out.rspamd = out.rspamd or part.rspamd
        return out

    # ---- one engine, its budget and its failure policy ----------------------------------
    async def _guarded(self, name: str, cfg, work: Awaitable[Scanned]) -> Scanned:  # noqa: ANN001
        started = time.perf_counter()
        try:
            result = await asyncio.wait_for(work, cfg.timeout)
        except TimeoutError:
            return self._failed(name, cfg, EngineError("timeout", f"no answer within {cfg.timeout:g}s"))
        except EngineError as exc:
            return self._failed(name, cfg, exc)
        self.health.ok(name)
        if self.metrics is not None:
            self.metrics.seconds.labels(name).observe(time.perf_counter() - started)
        return result

    def _failed(self, name: str, cfg, exc: EngineError) -> Scanned:  # noqa: ANN001
        self.health.failed(name, exc)
        if self.metrics is not None:
            self.metrics.errors.labels(name, exc.kind).inc()
        log.warning("engine gave no usable answer", extra={
            "event": "engine.failed", "engine": name, "kind": exc.kind, "error": str(exc),
            "policy": cfg.on_failure})
        if cfg.on_failure == "tempfail":
            return Scanned(deferred_by=[name])
        return Scanned(findings=[scanner_unavailable(name)], headers=[(SCANNER_HEADER, f"{name} unavailable")])

    # ---- ClamAV: the whole message, then every decoded part ------------------------------
    async def _clamav(self, raw: bytes) -> Scanned:
        assert self.clamd is not None
        items = [raw]
        if self.settings.clamav.scan_parts:
            parts = await asyncio.to_thread(payloads, raw) if len(raw) > THREAD_ABOVE else payloads(raw)
            items += [p.data for p in parts]
        scans = [asyncio.ensure_future(self._limited(self._scan_one(data))) for data in items]
        try:
            results = await asyncio.gather(*scans)
        except BaseException:
            for scan in scans:   # one failed (or the budget ran out): the rest is not waited for
                scan.cancel()
            raise
        signatures = [s for s, _ in results]
        too_large = any(big for _, big in results)
        found = list(dict.fromkeys(s for s in signatures if s))
        if found and self.metrics is not None:
            self.metrics.findings.labels("clamav").inc()
        # part of it over clamd's StreamMaxLength: not scanned, and retrying cannot change that,
        # so no 451: the finding the rules already hold unreadable content on (fail closed)
        return Scanned(findings=[malware(s) for s in found] + ([uninspectable(TRUNCATED)] if too_large else []))

    async def _scan_one(self, data: bytes) -> tuple[str | None, bool]:
        """(signature or None, whether clamd refused it as too large)."""
        assert self.clamd is not None
        try:
            return await self.clamd.scan(data), False
        except EngineError as exc:
            if exc.kind != "too large":
                raise
            return None, True

    async def _limited(self, work: Awaitable[T]) -> T:
        if self._streams is None:
            self._streams = asyncio.Semaphore(self.settings.clamav.concurrency)
        async with self._streams:
            return await work

    # ---- Rspamd -------------------------------------------------------------------------
    async def _rspamd(self, raw: bytes, envelope: Envelope) -> Scanned:
        assert self.rspamd is not None
        result = await self.rspamd.check(raw, envelope)
        # names as Rspamd sent them, but only header-safe characters reach the delivered copy
        symbols = " ".join(_SYMBOL_UNSAFE.sub("", s) for s in sorted(result.symbols)[:30])
        header = f"score={result.score:.2f}; action={result.action}" + (f"; symbols={symbols}" if symbols else "")
        return Scanned(rspamd=result, headers=[(RSPAMD_HEADER, header)])

    async def close(self) -> None:
        """Release pooled connections (the gateway's stop)."""
        if self.rspamd is not None:
            await self.rspamd.close()

    # ---- health (``/healthz``, from the API's threads) ---------------------------------
    def health_report(self) -> dict[str, dict[str, object]]:
        """Each enabled engine pinged now (a couple of seconds at most each): ``ok`` and
        ``error``, plus what this process's scans last met (``failures``)."""
        checks: list[tuple[str, Callable[[], None]]] = []
        if self.clamd is not None:
            checks.append(("clamav", self.clamd.ping_blocking))
        if self.rspamd is not None:
            checks.append(("rspamd", self.rspamd.ping_blocking))
        for name, ping in checks:
            try:
                ping()
                self.health.ok(name)
            except EngineError as exc:
                self.health.failed(name, exc)
        return self.health.snapshot()
