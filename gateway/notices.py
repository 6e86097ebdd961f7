"""Notices the gateway itself sends: DSNs, held-mail notices, reviewer notices.

A notice is ordinary mail: it is archived (encrypted, like everything) and queued for
delivery in the caller's transaction, so it exists exactly when the event it reports does.
"""

from __future__ import annotations

import email.utils
from collections.abc import Callable
from email.message import EmailMessage

import sqlalchemy as sa

from archive.service import Archive, RecordMeta
from gateway.directory import Directory
from gateway.queue import DeliveryQueue


class Notifier:
    def __init__(self, *, archive: Archive, queue: DeliveryQueue, hostname: str,
                 directory: Callable[[], Directory]):
        self._archive = archive
        self._queue = queue
        self._hostname = hostname
        self._directory = directory

    @property
    def postmaster(self) -> str:
        return f"postmaster@{self._hostname}"

    def send(self, conn: sa.Connection, to: str, subject: str, body: str, *,
             in_reply_to: str | None = None) -> int:
        """Compose a plain-text notice from the postmaster and queue it."""
        msg = EmailMessage()
        msg["From"] = f"mailwarden <{self.postmaster}>"
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = email.utils.formatdate(localtime=False)
        msg["Message-ID"] = email.utils.make_msgid(domain=self._hostname)
        msg["Auto-Submitted"] = "auto-generated"
        if in_reply_to:
            msg["In-Reply-To"] = in_reply_to
        msg.set_content(body, charset="utf-8")
        return self.send_raw(conn, mail_from="", to=to, raw=msg.as_bytes(), message_id=msg["Message-ID"],
                             event="notice")

    def send_raw(self, conn: sa.Connection, *, mail_from: str, to: str, raw: bytes, message_id: str,
                 event: str) -> int:
        """Archive ``raw`` and queue it to ``to`` from ``mail_from`` ("" = null sender)."""
        sealed = self._archive.seal(raw)
        self._archive.write_blob(sealed)
        directory = self._directory()
        direction = "internal" if directory.is_internal(to) else "outbound"
        archive_id = self._archive.insert_record(conn, sealed, RecordMeta(
            message_id=message_id, mail_from=mail_from, rcpt_tos=[to], header_from=self.postmaster,
            header_to=[to], header_cc=[], date=None, size=len(raw), direction=direction,
            verdict="queued", rules=[], department=None, attachments=[], subject=None, event=event,
        ))
        self._queue.enqueue(conn, archive_id=archive_id, digest=sealed.digest, mail_from=mail_from,
                            recipients=[to], direction=direction, message_id=message_id, origin=event)
        return archive_id
