"""What the pipeline asks the quarantine to hold: the held recipients of one verdict,
grouped by who reviews them and on what terms, each group one :class:`HoldRequest`.

Kept apart from ``gateway/pipeline.py`` so the pipeline reads as the story of a message;
the reviewers are resolved here from the rule's ``review:`` sources and the directory.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from gateway.directory import Directory
from quarantine.routing import resolve as resolve_routing
from quarantine.service import HoldRequest
from rules.content import ParsedMessage
from rules.model import RecipientVerdict, Verdict
from rules.redact import redact_text

log = logging.getLogger("mailwarden.message")


def review_groups(verdict: Verdict, held: list[str]) -> list[list[RecipientVerdict]]:
    """Held recipients that share reviewers and release terms become one hold request."""
    groups: dict[tuple, list[RecipientVerdict]] = {}
    for address in held:
        rv = verdict.recipients[address]
        key = (rv.review, rv.quorum, rv.on_expiry, rv.required_approvals, rv.sender_may_release,
               rv.comment_required, str(rv.direction))
        groups.setdefault(key, []).append(rv)
    return list(groups.values())


def hold_request(*, mail_from: str, archive_id: int, digest: str, verdict: Verdict, message: ParsedMessage,
                 recipients: list[RecipientVerdict], directory: Directory,
                 rerouted: Callable[[], None], dsn: Mapping[str, Mapping[str, str]] | None = None) -> HoldRequest:
    """The hold for one group of recipients; ``rerouted`` is called (a metric) when a review
    source named by the rules finds nobody any more and the default review group takes it.
    ``dsn``: the RFC 3461 parameters of each recipient, kept for the release."""
    first = recipients[0]
    routing = resolve_routing(first.review, mail_from, verdict.department, directory)
    if routing.rerouted:
        # Someone named by the rules is no longer in the directory: never strand the hold (a
        # source nobody stands in for: the quarantine tells compliance and the administrators).
        rerouted()
        log.warning("review source resolved to nobody; held for who stands in", extra={
            "event": "quarantine.rerouted", "archive_id": archive_id, "sources": routing.rerouted,
            "stood_in": routing.stood_in, "unroutable": routing.unroutable,
            "default_review_group": directory.default_review_group, "rules": verdict.rules,
        })
    hits = [h for rv in recipients for h in rv.hits]
    return HoldRequest(
        archive_id=archive_id, digest=digest, mail_from=mail_from,
        recipients=[rv.address for rv in recipients], direction=str(first.direction),
        department=verdict.department, rules=[h.rule for h in hits],
        evidence=[h.to_json() for h in hits], reviewers=routing.reviewers, review_group=first.review_group,
        required_approvals=first.required_approvals, sender_may_release=first.sender_may_release,
        comment_required=first.comment_required, message_id=message.message_id,
        subject_for_notice=redact_text(message.subject), routes=routing.routes,
        quorum=[q.to_json() for q in first.quorum], expire_action=first.on_expiry,
        descriptions={h.rule: h.description for h in hits if h.description},
        dsn=dsn or None,
    )
