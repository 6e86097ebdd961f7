"""The live rules and directory, swapped together and atomically on reload.

A reload (SIGHUP or ``POST /api/v1/rules/reload``) loads and validates both files first;
if either is invalid the error is reported and the old pair stays live. What must follow a
new directory (held mail routed to a replaced supervisor) listens with :meth:`PolicyHolder.on_reload`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gateway.directory import Directory
from gateway.extraction_pool import ExtractionPool
from gateway.routing_check import routing_problems
from gateway.sender_identity import header_from_addresses, identity_findings
from gateway.smtp import IncomingMessage
from rules.budget import Limits
from rules.content import parse
from rules.engine import Engine, EvaluationContext
from rules.loader import RuleSetError, load_ruleset
from rules.model import Envelope, Verdict

log = logging.getLogger("mailwarden.policy")


@dataclass(frozen=True)
class Policy:
    engine: Engine
    directory: Directory
    generation: int
    loaded_at: float = field(default_factory=time.time)   # the console's "last reload"


class PolicyHolder:
    def __init__(self, rules_path: Path, directory_path: Path):
        self._rules_path = rules_path
        self._directory_path = directory_path
        self._lock = threading.Lock()
        self._current = self._load(generation=1)
        self._listeners: list[Callable[[Policy, Policy], object]] = []

    def on_reload(self, listener: Callable[[Policy, Policy], object]) -> None:
        """Call ``listener(old, new)`` after each successful reload. A failing listener is
        logged; the reload stands (the new files are valid and already live)."""
        self._listeners.append(listener)

    def _load(self, generation: int) -> Policy:
        directory = Directory.load(self._directory_path)
        ruleset = load_ruleset(self._rules_path)
        problems = routing_problems(ruleset, directory)
        if problems:  # a review or notify target that finds nobody would strand held mail
            raise RuleSetError(problems[0], problems)
        engine = Engine(ruleset)
        return Policy(engine=engine, directory=directory, generation=generation)

    @property
    def current(self) -> Policy:
        return self._current

    def directory(self) -> Directory:
        return self._current.directory

    def reload(self) -> Policy:
        """Load both files; raises (and keeps the old policy) if either is invalid."""
        with self._lock:
            old = self._current
            policy = self._load(generation=old.generation + 1)
            self._current = policy
        log.info("rules and directory reloaded", extra={"generation": policy.generation})
        for listener in self._listeners:
            try:
                listener(old, policy)
            except Exception:  # noqa: BLE001 - the reload stands; the listener says what failed
                log.exception("a reload listener failed")
        return policy


def check(policy: Policy, raw: bytes, mail_from: str, rcpt_tos: list[str] | tuple[str, ...], *,
          trusted_client: bool = True, extraction: ExtractionPool | None = None) -> Verdict:
    """The verdict the gateway would reach, without writing or sending anything: as from a
    trusted network by default, or (``trusted_client=False``) from an unauthenticated client
    outside it, where an address in our domains is not taken on its word (sender
    authentication is not run here: no DNS). With ``extraction``, documents are read within
    the gateway's screening budget, as the gateway reads them (blocking the calling thread,
    which must not be an event loop's)."""
    rcpts = tuple(dict.fromkeys(rcpt_tos))
    envelope = Envelope(mail_from=mail_from, rcpt_tos=rcpts)
    if extraction is None:
        message = parse(raw)
    else:
        message = parse(raw, Limits(open_documents=False))
        if message.deferred:
            extraction.complete_blocking(message)
    incoming = IncomingMessage(mail_from=mail_from, rcpt_tos=rcpts, raw=raw, client_ip="", helo="",
                               authenticated_user=None, tls=False, trusted_client=trusted_client)
    header_from = header_from_addresses(message.from_addresses, message.header("from"))
    findings = identity_findings(incoming, header_from, policy.directory, None)
    ctx = EvaluationContext(directions=policy.directory.classify(mail_from, rcpts, sender_vouched=trusted_client),
                            directory=policy.directory, findings=tuple(findings))
    return policy.engine.evaluate(message, envelope, ctx)
