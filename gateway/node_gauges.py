"""Gauges an operator pages on, read at scrape time from the database and the disk.

No process counts these: the queue and the quarantine are shared by every process and node,
so each scrape asks the database (a few indexed aggregate queries) instead of trusting a
number some process last set. A database that does not answer leaves these series out of
that scrape (``mailwarden_node_gauges_up 0``) rather than failing it: the counters still
matter most when the database is in trouble.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlalchemy as sa
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from admin_api import tables as admin_tables
from archive import tables as archive_tables
from gateway.tables import queue as queue_table
from quarantine import tables as quarantine_tables

log = logging.getLogger("mailwarden.metrics")

ON_HOLD = "hold"   # a queue row an administrator stopped (`mailwarden queue hold`)


def queue_figures(conn: sa.Connection, now: float) -> dict[str, float]:
    q = queue_table.c
    waiting = conn.execute(sa.select(sa.func.count(), sa.func.min(q.created_at))
                           .where(q.status.in_(["queued", "delivering"]))).one()
    on_hold = conn.execute(sa.select(sa.func.count()).where(q.status == ON_HOLD)).scalar_one()
    return {"depth": waiting[0], "oldest_age": max(0.0, now - waiting[1]) if waiting[1] else 0.0,
            "on_hold": on_hold}


def quarantine_figures(conn: sa.Connection, now: float) -> dict[str, float]:
    e, r = quarantine_tables.entries.c, quarantine_tables.entry_reviewers.c
    held = conn.execute(sa.select(sa.func.count(), sa.func.min(e.created_at)).where(e.status == "held")).one()
    # Held mail nobody can decide: none of its reviewers' addresses belongs to an enabled account.
    u, a = admin_tables.users.c, admin_tables.user_addresses.c
    someone = (sa.select(sa.literal(1)).select_from(
        quarantine_tables.entry_reviewers.join(admin_tables.user_addresses, a.address == r.address)
        .join(admin_tables.users, u.id == a.user_id))
        .where(r.entry_id == e.id, u.disabled.is_(False)).exists())
    orphaned = conn.execute(sa.select(sa.func.count()).where(e.status == "held", ~someone)).scalar_one()
    return {"held": held[0], "oldest_held_age": max(0.0, now - held[1]) if held[1] else 0.0,
            "held_without_reviewer": orphaned}


def index_figures(conn: sa.Connection, now: float) -> dict[str, float]:
    p, rec = archive_tables.index_pending.c, archive_tables.records.c
    row = conn.execute(sa.select(sa.func.count(), sa.func.min(rec.received_at))
                       .select_from(archive_tables.index_pending.outerjoin(
                           archive_tables.records, rec.id == p.record_id))).one()
    return {"pending": row[0], "oldest_age": max(0.0, now - row[1]) if row[1] else 0.0}


class NodeGauges(Collector):
    """Queue, quarantine, index and disk gauges (registered on the scrape, see Metrics.add_collector)."""

    def __init__(self, engine: sa.Engine, paths: dict[str, Path], clock: Callable[[], float] = time.time):
        self.engine = engine
        self.paths = paths
        self.clock = clock

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from self._disk()
        now = self.clock()
        try:
            with self.engine.connect() as conn:
                queue = queue_figures(conn, now)
                held = quarantine_figures(conn, now)
                index = index_figures(conn, now)
        except Exception as exc:  # noqa: BLE001 - a scrape must not fail because the database did
            log.warning("node gauges not read: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            yield _gauge("mailwarden_node_gauges_up", "1 when the database answered this scrape's queries", 0)
            return
        yield _gauge("mailwarden_node_gauges_up", "1 when the database answered this scrape's queries", 1)
        yield _gauge("mailwarden_queue_depth", "Recipients queued or being delivered (all nodes)", queue["depth"])
        yield _gauge("mailwarden_queue_oldest_age_seconds", "Age of the oldest recipient still to deliver",
                     queue["oldest_age"])
        yield _gauge("mailwarden_queue_on_hold", "Queue rows an administrator put on hold", queue["on_hold"])
        yield _gauge("mailwarden_quarantine_held", "Quarantine entries waiting for a decision", held["held"])
        yield _gauge("mailwarden_quarantine_oldest_held_age_seconds", "Age of the oldest undecided entry",
                     held["oldest_held_age"])
        yield _gauge("mailwarden_quarantine_held_without_reviewer",
                     "Held entries none of whose reviewers has an enabled account (nobody can decide them)",
                     held["held_without_reviewer"])
        yield _gauge("mailwarden_index_pending", "Archive records not yet in the search index (indexer lag)",
                     index["pending"])
        yield _gauge("mailwarden_index_lag_seconds", "Age of the oldest record waiting for the indexer",
                     index["oldest_age"])

    def _disk(self) -> Iterator[GaugeMetricFamily]:
        free = GaugeMetricFamily("mailwarden_disk_free_bytes", "Free bytes on the file system of each store",
                                 labels=["store"])
        for name, path in self.paths.items():
            try:
                free.add_metric([name], shutil.disk_usage(path).free)
            except OSError:
                continue
        yield free


def _gauge(name: str, doc: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, value=value)
