"""What one client address may hold and spend at the SMTP edge, and how fast DATA must come.

Without these, one address could hold every session slot of the process (legitimate senders
then get ``421``), open connections as fast as it likes, and keep a slot forever by sending
DATA one byte at a time (every byte used to reset the idle timer). The model is Postfix's:
``smtpd_client_connection_count_limit``, ``smtpd_client_connection_rate_limit``,
``smtpd_client_message_rate_limit`` (anvil), postscreen's pregreet test, and
``smtpd_min_data_rate`` with a total deadline for DATA.

Everything here is per gateway process (each of ``smtp.workers`` keeps its own books, as
each Postfix smtpd has one anvil per host: with N workers an address may hold up to N times
the per-address cap). Clients in ``relay.trusted_networks`` are exempt from the per-address
limits and the pregreet wait: they are our own MTAs, which concentrate many senders behind
one address. IPv6 clients are counted per /64, the block one subscriber usually gets.

Pure bookkeeping: no I/O, the clock is injectable for tests.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass

from gateway.spool import MemoryBudget

_PRUNE_AT = 10_000            # tracked addresses before idle ones are swept
_PREGREET_CACHE = 100_000     # addresses remembered as having passed the pregreet test


@dataclass(frozen=True)
class EdgeLimitSettings:
    """The ``smtp:`` settings this module enforces (0 switches a limit off)."""

    max_sessions_per_ip: int = 20
    connection_rate_per_ip: int = 120     # new connections per minute
    message_rate_per_ip: int = 600        # MAIL commands per minute
    pregreet_wait: float = 1.0            # seconds of silence expected before our greeting
    pregreet_pass_ttl: float = 86400.0    # an address that waited is not tested again for this long
    data_timeout: float = 600.0           # the whole DATA section
    data_min_rate: int = 500              # bytes per second, averaged since DATA began ...
    data_rate_grace: float = 30.0         # ... once this many seconds have passed
    spool_dir: str = ""                   # encrypted spool files (empty: the system temp dir)
    spool_threshold: int = 1 << 20        # bytes of a message held in memory before it spills
    memory_budget: int = 512 << 20        # bytes of messages the process may hold (0: no limit)
    memory_factor: float = 6.0            # screening and commit hold about this many times a message (measured)
    memory_wait: float = 10.0             # seconds a message waits for its share, then 451 4.3.1


@dataclass(frozen=True)
class Refusal:
    """Why a client is turned away: the metric label and the SMTP reply."""

    reason: str
    reply: str


def client_key(ip: str) -> str:
    """The unit limits are counted in: the IPv4 address (also when mapped into IPv6), or the
    IPv6 /64."""
    try:
        addr = ipaddress.ip_address(ip.split("%")[0])
    except ValueError:
        return ip
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is not None:
            return str(addr.ipv4_mapped)
        return str(ipaddress.IPv6Network((addr, 64), strict=False))
    return str(addr)


class _Bucket:
    """A token bucket: ``rate`` events per minute, bursts up to ``rate``."""

    __slots__ = ("stamp", "tokens")

    def __init__(self, rate: int, now: float):
        self.tokens = float(rate)
        self.stamp = now

    def take(self, rate: int, now: float) -> bool:
        self.tokens = min(float(rate), self.tokens + (now - self.stamp) * rate / 60.0)
        self.stamp = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True

    def full(self, rate: int, now: float) -> bool:
        return self.tokens + (now - self.stamp) * rate / 60.0 >= rate


class EdgeLimits:
    """Per-process books of sessions, connection and message rates per client address."""

    def __init__(self, settings: EdgeLimitSettings | None = None, *, clock: Callable[[], float] = time.monotonic):
        self.settings = settings or EdgeLimitSettings()
        self._clock = clock
        self._sessions: dict[str, int] = {}
        self._connections: dict[str, _Bucket] = {}
        self._messages: dict[str, _Bucket] = {}
        self._pregreet_passed: dict[str, float] = {}
        self._logged: dict[tuple[str, str], float] = {}
        self.memory = MemoryBudget(self.settings.memory_budget)

    # ---- sessions -----------------------------------------------------------------
    def open_session(self, ip: str, *, trusted: bool) -> Refusal | None:
        """Count a new connection from ``ip``; a Refusal when it is over a limit (then it is
        not counted and :meth:`close_session` must not be called for it)."""
        if trusted:
            return None
        s = self.settings
        key = client_key(ip)
        if s.max_sessions_per_ip and self._sessions.get(key, 0) >= s.max_sessions_per_ip:
            return Refusal("sessions_per_ip", f"421 4.7.0 Too many concurrent sessions from {ip}"
                                              f" (limit {s.max_sessions_per_ip}), try again later")
        if s.connection_rate_per_ip and not self._spend(self._connections, key, s.connection_rate_per_ip):
            return Refusal("connection_rate", f"421 4.7.0 Too many connections from {ip}"
                                              f" (limit {s.connection_rate_per_ip}/min), try again later")
        self._sessions[key] = self._sessions.get(key, 0) + 1
        return None

    def close_session(self, ip: str) -> None:
        key = client_key(ip)
        left = self._sessions.get(key, 0) - 1
        if left > 0:
            self._sessions[key] = left
        else:
            self._sessions.pop(key, None)

    def sessions_of(self, ip: str) -> int:
        return self._sessions.get(client_key(ip), 0)

    # ---- messages -----------------------------------------------------------------
    def start_message(self, ip: str, *, trusted: bool) -> Refusal | None:
        """Count a MAIL command from ``ip``; a Refusal when over the message rate."""
        rate = self.settings.message_rate_per_ip
        if trusted or not rate or self._spend(self._messages, client_key(ip), rate):
            return None
        return Refusal("message_rate", f"421 4.7.0 Too many messages from {ip} (limit {rate}/min),"
                                       " try again later")

    # ---- pregreet -----------------------------------------------------------------
    def pregreet_wait(self, ip: str, *, trusted: bool) -> float:
        """Seconds to stay silent before greeting ``ip`` (0: greet at once)."""
        wait = self.settings.pregreet_wait
        if trusted or not wait:
            return 0.0
        until = self._pregreet_passed.get(client_key(ip))
        if until is not None and until > self._clock():
            return 0.0
        return wait

    def pregreet_passed(self, ip: str) -> None:
        """``ip`` waited for the greeting: spare it the wait for ``pregreet_pass_ttl``."""
        passed = self._pregreet_passed
        key = client_key(ip)
        passed.pop(key, None)
        passed[key] = self._clock() + self.settings.pregreet_pass_ttl
        while len(passed) > _PREGREET_CACHE:
            del passed[next(iter(passed))]     # the oldest entry

    # ---- logging ------------------------------------------------------------------
    def worth_logging(self, reason: str, ip: str, every: float = 60.0) -> bool:
        """Whether to log this refusal: once per reason and address per ``every`` seconds (a
        flood of refused connections must not become a flood of log lines)."""
        now = self._clock()
        key = (reason, client_key(ip))
        if self._logged.get(key, 0.0) > now:
            return False
        if len(self._logged) >= _PRUNE_AT:
            self._logged = {k: t for k, t in self._logged.items() if t > now}
        self._logged[key] = now + every
        return True

    # ---- internals ----------------------------------------------------------------
    def _spend(self, buckets: dict[str, _Bucket], key: str, rate: int) -> bool:
        now = self._clock()
        bucket = buckets.get(key)
        if bucket is None:
            if len(buckets) >= _PRUNE_AT:
                for idle in [k for k, b in buckets.items() if b.full(rate, now)]:
                    del buckets[idle]
            bucket = buckets[key] = _Bucket(rate, now)
        return bucket.take(rate, now)


class DataPace:
    """The deadline of a DATA section: no byte for ``idle`` seconds, longer than ``total``,
    or (after ``grace``) an average rate under ``min_rate`` ends it with ``421 4.4.2``.

    The reader calls :meth:`advance` after every chunk and reschedules its timeout to
    :attr:`deadline`, so a trickle cannot push the end out: each byte moves the idle limit,
    not the other two."""

    def __init__(self, *, start: float, idle: float, total: float, min_rate: int, grace: float):
        self.start, self.idle, self.total, self.min_rate, self.grace = start, idle, total, min_rate, grace
        self.received = 0
        self.last = start
        self.deadline: float | None = None
        self.reason = ""
        self.advance(0, start)

    def advance(self, size: int, now: float) -> None:
        """``size`` more bytes arrived at ``now``: move :attr:`deadline` (None: no limit)."""
        self.received += size
        self.last = now
        limits = []
        if self.idle:
            limits.append((now + self.idle, "data_idle"))
        if self.total:
            limits.append((self.start + self.total, "data_timeout"))
        if self.min_rate:
            limits.append((self.start + max(self.grace, self.received / self.min_rate), "data_rate"))
        self.deadline, self.reason = min(limits) if limits else (None, "")

    def reply(self) -> str:
        """The reply for a section cut at :attr:`deadline` (naming the limit it ran into)."""
        if self.reason == "data_idle":
            return f"421 4.4.2 No data for {self.idle:g} s; closing connection"
        if self.reason == "data_timeout":
            return f"421 4.4.2 DATA took longer than {self.total:g} s; closing connection"
        return f"421 4.4.2 DATA slower than {self.min_rate} bytes/s; closing connection"
