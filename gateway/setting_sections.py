"""One pydantic model per section of ``gateway.yaml`` (smtp, api, relay, storage, delivery, ...).

What each setting means, its default and its bounds, in one place an operator's question
("what does ``smtp.data_min_rate`` do?") can be answered from. Values are parsed with
:mod:`gateway.setting_values`; the whole file and the environment are put together and
errors placed at their line by :mod:`gateway.settings`.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gateway.setting_values import (
    _is_loopback,
    ip_networks,
    listen_address,
    parse_duration,
    parse_hostport,
    parse_size,
    parse_window,
)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AuthThrottleSettings(_Section):
    """Failed SMTP AUTH per client address (gateway/auth_throttle.py)."""

    max_failures: int = Field(default=10, ge=1)   # within window, then 421 4.7.0 and lockout
    window: float = 60.0
    lockout: float = 900.0
    delay: float = 1.0                             # after each failure

    @field_validator("window", "lockout", "delay", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        return parse_duration(v)


class SmtpSettings(_Section):
    listen: str = "127.0.0.1:2525"
    hostname: str = ""
    max_message_size: int = Field(default=25 * 1024 * 1024, gt=1024)
    max_recipients: int = Field(default=1000, gt=0)
    max_sessions: int = Field(default=500, gt=0)
    idle_timeout: float = 300.0
    tls_cert: str = ""
    tls_key: str = ""
    generate_self_signed: bool = True
    auth_enabled: bool = True
    check_sender_auth: bool = True  # SPF/DKIM/DMARC of inbound mail (needs DNS)
    auth_throttle: AuthThrottleSettings = Field(default_factory=AuthThrottleSettings)
    workers: int = Field(default=1, ge=1, le=64)
    # A bare <LF> in DATA: "normalize" (taken as a line end, stored as CRLF, never ends DATA)
    # or "reject" (550 5.5.2 once the message ends). Postfix: smtpd_forbid_bare_newline.
    bare_newline: Literal["normalize", "reject"] = "normalize"
    # Per client address (IPv6: per /64), per process; relay.trusted_networks are exempt.
    # 0 switches a limit off. See gateway/edge_limits.py.
    max_sessions_per_ip: int = Field(default=20, ge=0)
    connection_rate_per_ip: int = Field(default=120, ge=0)     # new connections per minute
    message_rate_per_ip: int = Field(default=600, ge=0)        # MAIL commands per minute
    pregreet_wait: float = Field(default=1.0, ge=0, le=30)   # silence expected before the greeting (postscreen)
    pregreet_pass_ttl: float = 86400.0
    data_timeout: float = 600.0        # the whole DATA section
    data_min_rate: int = Field(default=500, ge=0)              # bytes/s, averaged, after the grace
    data_rate_grace: float = 30.0
    # Memory: a message beyond spool_threshold bytes waits in an encrypted nameless file under
    # data_dir/spool while it arrives; the process holds at most memory_budget bytes of messages
    # (0: no limit) and answers 451 4.3.1 when a message cannot get its share within memory_wait.
    spool_threshold: int = Field(default=1 << 20, ge=0)
    memory_budget: int = Field(default=512 << 20, ge=0)
    memory_wait: float = 10.0

    @field_validator("listen")
    @classmethod
    def _listen(cls, v: str) -> str:
        return listen_address(v, what="2525")

    @field_validator("max_message_size", "spool_threshold", "memory_budget", mode="before")
    @classmethod
    def _size(cls, v: Any) -> int:
        return parse_size(v)

    @field_validator("idle_timeout", "pregreet_wait", "pregreet_pass_ttl", "data_timeout", "data_rate_grace",
                     "memory_wait", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        return parse_duration(v)


class ApiSettings(_Section):
    listen: str = "127.0.0.1:8025"
    base_url: str = ""
    enabled: bool = True
    # Request bodies, checked before they are read (admin_api/edge_guard.py): without a valid
    # bearer token at most unauthenticated_body; with one at most max_body.
    max_body: int = Field(default=110 << 20, ge=1 << 20)
    unauthenticated_body: int = Field(default=64 << 10, ge=1 << 10)
    rate_per_ip: float = Field(default=20.0, ge=0)       # API requests per second per address (0: off)
    burst_per_ip: int = Field(default=200, ge=1)
    # Addresses the request rate does not apply to (the host's own scripts and probes; a reverse
    # proxy on this host makes every client look local: then rate-limit in the proxy).
    rate_exempt: list[str] = Field(default_factory=lambda: ["127.0.0.0/8", "::1/128"])
    # Invalid bearer tokens per client address (shared by all processes and nodes): then 429.
    token_failures: int = Field(default=10, ge=1)
    token_window: float = 60.0
    token_lockout: float = 900.0
    # HTTPS for the API and console: required when listen is beyond loopback. No certificate
    # given: the self-signed one SMTP uses (data_dir/tls), made on first run.
    tls: bool = False
    tls_cert: str = ""
    tls_key: str = ""
    session_idle: float = 1800.0       # console sessions end after this long without a request
    session_absolute: float = 43200.0  # ... and this long after sign-in, whatever happens

    @field_validator("listen")
    @classmethod
    def _listen(cls, v: str) -> str:
        return listen_address(v, what="8025")

    @field_validator("rate_exempt")
    @classmethod
    def _networks(cls, v: list[str]) -> list[str]:
        return ip_networks(v)

    @field_validator("max_body", "unauthenticated_body", mode="before")
    @classmethod
    def _size(cls, v: Any) -> int:
        return parse_size(v)

    @field_validator("token_window", "token_lockout", "session_idle", "session_absolute", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        return parse_duration(v)

    @model_validator(mode="after")
    def _tls_beyond_loopback(self) -> ApiSettings:
        host, _port = parse_hostport(self.listen, default_port=8025)
        if self.enabled and not self.tls and not _is_loopback(host):
            raise ValueError(f"api.listen {self.listen} is reachable from other machines: set api.tls: true "
                             "(api.tls_cert/api.tls_key, or a generated self-signed certificate)")
        if bool(self.tls_cert) != bool(self.tls_key):
            raise ValueError("api.tls_cert and api.tls_key go together")
        return self


class RelaySettings(_Section):
    trusted_networks: list[str] = Field(default_factory=lambda: ["127.0.0.1/32", "::1/128"])

    @field_validator("trusted_networks")
    @classmethod
    def _networks(cls, v: list[str]) -> list[str]:
        return ip_networks(v)


class StorageSettings(_Section):
    data_dir: str = "./data"
    database_url: str = ""
    master_key_env: str = "MAILWARDEN_MASTER_KEY"
    # Master key files, apart from the data they protect (a copy of data_dir alone opens nothing).
    keys_dir: str = "./keys"
    # A secret file holding the master key (base64 of 32 bytes), e.g. /run/secrets/mailwarden_master_key;
    # like the environment variable, it is the key this node holds and nothing is written for it.
    master_key_file: str = ""
    # The encrypted blobs; several nodes with their own data_dir share one blob store here.
    blobs_dir: str = ""


class DeliverySettings(_Section):
    next_hop: str = "maildir:./data/maildir"
    max_queue_lifetime: float = 5 * 86400.0
    delay_warning_after: float = 4 * 3600.0   # a delayed-delivery DSN once mail waits this long (0: never)
    retry_initial: float = 60.0
    retry_max: float = 3600.0
    concurrency: int = Field(default=8, ge=1, le=256)
    # Bytes of messages the delivery worker holds: a quarter (at most 64 MiB) for messages in
    # hand, the rest for sends in progress (each three times its message; they wait for their
    # share). Apart from smtp.memory_budget (0: no limit).
    memory_budget: int = Field(default=256 << 20, ge=0)
    batch_size: int = Field(default=50, ge=1, le=1000)
    poll_interval: float = 1.0
    connect_timeout: float = 30.0
    command_timeout: float = 120.0
    idle_connection_timeout: float = 30.0
    require_tls: bool = False          # older spelling of tls: encrypt (kept: it raises none/may to encrypt)
    # Outbound TLS (gateway/tls_policy.py): none | may | encrypt | verify, per destination in tls_policy
    # (a recipient domain or next-hop host; ".example.com" for subdomains too).
    tls: Literal["none", "may", "encrypt", "verify"] = "may"
    tls_policy: dict[str, Literal["none", "may", "encrypt", "verify"]] = Field(default_factory=dict)
    tls_ca_file: str = ""              # CA certificates (PEM) for verify and MTA-STS; empty: the system's
    mta_sts: bool = True               # next_hop mx: honour recipient domains' MTA-STS policies (RFC 8461)
    nameservers: list[str] = Field(default_factory=list)   # DNS for next_hop mx ("host[:port]"); empty: system's

    @property
    def tls_level(self) -> str:
        """The default level, ``require_tls`` taken into account."""
        return "encrypt" if self.require_tls and self.tls in ("none", "may") else self.tls
    dkim_selector: str = "mailwarden"
    node_id: str = ""  # this gateway's name in the shared queue; default: the host name

    @field_validator("memory_budget", mode="before")
    @classmethod
    def _size(cls, v: Any) -> int:
        return parse_size(v)

    @field_validator("next_hop")
    @classmethod
    def _next_hop(cls, v: str) -> str:
        if v == "mx" or v.startswith("maildir:"):
            return v
        parse_hostport(v, default_port=25)
        return v

    @field_validator(
        "max_queue_lifetime", "delay_warning_after", "retry_initial", "retry_max", "poll_interval", "connect_timeout",
        "command_timeout", "idle_connection_timeout", mode="before",
    )
    @classmethod
    def _duration(cls, v: Any) -> float:
        return parse_duration(v)


class RulesSettings(_Section):
    path: str = "rules.yaml"


class DirectorySettings(_Section):
    path: str = "directory.yaml"


class QuarantineSettings(_Section):
    lifetime: float = 14 * 86400.0
    expiry_interval: float = 300.0
    remind_before: float = 2 * 86400.0   # reviewers reminded this long before expiry (0: never)
    escalate_after: float = 5 * 86400.0  # undecided this long: next level reviews too (0: never)
    language: Literal["en", "zh-CN"] = "en"  # notices for people without a language in directory.yaml

    @field_validator("lifetime", "expiry_interval", "remind_before", "escalate_after", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        return parse_duration(v)


class ArchiveSettings(_Section):
    default_retention_days: int = Field(default=2555, ge=1)
    retention: list[dict[str, Any]] = Field(default_factory=list)
    index_interval: float = 1.0
    # `serve` purges expired records this often (0: never; then run `mailwarden archive purge`),
    # starting only inside purge_window (local time; "" for any time), on one node at a time.
    purge_interval: float = 86400.0
    purge_window: str = "02:00-05:00"
    # `serve` signs where the record and audit chains stand this often (and at shutdown), appends it
    # to checkpoint_file ("": data_dir/checkpoints.log; best kept on other storage) and to the log.
    checkpoint_interval: float = 900.0
    checkpoint_file: str = ""
    # Optional RFC 3161 timestamp of each checkpoint from this TSA (e.g. http://tsa.example/tsr),
    # checked by verify against the CA certificates (PEM) in tsa_ca_file.
    tsa_url: str = ""
    tsa_ca_file: str = ""

    @field_validator("index_interval", "purge_interval", "checkpoint_interval", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        return parse_duration(v)

    @field_validator("purge_window")
    @classmethod
    def _window(cls, v: str) -> str:
        parse_window(v)
        return v


class ExtractionSettings(_Section):
    """The screening budget: attachments (PDF, Office, archives, RTF) are read in ``workers``
    processes per gateway process, each message within ``seconds`` of wall clock and
    ``memory_mb`` of memory; past either, the message carries ``uninspectable: timeout``."""

    workers: int = Field(default=2, ge=1, le=64)
    seconds: float = Field(default=10.0, gt=0)
    memory_mb: int = Field(default=512, ge=64)

    @field_validator("seconds", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        return parse_duration(v)


class SenderAuthSettings(_Section):
    """SPF/DKIM/DMARC of inbound mail (gateway/sender_auth.py)."""

    # Our name in Authentication-Results; incoming ones naming it are removed. Empty: smtp.hostname.
    authserv_id: str = ""
    nameservers: list[str] = Field(default_factory=list)   # "ip" or "ip:port"; empty: the system's
    dns_timeout: float = 5.0
    dmarc_enforce: bool = True   # act on p=quarantine/reject (the shipped dmarc-* rules); off: record only

    @field_validator("authserv_id")
    @classmethod
    def _authserv_id(cls, v: str) -> str:
        if v and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.\-]*", v):
            raise ValueError(f"not a host name: {v!r}")
        return v

    @field_validator("nameservers")
    @classmethod
    def _nameservers(cls, v: list[str]) -> list[str]:
        for server in v:
            host, _port = parse_hostport(server, default_port=53)
            try:
                ipaddress.ip_address(host)
            except ValueError:
                raise ValueError(f"not an IP address (or ip:port): {server!r}") from None
        return v

    @field_validator("dns_timeout", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        seconds = parse_duration(v)
        if seconds <= 0:
            raise ValueError("must be more than 0")
        return seconds


class LoggingSettings(_Section):
    level: str = "INFO"
    format: str = "json"

    @field_validator("level")
    @classmethod
    def _level(cls, v: str) -> str:
        if v.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return v.upper()
