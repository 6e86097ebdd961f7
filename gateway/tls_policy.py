"""Outbound TLS policy: how hard delivery insists on encryption, per destination.

``none``: never STARTTLS. ``may``: STARTTLS when offered, certificate not checked
(opportunistic; what the next hop offers decides). ``encrypt``: STARTTLS required, certificate
not checked (a hop that does not offer it is a temporary failure, the mail waits). ``verify``:
STARTTLS required and the certificate must chain to a trusted CA (``delivery.tls_ca_file``, or
the system's) and name the host we connect to.

``delivery.tls`` is the default; ``delivery.tls_policy`` maps a destination to its own level: a
recipient domain (for ``next_hop: mx``) or a next-hop host, ``.example.com`` for it and every
subdomain. A failure to meet the level is a connection-level failure: the rows are deferred,
never sent in the clear.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from enum import StrEnum
from functools import cached_property


class TlsLevel(StrEnum):
    NONE = "none"
    MAY = "may"
    ENCRYPT = "encrypt"
    VERIFY = "verify"

    @property
    def required(self) -> bool:
        return self in (TlsLevel.ENCRYPT, TlsLevel.VERIFY)


class TlsPolicy:
    """The level for a destination and the SSL context that goes with it."""

    def __init__(self, default: TlsLevel | str = TlsLevel.MAY, per_destination: Mapping[str, str] | None = None,
                 ca_file: str | None = None):
        self.default = TlsLevel(default)
        self._map = {k.lower().rstrip("."): TlsLevel(v) for k, v in (per_destination or {}).items()}
        self._ca_file = ca_file or None

    def level(self, *destinations: str) -> TlsLevel:
        """The level of the first destination named in the map (exact name, then ``.parent``
        entries), else the default."""
        for name in destinations:
            name = name.lower().rstrip(".")
            if name in self._map:
                return self._map[name]
            labels = name.split(".")
            for i in range(1, len(labels)):
                parent = "." + ".".join(labels[i:])
                if parent in self._map:
                    return self._map[parent]
        return self.default

    def context(self, level: TlsLevel) -> ssl.SSLContext:
        return self._verifying if level is TlsLevel.VERIFY else self._opportunistic

    @cached_property
    def _verifying(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(cafile=self._ca_file)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        return ctx

    @cached_property
    def _opportunistic(self) -> ssl.SSLContext:
        # Encrypt without checking who answers (RFC 7435): a private next hop usually has a
        # certificate no public CA signed; ``verify`` is the level that checks.
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
