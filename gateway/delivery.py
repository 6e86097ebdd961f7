"""The delivery worker: claims queued recipients, sends them on, records each result.

A queue row leaves ``queued`` only by a recorded outcome: delivered (2xx), failed (5xx, or
the queue lifetime ran out — the sender gets a DSN), or deferred with exponential back-off
(4xx, connection trouble). Rows of one message to one route go in one SMTP transaction.
A crash between the downstream's ``250`` and our own commit can deliver a row twice; the
worker remembers what it delivered in this run so the lease expiry of its own rows cannot
cause a second send. Each attempt (where it went, its TLS, the reply) and each DSN sent is
logged in the same transaction as the outcome (gateway/attempts.py), for the timelines.

Mail comes to the worker two ways. The common one is a **hand-over**: the acceptance
transaction wrote the queue rows already claimed by this node (``claim_node``) and, once
committed, the pipeline hands the entries and the message bytes over (``hand_over``), so
they leave without a claim query and without reading the archive back. The other is the
**queue**: rows written unclaimed (the worker had too much in hand, mail released from
quarantine, notices, retries, a crashed node's rows) are claimed from the database in
batches. A hand-over is only an optimisation: its rows are ordinary leased claims, and a
crash before they are sent gives them back at the node's restart.

What the worker holds in memory has a budget of its own (``delivery.memory_budget``): each
send takes its share before it reads the message (:mod:`gateway.send_memory`).
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import socket
import time
from collections import defaultdict, deque
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import sqlalchemy as sa

from gateway import attempts, withheld
from gateway.committer import GroupCommitter
from gateway.dkim_signing import DkimSigner
from gateway.dsn import DELAYED, FAILED, RELAYED, FailedRecipient, build_dsn
from gateway.dsn import DELIVERED as DSN_DELIVERED
from gateway.hops import Hop
from gateway.live_copies import ORIGIN as LINK_ORIGIN
from gateway.live_copies import LiveCopies
from gateway.metrics import Metrics
from gateway.notices import Notifier
from gateway.outgoing import prepare
from gateway.queue import DELIVERED, DeliveryQueue, QueueEntry
from gateway.queue import FAILED as QUEUE_FAILED
from gateway.send_memory import SendShares, Stopping
from gateway.spool import QueuedMemoryBudget
from gateway.transport import DsnRelay, Result, Transport

log = logging.getLogger("mailwarden.delivery")

Outcome = tuple[QueueEntry, int | None, str]   # entry, SMTP code (None: no answer), text


@dataclass
class _Settlement:
    """One delivery attempt's outcomes, waiting to be recorded."""

    recorded: asyncio.Future[bool]
    delivered: list[Outcome] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)
    deferred: list[Outcome] = field(default_factory=list)
    expired: set[int] = field(default_factory=set)    # failed rows whose queue lifetime ran out
    warned: set[int] = field(default_factory=set)     # deferred rows the DSN warns of (once)
    dsn: tuple[str, bytes, str] | None = None     # (sender, DSN, Message-ID)
    reported: list[tuple[QueueEntry, str]] = field(default_factory=list)   # the DSN's rows, its Action
    started: float | None = None                  # when the attempt began (None: no attempt made)
    finished: float = 0.0                         # when its results were in
    hops: dict[str, Hop] = field(default_factory=dict)   # recipient -> where its attempt went


