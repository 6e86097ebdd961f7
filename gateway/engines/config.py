"""Settings of the external engines (``engines:`` in gateway.yaml), off unless enabled.

``on_failure`` says what an engine that is down, too slow or answering nonsense means for
the message: ``tempfail`` (the default) answers ``451 4.7.1`` so the client tries again;
``accept`` screens it without that engine, with the finding ``scanner unavailable: <engine>``
(rules can hold on it) and a header saying so. Never a silent pass.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gateway.setting_values import parse_duration


def _seconds(v: Any) -> float:
    seconds = parse_duration(v)
    if seconds <= 0:
        raise ValueError("must be more than 0")
    return seconds


class _Engine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = False
    timeout: float = 10.0
    on_failure: Literal["tempfail", "accept"] = "tempfail"

    @field_validator("timeout", mode="before")
    @classmethod
    def _timeout(cls, v: Any) -> float:
        return _seconds(v)


class ClamavSettings(_Engine):
    """clamd: ``address`` is ``unix:/run/clamav/clamd.ctl`` (Debian's socket) or ``host:port``."""

    address: str = "unix:/run/clamav/clamd.ctl"
    scan_parts: bool = True          # also each decoded part (rules/payloads.py), not only the message
    concurrency: int = Field(default=8, ge=1, le=256)   # streams to clamd at once, per process

    @field_validator("address")
    @classmethod
    def _address(cls, v: str) -> str:
        from gateway.engines.clamav import parse_address

        if not v.strip():
            raise ValueError("must not be empty")
        parse_address(v)
        return v


class RspamdSettings(_Engine):
    """Rspamd: ``url`` of its normal worker, ``controller`` for learning and /stat."""

    url: str = "http://127.0.0.1:11333"
    controller: str = "http://127.0.0.1:11334"
    password_env: str = "MAILWARDEN_RSPAMD_PASSWORD"   # the controller's password, if it has one
    learn: bool = True
    # A hold by one of these rules is a hold "as spam": releasing it teaches ham, rejecting it spam.
    spam_rules: list[str] = Field(default_factory=lambda: ["spam-threshold", "gtube", "rspamd-spam"])

    @field_validator("url", "controller")
    @classmethod
    def _url(cls, v: str) -> str:
        if v and not v.startswith(("http://", "https://")):
            raise ValueError(f"not an http(s) URL: {v!r}")
        return v


class EnginesSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    clamav: ClamavSettings = Field(default_factory=ClamavSettings)
    rspamd: RspamdSettings = Field(default_factory=RspamdSettings)
