"""The SMTP edge: protocol details and session policy, nothing about content.

aiosmtpd speaks the protocol; :class:`GatewaySMTP` makes it as liberal as real mail
servers need (long lines, 8-bit data without 8BITMIME) but strict where being liberal is
an attack (only ``<CR><LF>.<CR><LF>`` ends DATA, paths as RFC 5321 writes them), with the
limits an internet-facing relay must have (:mod:`gateway.smtp_edge` holds the framing and
limits, :mod:`gateway.smtp_paths` the address rules). :class:`SessionPolicy` is the aiosmtpd handler: relay
control and recipient limits at RCPT, then it hands the message to the pipeline at DATA.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import ipaddress
import logging
import re
import ssl
from base64 import b64decode
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiosmtpd.smtp import MISSING, SMTP, AuthResult, Envelope, LoginPassword, Session, syntax

from gateway.directory import Directory
from gateway.edge_limits import EdgeLimits, EdgeLimitSettings
from gateway.smtp_chunking import ChunkingSMTP
from gateway.smtp_data import BareNewline
from gateway.smtp_dsn import MAIL_KEYS, RCPT_KEYS, DsnRequest, split_dsn
from gateway.smtp_edge import SessionCounter
from gateway.smtp_paths import has_routing, non_ascii_reply, parse_path, routing_reply, syntax_reply

if TYPE_CHECKING:
    from gateway.auth_throttle import AuthThrottle
    from gateway.sender_logins import SenderLogins

log = logging.getLogger("mailwarden.smtp")
logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command chatter



@dataclass(frozen=True)
class IncomingMessage:
    """What the SMTP session knows about one message when DATA ends."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    client_ip: str
    helo: str
    authenticated_user: str | None
    tls: bool
    # The client is in relay.trusted_networks: with a login, what vouches for an internal
    # sender (gateway/sender_identity.py). False unless the session says so: fail closed.
    trusted_client: bool = False
    # RET/ENVID/NOTIFY/ORCPT (RFC 3461) when the client gave any (gateway/smtp_dsn.py).
    dsn: DsnRequest | None = None


@dataclass
class SmtpLimits:
    max_message_size: int
    max_recipients: int
    max_sessions: int
    idle_timeout: float
    bare_newline: BareNewline = BareNewline.NORMALIZE
    edge: EdgeLimitSettings = field(default_factory=EdgeLimitSettings)


