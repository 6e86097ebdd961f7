"""Prometheus metrics of the whole node (``GET /metrics``).

``mailwarden serve`` runs several gateway processes, and the API answering a scrape lives in
one of them. Counters and histograms therefore use prometheus-client's multiprocess mode:
``serve`` makes a fresh directory per run and names it in ``PROMETHEUS_MULTIPROC_DIR``
before any process is forked; each process writes its values to its own memory-mapped
files there, and a scrape sums every file, including those of a worker that died and was
restarted (its mail still counts). A process not started by ``serve`` (tests, one
in-process gateway) keeps its values in memory as before.

What an operator pages on but no single process counts (queue depth and age, held mail,
index lag, disk free) is read at scrape time by :mod:`gateway.node_gauges`, registered with
:meth:`Metrics.add_collector`.

External engines (ClamAV, Rspamd: ``gateway/engines``) count their calls and errors
(``mailwarden_engine_errors_total{engine,kind}``) on this registry too, so they are summed
over the processes like the rest.
"""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, values
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

def multiprocess_dir() -> Path | None:
    """The per-run directory of ``serve`` (None outside it)."""
    value = os.environ.get(MULTIPROC_ENV)
    return Path(value) if value and Path(value).is_dir() else None


class Metrics:
    def __init__(self) -> None:
        self.shared_dir = multiprocess_dir()
        if self.shared_dir is not None:
            # Chosen at import time by prometheus-client; serve sets the variable later than
            # that (after reading the settings), so the value class is picked here, per process.
            values.ValueClass = values.MultiProcessValue()
        self.registry = CollectorRegistry()
        self._collectors: list[Collector] = []
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
        self.rule_hits = Counter("mailwarden_rule_hits_total",
                                 "Rule hits in screened messages, by rule and the action it asked for",
                                 ["rule", "action"], registry=r)
        self.processing = Histogram(
            "mailwarden_processing_seconds", "Time from end of DATA to the reply",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=r)

    def add_collector(self, collector: Collector) -> None:
        """A collector read at every scrape (node-wide gauges from the database and the disk)."""
        self._collectors.append(collector)

    def render(self) -> bytes:
        """The node's metrics in Prometheus text format."""
        if self.shared_dir is None:
            registry = self.registry
        else:
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=str(self.shared_dir))
        text = generate_latest(registry)
        if self._collectors:
            extra = CollectorRegistry()
            for collector in self._collectors:
                extra.register(collector)
            text += generate_latest(extra)
        return text

