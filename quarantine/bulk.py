"""Bulk decisions: many entries released or rejected under one comment.

A compliance officer clearing twenty held newsletters writes why once. Each entry is still
decided on its own (its own authorisation, four-eyes, expiry and notices), so one refused
entry never blocks or undoes the others; the answer says what happened to each. Entries
the person may not see are reported as not found, exactly as when opened one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from quarantine.deciding import words
from quarantine.errors import (
    AlreadyDecided,
    CommentRequired,
    DuplicateApproval,
    EntryNotFound,
    InvalidRecipients,
    NotAuthorised,
)
from quarantine.model import Decision, Reviewer
from quarantine.store import Store

MAX_BULK = 500

# error class -> the outcome word the page and API show
_OUTCOMES: tuple[tuple[type[Exception], str], ...] = (
    (EntryNotFound, "not_found"), (AlreadyDecided, "already_decided"), (DuplicateApproval, "already_approved"),
    (NotAuthorised, "not_authorised"), (CommentRequired, "comment_required"), (InvalidRecipients, "invalid"),
)


@dataclass(frozen=True)
class BulkResult:
    entry_id: int
    ok: bool
    outcome: str  # the decision's action (approve, release, reject) or an error word
    status: str | None = None
    error: str | None = None
    decision: Decision | None = None


class Bulk(Store):
    """Mixed into :class:`quarantine.service.QuarantineService`."""

    def decide_many(
        self,
        ids: Iterable[int],
        who: Reviewer,
        kind: str,
        comment: str | None,
        *,
        visible: Callable[[Mapping[str, Any]], bool] = lambda _e: True,
        silent: bool = False,
        override: bool = False,
    ) -> list[BulkResult]:
        """Release (``kind='release'``) or reject each of ``ids`` as ``who`` with one
        ``comment`` (required: the one reason stands for all of them). ``visible(entry)``
        is the caller's scope; an entry outside it is ``not_found``. ``override``: a
        compliance officer deciding outside the routing, as on one entry (each decision is
        recorded as an override; anyone else gets ``not_authorised`` for each)."""
        if kind not in ("release", "reject"):
            raise ValueError("kind must be 'release' or 'reject'")
        if words(comment) is None:
            raise CommentRequired("a bulk decision needs one comment for all the entries")
        wanted = list(dict.fromkeys(int(i) for i in ids))
        if not wanted or len(wanted) > MAX_BULK:
            raise ValueError(f"choose between 1 and {MAX_BULK} entries")
        results = []
        for entry_id in wanted:
            try:
                entry = self.get(entry_id)  # type: ignore[attr-defined]
                if not visible(entry):
                    raise EntryNotFound(f"no quarantine entry {entry_id}")
                if kind == "release":
                    d = self.release(entry_id, who, comment, override=override)  # type: ignore[attr-defined]
                else:
                    d = self.reject(entry_id, who, comment, silent=silent,  # type: ignore[attr-defined]
                                    override=override)
                results.append(BulkResult(entry_id, True, d.action, d.status, None, d))
            except tuple(c for c, _ in _OUTCOMES) as exc:
                word = next(w for c, w in _OUTCOMES if isinstance(exc, c))
                results.append(BulkResult(entry_id, False, word, None, str(exc)))
        return results
