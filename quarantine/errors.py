"""Errors of the quarantine package; the admin API maps each to one HTTP status."""

from __future__ import annotations


class QuarantineError(Exception):
    """Base class of the errors raised by :class:`quarantine.service.QuarantineService`."""


class EntryNotFound(QuarantineError, LookupError):
    """No entry with this id."""


class AlreadyDecided(QuarantineError):
    """The entry is no longer held (released, rejected or expired): HTTP 409."""


class DuplicateApproval(QuarantineError):
    """Four-eyes: the same person approved this entry already."""


class CommentRequired(QuarantineError, ValueError):
    """The entry's policy (or an override) requires a comment with the decision."""


class InvalidRecipients(QuarantineError, ValueError):
    """``recipients`` names an address that is not a recipient of this held message."""


class InvalidToken(QuarantineError):
    """A sender release token is malformed, tampered with, expired or not applicable."""


class NotAuthorised(QuarantineError, PermissionError):
    """The person is not among the entry's routed reviewers, or sent the message: HTTP 403.

    ``rerouted_to`` (not empty) says the entry was routed again after a directory change and
    to whom, so the console can say why in the reader's language."""

    def __init__(self, message: str, *, rerouted_to: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.rerouted_to = rerouted_to


class InvalidRule(QuarantineError, ValueError):
    """A rule named that did not hold the entry (a false-positive mark names the rules it means)."""
