"""``mailwarden serve``: one gateway process (SMTP listener, delivery worker, background jobs,
and on the primary the admin API), and ``serve()``, which runs several under the supervisor."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from collections.abc import Iterator
from functools import partial
from typing import Any

import uvicorn

from admin_api.audit import ensure_head as ensure_audit_head
from archive.blobstore import FilesystemBlobStore
from gateway.db import migrate, open_engine
from gateway.delivery import DeliveryWorker
from gateway.dkim_signing import DkimSigner
from gateway.edge_limits import EdgeLimitSettings
from gateway.extraction_pool import ExtractionPool
from gateway.keyplace import open_keyring
from gateway.pipeline import Pipeline
from gateway.policy import PolicyHolder
from gateway.sender_auth import SenderAuthenticator, dns_resolver
from gateway.services import Services
from gateway.settings import Settings, parse_hostport
from gateway.smtp import IncomingMessage, SessionCounter, SessionPolicy, SmtpLimits, protocol_factory
from gateway.smtp_data import BareNewline
from gateway.startup import PROCESSES_FILE, check_deployment, listening_socket, run_directory, show_banner
from gateway.supervisor import Slot, Supervisor
from gateway.tls import ensure_self_signed, server_context
from gateway.tls_policy import TlsPolicy
from gateway.transport import make_transport

log = logging.getLogger("mailwarden.server")


def _reload_other_processes() -> None:
    """Ask the supervisor to pass a reload on to every other gateway process."""
    if _supervisor_pid and os.getppid() == _supervisor_pid:   # not init, if the supervisor is gone
        with contextlib.suppress(ProcessLookupError):
            os.kill(_supervisor_pid, signal.SIGUSR1)


_supervisor_pid = 0   # set in processes started by serve()'s supervisor


class _EmbeddedUvicorn(uvicorn.Server):
    """uvicorn inside our event loop: signals belong to the gateway, not to uvicorn."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class Gateway:
    def __init__(self, services: Services):
        self.services = services
        s = services.settings
        self.stop_event = asyncio.Event()
        self.stopped = asyncio.Event()
        self.sessions = SessionCounter()
        self.dkim = DkimSigner(s.data_dir / "dkim")
        self.worker = DeliveryWorker(
            committer=services.committer, queue=services.queue, open_blob=services.archive.open_digest,
            transport=make_transport(
                s.next_hop, size=s.delivery.concurrency, connect_timeout=s.delivery.connect_timeout,
                command_timeout=s.delivery.command_timeout, idle_timeout=s.delivery.idle_connection_timeout,
                tls_policy=TlsPolicy(s.delivery.tls_level, s.delivery.tls_policy, _ca_file(s)),
                **_mx_delivery(s),
                local_hostname=services.hostname,
            ),
            notifier=services.notifier, dkim=self.dkim,
            metrics=services.metrics, hostname=services.hostname, concurrency=s.delivery.concurrency,
            batch_size=s.delivery.batch_size, poll_interval=s.delivery.poll_interval,
            node=s.delivery.node_id or None, delay_warning_after=s.delivery.delay_warning_after,
            memory_budget=s.delivery.memory_budget, blob_size=services.archive.digest_size,
        )
        # one pool per process: screening, the API's rules test and the index share it
        self.extraction = services.extraction or ExtractionPool(
            workers=s.extraction.workers, seconds=s.extraction.seconds, memory_mb=s.extraction.memory_mb)
        self.pipeline = Pipeline(
            policy=services.policy, archive=services.archive, queue=services.queue,
            quarantine=services.quarantine, notifier=services.notifier, committer=services.committer,
            counters=services.counters, metrics=services.metrics, hostname=services.hostname,
            delivery=self.worker,
            authenticate_sender=SenderAuthenticator(
                hostname=s.sender_auth.authserv_id or services.hostname,
                is_internal=lambda a: services.policy.directory().is_internal(a),
                resolver=dns_resolver(s.sender_auth.dns_timeout, [
                    parse_hostport(n, default_port=53) for n in s.sender_auth.nameservers] or None),
                enforce_dmarc=s.sender_auth.dmarc_enforce,
            ) if s.smtp.check_sender_auth else None,
            extraction=self.extraction,
            authserv_id=s.sender_auth.authserv_id,
            sender_logins=services.sender_logins,
            engines=services.engines,
        )
        self.smtp_server: asyncio.base_events.Server | None = None
        self.api_server: _EmbeddedUvicorn | None = None
        self._tasks: list[asyncio.Task] = []
        self._purge: Any = None      # gateway.retention.ScheduledPurge on the primary
        self._checkpointer: Any = None   # gateway.checkpoints.Checkpointer on the primary

    # ---- listeners ---------------------------------------------------------------
    async def start_smtp(self, sock: socket.socket | None = None) -> None:
        s = self.services.settings
        limits = SmtpLimits(max_message_size=s.smtp.max_message_size, max_recipients=s.smtp.max_recipients,
                            max_sessions=s.smtp.max_sessions, idle_timeout=s.smtp.idle_timeout,
                            bare_newline=BareNewline(s.smtp.bare_newline),
                            edge=EdgeLimitSettings(
                                max_sessions_per_ip=s.smtp.max_sessions_per_ip,
                                connection_rate_per_ip=s.smtp.connection_rate_per_ip,
                                message_rate_per_ip=s.smtp.message_rate_per_ip,
                                pregreet_wait=s.smtp.pregreet_wait, pregreet_pass_ttl=s.smtp.pregreet_pass_ttl,
                                data_timeout=s.smtp.data_timeout, data_min_rate=s.smtp.data_min_rate,
                                data_rate_grace=s.smtp.data_rate_grace, spool_dir=str(s.data_dir / "spool"),
                                spool_threshold=s.smtp.spool_threshold, memory_budget=s.smtp.memory_budget,
                                memory_wait=s.smtp.memory_wait))
        if s.smtp.tls_cert and s.smtp.tls_key:
            cert, key = s.resolve(s.smtp.tls_cert), s.resolve(s.smtp.tls_key)
        else:
            cert, key = ensure_self_signed(s.data_dir / "tls", self.services.hostname)
        policy = SessionPolicy(
            directory=self.services.policy.directory, trusted_networks=s.relay.trusted_networks, limits=limits,
            deliver_to_pipeline=self._accept, verify_login=self.services.accounts.verify_async,
            auth_throttle=self.services.auth_throttle, sender_logins=self.services.sender_logins,
            on_refused=lambda reason: self.services.metrics.smtp_refused.labels(reason).inc(),
        )
        factory = protocol_factory(policy, limits=limits, hostname=self.services.hostname,
                                   tls_context=server_context(cert, key), auth_enabled=s.smtp.auth_enabled,
                                   counter=self.sessions)
        loop = asyncio.get_running_loop()
        if sock is not None:
            self.smtp_server = await loop.create_server(factory, sock=sock)
        else:
            host, port = parse_hostport(s.smtp.listen, default_port=25)
            self.smtp_server = await loop.create_server(factory, host, port, reuse_address=True,
                                                        reuse_port=s.smtp.workers > 1)
        log.info("SMTP listening", extra={"listen": s.smtp.listen})

    async def _accept(self, message: IncomingMessage) -> str:
        return await self.pipeline.handle(message)

    async def start_api(self, sock: socket.socket | None = None) -> None:
        """The admin API; ``sock``: the port serve() opened before forking (else bound here)."""
        from gateway.api import build_app

        s = self.services.settings
        host, port = parse_hostport(s.api.listen, default_port=8025)
        tls: dict[str, str] = {}
        if s.api.tls:   # the console's cookies are Secure under TLS
            if s.api.tls_cert and s.api.tls_key:
                cert, key = s.resolve(s.api.tls_cert), s.resolve(s.api.tls_key)
            else:
                cert, key = ensure_self_signed(s.data_dir / "tls", self.services.hostname)
            tls = {"ssl_certfile": str(cert), "ssl_keyfile": str(key)}
        config = uvicorn.Config(build_app(self.services, self), host=host, port=port, log_config=None,
                                access_log=False, lifespan="off", loop="none", **tls)
        self.api_server = _EmbeddedUvicorn(config)
        self._tasks.append(asyncio.create_task(self.api_server.serve(sockets=[sock] if sock else None),
                                               name="api"))
        for _ in range(200):
            if self.api_server.started:
                break
            await asyncio.sleep(0.01)
        log.info("admin API listening", extra={"listen": s.api.listen})

    # ---- background jobs ---------------------------------------------------------
    def start_jobs(self, primary: bool = True, index: bool = True) -> None:
        self._tasks.append(asyncio.create_task(self.worker.run(self.stop_event), name="delivery"))
        if not primary:
            return
        self.warn_unsigned_domains()
        if index:
            self._tasks.append(asyncio.create_task(self._every(self.services.settings.archive.index_interval,
                                                               self._index), name="indexer"))
        self._tasks.append(asyncio.create_task(self._every(self.services.settings.quarantine.expiry_interval,
                                                           self._quarantine_upkeep), name="quarantine"))
        archive_settings = self.services.settings.archive
        if archive_settings.checkpoint_interval > 0:
            from gateway.checkpoints import Checkpointer

            self._checkpointer = Checkpointer.from_settings(self.services)
            self._tasks.append(asyncio.create_task(self._every(
                archive_settings.checkpoint_interval, self._checkpoint), name="checkpoint"))
        if archive_settings.purge_interval > 0:
            from gateway.retention import ScheduledPurge
            from gateway.setting_values import parse_window

            self._purge = ScheduledPurge(
                self.services.engine, self.services.archive, archive_settings.retention,
                default_days=archive_settings.default_retention_days, interval=archive_settings.purge_interval,
                window=parse_window(archive_settings.purge_window), node=self.worker.node)
            # Checked every minute (or more often for short test intervals); purging is due once per interval.
            self._tasks.append(asyncio.create_task(self._every(
                min(60.0, archive_settings.purge_interval), self._scheduled_purge), name="purge"))

    async def _every(self, interval: float, job) -> None:  # noqa: ANN001
        while not self.stop_event.is_set():
            try:
                busy = await asyncio.to_thread(job)
            except Exception:  # noqa: BLE001 - a failing job is logged and retried next round
                log.exception("background job failed")
                busy = False
            if not busy:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self.stop_event.wait(), interval)

    def _index(self) -> bool:
        archive = self.services.archive
        return archive.index_pending(limit=500) > 0 or archive.rebuild_index_step()

    def _scheduled_purge(self) -> bool:
        self._purge.run_if_due()
        return False          # done until the next check either way

    def _checkpoint(self) -> bool:
        try:
            self._checkpointer.write()
        except Exception as exc:  # noqa: BLE001 - said loudly; tried again at the next interval
            log.error("chain checkpoint not written: %s", exc)
        return False

    def _quarantine_upkeep(self) -> bool:
        from gateway.quarantine_wiring import escalation_levels

        self.services.quarantine.remind()
        self.services.quarantine.escalate(escalation_levels(self.services.policy))
        self.services.quarantine.expire()
        self.services.quarantine.send_digests()
        self.services.counters.prune()
        return False

    def warn_unsigned_domains(self) -> None:
        """One line at start-up naming our domains whose outbound mail would go unsigned."""
        domains = [*self.services.policy.directory().domains, self.services.hostname]
        unsigned = self.dkim.unsigned_domains(list(dict.fromkeys(d.lower() for d in domains if d)))
        if unsigned:
            log.warning("DKIM: no signing key for %s under %s; their outbound mail and notices go unsigned "
                        "(mailwarden dkim generate --domain DOMAIN)", ", ".join(unsigned),
                        self.services.settings.data_dir / "dkim", extra={"unsigned_domains": unsigned})

    # ---- control -----------------------------------------------------------------
    def reload(self) -> None:
        """SIGHUP (forwarded by the supervisor to every process): a bad file keeps the old rules."""
        try:
            self.reload_or_raise(from_signal=True)
        except Exception as exc:  # noqa: BLE001 - keep the old rules, say why
            log.error("reload refused, old rules stay live: %s", exc)

    def reload_or_raise(self, *, from_signal: bool = False) -> None:
        self.dkim.reload()          # DKIM keys are read again too (they also are when their files change)
        self.services.policy.reload()
        if not from_signal:   # a SIGHUP came through the supervisor, which told everyone
            _reload_other_processes()

    async def stop(self) -> None:
        self.stop_event.set()
        if self.smtp_server is not None:
            self.smtp_server.close()
        if self.api_server is not None:
            self.api_server.should_exit = True
        await asyncio.gather(*self._tasks, return_exceptions=True)
        # Acceptances still being committed may have claimed rows for this node's worker after
        # it gave its rows back (on PostgreSQL its release does not see a transaction that has
        # not committed yet): let every one finish, then give back what they claimed.
        await asyncio.to_thread(self.services.committer.stop)
        try:
            await asyncio.to_thread(self.services.queue.release_claims, self.worker.node)
        except Exception:  # noqa: BLE001 - the rows come back at the next start or with their lease
            log.exception("could not give back this node's claimed rows")
        if self._checkpointer is not None:      # where the chains stand as this node stops
            await asyncio.to_thread(self._checkpoint)
        self.extraction.close()
        if self.services.engines is not None:
            await self.services.engines.close()
        self.services.close()
        self.stopped.set()