class GatewaySMTP(ChunkingSMTP):
    """The edge's SMTP (:class:`gateway.smtp_edge.EdgeSMTP`: framing, limits, DATA;
    :class:`gateway.smtp_chunking.ChunkingSMTP`: BDAT) with
    asynchronous AUTH verification and strict, fast address parsing."""

    def __dir__(self) -> list[str]:
        """Only the command and AUTH methods: aiosmtpd finds them with ``dir()`` and
        ``inspect.getmembers()`` on every new connection, and listing (and getting) every
        attribute cost more than the rest of a short session's set-up."""
        return _protocol_names(type(self), ("smtp_", "auth_"))

    # ---- AUTH: verify off the event loop (the KDF is deliberately slow) -------------
    async def auth_PLAIN(self, _: object, args: list[str]) -> AuthResult:  # noqa: N802
        if len(args) == 1:
            blob = await self.challenge_auth("")
            if blob is MISSING:
                return AuthResult(success=False)
        else:
            try:
                blob = b64decode(args[1].encode(), validate=True)
            except Exception:  # noqa: BLE001 - any decoding problem is the client's
                await self.push("501 5.5.2 Can't decode base64")
                return AuthResult(success=False, handled=True)
        try:
            _authz, login, password = blob.split(b"\x00")
        except ValueError:
            await self.push("501 5.5.2 Can't split auth value")
            return AuthResult(success=False, handled=True)
        return await self._verify(login, password)

    async def auth_LOGIN(self, _: object, args: list[str]) -> AuthResult:  # noqa: N802
        if len(args) == 1:
            login = await self.challenge_auth(self.AuthLoginUsernameChallenge)
            if login is MISSING:
                return AuthResult(success=False)
        else:
            try:
                login = b64decode(args[1].encode(), validate=True)
            except Exception:  # noqa: BLE001
                await self.push("501 5.5.2 Can't decode base64")
                return AuthResult(success=False, handled=True)
        password = await self.challenge_auth(self.AuthLoginPasswordChallenge)
        if password is MISSING:
            return AuthResult(success=False)
        return await self._verify(login, password)

    async def _verify(self, login: bytes, password: bytes) -> AuthResult:
        peer = self._peer_ip()
        refusal = await self._policy.auth_refusal(peer, login)
        if refusal is None:
            ok = await self._policy.verify_login(login, password)
            if ok:
                return AuthResult(success=True, handled=False, auth_data=LoginPassword(login, password))
            log.warning("authentication failed", extra={"peer": peer, "login": login[:64]})
            refusal = await self._policy.auth_failed(peer, login)
            if refusal is None:
                return AuthResult(success=False, handled=False)
        # Locked out (gateway/auth_throttle.py): say so and hang up, as QUIT does.
        self._policy.refused("auth_locked")
        await self.push(refusal)
        if self._handler_coroutine is not None:
            self._handler_coroutine.cancel()
        if self.transport is not None:
            self.transport.close()
        return AuthResult(success=False, handled=True)

    # ---- MAIL/RCPT addresses -----------------------------------------------------
    @syntax("MAIL FROM: <address>", extended=" [SP <mail-parameters>]")
    async def smtp_MAIL(self, arg: str | None) -> None:  # noqa: N802
        if await self._refuse_path_syntax(arg, "FROM:", sender=True):
            return
        arg, dsn = self._dsn_parameters(arg, "FROM:", MAIL_KEYS)
        if dsn is None:
            await self.push(arg or "501 5.5.4 Invalid DSN parameter")
            return
        if not await self._refuse_over_message_rate():
            await super().smtp_MAIL(arg)
            if dsn and self.envelope is not None and self.envelope.mail_from:
                self.envelope.dsn = DsnRequest(ret=dsn.get("ret"), envid=dsn.get("envid"))  # type: ignore[attr-defined]

    @syntax("RCPT TO: <address>", extended=" [SP <mail-parameters>]")
    async def smtp_RCPT(self, arg: str | None) -> None:  # noqa: N802
        if await self._refuse_path_syntax(arg, "TO:", sender=False):
            return
        arg, dsn = self._dsn_parameters(arg, "TO:", RCPT_KEYS)
        if dsn is None:
            await self.push(arg or "501 5.5.4 Invalid DSN parameter")
            return
        assert self.envelope is not None
        before = len(self.envelope.rcpt_tos)
        await super().smtp_RCPT(arg)
        if dsn and len(self.envelope.rcpt_tos) > before:
            request = getattr(self.envelope, "dsn", None) or DsnRequest()
            request.recipients[self.envelope.rcpt_tos[-1]] = dsn
            self.envelope.dsn = request  # type: ignore[attr-defined]

    def _dsn_parameters(self, arg: str | None, keyword: str, keys: frozenset[str]) -> tuple[str | None, dict | None]:
        """RFC 3461's parameters taken out of a MAIL/RCPT argument before aiosmtpd reads it
        (it refuses them with ``555`` and upper-cases the case-sensitive ones): (the argument
        without them, the DSN parameters), or (the ``501`` reply, None) for a bad one."""
        if not arg or "=" not in arg or not _DSN_HINT.search(arg) or self.session is None \
                or not self.session.extended_smtp:
            return arg, {}       # the common case (no parameter, or only SIZE/BODY): nothing to take out
        rest = self._strip_command_keyword(keyword, arg)
        if rest is None:
            return arg, {}
        address, params = parse_path(rest, self.local_part_limit)
        if not address or not params or not rest.endswith(params):
            return arg, {}
        remaining, found, error = split_dsn(params, keys)
        if error is not None:
            self._policy.refused("dsn_parameter")
            return error, None
        if not found:
            return arg, {}
        return f"{keyword}{rest[:len(rest) - len(params)].rstrip()} {remaining}".rstrip(), found

    async def _refuse_path_syntax(self, arg: str | None, keyword: str, *, sender: bool) -> bool:
        """Answer ``501`` for a path opened with ``<`` and never closed (aiosmtpd takes it as
        closed; see :mod:`gateway.smtp_paths`). Before HELO, or without an argument,
        aiosmtpd's own answers stand."""
        if arg is None or self.session is None or not self.session.host_name:
            return False
        rest = self._strip_command_keyword(keyword, arg)
        reply = syntax_reply(rest, sender=sender) if rest is not None else None
        if reply is None:
            return False
        self._policy.refused("address_syntax")
        await self.push(reply)
        return True

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        """aiosmtpd's address parsing, faster and without its crashes: :func:`gateway.smtp_paths.parse_path`."""
        return parse_path(arg, self.local_part_limit)

