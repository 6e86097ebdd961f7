"""Notices the gateway itself sends: DSNs, held-mail notices, reviewer notices, sign-in links.

A notice is ordinary mail: it is archived (encrypted, like everything) and queued for
delivery in the caller's transaction, so it exists exactly when the event it reports does.
A mail carrying a sign-in link (:meth:`Notifier.send_link`) is the one exception to "the
archived copy is the delivered copy": the archive gets it with the link withheld (auditors read
the archive; a live link there would let them take the account over) and the delivered copy
waits sealed in gateway/live_copies.py until it is sent.
"""

from __future__ import annotations

import email.parser
import email.policy
import email.utils
from collections.abc import Callable
from email.message import EmailMessage

import sqlalchemy as sa

from admin_api.account_links import LinkMail, archive_digest
from archive.service import Archive, RecordMeta
from gateway import withheld
from gateway.directory import Directory
from gateway.live_copies import ORIGIN as LINK_ORIGIN
from gateway.live_copies import LiveCopies
from gateway.queue import DeliveryQueue


class Notifier:
    def __init__(self, *, archive: Archive, queue: DeliveryQueue, hostname: str,
                 directory: Callable[[], Directory]):
        self._archive = archive
        self._queue = queue
        self._hostname = hostname
        self._directory = directory
        self.live_copies = LiveCopies(archive.engine, archive.keyring)

    @property
    def postmaster(self) -> str:
        return f"postmaster@{self._hostname}"

    def _compose(self, to: str, subject: str, body: str, *, message_id: str, date: str,
                 in_reply_to: str | None = None, extra: tuple[tuple[str, str], ...] = ()) -> bytes:
        msg = EmailMessage()
        msg["From"] = f"mailwarden <{self.postmaster}>"
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = date
        msg["Message-ID"] = message_id
        msg["Auto-Submitted"] = "auto-generated"
        if in_reply_to:
            msg["In-Reply-To"] = in_reply_to
        for name, value in extra:
            msg[name] = value
        msg.set_content(body, charset="utf-8")
        return msg.as_bytes()

    def send(self, conn: sa.Connection, to: str, subject: str, body: str, *,
             in_reply_to: str | None = None) -> int:
        """Compose a plain-text notice from the postmaster and queue it."""
        message_id = email.utils.make_msgid(domain=self._hostname)
        raw = self._compose(to, subject, body, message_id=message_id, date=email.utils.formatdate(localtime=False),
                            in_reply_to=in_reply_to)
        return self.send_raw(conn, mail_from="", to=to, raw=raw, message_id=message_id, event="notice")

    def send_link(self, conn: sa.Connection, mail: LinkMail) -> int:
        """Queue a mail carrying a link that acts for its reader (a sign-in link, a sender's
        release link): archived with the link replaced by ``[<mail.what> withheld from the
        archive]`` (and the link's keyed digest in a header),
        delivered from its sealed live copy. Raises WithheldError (nothing queued) should the
        archived copy still carry the link in any encoding."""
        message_id = email.utils.make_msgid(domain=self._hostname)
        date = email.utils.formatdate(localtime=False)
        live = self._compose(mail.to, mail.subject, mail.body, message_id=message_id, date=date)
        secrets = (mail.link, mail.token)
        digest = archive_digest(self._archive.keyring, mail.token)
        kept = self._compose(mail.to, mail.subject, withheld.redact(mail.body, secrets, withheld.marker(mail.what)),
                             message_id=message_id, date=date, extra=((withheld.HEADER, f"{mail.what}; {digest}"),))
        withheld.ensure_absent(kept, secrets)
        archive_id = self.send_raw(conn, mail_from="", to=mail.to, raw=kept, message_id=message_id,
                                   event="notice", origin=LINK_ORIGIN)
        self.live_copies.put(conn, archive_id, live, expires_at=mail.expires_at)
        return archive_id

    def send_raw(self, conn: sa.Connection, *, mail_from: str, to: str, raw: bytes, message_id: str,
                 event: str, origin: str | None = None) -> int:
        """Archive ``raw`` and queue it to ``to`` from ``mail_from`` ("" = null sender);
        ``origin``: the queue row's (default: ``event``)."""
        sealed = self._archive.seal(raw)
        self._archive.write_blob(sealed)
        directory = self._directory()
        direction = "internal" if directory.is_internal(to) else "outbound"
        archive_id = self._archive.insert_record(conn, sealed, RecordMeta(
            message_id=message_id, mail_from=mail_from, rcpt_tos=[to], header_from=self.postmaster,
            header_to=[to], header_cc=[], date=None, size=len(raw), direction=direction,
            verdict="queued", rules=[], department=None, attachments=[], subject=_subject(raw), event=event,
        ))
        self._queue.enqueue(conn, archive_id=archive_id, digest=sealed.digest, mail_from=mail_from,
                            recipients=[to], direction=direction, message_id=message_id, origin=origin or event)
        return archive_id


def _subject(raw: bytes) -> str | None:
    """The decoded Subject of a mail we wrote ourselves (a notice, a DSN), so an auditor finds
    it in archive search by its subject like any other message (it was archived without one)."""
    headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(raw)
    subject = headers.get("Subject")
    return str(subject) if subject is not None else None
