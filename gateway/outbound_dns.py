"""DNS for delivering by MX: the MX hosts of a domain, their addresses, TXT records (MTA-STS).

One resolver for all three, so the host a certificate is checked against is the one DNS
named and the address connected to is the one the same DNS gave (``delivery.nameservers``,
or the system's resolv.conf). Trouble is an ``OSError``: delivery defers, it never guesses.
"""

from __future__ import annotations

import dns.asyncresolver
import dns.exception
import dns.nameserver
import dns.resolver


class OutboundDns:
    def __init__(self, nameservers: list[tuple[str, int]] | None = None, *, timeout: float = 10.0):
        self._resolver = dns.asyncresolver.Resolver(configure=not nameservers)
        if nameservers:
            self._resolver.nameservers = [dns.nameserver.Do53Nameserver(h, p) for h, p in nameservers]
        self._resolver.lifetime = timeout
        # No answer cache here: with dnspython's LRUCache a second lookup of a TTL-0 record came back
        # empty (seen against dnsmasq); a caching stub resolver in front is the place for one.

    async def _answer(self, name: str, rtype: str) -> list:
        try:
            return list(await self._resolver.resolve(name, rtype))
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return []
        except dns.exception.DNSException as exc:
            raise OSError(f"{rtype} lookup for {name} failed: {exc}") from exc

    async def mx(self, domain: str) -> list[tuple[int, str]]:
        """MX records of ``domain`` by preference (implicit MX: the domain itself when it has none)."""
        answer = await self._answer(domain, "MX")
        if not answer:
            return [(0, domain)]
        return sorted((r.preference, str(r.exchange).rstrip(".")) for r in answer)

    async def addresses(self, host: str) -> list[str]:
        """IPv4 then IPv6 addresses of ``host`` (empty: none)."""
        return [r.address for rtype in ("A", "AAAA") for r in await self._answer(host, rtype)]

    async def txt(self, name: str) -> list[str]:
        """Each TXT record of ``name`` as one string (its character-strings joined)."""
        return [b"".join(r.strings).decode("utf-8", "replace") for r in await self._answer(name, "TXT")]
