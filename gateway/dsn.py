"""Delivery status notifications (RFC 3464 multipart/report) for mail we could not deliver."""

from __future__ import annotations

import email.utils
import secrets
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FailedRecipient:
    recipient: str
    code: int | None
    text: str
    action: str = "failed"  # "failed" or "delayed"


def _status(code: int | None, text: str) -> str:
    """The enhanced status code in the reply if there is one, else one derived from the code."""
    first = text.split(" ", 1)[0] if text else ""
    if first.count(".") == 2 and first[0] in "245" and first.replace(".", "").isdigit():
        return first
    if code is None:
        return "4.4.1"
    return f"{str(code)[0]}.0.0"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def build_dsn(
    *,
    reporting_mta: str,
    original_sender: str,
    failed: Sequence[FailedRecipient],
    original_message: bytes,
    arrival: float,
    queue_id: str,
    message_id: str,
) -> bytes:
    """A DSN to ``original_sender`` with the original headers (not the body).

    Written out by hand: the stdlib generator insists that message/delivery-status holds
    parsed header blocks, which is more machinery than three short blocks of fields need.
    """
    boundary = f"=_mailwarden_{secrets.token_hex(12)}"
    human = [
        f"This is the mail system at host {reporting_mta}.",
        "",
        "Your message could not be delivered to one or more recipients.",
        "",
        *[f"<{f.recipient}>: {_one_line(f'{f.code} {f.text}' if f.code else f.text)}" for f in failed],
    ]
    per_message = [
        f"Reporting-MTA: dns; {reporting_mta}",
        f"X-Mailwarden-Queue-ID: {queue_id}",
        f"Arrival-Date: {email.utils.formatdate(arrival)}",
    ]
    blocks = ["\r\n".join(per_message)]
    for f in failed:
        block = [f"Final-Recipient: rfc822; {f.recipient}", f"Action: {f.action}",
                 f"Status: {_status(f.code, f.text)}"]
        if f.code:
            block.append(f"Diagnostic-Code: smtp; {_one_line(f'{f.code} {f.text}')}")
        blocks.append("\r\n".join(block))
    header_end = original_message.find(b"\r\n\r\n")
    if header_end == -1:
        header_end = original_message.find(b"\n\n")
    original_headers = original_message if header_end == -1 else original_message[:header_end]
    original_headers = original_headers.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    head = "\r\n".join([
        f"From: Mail Delivery System <MAILER-DAEMON@{reporting_mta}>",
        f"To: <{original_sender}>",
        "Subject: Undelivered Mail Returned to Sender",
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
        "",
        f"--{boundary}",
        "Content-Type: message/delivery-status",
        "",
        "\r\n\r\n".join(blocks),
        "",
        f"--{boundary}",
        "Content-Type: text/rfc822-headers",
        "",
        "",
    ]).encode("utf-8")
    return head + original_headers + f"\r\n\r\n--{boundary}--\r\n".encode()
