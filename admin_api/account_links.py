"""Invitation and password-reset links: one-time, expiring, only the token's SHA-256 stored.

An administrator runs ``mailwarden user invite NAME`` (or ``--reset``); the person gets a mail
through the gateway's notice path with a link to ``/password?token=…`` where they choose a
password. Using a link consumes it (compare-and-set: two tabs cannot both use it) and ends the
account's other links of the same purpose and its sessions.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable

import sqlalchemy as sa

from admin_api import i18n
from admin_api import tables as t
from admin_api.passwords import store_password, user_id_of

PURPOSES = ("invite", "reset")
PREFIX = "mwl_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue(engine: sa.Engine, name: str, purpose: str, *, now: float, lifetime: float) -> tuple[str, str | None]:
    """A new link token for user ``name``; returns (token, the user's mail address or None)."""
    if purpose not in PURPOSES:
        raise ValueError(f"purpose must be one of {', '.join(PURPOSES)}")
    token = PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        row = conn.execute(sa.select(t.users.c.id, t.users.c.email, t.users.c.disabled)
                           .where(t.users.c.name == name)).first()
        if row is None or row.disabled:
            raise LookupError(f"no enabled user {name!r}")
        conn.execute(sa.insert(t.account_links).values(
            token_hash=_hash(token), user_id=int(row.id), purpose=purpose, created_at=now, expires_at=now + lifetime))
    return token, row.email


def valid(engine: sa.Engine, token: str | None, *, now: float) -> tuple[int, str, str] | None:
    """(user id, user name, purpose) of an unused, unexpired link; None otherwise."""
    if not token or not token.startswith(PREFIX) or len(token) > 100:
        return None
    a = t.account_links
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(a.c.user_id, a.c.purpose, a.c.expires_at, a.c.used_at, t.users.c.name, t.users.c.disabled)
            .join(t.users, t.users.c.id == a.c.user_id).where(a.c.token_hash == _hash(token))
        ).first()
    if row is None or row.used_at is not None or row.expires_at <= now or row.disabled:
        return None
    return int(row.user_id), row.name, row.purpose


def redeem(engine: sa.Engine, token: str, password: str, *, now: float) -> str | None:
    """Set the password through a link; the user's name, or None when the link is not valid.
    ValueError (the password policy) leaves the link usable."""
    found = valid(engine, token, now=now)
    if found is None:
        return None
    user_id, name, _purpose = found
    a = t.account_links
    with engine.begin() as conn:
        used = conn.execute(sa.update(a).where(a.c.token_hash == _hash(token), a.c.used_at.is_(None))
                            .values(used_at=now))
        if used.rowcount != 1:
            return None
        store_password(conn, user_id, password, now)   # raises ValueError: the transaction rolls back
        conn.execute(sa.update(a).where(a.c.user_id == user_id, a.c.used_at.is_(None)).values(used_at=now))
    return name


def mail_text(purpose: str, language: str, link: str, hours: float) -> tuple[str, str]:
    """(subject, body) of the mail carrying a link, in the person's language."""
    catalog = i18n.translations(i18n.normalise(language) or i18n.DEFAULT)
    _, ngettext = catalog.gettext, catalog.ngettext
    if purpose == "invite":
        subject = _("Your mailwarden console account")
        intro = _("An account on the mailwarden review console was created for you.")
    else:
        subject = _("Reset your mailwarden console password")
        intro = _("A new password was requested for your mailwarden console account.")
    body = "\n\n".join([
        intro,
        ngettext("Choose your password here (the link works once, for %(num)d hour):",
                 "Choose your password here (the link works once, for %(num)d hours):", round(hours))
        % {"num": round(hours)},
        link,
        _("If you did not expect this mail, ignore it; nothing changes."),
    ]) + "\n"
    return subject, body


def send_link(engine: sa.Engine, name: str, purpose: str, *, base_url: str, now: float, lifetime: float,
              send: Callable[[str, str, str], None], language: str | None = None) -> str:
    """Issue a link and mail it to the user's address; returns the address. LookupError when the
    user is unknown/disabled, ValueError when they have no address."""
    with engine.connect() as conn:
        if user_id_of(conn, name) is None:
            raise LookupError(f"no user {name!r}")
    token, email = issue(engine, name, purpose, now=now, lifetime=lifetime)
    if not email:
        raise ValueError(f"user {name!r} has no mail address for the link")
    subject, body = mail_text(purpose, language or i18n.DEFAULT, f"{base_url.rstrip('/')}/password?token={token}",
                              lifetime / 3600.0)
    send(email, subject, body)
    return email
