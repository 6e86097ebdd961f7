"""Delivery status notifications (RFC 3464 multipart/report) for mail we could not deliver."""

from __future__ import annotations

import email.utils
from collections.abc import Sequence
from dataclasses import dataclass
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText


@dataclass(frozen=True)
class FailedRecipient:
    recipient: str
    code: int | None
    text: str
    action: str = "failed"  # "failed" or "delayed"


def _status(code: int | None, text: str) -> str:
    """The enhanced status code in the reply if there is one, else one derived from the code."""
    parts = text.split(" ", 1)[0] if text else ""
    if parts.count(".") == 2 and parts[0] in "245" and parts.replace(".", "").isdigit():
        return parts
    if code is None:
        return "4.4.1"
    return f"{str(code)[0]}.0.0"


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
    """A DSN to ``original_sender``; includes the original headers, not the body."""
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"] = f"Mail Delivery System <MAILER-DAEMON@{reporting_mta}>"
    report["To"] = original_sender
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Date"] = email.utils.formatdate(localtime=False)
    report["Message-ID"] = message_id
    report["Auto-Submitted"] = "auto-replied"

    lines = [
        f"This is the mail system at host {reporting_mta}.",
        "",
        "Your message could not be delivered to one or more recipients.",
        "",
    ]
    for f in failed:
        reply = f"{f.code} {f.text}" if f.code else f.text
        lines.append(f"<{f.recipient}>: {reply}")
    report.attach(MIMEText("\n".join(lines) + "\n", "plain", "utf-8"))

    per_message = [
        f"Reporting-MTA: dns; {reporting_mta}",
        f"X-Mailwarden-Queue-ID: {queue_id}",
        f"Arrival-Date: {email.utils.formatdate(arrival)}",
    ]
    blocks = ["\n".join(per_message)]
    for f in failed:
        block = [
            f"Final-Recipient: rfc822; {f.recipient}",
            f"Action: {f.action}",
            f"Status: {_status(f.code, f.text)}",
        ]
        if f.code:
            block.append(f"Diagnostic-Code: smtp; {f.code} {f.text}".replace("\n", " "))
        blocks.append("\n".join(block))
    status_part = MIMEBase("message", "delivery-status")
    status_part.set_payload("\n\n".join(blocks) + "\n")
    report.attach(status_part)

    header_end = original_message.find(b"\r\n\r\n")
    if header_end == -1:
        header_end = original_message.find(b"\n\n")
    headers = original_message if header_end == -1 else original_message[:header_end]
    headers_part = MIMEBase("text", "rfc822-headers")
    headers_part.set_payload(headers.decode("ascii", "replace") + "\n")
    report.attach(headers_part)
    return report.as_bytes()