# A MAIL/RCPT argument that may hold an RFC 3461 parameter (checked before any parsing).
_DSN_HINT = re.compile(r"(?i)[ \t](?:RET|ENVID|NOTIFY|ORCPT)=")

# What the edge adds to aiosmtpd's EHLO list.
_EXTENSIONS = ("250-PIPELINING", "250-ENHANCEDSTATUSCODES", "250-DSN", "250-CHUNKING")


class SessionPolicy:
    """aiosmtpd handler: who may send where, how many, and what happens at DATA."""

    def __init__(
        self,
        *,
        directory: Callable[[], Directory],
        trusted_networks: list[str],
        limits: SmtpLimits,
        deliver_to_pipeline: Callable[[IncomingMessage], Awaitable[str]],
        verify_login: Callable[[str, str], Awaitable[bool]] | None = None,
        auth_throttle: AuthThrottle | None = None,
        sender_logins: SenderLogins | None = None,
        on_refused: Callable[[str], None] | None = None,
    ):
        self._directory = directory
        self._on_refused = on_refused
        self._trusted = [ipaddress.ip_network(n, strict=False) for n in trusted_networks]
        self._limits = limits
        self._deliver = deliver_to_pipeline
        self._verify_login = verify_login
        self.edge = EdgeLimits(limits.edge if limits is not None else None)
        self._throttle = auth_throttle
        self._sender_logins = sender_logins

    def __dir__(self) -> list[str]:
        """Only the hooks, for the same reason as :meth:`GatewaySMTP.__dir__`."""
        return _protocol_names(type(self), ("handle_", "auth_"))

    async def verify_login(self, login: bytes, password: bytes) -> bool:
        if self._verify_login is None:
            return False
        try:
            return await self._verify_login(login.decode("utf-8"), password.decode("utf-8"))
        except UnicodeDecodeError:
            return False

    async def auth_refusal(self, ip: str, login: bytes) -> str | None:
        """The reply refusing AUTH before any password is checked (a lockout), or None."""
        if self._throttle is None:
            return None
        return await self._throttle.refusal(ip, login.decode("utf-8", "replace"), trusted=self.is_trusted(ip))

    async def auth_failed(self, ip: str, login: bytes) -> str | None:
        """Count a failed AUTH; the reply that ends the session if it locked the client out."""
        if self._throttle is None:
            return None
        return await self._throttle.after_failure(ip, login.decode("utf-8", "replace"), trusted=self.is_trusted(ip))

    async def handle_exception(self, error: Exception) -> str:
        """A command that failed inside (the database behind the login bindings or the AUTH
        throttle down, a bug): ``451 4.3.0``, the client retries. Without this hook aiosmtpd
        answers ``500 Error: (OperationalError) ...``: a permanent refusal of a temporary
        fault, with the driver's text (SQL, table and server names) sent to the client."""
        log.error("SMTP command failed: %s", type(error).__name__, exc_info=error)
        self.refused("internal_error")
        return "451 4.3.0 Temporary failure; please try again later"

    def refused(self, reason: str) -> None:
        """Count a refusal at the edge (``mailwarden_smtp_refused_total{reason}``)."""
        if self._on_refused is not None:
            self._on_refused(reason)

    def is_trusted(self, ip: str) -> bool:
        try:
            addr = ipaddress.ip_address(ip.split("%")[0])
        except ValueError:
            return False
        if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
            addr = addr.ipv4_mapped
        return any(addr in net for net in self._trusted)

    async def handle_EHLO(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        """aiosmtpd reads commands as a stream, so pipelined clients work: say so (RFC 2920);
        every reply after this one carries an enhanced status code (RFC 2034, gateway/smtp_replies.py)."""
        session.host_name = hostname
        return [*responses[:-1], *_EXTENSIONS, responses[-1]]

    def path_refusal(self, session: Session, envelope: Envelope, address: str, *, recipient: bool) -> str | None:
        """The reply refusing an address the edge does not take (see :mod:`gateway.smtp_paths`):
        non-ASCII without SMTPUTF8; ``%``/``!`` routing in a recipient from an untrusted client."""
        reply = non_ascii_reply(address, smtputf8=bool(envelope.smtp_utf8))
        if reply is not None:
            self.refused("non_ascii_address")
            return reply
        if recipient and has_routing(address) and not (session.authenticated or self.is_trusted(_peer_ip(session))):
            self.refused("address_routing")
            log.warning("routing in recipient refused", extra={"peer": _peer_ip(session), "rcpt": address})
            return routing_reply(address)
        return None

    async def handle_MAIL(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if (refusal := self.path_refusal(session, envelope, address, recipient=False)) is not None:
            return refusal
        # The null sender stays "<>" in the envelope while the transaction runs: aiosmtpd
        # takes an empty mail_from for "no MAIL yet" and answered RCPT with 503, so no bounce
        # or DSN could reach our users. The message carries "" (handle_DATA).
        envelope.mail_from = address
        if session.authenticated and self._sender_logins is not None and address != "<>":
            # A login sends only as the addresses bound to it (gateway/sender_logins.py).
            login = _login_of(session) or ""
            if not await self._sender_logins.may_send_as_async(login, envelope.mail_from):
                log.warning("sender login mismatch", extra={"peer": _peer_ip(session), "login": login[:64],
                                                            "from": envelope.mail_from[:256]})
                envelope.mail_from = None
                self.refused("sender_login_mismatch")
                return f"553 5.7.1 <{address}>: Sender address not owned by the authenticated user"
        envelope.mail_options.extend(options)
        return "250 2.1.0 Sender OK"

    async def handle_RCPT(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if len(envelope.rcpt_tos) >= self._limits.max_recipients:
            return "452 4.5.3 Too many recipients"
        if "@" not in address:
            return "550 5.1.3 Recipient address must include a domain"
        if (refusal := self.path_refusal(session, envelope, address, recipient=True)) is not None:
            return refusal
        directory = self._directory()
        if not directory.is_internal(address):
            peer_ip = _peer_ip(session)
            if not (session.authenticated or self.is_trusted(peer_ip)):
                log.warning("relay denied", extra={"peer": peer_ip, "rcpt": address})
                return f"554 5.7.1 <{address}>: Relay access denied"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 2.1.5 Recipient OK"

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        user = _login_of(session)
        message = IncomingMessage(
            mail_from="" if envelope.mail_from in (None, "<>") else envelope.mail_from,
            rcpt_tos=tuple(envelope.rcpt_tos),
            raw=envelope.content if isinstance(envelope.content, bytes) else bytes(envelope.content or b""),
            client_ip=_peer_ip(session),
            helo=session.host_name or "",
            authenticated_user=user if session.authenticated else None,
            tls=session.ssl is not None,
            trusted_client=self.is_trusted(_peer_ip(session)),
            dsn=getattr(envelope, "dsn", None),
        )
        return await self._deliver(message)


# aiosmtpd inspects the EHLO hook's signature on every connection; a precomputed one is
# what ``inspect.signature`` returns at once.
SessionPolicy.handle_EHLO.__signature__ = inspect.signature(SessionPolicy.handle_EHLO)  # type: ignore[attr-defined]


@functools.cache
def _protocol_names(cls: type, prefixes: tuple[str, ...]) -> list[str]:
    """The names of ``cls``'s methods that aiosmtpd looks up by prefix (fixed per class)."""
    return [name for name in dir(cls) if name.startswith(prefixes)]


def _login_of(session: Session) -> str | None:
    auth = session.auth_data
    return auth.login.decode("utf-8", "replace") if isinstance(auth, LoginPassword) else None


def _peer_ip(session: Session) -> str:
    peer = session.peer
    return peer[0] if isinstance(peer, tuple) else str(peer or "")


class _Refuse(asyncio.Protocol):
    """Answers a connection over the session limit with 421 and hangs up."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.write(b"421 4.7.0 Too many connections, try again later\r\n")  # type: ignore[attr-defined]
        transport.close()


def protocol_factory(
    policy: SessionPolicy,
    *,
    limits: SmtpLimits,
    hostname: str,
    tls_context: ssl.SSLContext | None,
    auth_enabled: bool,
    counter: SessionCounter,
) -> Callable[[], asyncio.Protocol]:
    def make() -> asyncio.Protocol:
        if counter.active >= limits.max_sessions:
            counter.refused += 1
            policy.refused("max_sessions")
            return _Refuse()
        kwargs = {"loop": asyncio.get_running_loop()}   # aiosmtpd looks it up the slow way otherwise
        if not auth_enabled:
            kwargs["auth_exclude_mechanism"] = ["PLAIN", "LOGIN"]
        return GatewaySMTP(
            policy,
            counter,
            bare_newline=limits.bare_newline,
            data_size_limit=limits.max_message_size,
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname=hostname,
            ident="mailwarden ESMTP",
            tls_context=tls_context,
            require_starttls=False,
            timeout=limits.idle_timeout,
            auth_require_tls=True,
            auth_required=False,
            **kwargs,
        )

    return make
