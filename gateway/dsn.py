"""Delivery status notifications (RFC 3464 multipart/report): failed, delayed, relayed, delivered.

Each recipient's block says what happened in the standard's words: ``Action`` (failed |
delayed | relayed | delivered), ``Status`` (an RFC 3463 code of the right class: 5.x.x for a
failure, 4.x.x for a delay, 2.x.x for success), ``Diagnostic-Code`` only when a server
answered (its reply as it was), ``Original-Recipient`` from ORCPT and ``Original-Envelope-Id``
from ENVID (RFC 3461). A message that outlived the queue fails with ``5.4.7`` (delivery time
expired) and the last reply a server gave.
"""

from __future__ import annotations

import email.utils
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from gateway.smtp_dsn import xtext_decode
from gateway.smtp_replies import has_enhanced_code

FAILED, DELAYED, RELAYED, DELIVERED = "failed", "delayed", "relayed", "delivered"


@dataclass(frozen=True)
class FailedRecipient:
    """One recipient's block. ``code``/``text``: the last reply (``code`` None: no server
    answered). ``expired``: the queue lifetime ran out (a failure whatever the last reply)."""

    recipient: str
    code: int | None
    text: str
    action: str = FAILED
    expired: bool = False
    orcpt: str | None = None
    will_retry_until: float | None = None

    @property
    def status(self) -> str:
        """The RFC 3463 code: the reply's own where its class fits the action, else derived."""
        wanted = {FAILED: "5", DELAYED: "4"}.get(self.action, "2")
        first = self.text.split(" ", 1)[0] if self.text else ""
        if self.expired:
            return "5.4.7"
        if has_enhanced_code(first) and first[0] == wanted:
            return first
        if wanted == "4" and self.code is None:
            return "4.4.1"                 # no answer from host
        if wanted == "5" and self.code is None:
            return "5.4.1"
        return f"{wanted}.0.0"

    @property
    def diagnostic(self) -> str | None:
        """``smtp; <the reply>`` when a server answered, else None (no invented reply)."""
        return f"smtp; {_one_line(f'{self.code} {self.text}')}" if self.code else None


def _one_line(text: str) -> str:
    return " ".join(text.split())


_SUBJECTS = {FAILED: "Undelivered Mail Returned to Sender", DELAYED: "Delayed Mail (still being retried)",
             RELAYED: "Successful Mail Delivery Report", DELIVERED: "Successful Mail Delivery Report"}
_HUMAN = {
    FAILED: "Your message could not be delivered to one or more recipients.",
    DELAYED: "Your message has not been delivered yet to one or more recipients. It is being retried;\r\n"
             "you do not need to send it again.",
    RELAYED: "Your message was passed on to the next mail system, which does not report delivery.",
    DELIVERED: "Your message was delivered.",
}


def build_dsn(
    *,
    reporting_mta: str,
    original_sender: str,
    failed: Sequence[FailedRecipient],
    original_message: bytes,
    arrival: float,
    queue_id: str,
    message_id: str,
    envid: str | None = None,
    ret_full: bool = False,
) -> bytes:
    """A DSN to ``original_sender`` about the recipients in ``failed`` (whatever their action),
    with the original headers (``ret_full``: the whole message, RFC 3461 ``RET=FULL``).

    Written out by hand: the stdlib generator insists that message/delivery-status holds
    parsed header blocks, which is more machinery than three short blocks of fields need.
    """
    boundary = f"=_mailwarden_{secrets.token_hex(12)}"
    actions = {f.action for f in failed}
    top = next(a for a in (FAILED, DELAYED, RELAYED, DELIVERED) if a in actions)
    human = [f"This is the mail system at host {reporting_mta}.", ""]
    for action in (FAILED, DELAYED, RELAYED, DELIVERED):
        these = [f for f in failed if f.action == action]
        if these:
            human += [_HUMAN[action], "",
                      *[f"<{f.recipient}>: {_one_line(f'{f.code} {f.text}' if f.code else f.text)}" for f in these],
                      ""]
    per_message = [f"Reporting-MTA: dns; {reporting_mta}"]
    if envid:
        per_message.append(f"Original-Envelope-Id: {_one_line(xtext_decode(envid))}")
    per_message += [f"X-Mailwarden-Queue-ID: {queue_id}", f"Arrival-Date: {email.utils.formatdate(arrival)}"]
    blocks = ["\r\n".join(per_message)]
    for f in failed:
        block = []
        if f.orcpt:
            block.append(f"Original-Recipient: {_one_line(xtext_decode(f.orcpt))}")
        block += [f"Final-Recipient: rfc822; {f.recipient}", f"Action: {f.action}", f"Status: {f.status}"]
        if f.diagnostic:
            block.append(f"Diagnostic-Code: {f.diagnostic}")
        block.append(f"Last-Attempt-Date: {email.utils.formatdate(localtime=False)}")
        if f.action == DELAYED and f.will_retry_until:
            block.append(f"Will-Retry-Until: {email.utils.formatdate(f.will_retry_until)}")
        blocks.append("\r\n".join(block))
    if ret_full:
        returned_type, returned = "message/rfc822", original_message
    else:
        header_end = original_message.find(b"\r\n\r\n")
        if header_end == -1:
            header_end = original_message.find(b"\n\n")
        returned_type = "text/rfc822-headers"
        returned = original_message if header_end == -1 else original_message[:header_end]
    returned = returned.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    head = "\r\n".join([
        f"From: Mail Delivery System <MAILER-DAEMON@{reporting_mta}>",
        f"To: <{original_sender}>",
        f"Subject: {_SUBJECTS[top]}",
        f"Date: {email.utils.formatdate(localtime=False)}",
        f"Message-ID: {message_id}",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"',
        "",
        "This is a MIME-encapsulated delivery status notification.",
        "",
        f"--{boundary}",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        "\r\n".join(human),
        f"--{boundary}",
        "Content-Type: message/delivery-status",
        "",
        "\r\n\r\n".join(blocks),
        "",
        f"--{boundary}",
        f"Content-Type: {returned_type}",
        "",
        "",
    ]).encode("utf-8")
    return head + returned + f"\r\n\r\n--{boundary}--\r\n".encode()
