"""The one path every message takes, from the end of DATA to the SMTP reply.

Read this file top to bottom to follow a message:

1. **Screen** (CPU only, nothing written): parse the message once (its documents and
   containers read by the extraction workers, within the screening budget, never on the
   event loop), classify the direction of each recipient, ask the rules engine for a
   verdict, seal (compress + encrypt) the raw bytes for the archive, and hash the words the
   rules just read into blind-index tokens (so the archive never has to decrypt and parse
   the message again to index it).
2. **Commit** (the one durable write): the sealed blob is written and fsync'd, then one
   database transaction — shared with other sessions by the group committer — records the
   archive entry and what happens next for each recipient: a delivery-queue row, a
   quarantine entry, or nothing (rejected). Notices and counters go in the same transaction.
3. **Reply**: ``250`` only now, when the message is durable; ``550``/``554`` with the rule's
   text when every recipient is refused (the message is still archived, as rejected);
   ``451`` for any failure that may pass later. The recipients to deliver were queued
   already claimed by this process's delivery worker, which now takes them with the bytes in
   memory and sends at once; rows queued unclaimed (notices, or a busy worker) wake it to
   read the queue.

Rules only answer questions (``rules/``); this module decides; delivery, quarantine and the
archive act.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Protocol

import sqlalchemy as sa

from archive.service import Archive, RecordMeta, SealedMessage
from archive.threads import names_a_thread, referenced_ids, thread_known
from gateway.committer import GroupCommitter
from gateway.counters import SenderCounters
from gateway.directory import INBOUND, OUTBOUND
from gateway.engines.scanning import Engines, InFlight, ScanDeferred, Scanned
from gateway.extraction_pool import ExtractionPool
from gateway.hold_requests import hold_request, review_groups
from gateway.metrics import Metrics
from gateway.notices import Notifier
from gateway.policy import PolicyHolder
from gateway.queue import DeliveryQueue, QueueEntry
from gateway.screening_summary import screening_summary
from gateway.sender_identity import (
    DMARC_UNVERIFIABLE_REPLY,
    SenderUnverifiable,
    dmarc_unverifiable,
    header_from_addresses,
    identity_findings,
    login_findings,
    vouched,
)
from gateway.smtp import IncomingMessage
from gateway.trace_headers import strip_owned_headers
from quarantine.service import QuarantineService
from rules.budget import Limits
from rules.content import ParsedMessage, parse
from rules.engine import EvaluationContext
from rules.external import RspamdResult, malware_findings
from rules.model import Action, AuthResults, Envelope, SenderStats, Verdict
from rules.redact import redact_text

log = logging.getLogger("mailwarden.message")
HAND_OVER_MAX = 1 << 20   # bytes; larger messages go to delivery through the queue, not in memory

TEMPFAIL = "451 4.3.0 Temporary failure, message not accepted; please try again later"
_ARCHIVE_VERDICT = {Action.DELIVER: "delivered", Action.QUARANTINE: "quarantined", Action.REJECT: "rejected"}


@dataclass
class Screening:
    """Everything decided about a message before anything is written."""

    envelope: Envelope
    message: ParsedMessage
    directions: dict[str, str]
    verdict: Verdict
    sealed: SealedMessage
    meta: RecordMeta
    received_header: tuple[str, str]
    auth_header: tuple[str, str] | None = None
    index_tokens: list[str] | None = None

    @property
    def trace_headers(self) -> list[tuple[str, str]]:
        """Headers every delivered copy carries: Received, then Authentication-Results."""
        return [self.received_header, *([self.auth_header] if self.auth_header else [])]


@dataclass
class Outcome:
    archive_id: int
    delivered_to: list[str] = field(default_factory=list)
    held_for: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    in_hand: list[QueueEntry] = field(default_factory=list)   # rows claimed for this process
    queued: bool = False                                      # rows (or notices) left to the queue


class _Logins(Protocol):
    """What the pipeline asks of gateway.sender_logins.SenderLogins."""

    async def may_send_as_async(self, username: str, address: str) -> bool: ...


class Delivery(Protocol):
    """What the pipeline needs of the delivery worker (gateway/delivery.py)."""

    def claim_node(self) -> str | None: ...

    def hand_over(self, entries: list[QueueEntry], raw: bytes) -> None: ...

    def wake(self) -> None: ...


class Pipeline:
    def __init__(
        self,
        *,
        policy: PolicyHolder,
        archive: Archive,
        queue: DeliveryQueue,
        quarantine: QuarantineService,
        notifier: Notifier,
        committer: GroupCommitter,
        counters: SenderCounters,
        metrics: Metrics,
        hostname: str,
        delivery: Delivery | None = None,
        authenticate_sender: Callable[[IncomingMessage], Awaitable[tuple[AuthResults, str] | None]] | None = None,
        offload_bytes: int = 256 * 1024,
        extraction: ExtractionPool | None = None,
        authserv_id: str = "",
        sender_logins: _Logins | None = None,
        engines: Engines | None = None,
    ):
        self.policy = policy
        self.archive = archive
        self.queue = queue
        self.quarantine = quarantine
        self.notifier = notifier
        self.committer = committer
        self.counters = counters
        self.metrics = metrics
        self.hostname = hostname
        self.delivery = delivery
        self.authenticate_sender = authenticate_sender
        self.offload_bytes = offload_bytes
        # With a pool, documents are read by its workers, never here: the message is parsed
        # on the event loop with them left closed (see gateway/extraction_pool.py).
        self.extraction = extraction
        self.parse_limits = Limits(open_documents=False) if extraction is not None else None
        # Authentication-Results naming these (and any X-Mailwarden-*) are ours alone:
        # removed from incoming mail (gateway/trace_headers.py).
        self.authserv_ids = tuple(dict.fromkeys(i for i in (authserv_id, hostname) if i))
        # A login's header From is held to its bindings too (gateway/sender_identity.py).
        self.sender_logins = sender_logins
        # ClamAV/Rspamd, asked alongside our own screening (gateway/engines/scanning.py).
        self.engines = engines if engines is not None and engines.enabled else None

    # ---- the path ----------------------------------------------------------------
    async def handle(self, incoming: IncomingMessage) -> str:
        """Screen, commit, reply. Never raises: trouble becomes a 4xx reply."""
        started = time.perf_counter()
        incoming = self._without_forged_trace(incoming)
        try:
            screening = await self._screen(incoming)
        except SenderUnverifiable as exc:
            # An unvouched claim to our domains that DNS could not check now: not accepted,
            # not refused; the client retries.
            log.warning("sender could not be verified (DNS)", extra={"from": incoming.mail_from,
                                                                       "client": incoming.client_ip})
            self.metrics.tempfailed.inc()
            return exc.reply
        except ScanDeferred as exc:   # an engine down/slow/garbled under on_failure: tempfail
            self.metrics.tempfailed.inc()
            return exc.reply
        except Exception:  # noqa: BLE001 - a bug in screening must not lose the message
            log.exception("screening failed; asking the client to retry")
            self.metrics.tempfailed.inc()
            return TEMPFAIL
        # Shielded: a session cancelled while its message is being committed (the client went
        # away) must not strand the committed rows that are claimed for our delivery worker.
        committing = asyncio.ensure_future(self._commit(incoming, screening))
        committing.add_done_callback(_retrieve)
        try:
            outcome = await asyncio.shield(committing)
        except Exception as exc:  # noqa: BLE001 - disk full, database down: all temporary
            log.error("could not make message durable: %s", exc)
            self.metrics.tempfailed.inc()
            return TEMPFAIL
        reply = self._reply(screening.verdict, outcome)
        try:
            self._account(incoming, screening, outcome, reply, time.perf_counter() - started)
        except Exception:  # noqa: BLE001 - metrics and logs must not change the reply
            log.exception("could not account for message %s", outcome.archive_id)
        return reply

    # ---- 0. our headers are ours -------------------------------------------------------
    def _without_forged_trace(self, incoming: IncomingMessage) -> IncomingMessage:
        """The message without incoming headers only we may write, before screening reads
        it, the archive keeps it and delivery adds ours."""
        raw, removed = strip_owned_headers(incoming.raw, self.authserv_ids)
        if not removed:
            return incoming
        log.warning("removed headers only the gateway may write", extra={
            "headers": removed[:20], "client": incoming.client_ip, "from": incoming.mail_from})
        return replace(incoming, raw=raw)

    # ---- 1. screen ------------------------------------------------------------------
    async def _screen(self, incoming: IncomingMessage) -> Screening:
        rcpts = tuple(dict.fromkeys(incoming.rcpt_tos))
        envelope = Envelope(mail_from=incoming.mail_from, rcpt_tos=rcpts, client_ip=incoming.client_ip,
                            helo=incoming.helo, authenticated_user=incoming.authenticated_user)
        scanning = InFlight(self.engines, incoming.raw, envelope)   # ClamAV/Rspamd meanwhile
        try:
            return await self._screen_with(incoming, envelope, scanning)
        finally:
            scanning.cancel()

    async def _screen_with(self, incoming: IncomingMessage, envelope: Envelope, scanning: InFlight) -> Screening:
        policy = self.policy.current
        rcpts = envelope.rcpt_tos
        directions = policy.directory.classify(incoming.mail_from, rcpts, sender_vouched=vouched(incoming))
        stats = self.counters.cached(_counted_as(incoming)) or await asyncio.to_thread(
            self.counters.stats_for, _counted_as(incoming))
        stats = SenderCounters.including(stats, len(rcpts), _external(directions))
        checked = await self.authenticate_sender(incoming) if self.authenticate_sender else None
        auth, auth_header = checked if checked else (None, None)
        if dmarc_unverifiable(auth, directions.values()):
            raise SenderUnverifiable(DMARC_UNVERIFIABLE_REPLY)
        large = len(incoming.raw) > self.offload_bytes
        message = await asyncio.to_thread(self._read, incoming.raw) if large else self._read(incoming.raw)
        if self.extraction is not None and message.deferred:
            await self.extraction.complete(message)     # documents: in a worker, within the budget
        header_from = header_from_addresses(message.from_addresses, message.header("from"))
        owned = await login_findings(incoming, header_from, policy.directory, self.sender_logins)
        thread = await self._thread_known(message, directions)   # a reply to a message we hold?
        scanned = await scanning.result()   # ScanDeferred: an engine failed under tempfail
        work = partial(self._evaluate_and_seal, policy, incoming, message, envelope, directions, stats, auth,
                       auth_header, owned, scanned, thread)
        if large:
            return await asyncio.to_thread(work)
        return work()

    async def _thread_known(self, message: ParsedMessage, directions: dict[str, str]) -> bool | None:
        """Whether an inbound reply's In-Reply-To/References name a message one of our people sent
        (:mod:`archive.threads`); None for mail that says it is no reply (or is not inbound). A reply header
        that names no Message-ID, or a lookup that fails, counts as a thread unknown: the reading fails
        closed to "unsolicited" (half a point, and the whole-text templates read)."""
        if INBOUND not in directions.values():
            return None
        in_reply_to, references = message.first_header("In-Reply-To") or "", message.first_header("References") or ""
        if not names_a_thread(in_reply_to, references):
            return None
        ids = referenced_ids(in_reply_to, references)
        if not ids:
            return False

        def look() -> bool:
            with self.archive.engine.connect() as conn:
                return thread_known(conn, ids)
        try:
            return await asyncio.to_thread(look)
        except Exception as exc:  # noqa: BLE001 - unknown, not known: the commit says if the database is down
            log.warning("could not look up a reply's thread in the archive (%s)", type(exc).__name__)
            return False

    def _read(self, raw: bytes) -> ParsedMessage:
        """Parse and walk the message (structure, text parts, attachment names and types);
        with an extraction pool, documents are only named here, not opened."""
        message = parse(raw, self.parse_limits)
        message.attachments  # noqa: B018 - the walk, here (in a thread for a large message)
        return message

    def _evaluate_and_seal(self, policy, incoming: IncomingMessage, message: ParsedMessage,  # noqa: ANN001
                           envelope: Envelope, directions: dict[str, str], stats: SenderStats,
                           auth: AuthResults | None, auth_header: str | None,
                           login_found: list[str] | None = None, scanned: Scanned | None = None,
                           thread_known: bool | None = None) -> Screening:
        scanned = scanned or Scanned()
        header_from = header_from_addresses(message.from_addresses, message.header("from"))
        findings = identity_findings(incoming, header_from, policy.directory, auth) + (login_found or [])
        ctx = EvaluationContext(directions=directions, directory=policy.directory, sender_stats=stats,
                                auth_results=auth, findings=tuple(findings + scanned.findings), rspamd=scanned.rspamd,
                                thread_known=thread_known)
        verdict = policy.engine.evaluate(message, envelope, ctx)
        verdict.add_headers.extend(h for h in scanned.headers if h not in verdict.add_headers)
        sealed = self.archive.seal(incoming.raw)
        return Screening(
            envelope=envelope, message=message, directions=directions, verdict=verdict, sealed=sealed,
            meta=self._record_meta(incoming, envelope, message, verdict, policy.directory, scanned.rspamd),
            received_header=self._received(incoming),
            auth_header=("Authentication-Results", auth_header) if auth_header else None,
            index_tokens=self._index_tokens(message),
        )

    def _index_tokens(self, message: ParsedMessage) -> list[str] | None:
        """Blind-index tokens from the text the rules already extracted; None leaves the
        message to the background indexer (which records why it cannot index it)."""
        try:
            return self.archive.index_tokens(message.subject, [a.name for a in message.attachments],
                                             message.texts)
        except Exception as exc:  # noqa: BLE001 - indexing trouble must not refuse the message
            # The type only: an extractor's error text may quote message content.
            log.error("could not tokenise the message for the index (%s); left to the background indexer",
                      type(exc).__name__)
            return None

    # ---- 2. commit ---------------------------------------------------------------------
    async def _commit(self, incoming: IncomingMessage, screening: Screening) -> Outcome:
        """The durable write, then what follows from it in this process: the counters' cache
        and the hand-over to delivery."""
        # The blob is written by the committer's thread just before the transaction that
        # records it, and made durable together with the rest of its batch.
        outcome = await self.committer.submit(
            partial(self._record, incoming, screening),
            prepare=lambda durable: self.archive.write_blob(screening.sealed, batch=durable))
        # Committed: from here on nothing may turn into a 451 (the client would send again).
        if self.delivery is not None:
            if outcome.in_hand:
                self.delivery.hand_over(outcome.in_hand, incoming.raw)
            if outcome.queued:
                self.delivery.wake()
        try:
            self.counters.committed(_counted_as(incoming), len(screening.envelope.rcpt_tos),
                                    _external(screening.directions))
        except Exception:  # noqa: BLE001 - a cache; the database has the counts
            log.exception("could not update the sender counters' cache")
        return outcome

    # ---- 2b. the rows (run inside the group-commit transaction) -----------------------
    def _record(self, incoming: IncomingMessage, s: Screening, conn: sa.Connection) -> Outcome:
        verdict = s.verdict
        archive_id = self.archive.insert_record(conn, s.sealed, s.meta, s.index_tokens)
        outcome = Outcome(archive_id=archive_id)
        message_id = s.message.message_id or ""

        # Claimed for this process's delivery worker when it can take them in hand now. Not a
        # large message: held in memory until delivered, outside the SMTP edge's memory budget,
        # it waits in the queue and the worker reads it back from the archive when it has a slot.
        in_hand = self.delivery is not None and len(incoming.raw) <= HAND_OVER_MAX
        node = self.delivery.claim_node() if in_hand else None

        deliver = verdict.recipients_with(Action.DELIVER)
        if deliver:
            headers = [*s.trace_headers, *self._verdict_headers(verdict), *verdict.add_headers]
            self._enqueue(conn, outcome, node, archive_id=archive_id, digest=s.sealed.digest,
                          mail_from=incoming.mail_from, recipients=deliver, direction=s.directions,
                          message_id=message_id, add_headers=headers, subject_prefix=verdict.subject_prefix,
                          dsn=incoming.dsn.rows(deliver) if incoming.dsn else None)
            outcome.delivered_to = deliver

        held = verdict.recipients_with(Action.QUARANTINE)
        for group in review_groups(verdict, held):
            self.quarantine.hold(conn, hold_request(
                mail_from=incoming.mail_from, archive_id=archive_id, digest=s.sealed.digest, verdict=verdict,
                message=s.message, recipients=group, directory=self.policy.directory(),
                rerouted=self.metrics.rerouted.inc,
                dsn=incoming.dsn.rows([rv.address for rv in group]) if incoming.dsn else None))
            outcome.queued = True   # the hold may queue notices
        outcome.held_for = held

        if verdict.copy_to and (deliver or held):
            self._enqueue(conn, outcome, node, archive_id=archive_id, digest=s.sealed.digest,
                          mail_from=incoming.mail_from, recipients=verdict.copy_to,
                          direction="internal", message_id=message_id, origin="copy",
                          add_headers=[*s.trace_headers, *self._verdict_headers(verdict)])

        outcome.rejected = verdict.recipients_with(Action.REJECT)
        if outcome.rejected and (deliver or held) and self._sender_is_ours(incoming, s):
            # Some recipients refused, others accepted: SMTP has one reply for DATA, so
            # the refused ones are reported to the sender by a notice (never to an outside
            # or unvouched sender: that would be backscatter).
            self.notifier.send(conn, incoming.mail_from, "Message not delivered to some recipients",
                               _partial_reject_text(verdict, outcome.rejected), in_reply_to=message_id or None)
            outcome.queued = True

        for who in verdict.notify:
            if who == "sender" and held:
                continue  # the quarantine already tells the sender the message is held
            self._notify(conn, who, incoming, s)
            outcome.queued = True

        self.counters.record(conn, _counted_as(incoming), len(s.envelope.rcpt_tos), _external(s.directions))
        return outcome

    def _enqueue(self, conn: sa.Connection, outcome: Outcome, node: str | None, **rows) -> None:  # noqa: ANN003
        """Queue rows: claimed for ``node`` (and kept in the outcome for the hand-over), or left
        for the delivery workers to claim."""
        if node is not None:
            outcome.in_hand += self.queue.enqueue_claimed(conn, node, **rows)
        else:
            self.queue.enqueue(conn, **rows)
            outcome.queued = True

    def _sender_is_ours(self, incoming: IncomingMessage, s: Screening) -> bool:
        """A sender the gateway may write to: ours, and vouched for (mail from outside or from
        an unvouched client claiming our domain is classified inbound)."""
        return (bool(incoming.mail_from) and "inbound" not in s.directions.values()
                and self.policy.directory().is_internal(incoming.mail_from))

    def _notify(self, conn: sa.Connection, who: str, incoming: IncomingMessage, s: Screening) -> None:
        """A rule's ``notify:`` targets, only ever inside the organisation: no notice goes to
        an outside or unvouched sender (backscatter), none outside names a rule."""
        directory = self.policy.directory()
        if who == "sender":
            targets = [incoming.mail_from] if self._sender_is_ours(incoming, s) else []
        elif who == "recipients":
            targets = list(s.envelope.rcpt_tos)
        elif who == "supervisor":
            targets = list(directory.supervisors_of(s.verdict.department))
        elif who.startswith("group:"):
            targets = [m for m in directory.review_group_members(who[6:]) if "*" not in m and not m.startswith("@")]
        else:
            targets = [who]
        for target in dict.fromkeys(targets):
            if not directory.is_internal(target):
                continue
            self.quarantine.notices.screened(conn, target, subject=redact_text(s.message.subject) or "(no subject)",
                                             sender=incoming.mail_from, recipients=list(s.envelope.rcpt_tos),
                                             rules=s.verdict.rules, outcome=str(s.verdict.action))

    # ---- 3. reply -------------------------------------------------------------------
    def _reply(self, verdict: Verdict, outcome: Outcome) -> str:
        if outcome.rejected and not outcome.delivered_to and not outcome.held_for:
            code, status, text = verdict.reject_reply or (550, "5.7.1", "Message rejected by policy")
            return f"{code} {status} {_one_line(text)}"
        return f"250 2.0.0 Ok: queued as {outcome.archive_id}"

    # ---- helpers --------------------------------------------------------------------
    def _record_meta(self, incoming: IncomingMessage, envelope: Envelope, message: ParsedMessage,
                     verdict: Verdict, directory, rspamd: RspamdResult | None = None  # noqa: ANN001
                     ) -> RecordMeta:
        return RecordMeta(
            message_id=message.message_id or "",
            mail_from=incoming.mail_from,
            rcpt_tos=list(envelope.rcpt_tos),
            header_from=", ".join(message.from_addresses),
            header_to=list(message.to_addresses),
            header_cc=list(message.cc_addresses),
            date=message.date,
            size=len(incoming.raw),
            direction=str(verdict.direction),
            verdict=_ARCHIVE_VERDICT[verdict.action],
            # a virus's signature is kept with the record (searchable as rule "malware: NAME")
            rules=[*verdict.rules, *malware_findings(verdict.findings)],
            department=verdict.department,
            attachments=[(a.name, a.true_type) for a in message.attachments],
            subject=message.subject,
            event="accepted",
            session={"client": incoming.client_ip, "helo": incoming.helo[:200], "tls": bool(incoming.tls),
                     "login": incoming.authenticated_user},
            # what was found, not only which rules hit: kinds, counts and places, no values
            screening=screening_summary(verdict, rspamd),
        )

    def _received(self, incoming: IncomingMessage) -> tuple[str, str]:
        via = "ESMTPSA" if incoming.authenticated_user else ("ESMTPS" if incoming.tls else "ESMTP")
        helo = _one_line(incoming.helo)[:200] or "unknown"
        return ("Received", f"from {helo} ([{incoming.client_ip}]) by {self.hostname} (mailwarden) "
                            f"with {via}; {email.utils.formatdate(localtime=False)}")

    @staticmethod
    def _verdict_headers(verdict: Verdict) -> list[tuple[str, str]]:
        headers = [("X-Mailwarden-Verdict", f"{verdict.action}; direction={verdict.direction}")]
        if verdict.spam_score:
            headers.append(("X-Mailwarden-Spam-Score", f"{verdict.spam_score:.1f}"))
        return headers

    def _account(self, incoming: IncomingMessage, s: Screening, outcome: Outcome, reply: str,
                 elapsed: float) -> None:
        direction = str(s.verdict.direction)
        if reply.startswith("250"):
            self.metrics.accepted.labels(direction).inc()
        else:
            self.metrics.rejected.labels(direction).inc()
        if outcome.held_for:
            self.metrics.quarantined.inc(len(outcome.held_for))
        for hit in s.verdict.hits:
            self.metrics.rule_hits.labels(hit.rule, str(hit.action)).inc()
        self.metrics.processing.observe(elapsed)
        log.info("message", extra={
            "archive_id": outcome.archive_id, "from": incoming.mail_from, "to": list(s.envelope.rcpt_tos),
            "direction": direction, "verdict": str(s.verdict.action), "rules": s.verdict.rules,
            "reply": reply[:3], "client": incoming.client_ip, "ms": round(elapsed * 1000, 2),
        })


def _retrieve(task: asyncio.Future) -> None:
    """Read a shielded commit's outcome, so an error nobody awaited any more is not reported
    as never retrieved (the session that would have answered 451 is gone)."""
    if not task.cancelled():
        task.exception()


def _partial_reject_text(verdict: Verdict, rejected: list[str]) -> str:
    _code, _status, text = verdict.reject_reply or (550, "5.7.1", "rejected by policy")
    lines = ["Your message was not delivered to these recipients:", ""]
    lines += [f"  {r}" for r in rejected]
    lines += ["", f"Reason: {text}", "", "It was delivered to, or is held for, the other recipients."]
    return "\n".join(lines) + "\n"


def _counted_as(incoming: IncomingMessage) -> str:
    """The sender the rate counters count this message under (the null sender as ``<>``)."""
    return incoming.mail_from or "<>"


def _external(directions: dict[str, str]) -> int:
    return sum(1 for d in directions.values() if d == OUTBOUND)


def _one_line(text: str) -> str:
    return " ".join(text.split())

