"""Where a delivery attempt went and how it was protected: the next hop's name, the address and
port actually connected to, the TLS version, whether the certificate was verified, and the
policy that applied. The transports fill one :class:`Hop` per recipient (``send(hops=...)``);
the delivery worker stores it with the attempt (gateway/attempts.py) for the timeline.

Read off the live connection (the socket's peer, the TLS object), never guessed from settings:
an opportunistic hop that fell back to plain text shows no TLS.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Hop:
    host: str | None = None            # the name (the MX host, the relay host, "maildir")
    address: str | None = None         # the IP address connected to (None: no connection)
    port: int | None = None
    tls_version: str | None = None     # "TLSv1.3"; None: in the clear
    tls_verified: bool | None = None   # the certificate chained and named the host (None: no TLS)
    tls_policy: str | None = None      # none | may | encrypt | verify | mta-sts:enforce | mta-sts:testing

    def under(self, policy: str) -> Hop:
        """This hop with the policy that chose its level (MTA-STS over the configured one)."""
        return replace(self, tls_policy=policy)


def hop_of(client: Any, host: str, port: int, level: str, context: ssl.SSLContext | None) -> Hop:
    """The hop of a connected aiosmtplib client (``level``: the TLS level it was opened at)."""
    transport = getattr(client, "transport", None)
    address, peer_port = None, port
    ssl_object = None
    if transport is not None:
        peer = transport.get_extra_info("peername")
        if isinstance(peer, tuple) and len(peer) >= 2:
            address, peer_port = str(peer[0]), int(peer[1])
        ssl_object = transport.get_extra_info("ssl_object")
    if ssl_object is None:
        return Hop(host, address, peer_port, tls_policy=level)
    verified = context is not None and context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    return Hop(host, address, peer_port, tls_version=ssl_object.version(), tls_verified=verified, tls_policy=level)


def record(hops: dict[str, Hop] | None, recipients: Any, hop: Hop) -> None:
    """Note ``hop`` for each of ``recipients`` (when the caller asked for hops)."""
    if hops is not None:
        for rcpt in recipients:
            hops[rcpt] = hop
