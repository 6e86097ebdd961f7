"""Typed settings: ``configs/gateway.yaml`` overlaid by ``MAILWARDEN_<SECTION>__<KEY>`` variables.

Every command of the CLI calls :func:`load_settings`, so ``mailwarden serve`` and
``mailwarden archive verify`` run with the same environment see the same data. A wrong
setting stops start-up with :class:`SettingsError`, whose single line names the file, the
line (when the value came from the file) and the dotted key.
"""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings import SettingsError as PydanticSettingsError

from gateway.engines.config import EnginesSettings
from gateway.yamlfile import line_of_key

DEFAULT_CONFIG = Path("configs/gateway.yaml")
CONFIG_ENV = "MAILWARDEN_CONFIG"

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$", re.IGNORECASE)
_UNIT_BYTES = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


class SettingsError(Exception):
    """A configuration problem, already phrased as one line for the operator."""


def parse_duration(value: Any) -> float:
    """Seconds from ``300``, ``"90s"``, ``"15m"``, ``"12h"``, ``"5d"`` or ``"2w"``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value < 0:
            raise ValueError("must not be negative")
        return float(value)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    raise ValueError(f"not a duration: {value!r} (use e.g. 300, '90s', '15m', '12h', '5d')")


def parse_size(value: Any) -> int:
    """Bytes from ``52428800``, ``"50MB"``, ``"50 MiB"``, ``"512k"`` or ``"1G"``.

    K, M, G and T count in powers of 1024 whether written ``MB`` or ``MiB``: that is how
    Postfix, nginx and most mail tools read a message size, and a limit that came out 5%
    smaller than the operator meant would refuse mail the sending server was told fits."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError("must not be negative")
        return value
    if isinstance(value, str):
        match = _SIZE.match(value)
        if match and (match.group(3) in ("", "b", "B") or match.group(2)):
            return int(float(match.group(1)) * _UNIT_BYTES[match.group(2).lower()])
    raise ValueError(f"not a size: {value!r} (use e.g. 52428800, '50MB', '512KiB', '1G')")


def listen_address(value: str, *, what: str) -> str:
    """A ``listen`` setting: host *and* port, so ``127.0.0.1`` alone cannot quietly bind a default."""
    if not _has_port(value):
        raise ValueError(f"{value!r} has no port: write host:port (e.g. 127.0.0.1:{what}, [::1]:{what})")
    parse_hostport(value, default_port=0)
    return value


def _has_port(value: str) -> bool:
    value = value.strip()
    if value.startswith("["):
        return "]:" in value
    return value.count(":") == 1


def parse_hostport(value: str, *, default_port: int) -> tuple[str, int]:
    """Split ``host:port`` (``[::1]:25`` for IPv6); refuses ports outside 1..65535."""
    value = value.strip()
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        port_text = rest.lstrip(":")
    elif value.count(":") == 1:
        host, port_text = value.split(":")
    elif ":" in value:
        try:
            ipaddress.IPv6Address(value)
        except ValueError:
            raise ValueError(f"not host:port: {value!r} (write IPv6 as [addr]:port)") from None
        host, port_text = value, ""
    else:
        host, port_text = value, ""
    if not host:
        raise ValueError(f"missing host in {value!r}")
    try:
        port = int(port_text) if port_text else default_port
    except ValueError:
        raise ValueError(f"port is not a number in {value!r}") from None
    if not 0 < port < 65536:
        raise ValueError(f"port out of range in {value!r}")
    return host, port


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
        for net in v:
            try:
                ipaddress.ip_network(net, strict=False)
            except ValueError:
                raise ValueError(f"not an IP network: {net!r}") from None
        return v

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


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class RelaySettings(_Section):
    trusted_networks: list[str] = Field(default_factory=lambda: ["127.0.0.1/32", "::1/128"])

    @field_validator("trusted_networks")
    @classmethod
    def _networks(cls, v: list[str]) -> list[str]:
        for net in v:
            try:
                ipaddress.ip_network(net, strict=False)
            except ValueError:
                raise ValueError(f"not an IP network: {net!r}") from None
        return v


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


_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_window(value: str) -> tuple[int, int] | None:
    """``"02:00-05:00"`` as (start, end) minutes of the day (end may be before start: the window
    runs past midnight); ``""`` is None: any time."""
    if not value or not value.strip():
        return None
    match = _WINDOW.match(value)
    if match:
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 < 24 and h2 <= 24 and m1 < 60 and m2 < 60 and not (h2 == 24 and m2):
            start, end = h1 * 60 + m1, h2 * 60 + m2
            if start != end:
                return start, end
    raise ValueError(f"not a time window: {value!r} (use e.g. '02:00-05:00', local time)")


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


