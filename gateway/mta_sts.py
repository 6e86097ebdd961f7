"""MTA-STS (RFC 8461): a recipient domain's published promise that its MX hosts speak TLS with
a valid certificate, honoured when delivering by MX.

``_mta-sts.DOMAIN`` TXT (``v=STSv1; id=...``) says a policy exists; the policy itself is
fetched over HTTPS, certificate checked, from ``https://mta-sts.DOMAIN/.well-known/mta-sts.txt``
(no redirects) and cached for its ``max_age``; while the TXT id is unchanged the cached policy
stands. Under ``mode: enforce`` only MX hosts matching its ``mx:`` patterns are used, with
``verify`` TLS (chain and host name); a host that does not qualify is a temporary failure, so
the mail waits rather than going to an impostor. ``mode: testing`` delivers as usual and logs
what enforce would have refused. A domain whose policy cannot be fetched and was never cached
is delivered to as if it had none (RFC 8461 5.1).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

log = logging.getLogger("mailwarden.mta_sts")

MAX_AGE_LIMIT = 31557600          # RFC 8461 3.2: at most a year
_MAX_POLICY = 64 * 1024


class PolicyError(Exception):
    """The policy could not be fetched or read (the domain is treated as having none)."""


@dataclass(frozen=True)
class StsPolicy:
    mode: str                    # enforce | testing | none
    mx: tuple[str, ...]          # host names or "*.example.com" patterns
    max_age: int
    id: str = ""

    def matches(self, host: str) -> bool:
        """Whether MX ``host`` is one the policy names (RFC 8461 4.1: a ``*.`` matches one label)."""
        host = host.lower().rstrip(".")
        for pattern in self.mx:
            if pattern.startswith("*."):
                head, _, rest = host.partition(".")
                if head and rest == pattern[2:]:
                    return True
            elif host == pattern:
                return True
        return False


def parse_policy(text: str, policy_id: str = "") -> StsPolicy:
    """The policy file (``key: value`` lines, CRLF or LF); raises :class:`PolicyError`."""
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields.setdefault(key.strip().lower(), []).append(value.strip())
    if fields.get("version") != ["STSv1"]:
        raise PolicyError("version is not STSv1")
    mode = (fields.get("mode") or [""])[0]
    if mode not in ("enforce", "testing", "none"):
        raise PolicyError(f"bad mode {mode!r}")
    try:
        max_age = min(int((fields.get("max_age") or [""])[0]), MAX_AGE_LIMIT)
    except ValueError as exc:
        raise PolicyError("max_age missing or not a number") from exc
    mx = tuple(m.lower().rstrip(".") for m in fields.get("mx", []))
    if mode != "none" and not mx:
        raise PolicyError("no mx")
    return StsPolicy(mode, mx, max_age, policy_id)


def _txt_id(records: list[str]) -> str | None:
    """The id of the one ``v=STSv1`` record (None: no policy published, or ambiguous)."""
    found = [r for r in records if r.replace(" ", "").startswith("v=STSv1;")]
    if len(found) != 1:
        return None
    for part in found[0].split(";"):
        key, _, value = part.strip().partition("=")
        if key == "id" and value:
            return value
    return None


class MtaSts:
    """Policies of recipient domains, cached per ``max_age`` (in this process)."""

    def __init__(self, *, txt: Callable[[str], Awaitable[list[str]]],
                 addresses: Callable[[str], Awaitable[list[str]]], ca_file: str | None = None,
                 https_port: int = 443, timeout: float = 10.0, clock: Callable[[], float] = time.time):
        self._txt = txt
        self._addresses = addresses
        self._ctx = ssl.create_default_context(cafile=ca_file)
        self._port = https_port
        self._timeout = timeout
        self._clock = clock
        self._cache: dict[str, tuple[StsPolicy, float]] = {}     # domain -> (policy, expires at)

    async def policy(self, domain: str) -> StsPolicy | None:
        """The policy that applies to mail for ``domain`` now, or None."""
        domain = domain.lower().rstrip(".")
        cached = self._cache.get(domain)
        now = self._clock()
        if cached is not None and cached[1] <= now:
            del self._cache[domain]
            cached = None
        try:
            policy_id = _txt_id(await self._txt(f"_mta-sts.{domain}"))
        except OSError as exc:
            log.warning("MTA-STS TXT lookup failed", extra={"domain": domain, "error": str(exc)})
            return cached[0] if cached else None
        if policy_id is None or (cached is not None and cached[0].id == policy_id):
            return cached[0] if cached else None
        try:
            policy = parse_policy(await self._fetch(domain), policy_id)
        except (OSError, PolicyError, TimeoutError, UnicodeDecodeError) as exc:
            log.warning("MTA-STS policy not fetched", extra={"domain": domain, "error": str(exc)})
            return cached[0] if cached else None
        self._cache[domain] = (policy, now + policy.max_age)
        log.info("MTA-STS policy", extra={"domain": domain, "mode": policy.mode, "mx": list(policy.mx),
                                         "max_age": policy.max_age})
        return policy

    async def _fetch(self, domain: str) -> str:
        """GET the policy over HTTPS (certificate and host name checked; only a 200 counts)."""
        host = f"mta-sts.{domain}"
        addresses = await self._addresses(host)
        if not addresses:
            raise PolicyError(f"{host} has no address")
        async with asyncio.timeout(self._timeout):
            reader, writer = await asyncio.open_connection(addresses[0], self._port, ssl=self._ctx,
                                                           server_hostname=host)
            try:
                writer.write(f"GET /.well-known/mta-sts.txt HTTP/1.0\r\nHost: {host}\r\n"
                             "User-Agent: mailwarden\r\n\r\n".encode())
                response = b""
                while len(response) <= _MAX_POLICY + 8192 and (piece := await reader.read(16384)):
                    response += piece
            finally:
                writer.close()
        head, _, body = response.partition(b"\r\n\r\n")
        status = head.split(b"\r\n", 1)[0].split()
        if len(status) < 2 or status[1] != b"200":      # no redirects (RFC 8461 3.3)
            raise PolicyError(f"{host} answered {head[:60]!r}")
        return body[:_MAX_POLICY].decode("utf-8")
