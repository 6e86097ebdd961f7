"""Composition root: builds every component from the settings, in one place.

``mailwarden serve`` and every other CLI command call :func:`build_services`, so they all
see the same database, keys and blob store for the same settings. Nothing here listens on
the network; :mod:`gateway.server` adds the listeners.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import sqlalchemy as sa

from admin_api.account_links import LinkMail
from admin_api.audit import append_audit
from admin_api.audit import ensure_head as ensure_audit_head
from archive.blobstore import FilesystemBlobStore
from archive.chain import ChainKey
from archive.keyring import KeyRing
from archive.service import Archive, RecordMeta
from gateway.accounts import SmtpAccounts
from gateway.auth_throttle import AuthThrottle, ThrottleLimits
from gateway.committer import GroupCommitter
from gateway.counters import SenderCounters
from gateway.db import migrate, open_engine, private_dir
from gateway.engines.learning import Learner
from gateway.engines.scanning import EngineMetrics, Engines
from gateway.extraction_pool import ExtractionPool
from gateway.keyplace import open_keyring
from gateway.metrics import Metrics
from gateway.node_gauges import NodeGauges
from gateway.notices import Notifier
from gateway.policy import PolicyHolder
from gateway.quarantine_wiring import (
    build_notices,
    escalation_levels,
    held_dsn,
    reroute_held,
    unroutable_contacts,
)
from gateway.queue import DeliveryQueue
from gateway.sender_logins import SenderLogins
from gateway.settings import Settings
from quarantine.sealing import EvidenceCipher
from quarantine.service import QuarantineService
from rules.budget import Limits
from rules.content import ParsedMessage, parse

log = logging.getLogger("mailwarden.services")


def extract_text(raw: bytes, extraction: ExtractionPool | None = None) -> Iterator[str]:
    """What the archive indexes: every text a person could read in the message. With
    ``extraction``, its documents are read by the pool's workers within the screening budget
    (the indexer runs in a gateway process, whose event loop a document must not stall)."""
    for _where, text in read_message(raw, extraction).iter_text():
        yield text


def read_message(raw: bytes, extraction: ExtractionPool | None) -> ParsedMessage:
    """The message with its documents read: by the pool's workers (blocking this thread,
    which must not be an event loop's), or in place without a pool."""
    if extraction is None:
        return parse(raw)
    message = parse(raw, Limits(open_documents=False))
    if message.deferred:
        extraction.complete_blocking(message)
    return message


@dataclass
class Services:
    settings: Settings
    engine: sa.Engine
    keyring: KeyRing
    archive: Archive
    queue: DeliveryQueue
    committer: GroupCommitter
    policy: PolicyHolder
    quarantine: QuarantineService
    notifier: Notifier
    counters: SenderCounters
    accounts: SmtpAccounts
    metrics: Metrics
    hostname: str
    sender_logins: SenderLogins
    auth_throttle: AuthThrottle
    extraction: ExtractionPool | None = None
    engines: Engines | None = None     # ClamAV/Rspamd when enabled (gateway/engines/)
    learner: Learner | None = None     # reviewers' decisions and marks teach Rspamd

    def close(self) -> None:
        if self.extraction is not None:
            self.extraction.close()
        self.committer.stop()
        self.archive.blob_store.close()     # checkpoint: a clean stop leaves no blob journal
        self.engine.dispose()