# The YAML of the load in progress; load_settings sets it around the Settings() call.
_yaml_being_loaded: dict[str, Any] = {}


class _YamlSource(PydanticBaseSettingsSource):
    """Feeds the YAML file to pydantic below the environment (environment wins)."""

    def __init__(self, settings_cls: type[BaseSettings], data: dict[str, Any]):
        super().__init__(settings_cls)
        self._data = data

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._data)


class Settings(BaseSettings):
    """The whole configuration. Relative paths are resolved against the config file's folder."""

    model_config = SettingsConfigDict(
        env_prefix="MAILWARDEN_", env_nested_delimiter="__", extra="forbid", case_sensitive=False,
    )

    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    relay: RelaySettings = Field(default_factory=RelaySettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)
    rules: RulesSettings = Field(default_factory=RulesSettings)
    directory: DirectorySettings = Field(default_factory=DirectorySettings)
    quarantine: QuarantineSettings = Field(default_factory=QuarantineSettings)
    archive: ArchiveSettings = Field(default_factory=ArchiveSettings)
    extraction: ExtractionSettings = Field(default_factory=ExtractionSettings)
    sender_auth: SenderAuthSettings = Field(default_factory=SenderAuthSettings)
    engines: EnginesSettings = Field(default_factory=EnginesSettings)   # ClamAV, Rspamd (gateway/engines/)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)

    # Filled by load_settings, not by the file.
    config_path: str = ""

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _YamlSource(settings_cls, _yaml_being_loaded))

    # ---- derived paths -------------------------------------------------------------
    @property
    def base_dir(self) -> Path:
        return Path(self.config_path).parent if self.config_path else Path.cwd()

    def resolve(self, path: str) -> Path:
        p = Path(os.path.expanduser(path))
        return p if p.is_absolute() else (self.base_dir / p).resolve()

    @property
    def data_dir(self) -> Path:
        return self.resolve(self.storage.data_dir)

    @property
    def keys_dir(self) -> Path:
        return self.resolve(self.storage.keys_dir)

    @property
    def tsa_ca_path(self) -> Path | None:
        return self.resolve(self.archive.tsa_ca_file) if self.archive.tsa_ca_file else None

    @property
    def checkpoint_path(self) -> Path:
        cfg = self.archive.checkpoint_file
        return self.resolve(cfg) if cfg else self.data_dir / "checkpoints.log"

    @property
    def blobs_dir(self) -> Path:
        return self.resolve(self.storage.blobs_dir) if self.storage.blobs_dir else self.data_dir / "blobs"

    @property
    def master_key_file(self) -> Path | None:
        return self.resolve(self.storage.master_key_file) if self.storage.master_key_file else None

    @property
    def database_url(self) -> str:
        return self.storage.database_url or f"sqlite:///{self.data_dir / 'mailwarden.db'}"

    @property
    def rules_path(self) -> Path:
        return self.resolve(self.rules.path)

    @property
    def directory_path(self) -> Path:
        return self.resolve(self.directory.path)

    @property
    def next_hop(self) -> str:
        hop = self.delivery.next_hop
        if hop.startswith("maildir:"):
            return "maildir:" + str(self.resolve(hop[len("maildir:"):]))
        return hop

    @property
    def api_base_url(self) -> str:
        if self.api.base_url:
            return self.api.base_url.rstrip("/")
        host, port = parse_hostport(self.api.listen, default_port=8025)
        return f"{'https' if self.api.tls else 'http'}://{host}:{port}"


def _key_line(text: str, loc: tuple[Any, ...]) -> int | None:
    try:
        return line_of_key(yaml.compose(text), loc)
    except yaml.YAMLError:
        return None