async def run(services: Services, *, sock: socket.socket | None = None, primary: bool = True,
              index: bool = True, api_sock: socket.socket | None = None) -> None:
    """One gateway process: SMTP and delivery always; API and archive/quarantine jobs on the primary."""
    gateway = Gateway(services)
    loop = asyncio.get_running_loop()
    # Handlers first: a SIGHUP during start-up must reload, not end the process.
    stopping = asyncio.Event()
    loop.add_signal_handler(signal.SIGHUP, gateway.reload)
    loop.add_signal_handler(signal.SIGTERM, stopping.set)
    loop.add_signal_handler(signal.SIGINT, stopping.set)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGHUP})   # a reload held back during start-up
    await gateway.start_smtp(sock)
    gateway.start_jobs(primary=primary, index=index)
    if primary and services.settings.api.enabled:
        await gateway.start_api(api_sock)
    await stopping.wait()
    log.info("stopping")
    await gateway.stop()


def serve(settings: Settings) -> int:
    """Run the gateway's processes under a supervisor that restarts any that dies.

    ``smtp.workers`` processes share one listening socket (one per core); the first is the
    primary (admin API, quarantine jobs). With more than one worker the blind-index
    backlog (messages archived without tokens: notices, imports, releases) is worked off by
    a separate low-priority process. The schema is migrated and first-run material created
    here, before any process exists to race for them; each process then opens its own
    database connections (nothing crosses a fork) and delivers with its own node id, so a
    restarted worker takes back only the queue rows it had claimed itself. Returns the
    exit status: 1 when a process could not be kept running.
    """
    # The rules are loaded here, once: a bad file stops start-up before any process exists,
    # and every process started later (a restarted worker too) gets the last good rules
    # through the fork, even when the file on disk has since been broken.
    check_deployment(settings)
    policy = PolicyHolder(settings.rules_path, settings.directory_path)
    engine = open_engine(settings.database_url)
    migrate(engine)
    ensure_audit_head(engine)
    try:   # the ring is created (or an older keys_dir imported) once, before any process exists
        open_keyring(settings).bind(engine)
        first_admin_needed = _no_administrator(engine)
    finally:
        engine.dispose()
    FilesystemBlobStore(settings.blobs_dir)     # a new store is made once, here
    _raise_open_files_limit()
    _return_large_buffers_to_the_system()
    if not (settings.smtp.tls_cert and settings.smtp.tls_key):
        ensure_self_signed(settings.data_dir / "tls", settings.smtp.hostname or socket.getfqdn())
    sock = listening_socket(settings.smtp.listen, "smtp.listen", default_port=25, backlog=1024)
    api_sock = None
    try:
        if settings.api.enabled:
            api_sock = listening_socket(settings.api.listen, "api.listen", default_port=8025)
        workers = settings.smtp.workers
        separate_indexer = workers > 1
        slots = [Slot("primary" if i == 0 else f"worker {i}",
                      partial(_run_process, settings, sock, i, index_archive=not separate_indexer, policy=policy,
                              api_sock=api_sock))
                 for i in range(workers)]
        if separate_indexer:
            slots.append(Slot("indexer", partial(_run_indexer, settings)))
        with run_directory() as run_dir:
            show_banner(settings, first_admin_needed=first_admin_needed)
            supervisor = Supervisor(slots, on_reload=partial(_reload_quietly, policy),
                                    state_path=run_dir / PROCESSES_FILE)
            return 0 if supervisor.run() else 1
    finally:
        sock.close()
        if api_sock is not None:
            api_sock.close()


