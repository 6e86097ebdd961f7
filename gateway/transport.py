"""How a prepared message leaves the gateway: SMTP to the next hop, MX look-up, or a maildir.

Every transport returns a result per recipient, so one refused address does not decide
for the others: ``(code, text)`` with ``code`` ``None`` for a connection-level failure; given a
``hops`` dict, it also notes where each recipient's attempt went (gateway/hops.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import ssl
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import aiosmtplib

from gateway.hops import Hop, hop_of, record
from gateway.mta_sts import MtaSts
from gateway.outbound_dns import OutboundDns
from gateway.settings import parse_hostport
from gateway.tls_policy import TlsLevel, TlsPolicy

log = logging.getLogger("mailwarden.transport")

Result = tuple[int | None, str]


@dataclass
class DsnRelay:
    """RFC 3461 parameters a client gave, for a next hop that advertises DSN (its ``MAIL`` and
    each recipient's ``RCPT`` parameters, as the client wrote them). ``passed_on`` is set when
    they went: success reporting is then the next hop's (RFC 3461 6.2.1), not ours."""

    mail: list[bytes]
    rcpt: dict[str, list[bytes]]
    passed_on: bool = False


class Transport(Protocol):
    async def send(self, mail_from: str, recipients: Sequence[str], message: bytes,
                   dsn: DsnRelay | None = None, hops: dict[str, Hop] | None = None) -> dict[str, Result]: ...

    def route_key(self, recipient: str) -> str: ...

    async def close(self) -> None: ...


@dataclass
class _PooledClient:
    client: aiosmtplib.SMTP
    last_used: float


class SmtpPool:
    """Connections to one SMTP server, reused across messages (RSET-free: each
    transaction ends with DATA or RSET, so the next MAIL starts clean)."""

    def __init__(self, host: str, port: int, *, size: int, connect_timeout: float, command_timeout: float,
                 idle_timeout: float, local_hostname: str, tls_level: TlsLevel = TlsLevel.MAY,
                 tls_context: ssl.SSLContext | None = None, address: str | None = None):
        self.host, self.port = host, port
        self._address = address or host     # where to connect; ``host`` is the name TLS checks
        self._size = size
        self._connect_timeout = connect_timeout
        self._command_timeout = command_timeout
        self._idle_timeout = idle_timeout
        self._tls_level = tls_level
        self._local_hostname = local_hostname
        self._idle: list[_PooledClient] = []
        self._slots = asyncio.Semaphore(size)
        # gateway/tls_policy.py: the level's context (verifying only under ``verify``).
        self._tls_context = tls_context or TlsPolicy().context(tls_level)

    @property
    def tls_level(self) -> TlsLevel:
        return self._tls_level

    @property
    def tls_context(self) -> ssl.SSLContext:
        return self._tls_context

    async def _connect(self, *, starttls: bool = True) -> aiosmtplib.SMTP:
        client = aiosmtplib.SMTP(
            hostname=self._address, port=self.port, timeout=self._command_timeout,
            local_hostname=self._local_hostname, start_tls=False, tls_context=self._tls_context,
        )
        await asyncio.wait_for(client.connect(), self._connect_timeout)
        try:
            await _greet(client)
            if starttls and self._tls_level is not TlsLevel.NONE and client.supports_extension("starttls"):
                # Under ``verify`` a certificate that does not chain to a trusted CA or does not
                # name self.host fails the handshake here: nothing is sent, the rows wait.
                try:
                    await asyncio.wait_for(client.starttls(server_hostname=self.host), self._connect_timeout)
                except (ssl.SSLError, aiosmtplib.SMTPException) as exc:
                    if self._tls_level is not TlsLevel.MAY:
                        raise
                    # Opportunistic: a handshake that fails is no reason to keep mail back
                    # (as Postfix's "may"); a new connection, in the clear.
                    log.warning("STARTTLS failed; delivering in the clear (tls: may)",
                                extra={"host": self.host, "error": str(exc)[:200]})
                    client.close()
                    return await self._connect(starttls=False)
                await _greet(client)
            if self._tls_level.required and not _uses_tls(client):
                raise aiosmtplib.SMTPException(
                    f"{self.host} does not offer STARTTLS and the TLS policy is {self._tls_level}")
        except BaseException:
            client.close()
            raise
        return client

    async def acquire(self) -> aiosmtplib.SMTP:
        await self._slots.acquire()
        now = time.monotonic()
        while self._idle:
            pooled = self._idle.pop()
            if pooled.client.is_connected and now - pooled.last_used < self._idle_timeout:
                return pooled.client
            pooled.client.close()
        try:
            return await self._connect()
        except BaseException:
            self._slots.release()
            raise

    def release(self, client: aiosmtplib.SMTP, *, reusable: bool) -> None:
        if reusable and client.is_connected:
            self._idle.append(_PooledClient(client, time.monotonic()))
        else:
            client.close()
        self._slots.release()

    async def close(self) -> None:
        for pooled in self._idle:
            try:
                await asyncio.wait_for(pooled.client.quit(), 2)
            except Exception:  # noqa: BLE001 - closing anyway
                pooled.client.close()
        self._idle.clear()


async def _greet(client: aiosmtplib.SMTP) -> None:
    """EHLO (HELO for an old server): what the next hop supports decides STARTTLS and MAIL's parameters."""
    if client.is_ehlo_or_helo_needed:
        try:
            await client.ehlo()
        except aiosmtplib.SMTPHeloError:
            await client.helo()


def _uses_tls(client: aiosmtplib.SMTP) -> bool:
    transport = getattr(client, "transport", None)
    return bool(transport and transport.get_extra_info("sslcontext"))


# A next hop that cannot take a message as it is: RFC 6531 says such mail must not be sent
# (and there is no defined downgrade of an address), so it fails permanently, with a DSN.
NEEDS_SMTPUTF8 = (553, "5.6.7 The next hop does not support SMTPUTF8, needed for a non-ASCII address")


def _mail_parameters(client: aiosmtplib.SMTP, mail_from: str, recipients: Sequence[str],
                     message: bytes) -> tuple[list[bytes], str]:
    """The MAIL FROM parameters this message needs on this connection, and the encoding of its
    addresses; raises :class:`_Unsendable` when the next hop lacks what the message needs."""
    params: list[bytes] = []
    encoding = "ascii"
    if not (mail_from.isascii() and all(r.isascii() for r in recipients)):
        if not client.supports_extension("smtputf8"):
            raise _Unsendable(*NEEDS_SMTPUTF8)
        params.append(b"SMTPUTF8")
        encoding = "utf-8"
    # 8-bit content goes as it came; it is labelled where the next hop can take the label
    # (one that does not announce 8BITMIME gets it unlabelled, as most MTAs send it).
    if not message.isascii() and client.supports_extension("8bitmime"):
        params.append(b"BODY=8BITMIME")
    if client.supports_extension("size"):
        params.append(b"SIZE=%d" % len(message))
    return params, encoding


class _Unsendable(Exception):
    def __init__(self, code: int, text: str):
        super().__init__(text)
        self.code, self.text = code, text


async def _transaction(pool: SmtpPool, mail_from: str, recipients: Sequence[str],
                       message: bytes, dsn: DsnRelay | None = None,
                       hops: dict[str, Hop] | None = None) -> dict[str, Result]:
    """One SMTP transaction. MAIL and RCPT are sent with ``execute_command``: the addresses
    were parsed and checked when the message came in, and aiosmtplib's ``mail()``/``rcpt()``
    would parse each again (and could send no ESMTP parameters for an SMTPUTF8 address)."""
    results: dict[str, Result] = {}
    try:
        client = await pool.acquire()
    except (TimeoutError, OSError, aiosmtplib.SMTPException) as exc:
        record(hops, recipients, Hop(pool.host, None, pool.port, tls_policy=str(pool.tls_level)))
        return {r: (None, f"connect to {pool.host}:{pool.port} failed: {exc}") for r in recipients}
    record(hops, recipients, hop_of(client, pool.host, pool.port, str(pool.tls_level), pool.tls_context))
    reusable = False
    try:
        try:
            params, encoding = _mail_parameters(client, mail_from, recipients, message)
        except _Unsendable as refused:
            reusable = True
            return {r: (refused.code, refused.text) for r in recipients}
        relay_dsn = dsn is not None and client.supports_extension("dsn")
        if relay_dsn:
            params += dsn.mail
        response = await client.execute_command(b"MAIL", b"FROM:<" + mail_from.encode(encoding) + b">", *params)
        if response.code != 250:
            await _rset(client)
            reusable = client.is_connected
            return {r: (response.code, response.message) for r in recipients}
        accepted = []
        for rcpt in recipients:
            extra = dsn.rcpt.get(rcpt, []) if relay_dsn else []
            response = await client.execute_command(b"RCPT", b"TO:<" + rcpt.encode(encoding) + b">", *extra)
            if response.code in (250, 251):
                accepted.append(rcpt)
            else:
                results[rcpt] = (response.code, response.message)
        if not accepted:
            await _rset(client)
            reusable = client.is_connected
            return results
        try:
            response = await client.data(message)
        except aiosmtplib.SMTPResponseException as exc:
            for rcpt in accepted:
                results[rcpt] = (exc.code, exc.message)
            reusable = client.is_connected
            return results
        for rcpt in accepted:
            results[rcpt] = (response.code, response.message)
        if relay_dsn and 200 <= response.code < 300:
            dsn.passed_on = True
        reusable = True
        return results
    except (TimeoutError, OSError, aiosmtplib.SMTPException) as exc:
        for rcpt in recipients:
            results.setdefault(rcpt, (None, f"{pool.host}:{pool.port}: {exc}"))
        return results
    except ValueError as exc:   # an address SMTP cannot carry (the edge refuses them; notices, copies)
        for rcpt in recipients:
            results.setdefault(rcpt, (553, f"5.1.3 Address cannot be sent over SMTP: {exc}"))
        return results
    finally:
        pool.release(client, reusable=reusable)


async def _rset(client: aiosmtplib.SMTP) -> None:
    try:
        await client.rset()
    except Exception:  # noqa: BLE001 - the connection is dropped instead
        client.close()


class RelayTransport:
    """Everything to one next hop (the organisation's MTA or a smart host)."""

    def __init__(self, host: str, port: int, *, tls_policy: TlsPolicy | None = None, **pool_options):
        policy = tls_policy or TlsPolicy()
        level = policy.level(host)
        self._pool = SmtpPool(host, port, tls_level=level, tls_context=policy.context(level), **pool_options)

    def route_key(self, recipient: str) -> str:
        return "relay"

    async def send(self, mail_from: str, recipients: Sequence[str], message: bytes,
                   dsn: DsnRelay | None = None, hops: dict[str, Hop] | None = None) -> dict[str, Result]:
        return await _transaction(self._pool, mail_from, recipients, message, dsn, hops)

    async def close(self) -> None:
        await self._pool.close()


MxResolver = Callable[[str], Awaitable[list[tuple[int, str]]]]


async def dns_mx(domain: str) -> list[tuple[int, str]]:
    """MX records of ``domain`` (implicit MX: the domain itself when it has none)."""
    import dns.asyncresolver
    import dns.exception
    import dns.resolver

    try:
        answer = await dns.asyncresolver.resolve(domain, "MX")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return [(0, domain)]
    except dns.exception.DNSException as exc:
        raise OSError(f"MX lookup for {domain} failed: {exc}") from exc
    return sorted((r.preference, str(r.exchange).rstrip(".")) for r in answer)


class MxTransport:
    """Direct delivery to each recipient domain's MX hosts, in preference order."""

    def __init__(self, *, resolver: MxResolver = dns_mx, port: int = 25, tls_policy: TlsPolicy | None = None,
                 addresses: Callable[[str], Awaitable[list[str]]] | None = None, mta_sts: MtaSts | None = None,
                 **pool_options):
        self._resolver = resolver
        self._port = port
        self._tls_policy = tls_policy or TlsPolicy()
        self._addresses = addresses       # None: connect by name (the system resolver)
        self._mta_sts = mta_sts
        self._pool_options = pool_options
        self._pools: dict[tuple[str, str | None, TlsLevel], SmtpPool] = {}

    def route_key(self, recipient: str) -> str:
        return recipient.rpartition("@")[2].lower()

    async def send(self, mail_from: str, recipients: Sequence[str], message: bytes,
                   dsn: DsnRelay | None = None, hops: dict[str, Hop] | None = None) -> dict[str, Result]:
        domain = self.route_key(recipients[0])
        try:
            hosts = await self._resolver(domain)
        except OSError as exc:
            return {r: (None, str(exc)) for r in recipients}
        if any(host in ("", ".") for _, host in hosts):
            return {r: (556, "5.1.10 recipient domain does not accept mail (null MX)") for r in recipients}
        results: dict[str, Result] = {r: (None, f"no MX host of {domain} answered") for r in recipients}
        sts = await self._mta_sts.policy(domain) if self._mta_sts is not None else None
        pending = list(recipients)
        for _pref, host in hosts:
            level = self._tls_policy.level(domain, host)      # the recipient domain's entry first
            if sts is not None and sts.mode != "none":
                if not sts.matches(host):
                    log.warning("MTA-STS: MX host not in the policy", extra={
                        "domain": domain, "mx": host, "mode": sts.mode, "refused": sts.mode == "enforce"})
                    if sts.mode == "enforce":     # never to an impostor: the mail waits
                        results.update({r: (None, f"MTA-STS policy of {domain} does not name MX host {host}")
                                        for r in pending})
                        record(hops, pending, Hop(host, None, self._port, tls_policy="mta-sts:enforce"))
                        continue
                else:
                    level = TlsLevel.VERIFY      # testing: tried first, and logged if it fails
            outcome = await self._attempt(host, level, mail_from, pending, message, dsn, hops)
            if sts is not None and sts.mode == "testing" and level is TlsLevel.VERIFY and _tls_refused(outcome):
                log.warning("MTA-STS: MX certificate does not verify", extra={
                    "domain": domain, "mx": host, "mode": sts.mode, "refused": False})
                level = self._tls_policy.level(domain, host)
                outcome = await self._attempt(host, level, mail_from, pending, message, dsn, hops)
            elif sts is not None and sts.mode != "none" and hops is not None:
                for r in pending:       # the policy that set the level: MTA-STS's
                    if r in hops:
                        hops[r] = hops[r].under(f"mta-sts:{sts.mode}")
            results.update(outcome)
            pending = [r for r in pending if outcome[r][0] is None]  # only connection failures move on
            if not pending:
                break
        return results

    async def _attempt(self, host: str, level: TlsLevel, mail_from: str, recipients: list[str], message: bytes,
                       dsn: DsnRelay | None, hops: dict[str, Hop] | None = None) -> dict[str, Result]:
        pool = await self._pool(host, level)
        if pool is None:
            record(hops, recipients, Hop(host, None, self._port, tls_policy=str(level)))
            return {r: (None, f"MX host {host} has no address") for r in recipients}
        return await _transaction(pool, mail_from, recipients, message, dsn, hops)

    async def _pool(self, host: str, level: TlsLevel) -> SmtpPool | None:
        """The pool for ``host`` at ``level``, connecting to the address our DNS gave (None: none)."""
        address = None
        if self._addresses is not None:
            try:
                found = await self._addresses(host)
            except OSError:
                return None
            if not found:
                return None
            address = found[0]
        pool = self._pools.get((host, address, level))
        if pool is None:
            pool = self._pools[host, address, level] = SmtpPool(
                host, self._port, tls_level=level, tls_context=self._tls_policy.context(level), address=address,
                **self._pool_options)
        return pool

    async def close(self) -> None:
        for pool in self._pools.values():
            await pool.close()


def _tls_refused(outcome: dict[str, Result]) -> bool:
    """Whether a connection failed on the certificate (and only that)."""
    return all(code is None and "certificate" in text.lower() for code, text in outcome.values())


class MaildirTransport:
    """Local delivery into ``root/<recipient>/new`` (Maildir), for a self-contained first run.

    This is the destination mailbox, not the gateway's storage: like any mailbox it holds
    the delivered message as the recipient will read it.
    """

    def __init__(self, root: Path):
        self._root = root
        self._counter = 0
        self._host = socket.gethostname().replace("/", "_").replace(":", "_")

    final_delivery = True      # a success here is "delivered" (RFC 3464), not "relayed"

    def route_key(self, recipient: str) -> str:
        return "maildir"

    async def send(self, mail_from: str, recipients: Sequence[str], message: bytes,
                   dsn: DsnRelay | None = None, hops: dict[str, Hop] | None = None) -> dict[str, Result]:
        record(hops, recipients, Hop("maildir"))
        return await asyncio.to_thread(self._write_all, mail_from, recipients, message)

    def _write_all(self, mail_from: str, recipients: Sequence[str], message: bytes) -> dict[str, Result]:
        results: dict[str, Result] = {}
        for rcpt in recipients:
            try:
                self._write(rcpt, mail_from, message)
                results[rcpt] = (250, "2.0.0 delivered to maildir")
            except OSError as exc:
                results[rcpt] = (None, f"maildir write failed: {exc.strerror}")
        return results

    def _write(self, rcpt: str, mail_from: str, message: bytes) -> None:
        safe = rcpt.lower().replace("/", "_")
        box = self._root / safe
        for sub in ("tmp", "new", "cur"):
            (box / sub).mkdir(parents=True, exist_ok=True)
        self._counter += 1
        name = f"{time.time():.6f}.P{os.getpid()}Q{self._counter}.{self._host}"
        tmp, new = box / "tmp" / name, box / "new" / name
        prefix = f"Return-Path: <{mail_from}>\r\nDelivered-To: {rcpt}\r\n".encode()
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(prefix)
            fh.write(message)
            fh.flush()
            os.fsync(fh.fileno())
        os.rename(tmp, new)
        dir_fd = os.open(box / "new", os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    async def close(self) -> None:
        return None


def make_transport(next_hop: str, *, tls_policy: TlsPolicy | None = None, mx_dns: OutboundDns | None = None,
                   mta_sts: MtaSts | None = None, **pool_options) -> Transport:
    """The transport for ``delivery.next_hop``; pool options and the TLS policy apply to the SMTP
    transports, the DNS and MTA-STS to delivery by MX."""
    if next_hop.startswith("maildir:"):
        return MaildirTransport(Path(next_hop[len("maildir:"):]))
    if next_hop == "mx":
        if mx_dns is not None:
            return MxTransport(resolver=mx_dns.mx, addresses=mx_dns.addresses, tls_policy=tls_policy,
                               mta_sts=mta_sts, **pool_options)
        return MxTransport(tls_policy=tls_policy, mta_sts=mta_sts, **pool_options)
    host, port = parse_hostport(next_hop, default_port=25)
    return RelayTransport(host, port, tls_policy=tls_policy, **pool_options)
