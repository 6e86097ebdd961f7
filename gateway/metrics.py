"""Prometheus metrics of one gateway process (``GET /metrics``)."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.accepted = Counter("mailwarden_messages_accepted_total", "Messages answered 250",
                                ["direction"], registry=r)
        self.rejected = Counter("mailwarden_messages_rejected_total", "Messages refused with 5xx at DATA",
                                ["direction"], registry=r)
        self.quarantined = Counter("mailwarden_recipients_quarantined_total", "Recipients held for review",
                                   registry=r)
        self.rerouted = Counter("mailwarden_quarantine_rerouted_total",
                                "Holds whose review source resolved to nobody, given to the default review group",
                                registry=r)
        self.tempfailed = Counter("mailwarden_messages_tempfailed_total", "Messages answered 4xx at DATA",
                                  registry=r)
        self.delivered = Counter("mailwarden_recipients_delivered_total", "Recipients delivered downstream",
                                 registry=r)
        self.deferred = Counter("mailwarden_recipients_deferred_total", "Delivery attempts deferred (4xx)",
                                registry=r)
        self.bounced = Counter("mailwarden_recipients_bounced_total", "Recipients failed permanently (DSN sent)",
                               registry=r)
        self.smtp_refused = Counter("mailwarden_smtp_refused_total",
                                    "Connections, commands or messages refused at the SMTP edge",
                                    ["reason"], registry=r)
        self.extractions = Counter("mailwarden_extractions_total",
                                   "Messages whose documents the extraction workers read, by outcome "
                                   "(ok; timeout, limit, error, unavailable: held as uninspectable)",
                                   ["outcome"], registry=r)
        self.processing = Histogram(
            "mailwarden_processing_seconds", "Time from end of DATA to the reply",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=r)
        self.queue_depth = Gauge("mailwarden_queue_depth", "Recipients queued or being delivered", registry=r)
        self._queue_depth_fn: Callable[[], int] | None = None

    def watch_queue_depth(self, fn: Callable[[], int]) -> None:
        self._queue_depth_fn = fn

    def render(self) -> bytes:
        if self._queue_depth_fn is not None:
            try:
                self.queue_depth.set(self._queue_depth_fn())
            except Exception:  # noqa: BLE001 - a scrape must not fail because the DB blinked
                pass
        return generate_latest(self.registry)