def _no_administrator(engine) -> bool:  # noqa: ANN001
    """Whether no enabled admin account exists yet (the banner then says how to make one)."""
    import sqlalchemy as sa

    from admin_api.tables import users

    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).where(users.c.role == "admin",
                                                             users.c.disabled.is_(False))).scalar_one() == 0


def _ca_file(s: Settings) -> str | None:
    return str(s.resolve(s.delivery.tls_ca_file)) if s.delivery.tls_ca_file else None


def _mx_delivery(s: Settings) -> dict[str, Any]:
    """DNS and MTA-STS for ``next_hop: mx`` (nothing for a relay or a maildir)."""
    if s.next_hop != "mx":
        return {}
    from gateway.mta_sts import MtaSts
    from gateway.outbound_dns import OutboundDns

    dns = OutboundDns([parse_hostport(n, default_port=53) for n in s.delivery.nameservers] or None)
    sts = MtaSts(txt=dns.txt, addresses=dns.addresses, ca_file=_ca_file(s)) if s.delivery.mta_sts else None
    return {"mx_dns": dns, "mta_sts": sts}


def _raise_open_files_limit(wanted: int = 65536) -> None:
    """Each process holds a descriptor per SMTP session (up to ``smtp.max_sessions``, 500 by
    default), per next-hop connection and per database connection: the usual soft limit of
    1024 is too close. Raised as far as the hard limit allows, as MTAs do."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError) as exc:
            log.warning("could not raise the open-files limit from %d: %s", soft, exc)


def _return_large_buffers_to_the_system(threshold: int = 1 << 20) -> None:
    """Messages are large ``bytes`` handled in several threads (screening of large messages,
    the committer): with glibc's default, each thread's malloc arena keeps what a freed
    message used (its mmap threshold grows to 32 MiB as large blocks are freed), so resident
    memory climbs far past what the memory budget counts. A fixed threshold makes every block
    over 1 MiB its own mapping, returned the moment it is freed. Inherited by the forked
    gateway processes; a no-op where the C library is not glibc."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-3, threshold)      # M_MMAP_THRESHOLD (fixed: no dynamic growth)
    except (OSError, AttributeError):
        pass


