"""Withholding a secret from the archived copy of a mail the gateway sends (issue 15).

The archived copy is composed from the same text as the delivered one with every occurrence
of the secret (the sign-in link, then the bare token) replaced by :data:`MARKER` *before* the
text is MIME-encoded, so no encoding of it (quoted-printable, base64, 8bit) can carry the secret.
:func:`ensure_absent` then looks for the secret in every way a reader could decode the
archived bytes (raw, quoted-printable, each part's decoded body, URL-decoded) and refuses to
send at all if it is there: fail closed.
"""

from __future__ import annotations

import email
import email.policy
import quopri
import re
import urllib.parse
from collections.abc import Sequence

MARKER = "[sign-in link withheld from the archive]"


def marker(what: str) -> str:
    """The text standing in for a withheld ``what`` ("sign-in link", "release link")."""
    return f"[{what} withheld from the archive]"


HEADER = "X-Mailwarden-Withheld"
# A run of characters a token is made of (URL-safe base64, hex, digits): what a next hop's
# reply may quote of a link. Shorter runs (words, hosts, status codes) are never secrets.
_RUN = re.compile(r"[A-Za-z0-9_\-]{16,}")


class WithheldError(Exception):
    """The copy to archive would still carry the secret: nothing is archived or sent."""


def redact(text: str, secrets: Sequence[str], replacement: str = MARKER) -> str:
    """``text`` with each secret (longest first: the link before the token inside it) replaced."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, replacement)
    return text


def readings(raw: bytes) -> list[str]:
    """Every text a reader can get out of ``raw``: its bytes, quoted-printable-decoded, each
    part's decoded body, and each of those URL-decoded."""
    texts = [raw.decode("utf-8", "replace"), quopri.decodestring(raw).decode("utf-8", "replace")]
    for part in email.message_from_bytes(raw, policy=email.policy.compat32).walk():
        if not part.is_multipart():
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                texts.append(payload.decode("utf-8", "replace"))
    return texts + [urllib.parse.unquote(t) for t in texts]


def ensure_absent(raw: bytes, secrets: Sequence[str]) -> None:
    """Raise :class:`WithheldError` when any secret can be read out of ``raw``."""
    found = readings(raw)
    for secret in secrets:
        if secret and any(secret in text for text in found):
            raise WithheldError("the copy to archive still carries the secret it must withhold")


def scrub_reply(text: str, live: bytes) -> str:
    """A next hop's ``text`` about the live copy ``live`` with every long token-like run that
    ``live`` carries replaced by ``[link withheld from the archive]``: a content filter that refuses the mail may quote
    its link, and the reply is recorded where archive readers look (attempt log, timeline, queue)
    while the link, never used, still works. The worker does not know the secret itself, so
    every such run the live copy carries goes (a quoted Message-ID too, which is no loss)."""
    if not text or not _RUN.search(text):
        return text
    found = readings(live)
    return _RUN.sub(lambda m: marker("link") if any(m.group(0) in t for t in found) else m.group(0), text)