def build_services(settings: Settings, *, run_migrations: bool = True, policy: PolicyHolder | None = None) -> Services:
    """Everything one gateway process needs. ``policy``: rules already loaded (by the
    supervisor, which keeps the last good ones), instead of reading the files again."""
    data_dir = settings.data_dir
    private_dir(data_dir)
    engine = open_engine(settings.database_url)
    if run_migrations:
        migrate(engine)
        ensure_audit_head(engine)
    keyring = open_keyring(settings, warn=run_migrations)   # workers: the supervisor warned
    # documents are read by worker processes within the screening budget (started on first use)
    metrics = Metrics()
    extraction = ExtractionPool(workers=settings.extraction.workers, seconds=settings.extraction.seconds,
                                memory_mb=settings.extraction.memory_mb,
                                observe=lambda result: metrics.extractions.labels(result.status).inc())
    archive = Archive(engine, FilesystemBlobStore(settings.blobs_dir), keyring,
                      text_extractor=partial(extract_text, extraction=extraction))
    queue = DeliveryQueue(engine, lifetime=settings.delivery.max_queue_lifetime,
                          retry_initial=settings.delivery.retry_initial, retry_max=settings.delivery.retry_max)
    committer = GroupCommitter(engine)
    committer.start()
    policy = policy or PolicyHolder(settings.rules_path, settings.directory_path)
    hostname = settings.smtp.hostname or socket.getfqdn()
    notifier = Notifier(archive=archive, queue=queue, hostname=hostname, directory=policy.directory)

    def enqueue_release(conn: sa.Connection, entry: Mapping[str, Any], recipients: list[str]) -> None:
        """A reviewer released ``recipients`` of a held entry: archive the event, queue them."""
        raw = archive.open_digest(entry["digest"])
        sealed = archive.seal(raw)
        # names and types only (documents stay closed): this runs inside the decision's
        # transaction, and the accepted record already lists what the documents hold
        message = parse(raw, Limits(open_documents=False))
        archive_id = archive.insert_record(conn, sealed, RecordMeta(
            message_id=message.message_id or "", mail_from=entry["mail_from"], rcpt_tos=list(recipients),
            header_from=", ".join(message.from_addresses), header_to=list(message.to_addresses),
            header_cc=list(message.cc_addresses), date=message.date, size=len(raw),
            direction=entry["direction"], verdict="released", rules=list(entry.get("rules") or []),
            department=entry.get("department"), attachments=[(a.name, a.true_type) for a in message.attachments],
            subject=message.subject, event="released",
        ))
        queue.enqueue(conn, archive_id=archive_id, digest=sealed.digest, mail_from=entry["mail_from"],
                      recipients=recipients, direction=entry["direction"], message_id=message.message_id or "",
                      origin="released",
                      add_headers=[("X-Mailwarden-Verdict", f"released; direction={entry['direction']}")],
                      dsn=held_dsn(conn, entry["archive_id"], recipients))

    def send_notice(conn: sa.Connection, to: str, subject: str, body: str) -> None:
        notifier.send(conn, to, subject, body)

    def send_release_link(conn: sa.Connection, to: str, subject: str, body: str, link: str,
                          expires_at: float) -> None:
        """A sender's notice with its release link: archived with the link withheld (issue 15)."""
        notifier.send_link(conn, LinkMail(to=to, subject=subject, body=body, link=link,
                                          token=link.rsplit("token=", 1)[-1], expires_at=expires_at,
                                          what="release link"))

    # Versioned derived keys from the ring (`keys rotate-derived links|evidence`): links signed
    # by an older key stay valid for one quarantine lifetime, older evidence opens under its version.
    lifetime = settings.quarantine.lifetime

    def signing_key() -> list[bytes]:
        return keyring.link_keys(overlap=lifetime)

    quarantine = QuarantineService(
        engine, enqueue_release, send_notice, lifetime_days=settings.quarantine.lifetime / 86400.0,
        signing_key=signing_key, base_url=settings.api_base_url,
        evidence_cipher=EvidenceCipher(keys=keyring.evidence_keys),
        notices=build_notices(settings, policy, archive, send_notice, send_release_link),
        remind_before=settings.quarantine.remind_before, escalate_after=settings.quarantine.escalate_after,
        directory=policy.directory,
    )
    quarantine.escalation_levels = escalation_levels(policy)   # escalated people follow the directory too
    quarantine.unroutable_contacts = unroutable_contacts      # told of entries nobody can review
    policy.on_reload(partial(reroute_held, quarantine))
    metrics.add_collector(NodeGauges(engine, {"data": data_dir, "blobs": settings.blobs_dir}))
    engines = Engines(settings.engines, metrics=EngineMetrics(metrics.registry))
    learner = None
    if engines.rspamd is not None and settings.engines.rspamd.learn:
        learner = Learner(engines.rspamd, settings.engines.rspamd.spam_rules, open_digest=archive.open_digest,
                          open_record=archive.open, get_entry=quarantine.get, health=engines.health,
                          audit=partial(append_audit, engine, chain=ChainKey(keyring, "audit-chain")))
        quarantine.on_decision = learner.on_decision
    return Services(
        settings=settings, engine=engine, keyring=keyring, archive=archive, queue=queue, committer=committer,
        policy=policy, quarantine=quarantine, notifier=notifier, counters=SenderCounters(engine),
        accounts=SmtpAccounts(engine), metrics=metrics, hostname=hostname,
        sender_logins=SenderLogins(engine),
        auth_throttle=AuthThrottle(engine, ThrottleLimits(
            max_failures=settings.smtp.auth_throttle.max_failures, window=settings.smtp.auth_throttle.window,
            lockout=settings.smtp.auth_throttle.lockout, delay=settings.smtp.auth_throttle.delay)),
        extraction=extraction,
        engines=engines, learner=learner,
    )
