"""Sender self-release of a "warn" hold (a policy tip): signed links and their use.

The link carries the entry id and its expiry, signed with a key derived from the master key;
the sender releases with a justification, recorded and audited like any decision.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import sqlalchemy as sa

from quarantine import tables as t
from quarantine.deciding import words
from quarantine.errors import AlreadyDecided, CommentRequired, InvalidToken
from quarantine.model import Decision, Reviewer
from quarantine.store import Store


class SenderRelease(Store):
    def make_sender_token(self, entry_id: int, expires_at: float) -> str:
        payload = f"{int(entry_id)}.{int(expires_at)}"
        return f"{payload}.{self._sign(payload)}"

    def _signing_keys(self) -> list[bytes]:
        """The key that signs first, then older ones still accepted (a rotation's overlap)."""
        key = self.signing_key
        return list(key()) if callable(key) else [key]

    def _sign(self, payload: str, key: bytes | None = None) -> str:
        return hmac.new(
            key or self._signing_keys()[0], b"mailwarden-sender-release:" + payload.encode(), hashlib.sha256
        ).hexdigest()

    def verify_sender_token(self, token: str) -> int:
        """Return the entry id of a valid, unexpired token; raise :class:`InvalidToken`."""
        parts = (token or "").split(".")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
            raise InvalidToken("malformed token")
        payload = f"{parts[0]}.{parts[1]}"
        if not any(hmac.compare_digest(self._sign(payload, key), parts[2]) for key in self._signing_keys()):
            raise InvalidToken("bad signature")
        if self.clock() > int(parts[1]):
            raise InvalidToken("token expired")
        return int(parts[0])

    def confirm_by_sender(self, token: str, justification: str) -> Decision:
        """Sender self-release of a "warn" hold: releases the entry and its held siblings that
        allow sender release, records the justification."""
        entry_id = self.verify_sender_token(token)
        if words(justification) is None:
            raise CommentRequired("a justification is required")
        return self._by_sender(entry_id, "release", justification)

    def withdraw_by_sender(self, token: str, reason: str | None = None) -> Decision:
        """The sender takes a "warn" hold back: the entry and its held siblings that allow
        sender release are rejected (recorded as ``sender-withdraw``; the sender is not
        mailed about their own choice). A reason is optional: withdrawing needs none."""
        entry_id = self.verify_sender_token(token)
        return self._by_sender(entry_id, "reject", reason)

    def _by_sender(self, entry_id: int, kind: str, comment: str | None) -> Decision:
        with self.engine.connect() as conn:
            entry = self._get_row(conn, entry_id)
            if not entry["sender_may_release"]:
                raise InvalidToken("this message may not be released by its sender")
            if entry["status"] != "held":
                raise AlreadyDecided(f"entry {entry_id} is already {entry['status']}")
            siblings = self._sender_siblings(conn, entry)
        return self._decide(  # type: ignore[attr-defined]
            entry_id,
            Reviewer(name=f"sender:{entry['mail_from']}"),
            comment,
            siblings or None,
            kind,
            silent=True,
            sender_release=True,
        )

    def _sender_siblings(self, conn: sa.Connection, entry: dict[str, Any]) -> list[str]:
        """The recipients of the same message still held under a rule that lets its sender decide."""
        return [
            r.recipient
            for r in conn.execute(
                sa.select(t.entries.c.recipient).where(
                    t.entries.c.archive_id == entry["archive_id"],
                    t.entries.c.status == "held",
                    t.entries.c.sender_may_release.is_(True),
                ).order_by(t.entries.c.id)
            )
        ]

    def sender_view(self, token: str) -> dict[str, Any]:
        """What the sender's page shows (raises :class:`InvalidToken`): the entry's status,
        the recipients the sender may still decide for, the rules, the expiry."""
        entry_id = self.verify_sender_token(token)
        with self.engine.connect() as conn:
            entry = self._get_row(conn, entry_id)
            recipients = self._sender_siblings(conn, entry) if entry["status"] == "held" else [entry["recipient"]]
        return {
            "id": entry_id, "archive_id": entry["archive_id"], "digest": entry["digest"],
            "status": entry["status"], "mail_from": entry["mail_from"], "recipients": recipients,
            "rules": list(entry["rules"] or []), "sender_may_release": entry["sender_may_release"],
            "expires_at": entry["expires_at"], "expire_action": entry["expire_action"],
            "decided_by": entry.get("decided_by"),
        }
