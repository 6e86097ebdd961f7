"""Typed settings: ``configs/gateway.yaml`` overlaid by ``MAILWARDEN_<SECTION>__<KEY>`` variables.

Every command of the CLI calls :func:`load_settings`, so ``mailwarden serve`` and
``mailwarden archive verify`` run with the same environment see the same data. A wrong
setting stops start-up with :class:`SettingsError`, whose single line names the file, the
line (when the value came from the file) and the dotted key.

This module puts the file and the environment together and places errors; what each section
holds is :mod:`gateway.setting_sections`, the value syntaxes :mod:`gateway.setting_values`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings import SettingsError as PydanticSettingsError

from gateway.engines.config import EnginesSettings
from gateway.setting_sections import (
    ApiSettings,
    ArchiveSettings,
    DeliverySettings,
    DirectorySettings,
    ExtractionSettings,
    LoggingSettings,
    QuarantineSettings,
    RelaySettings,
    RulesSettings,
    SenderAuthSettings,
    SmtpSettings,
    StorageSettings,
)
from gateway.setting_values import parse_duration as parse_duration  # (re-exported: its home before the split)
from gateway.setting_values import parse_hostport
from gateway.setting_values import parse_size as parse_size
from gateway.setting_values import parse_window as parse_window
from gateway.yamlfile import line_of_key

DEFAULT_CONFIG = Path("configs/gateway.yaml")
CONFIG_ENV = "MAILWARDEN_CONFIG"


class SettingsError(Exception):
    """A configuration problem, already phrased as one line for the operator."""


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