class DeliveryWorker:
    def __init__(
        self,
        *,
        committer: GroupCommitter,
        queue: DeliveryQueue,
        open_blob: Callable[[str], bytes],
        transport: Transport,
        notifier: Notifier,
        dkim: DkimSigner | None,
        metrics: Metrics,
        hostname: str,
        concurrency: int = 8,
        batch_size: int = 50,
        poll_interval: float = 1.0,
        node: str | None = None,
        max_in_hand: int = 2000,
        max_in_hand_bytes: int = 64 * 1024 * 1024,
        delay_warning_after: float = 0.0,
        attempt_log: attempts.AttemptLog | None = None,
        memory_budget: int | None = None,
        blob_size: Callable[[str], int | None] | None = None,
    ):
        self._committer = committer
        self._attempts = attempt_log or attempts.AttemptLog(queue.engine)
        self._queue = queue
        self._open_blob = open_blob
        self._transport = transport
        self._notifier = notifier
        self._dkim = dkim
        self._metrics = metrics
        self._hostname = hostname
        self._concurrency = asyncio.Semaphore(concurrency)
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        # Stable across restarts: rows an earlier incarnation of this node had claimed when it
        # died are taken back at start-up instead of waiting for their lease to run out.
        self.node = node or socket.gethostname()
        self._wake = asyncio.Event()
        self._queue_due = True          # claim from the database on the next round
        self._next_poll = 0.0           # and at least this often (time.monotonic())
        self._delivered_ids: set[int] = set()
        self._inflight: set[asyncio.Task] = set()
        self._in_hand: deque[tuple[list[QueueEntry], bytes]] = deque()
        self._in_hand_bytes = 0
        self._unrecorded: list[_Settlement] = []
        self._recorder: asyncio.Task | None = None
        self._max_in_hand = max_in_hand
        self._max_in_hand_bytes = max_in_hand_bytes
        self._delay_warning_after = delay_warning_after   # 0: no delayed-delivery DSN
        self._running = False
        # None: not counted (tests of other things); 0: counted, no limit
        self._memory: QueuedMemoryBudget | None = None
        if memory_budget is not None:
            if memory_budget:
                self._max_in_hand_bytes = min(max_in_hand_bytes, memory_budget // 4)
            self._memory = QueuedMemoryBudget(memory_budget - self._max_in_hand_bytes if memory_budget else 0)
        self._shares = SendShares(self._memory, blob_size)

    def wake(self) -> None:
        """New rows are in the queue (not handed over): claim them without waiting for a poll."""
        self._queue_due = True
        self._wake.set()

    def claim_node(self) -> str | None:
        """The node to write new rows claimed for, when this worker can take them in hand now;
        None leaves them to the queue (not running, or enough mail already waiting in memory).
        Called from the group-commit thread: it only reads."""
        if (self._running and len(self._in_hand) < self._max_in_hand
                and self._in_hand_bytes < self._max_in_hand_bytes):
            return self.node
        return None

    def hand_over(self, entries: list[QueueEntry], raw: bytes) -> None:
        """Committed rows claimed for this node (see ``claim_node``) and the message bytes."""
        if entries:
            self._in_hand.append((entries, raw))
            self._in_hand_bytes += len(raw)
            self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        log.info("delivery worker started", extra={"node": self.node})
        self._shares.stop = stop
        await asyncio.to_thread(self._queue.release_claims, self.node)
        self._running = True
        try:
            while not stop.is_set():
                self._wake.clear()
                await self._start_in_hand(stop)
                # The queue is read when rows were queued unclaimed, and every poll interval
                # even under a steady stream of hand-overs (retries come due with time alone).
                if self._queue_due or time.monotonic() >= self._next_poll:
                    self._next_poll = time.monotonic() + self._poll_interval
                    if await self._start_claimed():
                        continue            # a full batch: more may be waiting
                if self._in_hand:
                    continue
                waiters = [asyncio.create_task(self._wake.wait()), asyncio.create_task(stop.wait())]
                await asyncio.wait(waiters, timeout=max(0.0, self._next_poll - time.monotonic()),
                                   return_when=asyncio.FIRST_COMPLETED)
                for w in waiters:
                    w.cancel()
        finally:
            self._running = False
        if self._inflight:
            await asyncio.gather(*self._inflight, return_exceptions=True)
        # Rows still in hand (and any handed over while stopping) go back to the queue.
        self._in_hand.clear()
        self._in_hand_bytes = 0
        await asyncio.to_thread(self._queue.release_claims, self.node)
        await self._transport.close()

    async def _start_in_hand(self, stop: asyncio.Event) -> None:
        """Start what was in hand when this round began (not what arrives meanwhile: the
        queue and ``stop`` are looked at between rounds, however steady the stream)."""
        for _ in range(len(self._in_hand)):
            if stop.is_set():
                return
            # A free slot before the message leaves the deque: while it waits there its bytes
            # are counted (claim_node's cap), and a send waiting for memory can hold every slot.
            await self._concurrency.acquire()
            entries, raw = self._in_hand.popleft()
            self._in_hand_bytes -= len(raw)
            groups = self._group(entries)
            if not groups:
                self._concurrency.release()
                continue
            self._spawn(self._deliver_group(groups[0], [raw]))
            for group in groups[1:]:        # more routes (rare): each waits for a slot of its own
                await self._start(self._deliver_group(group, [raw]))
            del raw, groups

    def _still_ours(self, entries: list[QueueEntry]) -> list[QueueEntry]:
        """Entries whose claim has at least half its lease left. One that waited longer (in
        hand or for a free connection behind a slow next hop) is left to the queue: its lease
        could run out while it is being sent, and the queue would then hand it out a second
        time. The queue brings it back once the lease has run out."""
        horizon = time.time() + self._queue.lease / 2
        fresh = [e for e in entries if e.claimed_until is None or e.claimed_until > horizon]
        if len(fresh) < len(entries):
            log.warning("waited too long to be sent; left to the queue until its claim runs out",
                        extra={"archive_id": entries[0].archive_id, "rows": len(entries) - len(fresh)})
        return fresh

    async def _start_claimed(self) -> bool:
        """Claim due rows from the database and start them; True when a whole batch came back."""
        self._queue_due = False
        try:
            claimed = await self._committer.submit(
                partial(self._queue.claim_in, node=self.node, limit=self._batch_size))
        except Exception as exc:  # noqa: BLE001 - database trouble: wait and retry
            log.error("claiming queue entries failed: %s", exc)
            return False
        for group in self._group(claimed):
            await self._start(self._deliver_group(group))
        if len(claimed) >= self._batch_size:
            self._queue_due = True
            return True
        return False

    async def _start(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            await self._concurrency.acquire()
        except BaseException:
            work.close()            # never started: no "coroutine was never awaited"
            raise
        self._spawn(work)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` in the slot its caller has acquired (``_done`` gives it back)."""
        task = asyncio.create_task(work)
        self._inflight.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task) -> None:
        self._inflight.discard(task)
        self._concurrency.release()
        if not task.cancelled() and task.exception() is not None:
            log.error("delivery task failed", exc_info=task.exception())

    def _group(self, entries: Sequence[QueueEntry]) -> list[list[QueueEntry]]:
        groups: dict[tuple, list[QueueEntry]] = defaultdict(list)
        for e in entries:
            key = (e.archive_id, e.mail_from, repr(e.add_headers), e.subject_prefix,
                   self._transport.route_key(e.recipient))
            groups[key].append(e)
        return list(groups.values())

    async def _deliver_group(self, group: list[QueueEntry], handed: list[bytes] | None = None) -> None:
        """Send one message to the recipients of one route; ``handed``: its bytes, when they
        were handed over (in a list, so that they can be let go), else read back from the archive."""
        held = [0]          # this send's share of the memory budget
        try:
            await self._send_group(group, handed or [], held)
        except Stopping:
            pass            # waited for memory until the worker stopped: its rows go back to the queue
        finally:
            self._shares.release(held)

    async def _send_group(self, group: list[QueueEntry], handed: list[bytes], held: list[int]) -> None:
        already = [e for e in group if e.id in self._delivered_ids]
        if already:
            done = {e.recipient: (250, "already delivered in this run") for e in already}
            already_ids = {e.id for e in already}
            if await self._settle(already, done):
                self._delivered_ids -= already_ids
            group = [e for e in group if e.id not in already_ids]
            if not group:
                return
        raw = await self._shares.take(group[0], handed, held)
        group = self._still_ours(group)       # after any wait for memory
        if not group:
            return
        first = group[0]
        if raw is None and first.origin == LINK_ORIGIN:
            # a sign-in link mail: the archive holds it with the link withheld; send the live copy
            try:
                raw = await asyncio.to_thread(self._notifier.live_copies.open, first.archive_id)
            except Exception as exc:  # noqa: BLE001 - unreadable copy: keep retrying until the row expires
                log.error("cannot open the live copy of %s: %s", first.archive_id, exc)
                await self._settle(group, {e.recipient: (None, f"live copy unreadable: {exc}") for e in group})
                return
            if raw is None:     # its link expired (or it was swept): never send the withheld copy
                await self._settle(group, {e.recipient: (554, "not sent: the sign-in link in it has expired")
                                           for e in group})
                return
        if raw is None:
            try:
                raw = await asyncio.to_thread(self._open_blob, first.digest)
            except Exception as exc:  # noqa: BLE001 - unreadable blob: keep retrying, someone must look
                log.error("cannot open archived message %s: %s", first.archive_id, exc)
                await self._settle(group, {e.recipient: (None, f"archive read failed: {exc}") for e in group})
                return
        if not self._shares.try_take(held, len(raw)):
            await self._shares.wait(held, len(raw))     # its size was not known before it was read
            group = self._still_ours(group)
            if not group:
                return
        message = prepare(raw, add_headers=first.add_headers, subject_prefix=first.subject_prefix)
        if self._dkim is not None and any(_signed(e) for e in group):   # whatever the RCPT order
            message = self._dkim.sign(message, first.mail_from)
        relay = _dsn_relay(group)
        started, hops = time.time(), {}
        results = await self._transport.send(first.mail_from, [e.recipient for e in group], message, relay,
                                             hops=hops)
        del message     # sent: only the original is needed from here on (a DSN quotes it)
        if first.origin == LINK_ORIGIN:     # a reply quoting the link must not record it
            results = {r: (code, withheld.scrub_reply(text, raw)) for r, (code, text) in results.items()}
        sent = [e.id for e in group if (results.get(e.recipient) or (None, ""))[0] in range(200, 300)]
        self._delivered_ids.update(sent)
        if await self._settle(group, results, raw, passed_on=relay is not None and relay.passed_on,
                              started=started, hops=hops):
            # Recorded: the rows can no longer be claimed, so there is nothing to remember.
            # Only rows whose outcome could not be recorded stay in the set (bounded memory).
            self._delivered_ids.difference_update(sent)

    async def _settle(self, group: list[QueueEntry], results: dict[str, Result], raw: bytes | None = None,
                      *, passed_on: bool = False, started: float | None = None,
                      hops: dict[str, Hop] | None = None) -> bool:
        """Record the outcomes; False when they could not be recorded (the rows stay claimed
        and their lease brings them back).

        Outcomes finishing while a write is under way are recorded together in the next one:
        one committer item and one statement for many messages, not one each."""
        try:
            settlement = self._settlement(group, results, raw, passed_on)
            settlement.started, settlement.hops = started, hops or {}
        except Exception:  # noqa: BLE001 - e.g. a DSN that cannot be composed: retried later
            log.exception("could not prepare delivery results for recording")
            return False
        self._unrecorded.append(settlement)
        if self._recorder is None:
            self._recorder = asyncio.create_task(self._record_settlements())
        return await settlement.recorded

    def _settlement(self, group: list[QueueEntry], results: dict[str, Result], raw: bytes | None,
                    passed_on: bool = False) -> _Settlement:
        """Sort the results into delivered / failed / deferred and compose the DSN (if any)
        now, outside the transaction: what runs inside it only writes rows."""
        now = time.time()
        settlement = _Settlement(recorded=asyncio.get_running_loop().create_future(), finished=now)
        for e in group:
            code, text = results.get(e.recipient, (None, "no result"))
            if code is not None and 200 <= code < 300:
                settlement.delivered.append((e, code, text))
            elif code is not None and code >= 500:
                settlement.failed.append((e, code, text))
            elif now >= e.expires_at:
                settlement.failed.append((e, code, text))
                settlement.expired.add(e.id)
            else:
                settlement.deferred.append((e, code, text))
        if raw is not None:
            settlement.dsn = self._dsn(settlement, raw, passed_on=passed_on, now=now)
        return settlement

    async def _record_settlements(self) -> None:
        try:
            while self._unrecorded:
                batch, self._unrecorded = self._unrecorded, []
                try:
                    await self._record(batch)
                except Exception:  # noqa: BLE001 - one of them cannot be written: each on its own
                    for settlement in batch:
                        try:
                            await self._record([settlement])
                        except Exception as exc:  # noqa: BLE001 - rows stay claimed; the lease brings them back
                            log.error("could not record delivery results: %s", exc)
                            _resolve(settlement.recorded, False)
        finally:
            self._recorder = None
            for settlement in self._unrecorded:     # only when cancelled: nobody may wait forever
                _resolve(settlement.recorded, False)
            self._unrecorded = []

    async def _record(self, batch: list[_Settlement]) -> None:
        await self._committer.submit(partial(self._write_settlements, batch))
        for settlement in batch:
            try:
                self._account(settlement)   # once committed (the committer may run work twice)
            finally:
                _resolve(settlement.recorded, True)

    def _write_settlements(self, batch: list[_Settlement], conn: sa.Connection) -> None:
        """The outcomes' rows (and DSNs) in the committer's transaction."""
        now = time.time()
        self._queue.finish(conn, [(e.id, DELIVERED, code, text) for s in batch for e, code, text in s.delivered]
                           + [(e.id, QUEUE_FAILED, code, _failure_text(s, e, code, text))
                              for s in batch for e, code, text in s.failed])
        # a sign-in link mail whose delivery is decided: its live copy (the working link) goes now
        LiveCopies.drop(conn, [e.archive_id for s in batch for e, _c, _t in s.delivered + s.failed
                               if e.origin == LINK_ORIGIN])
        logged: list[dict[str, Any]] = []
        for settlement in batch:
            for e, code, text in settlement.deferred:
                self._queue.defer(conn, e, code, text, now=now, delay_warned=e.id in settlement.warned)
            logged += _attempt_rows(settlement)
            if settlement.dsn is not None:
                sender, dsn, message_id = settlement.dsn
                dsn_id = self._notifier.send_raw(conn, mail_from="", to=sender, raw=dsn, message_id=message_id,
                                                 event="dsn")
                logged += [attempts.dsn_row(e, dsn_id, action, now, action == DELAYED)
                           for e, action in settlement.reported]
        self._attempts.write(conn, logged)

    def _account(self, s: _Settlement) -> None:
        self._metrics.delivered.inc(len(s.delivered))
        self._metrics.bounced.inc(len(s.failed))
        self._metrics.deferred.inc(len(s.deferred))
        for e, code, text in s.delivered + s.failed + s.deferred:
            log.info("delivery", extra={"queue_id": e.id, "archive_id": e.archive_id, "from": e.mail_from,
                                        "to": e.recipient, "code": code, "result": text[:200],
                                        "attempt": e.attempts + 1})

    def _dsn(self, s: _Settlement, raw: bytes, *, passed_on: bool, now: float) -> tuple[str, bytes, str] | None:
        """(sender, DSN, Message-ID) telling the sender what its NOTIFY asked for (RFC 3461;
        without one: failures and delays); None when there is nothing to tell or nobody to
        tell it to. Marks the deferred rows it warns of in ``s.warned``."""
        group = [e for e, _c, _t in s.delivered + s.failed + s.deferred]
        sender = group[0].mail_from if group else ""
        if not sender:
            return None  # never bounce a bounce
        reports = [FailedRecipient(e.recipient, code, text, expired=e.id in s.expired, orcpt=_param(e, "orcpt"))
                   for e, code, text in s.failed if _wants(e, "FAILURE")]
        reported = [(e, FAILED) for e, _c, _t in s.failed if _wants(e, "FAILURE")]
        if self._delay_warning_after > 0:
            for e, code, text in s.deferred:
                if (e.delay_warned_at is None and now - e.created_at >= self._delay_warning_after
                        and _wants(e, "DELAY")):
                    reports.append(FailedRecipient(e.recipient, code, text, action=DELAYED, orcpt=_param(e, "orcpt"),
                                                   will_retry_until=e.expires_at))
                    reported.append((e, DELAYED))
                    s.warned.add(e.id)
        if not passed_on:       # passed on: the next hop reports success (RFC 3461 6.2.1)
            action = DSN_DELIVERED if getattr(self._transport, "final_delivery", False) else RELAYED
            reports += [FailedRecipient(e.recipient, code, text, action=action, orcpt=_param(e, "orcpt"))
                        for e, code, text in s.delivered if _wants(e, "SUCCESS")]
            reported += [(e, action) for e, _c, _t in s.delivered if _wants(e, "SUCCESS")]
        if not reports:
            return None
        s.reported = reported
        first = group[0]
        message_id = email.utils.make_msgid(domain=self._hostname)
        dsn = build_dsn(
            reporting_mta=self._hostname, original_sender=sender, failed=reports, original_message=raw,
            arrival=first.created_at, queue_id=str(first.archive_id), message_id=message_id,
            envid=_param(first, "envid"), ret_full=_param(first, "ret") == "FULL",
        )
        return sender, dsn, message_id


def _attempt_rows(s: _Settlement) -> list[dict[str, Any]]:
    """The attempts log's rows of one settlement: each recipient's result and where it went."""
    rows = [attempts.attempt_row(e, attempts.DELIVERED, code, text, started=s.started, finished=s.finished,
                                 hop=s.hops.get(e.recipient)) for e, code, text in s.delivered]
    rows += [attempts.attempt_row(e, attempts.EXPIRED if e.id in s.expired else attempts.BOUNCED, code, text,
                                  started=s.started, finished=s.finished, hop=s.hops.get(e.recipient))
             for e, code, text in s.failed]
    rows += [attempts.attempt_row(e, attempts.DEFERRED, code, text, started=s.started, finished=s.finished,
                                  hop=s.hops.get(e.recipient)) for e, code, text in s.deferred]
    return rows


def _param(entry: QueueEntry, name: str) -> str | None:
    return (entry.dsn or {}).get(name)


def _wants(entry: QueueEntry, event: str) -> bool:
    """Whether the recipient's NOTIFY asks for a DSN on ``event`` (SUCCESS, FAILURE, DELAY);
    without NOTIFY: failures and delays (RFC 3461 4.1 leaves the default to us)."""
    notify = _param(entry, "notify")
    if notify is None:
        return event != "SUCCESS"
    return event in notify.split(",")


def _failure_text(s: _Settlement, entry: QueueEntry, code: int | None, text: str) -> str:
    """What the row records as its final error (the last reply, and why it is final)."""
    if entry.id in s.expired:
        return f"queue lifetime expired; last error: {code or ''} {text}".strip()
    return text


def _dsn_relay(group: list[QueueEntry]) -> DsnRelay | None:
    """The client's RFC 3461 parameters for the next hop (None: it gave none)."""
    if not any(e.dsn for e in group):
        return None
    first = group[0].dsn or {}
    mail = [f"{k.upper()}={first[k]}".encode() for k in ("ret", "envid") if first.get(k)]
    rcpt = {e.recipient: [f"{k.upper()}={e.dsn[k]}".encode() for k in ("notify", "orcpt") if e.dsn.get(k)]
            for e in group if e.dsn}
    return DsnRelay(mail, rcpt)


# Mail the gateway writes itself (DSNs, held-mail and reviewer notices): signed wherever it goes.
_OWN_MAIL = frozenset({"dsn", "notice", LINK_ORIGIN})


def _signed(entry: QueueEntry) -> bool:
    """Whether this copy must be DKIM-signed: it leaves our domains, or it is our own notice.
    Asked of every row of a transaction, never only the first (old main signed by the first row,
    so internal-then-external left the outbound copy unsigned); the copies of one transaction
    carry the same bytes, so an internal copy sent with an outbound one is signed too."""
    return entry.direction == "outbound" or entry.origin in _OWN_MAIL


def _resolve(future: asyncio.Future[bool], value: bool) -> None:
    """Settle a delivery's wait for its outcome to be recorded (once; it may have been cancelled)."""
    if not future.done():
        future.set_result(value)