def _run_indexer(settings: Settings) -> None:
    """The blind-index builder as a low-priority process: accepting and delivering mail
    come first; the index catches up when the machine has time (nothing is lost meanwhile:
    pending entries are rows in the database)."""
    from functools import partial

    from archive.service import Archive
    from gateway.extraction_pool import ExtractionPool
    from gateway.services import extract_text

    os.nice(10)
    stop = False

    def _stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGHUP})
    engine = open_engine(settings.database_url)
    keyring = open_keyring(settings, warn=False)
    extraction = ExtractionPool(workers=1, seconds=settings.extraction.seconds, memory_mb=settings.extraction.memory_mb)
    archive = Archive(engine, FilesystemBlobStore(settings.blobs_dir), keyring,
                      text_extractor=partial(extract_text, extraction=extraction))
    import time

    while not stop:
        try:
            done = archive.index_pending(limit=200) or archive.rebuild_index_step()
        except Exception:  # noqa: BLE001 - logged, retried
            log.exception("indexing failed")
            done = 0
        if not done:
            time.sleep(settings.archive.index_interval)
    extraction.close()
    engine.dispose()


def _reload_quietly(policy: PolicyHolder) -> None:
    """The supervisor's copy of the rules follows every reload (an invalid file keeps the old)."""
    try:
        policy.reload()
    except Exception as exc:  # noqa: BLE001 - each process logs why; keep the last good rules
        log.debug("supervisor keeps its rules: %s", exc)


def _run_process(settings: Settings, sock: socket.socket, index: int, *, index_archive: bool = True,
                 policy: PolicyHolder | None = None, api_sock: socket.socket | None = None) -> None:
    from gateway.services import build_services

    global _supervisor_pid
    _supervisor_pid = os.getppid()
    if settings.smtp.workers > 1:
        base = settings.delivery.node_id or socket.gethostname()
        settings.delivery.node_id = f"{base}/{index}"
    services = build_services(settings, run_migrations=False, policy=policy)
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover - optional speed-up
        pass
    asyncio.run(run(services, sock=sock, primary=index == 0, index=index_archive, api_sock=api_sock))
