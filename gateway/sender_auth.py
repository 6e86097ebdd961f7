"""SPF, DKIM and DMARC of inbound mail, recorded in an Authentication-Results header.

The checks themselves are pure functions in :mod:`rules.auth`; this module supplies DNS
(dnspython, or any resolver handed in — tests use a table of records, the network is not
needed) and runs them off the event loop. Only mail from outside is checked: our own
users' mail is vouched for by the session (a trusted network or a login), not by DNS; an
internal sender address from any other client is checked like any mail from outside
(gateway/sender_identity.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from gateway.sender_identity import header_from_addresses, needs_sender_auth
from gateway.smtp import IncomingMessage
from rules.auth import DNSTempError, Resolver, authenticate
from rules.content import parse
from rules.model import AuthResults


def dns_resolver(timeout: float = 5.0, nameservers: list[tuple[str, int]] | None = None) -> Resolver:
    """``resolver(name, rtype) -> [text]`` over dnspython; temporary trouble raises DNSTempError.
    ``nameservers``: (address, port) pairs to ask instead of the system's resolv.conf. Answers
    are cached for their TTL (SPF includes repeat on every message from a big sender)."""
    import dns.exception
    import dns.name
    import dns.nameserver
    import dns.resolver

    resolver = dns.resolver.Resolver(configure=not nameservers)
    if nameservers:
        resolver.nameservers = [dns.nameserver.Do53Nameserver(host, port) for host, port in nameservers]
    resolver.lifetime = timeout
    resolver.cache = dns.resolver.LRUCache(4096)

    def resolve(name: str, rtype: str) -> list[str]:
        try:
            qname = dns.name.from_text(name)
        except Exception:  # noqa: BLE001 - not a name DNS can hold (empty or long label): no record
            return []      # (never a temporary error: a malformed From domain would be deferred forever)
        try:
            answer = resolver.resolve(qname, rtype)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return []
        except dns.exception.DNSException as exc:
            raise DNSTempError(str(exc)) from exc
        if rtype == "TXT":
            return [b"".join(r.strings).decode("utf-8", "replace") for r in answer]
        return [r.to_text().rstrip(".") for r in answer]

    return resolve


def dkim_dnsfunc(resolver: Resolver) -> Callable[..., bytes]:
    """dkimpy's key lookup hook on top of the same resolver."""

    def dnsfunc(name: bytes, timeout: int = 5) -> bytes:
        records = resolver(name.decode("ascii", "replace").rstrip("."), "TXT")
        return records[0].encode() if records else b""

    return dnsfunc


class SenderAuthenticator:
    def __init__(self, *, hostname: str, is_internal: Callable[[str], bool], resolver: Resolver | None = None,
                 enforce_dmarc: bool = True):
        self._hostname = hostname
        self._is_internal = is_internal
        self._resolver = resolver or dns_resolver()
        self._enforce_dmarc = enforce_dmarc
        self._dnsfunc = dkim_dnsfunc(self._resolver)

    def is_internal(self, address: str) -> bool:
        return self._is_internal(address)

    async def __call__(self, incoming: IncomingMessage) -> tuple[AuthResults, str] | None:
        if not needs_sender_auth(incoming, self):
            return None
        return await asyncio.to_thread(self.check, incoming)

    def check(self, incoming: IncomingMessage) -> tuple[AuthResults, str]:
        # DMARC is checked for the From addresses the rules and the spoofed-insider check
        # judge (decoded encoded-words, every From header, every address in it), not for the
        # first address of the first From header: with that, ``From: a@passes.test`` above
        # ``From: boss@bank.test`` (or an encoded-word address) slipped past bank.test's p=reject.
        message = parse(incoming.raw)
        header_from = header_from_addresses(message.from_addresses, message.header("from"))
        results, value = authenticate(incoming.raw, incoming.client_ip, incoming.mail_from, incoming.helo,
                                      header_from, self._resolver, self._dnsfunc,
                                      enforce_dmarc=self._enforce_dmarc)
        if value.startswith("mailwarden"):
            value = self._hostname + value[len("mailwarden"):]
        return results, value
