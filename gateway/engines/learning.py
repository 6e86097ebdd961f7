"""What reviewers decide teaches Rspamd (its controller's ``learnham`` / ``learnspam``).

- a reviewer's *release* of a message held as spam teaches ham (Rspamd, or our score, was
  wrong); a reviewer's *reject* of a message held as spam teaches spam;
- the API's "spam" / "not spam" marks on archived (delivered, held or refused) mail teach
  the same, for what slipped through or was caught wrongly.

"Held as spam" means held by one of ``engines.rspamd.spam_rules`` (spam-threshold, gtube,
rspamd-spam as shipped): a hold for confidential data teaches Rspamd nothing. Every learn,
successful or not, is written to the audit log (action ``rspamd.learn_ham`` /
``rspamd.learn_spam``) with who caused it and which record; the message itself never is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from gateway.engines.base import EngineError, HealthBook
from gateway.engines.rspamd import Rspamd

log = logging.getLogger("mailwarden.engines")

Audit = Callable[..., Any]   # admin_api.audit.append_audit with engine and chain bound


class Learner:
    def __init__(self, rspamd: Rspamd, spam_rules: Iterable[str], *, open_digest: Callable[[str], bytes],
                 open_record: Callable[[int], bytes], get_entry: Callable[[int], dict[str, Any]],
                 audit: Audit, health: HealthBook | None = None) -> None:
        self.rspamd = rspamd
        self.spam_rules = frozenset(spam_rules)
        self.open_digest = open_digest
        self.open_record = open_record
        self.get_entry = get_entry
        self.audit = audit
        self.health = health

    def held_as_spam(self, entry: dict[str, Any]) -> bool:
        return bool(self.spam_rules & set(entry.get("rules") or ()))

    # ---- the quarantine's decisions (QuarantineService.on_decision) ----------------------
    def on_decision(self, decision: Any, who: Any) -> str | None:
        """Teach Rspamd what a reviewer decided on a spam hold; the outcome, or None when
        there was nothing to teach."""
        if decision.action not in ("release", "reject") or decision.status not in ("released", "rejected"):
            return None   # an approval still waiting for others, a sender's self-release, expiry
        entry = self.get_entry(decision.entry_id)
        if not self.held_as_spam(entry):
            return None
        spam = decision.status == "rejected"
        return self.teach(lambda: self.open_digest(entry["digest"]), spam=spam, actor=who.name, role=who.role,
                          record=f"quarantine:{decision.entry_id}", reason=f"reviewer {decision.action}")

    # ---- the API's marks ---------------------------------------------------------------
    def mark(self, archive_id: int, *, spam: bool, actor: str, role: str | None = None,
             client_ip: str | None = None) -> str:
        """Teach Rspamd an archived message as spam or ham; raises :class:`EngineError`."""
        result = self.teach(lambda: self.open_record(archive_id), spam=spam, actor=actor, role=role,
                            record=f"archive:{archive_id}", reason="marked", client_ip=client_ip)
        if result.startswith("failed"):
            raise EngineError("down", result)
        return result

    def teach(self, raw: Callable[[], bytes], *, spam: bool, actor: str, role: str | None, record: str,
              reason: str, client_ip: str | None = None) -> str:
        action = "rspamd.learn_spam" if spam else "rspamd.learn_ham"
        try:
            outcome = self.rspamd.learn(raw(), spam=spam)
            status = 200
            if self.health is not None:
                self.health.ok("rspamd")
        except EngineError as exc:
            outcome, status = f"failed: {exc}", 502
            if self.health is not None:
                self.health.failed("rspamd", exc)
        log.info("rspamd learn", extra={"event": action, "actor": actor, "record": record, "outcome": outcome})
        try:
            self.audit(action=action, outcome="ok" if status == 200 else "error", status_code=status,
                       actor=actor, role=role, record=record, client_ip=client_ip,
                       detail={"reason": reason, "result": outcome})
        except Exception:  # noqa: BLE001 - the decision stands; the log line above says what happened
            log.exception("could not audit an rspamd learn")
        return outcome