def load_settings(path: str | Path | None = None) -> Settings:
    """Load the YAML file (``--config``, ``$MAILWARDEN_CONFIG`` or ``configs/gateway.yaml``)."""
    config_path = Path(path or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)
    text = ""
    data: dict[str, Any] = {}
    if config_path.exists():
        text = config_path.read_text(encoding="utf-8")
        try:
            loaded = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{config_path}:{mark.line + 1}" if mark else str(config_path)
            raise SettingsError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
        if not isinstance(loaded, dict):
            raise SettingsError(f"{config_path}:1: the file must be a mapping of sections")
        data = loaded
    elif path is not None or os.environ.get(CONFIG_ENV):   # named, so meant: not silently the defaults
        raise SettingsError(f"{config_path}: configuration file not found"
                            + ("" if path is not None else f" (named by {CONFIG_ENV}; in a container: mount it)"))
    global _yaml_being_loaded
    _yaml_being_loaded = data
    try:
        settings = Settings(config_path=str(config_path.resolve()) if config_path.exists() else "")
    except PydanticSettingsError as exc:   # a list or mapping in the environment that is not JSON
        raise SettingsError(_env_json_problem() or f"environment: {exc}") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(p for p in err["loc"] if p not in ("config_path",))
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown setting"
        raise SettingsError(_located(config_path, text, loc, message)) from None
    finally:
        _yaml_being_loaded = {}
    problem = retention_problem(settings)
    if problem:
        raise SettingsError(_located(config_path, text, *problem))
    return settings


def _env_json_problem() -> str | None:
    """The first ``MAILWARDEN_SECTION__KEY`` variable whose setting is a list or mapping and whose
    value is not JSON, as one line saying how to write it (pydantic-settings only names the section)."""
    import json
    import typing

    for name, value in sorted(os.environ.items()):
        parts = name.upper().split("__")
        if len(parts) != 2 or not parts[0].startswith("MAILWARDEN_"):
            continue
        section = Settings.model_fields.get(parts[0].removeprefix("MAILWARDEN_").lower())
        model = section.annotation if section is not None else None
        field = getattr(model, "model_fields", {}).get(parts[1].lower())
        if field is None or typing.get_origin(field.annotation) not in (list, dict):
            continue
        try:
            json.loads(value)
        except ValueError:
            example = '\'["10.0.0.0/8", "192.168.1.0/24"]\'' if typing.get_origin(field.annotation) is list \
                else "'{\"key\": \"value\"}'"
            return f"environment {name}: not valid JSON: {value[:80]!r} (write a JSON list, e.g. {name}={example})"
    return None


def located_problem(settings: Settings, loc: tuple[Any, ...], message: str) -> str:
    """``file:line: key: message`` for a loaded ``settings`` (reads its file again for the line)."""
    path = Path(settings.config_path) if settings.config_path else DEFAULT_CONFIG
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        text = ""
    return _located(path, text, loc, message)


def _located(config_path: Path, text: str, loc: tuple[Any, ...], message: str) -> str:
    """``file:line: dotted.key: message`` (or ``environment VAR: …`` when the value came from there)."""
    dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    env_name = "MAILWARDEN_" + "__".join(str(p).upper() for p in loc[:2])
    if env_name in {k.upper() for k in os.environ}:
        where = f"environment {env_name}"
    else:
        line = _key_line(text, loc) if text else None
        where = f"{config_path}:{line}" if line else str(config_path)
    return f"{where}: {dotted}: {message}"


def retention_problem(settings: Settings, rules_path: Path | None = None) -> tuple[tuple[Any, ...], str] | None:
    """The first wrong ``archive.retention`` rule as (key path, problem), else None
    (``rules_path``: check rule names against that rules file instead of the configured one).

    Checked at load, so every command (``serve`` first) refuses a rule that could never match:
    such a rule silently lets records go at the default period. A ``rule:`` must name a rule of
    the rules file (or the spam score's ``spam-threshold``); keep a retired rule there with
    ``enabled: false`` to keep retaining its old records.
    """
    from archive.retention import RetentionError, parse_rules

    try:
        rules = parse_rules(settings.archive.retention)
    except RetentionError as exc:
        loc: tuple[Any, ...] = ("archive", "retention")
        if exc.index is not None:
            loc += (exc.index,) + ((exc.key,) if exc.key else ())
        return loc, exc.problem
    named = [(i, r.rule) for i, r in enumerate(rules) if r.rule]
    if not named:
        return None
    rules_path = rules_path or settings.rules_path
    known = _rule_names(rules_path)
    if known is None:
        return None            # an unreadable rules file is reported by the rule loader itself
    from rules.engine import SPAM_RULE

    known.add(SPAM_RULE)
    for i, name in named:
        if name not in known:
            return (("archive", "retention", i, "rule"),
                    f"no rule named {name!r} in {rules_path.name} (the spam score's hit is {SPAM_RULE!r})")
    return None


def _rule_names(path: Path) -> set[str] | None:
    """The ``name`` of every rule in the rules file, read without compiling the rules."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    rules = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(rules, list):
        return None
    return {str(r["name"]) for r in rules if isinstance(r, dict) and r.get("name")}
