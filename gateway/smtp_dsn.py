"""The SMTP DSN extension (RFC 3461): the MAIL and RCPT parameters a client sends to say which
delivery status notifications it wants, checked at the edge and kept with each recipient.

``RET=FULL|HDRS`` and ``ENVID=<xtext>`` on MAIL; ``NOTIFY=NEVER|SUCCESS,FAILURE,DELAY`` and
``ORCPT=<addr-type>;<xtext>`` on RCPT. Values are kept as the client wrote them (``ENVID`` and
``ORCPT`` are case-sensitive xtext; aiosmtpd upper-cases every parameter it reads, so they are
taken out before it sees them) and passed on verbatim to a next hop that speaks DSN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAIL_KEYS = frozenset({"RET", "ENVID"})
RCPT_KEYS = frozenset({"NOTIFY", "ORCPT"})
_XTEXT = re.compile(r"(?:[\x21-\x2a\x2c-\x3c\x3e-\x7e]|\+[0-9A-F]{2})*")
_ADDR_TYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_NOTIFY = frozenset({"SUCCESS", "FAILURE", "DELAY"})
_BAD = "501 5.5.4 Invalid DSN parameter: {}"


@dataclass
class DsnRequest:
    """What the client asked for: ``ret``/``envid`` for the message, and per recipient
    ``{"notify": ..., "orcpt": ...}`` (only the parameters given)."""

    ret: str | None = None
    envid: str | None = None
    recipients: dict[str, dict[str, str]] = field(default_factory=dict)

    def rows(self, recipients: list[str]) -> dict[str, dict[str, str]]:
        """:meth:`row` of each recipient that has one (what ``DeliveryQueue.enqueue(dsn=...)`` takes)."""
        return {r: row for r in recipients if (row := self.row(r)) is not None}

    def row(self, recipient: str) -> dict[str, str] | None:
        """What a queue row of ``recipient`` stores (None: nothing was asked)."""
        out = {k: v for k, v in (("ret", self.ret), ("envid", self.envid)) if v}
        out.update(self.recipients.get(recipient, {}))
        return out or None


def xtext_decode(value: str) -> str:
    """``+XX`` hex escapes undone (RFC 3461 4): what a DSN report shows."""
    return re.sub(r"\+([0-9A-F]{2})", lambda m: chr(int(m.group(1), 16)), value)


def split_dsn(params: str, keys: frozenset[str]) -> tuple[str, dict[str, str], str | None]:
    """Take the DSN parameters in ``keys`` out of an ESMTP parameter string.

    Returns (the other parameters, the DSN ones by lower-case name, the ``501`` reply for a bad
    one or None)."""
    found: dict[str, str] = {}
    rest = []
    for token in params.split():
        name, eq, value = token.partition("=")
        key = name.upper()
        if key not in keys:
            rest.append(token)
            continue
        if not eq or not value or key.lower() in found:
            return params, {}, _BAD.format(key)
        error = _check(key, value)
        if error is not None:
            return params, {}, _BAD.format(error)
        found[key.lower()] = value.upper() if key in ("RET", "NOTIFY") else value
    return " ".join(rest), found, None


def _check(key: str, value: str) -> str | None:
    if key == "RET":
        return None if value.upper() in ("FULL", "HDRS") else "RET must be FULL or HDRS"
    if key == "ENVID":
        if len(value) <= 100 and _XTEXT.fullmatch(value):
            return None
        return "ENVID must be xtext of at most 100 characters"
    if key == "NOTIFY":
        words = value.upper().split(",")
        if words == ["NEVER"] or (set(words) <= _NOTIFY and len(set(words)) == len(words)):
            return None
        return "NOTIFY must be NEVER or a list of SUCCESS, FAILURE, DELAY"
    addr_type, semi, addr = value.partition(";")       # ORCPT
    if semi and _ADDR_TYPE.fullmatch(addr_type) and addr and len(value) <= 500 and _XTEXT.fullmatch(addr):
        return None
    return "ORCPT must be addr-type;xtext"
