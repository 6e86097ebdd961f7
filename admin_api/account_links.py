"""Invitation and password-reset links: one-time, expiring, only the token's SHA-256 stored.

An administrator runs ``mailwarden user invite NAME`` (or ``--reset``); the person gets a mail
through the gateway's notice path with a link to ``/password?token=…`` where they choose a
password. Using a link consumes it (compare-and-set: two tabs cannot both use it) and ends the
account's other links and its sessions; issuing a link ends the account's earlier ones (the newest
mail is the one that works).

The mail goes out as a :class:`LinkMail`: the gateway archives it with the link withheld (an
auditor reading the archive must not be able to sign in as the person) and delivers the live copy
only to the person (gateway/notices.py, gateway/live_copies.py; issue 15). :func:`archive_digest`
is the keyed digest the archived copy carries instead, so the link that was sent can be proved.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from admin_api import i18n
from admin_api import tables as t
from admin_api.passwords import store_password, user_id_of

PURPOSES = ("invite", "reset")
PREFIX = "mwl_"


_DIGEST_PURPOSE = "withheld-link"


@dataclass(frozen=True)
class LinkMail:
    """A mail carrying a sign-in link: ``link`` (and ``token`` inside it) appear in ``body`` and
    must reach only ``to``. ``expires_at``: when the link stops working (its live copy may go)."""

    to: str
    subject: str
    body: str
    link: str
    token: str
    expires_at: float
    what: str = "sign-in link"     # names it in the archived copy: "[<what> withheld from the archive]"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def archive_digest(keyring: Any, token: str, kid: str | None = None) -> str:
    """``hmac-sha256:<master key id>:<hex>`` of ``token`` under a key derived from the master key
    (never stored): what the archived copy of a link mail carries instead of the link. Holding
    the archive (or the database's plain SHA-256) does not let anyone compute it, and an
    administrator can show that a link someone presents is the one that was sent."""
    kid, key = keyring.master_derived(_DIGEST_PURPOSE, kid)
    digest = hmac.new(key, token.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
    return f"hmac-sha256:{kid}:{digest}"


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
        a = t.account_links   # a new link ends the earlier ones: only the newest mail works
        conn.execute(sa.update(a).where(a.c.user_id == int(row.id), a.c.used_at.is_(None)).values(used_at=now))
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


class TooManyLinks(Exception):
    """The account was sent as many links as ``limit`` allows; ``retry_after`` seconds until the next."""

    def __init__(self, retry_after: float):
        super().__init__(f"too many links for this account: try again in {max(1, round(retry_after / 60))} min")
        self.retry_after = retry_after


def _check_limit(conn: sa.Connection, user_id: int, now: float, limit: tuple[int, float]) -> None:
    """Links mailed to one account: at most ``limit[0]`` per ``limit[1]`` seconds (a mailbox is
    not flooded, and each new link ends the one the person may be opening right now)."""
    most, window = limit
    a = t.account_links
    times = conn.execute(sa.select(a.c.created_at).where(a.c.user_id == user_id, a.c.created_at > now - window)
                         .order_by(a.c.created_at.desc()).limit(most)).scalars().all()
    if len(times) >= most:
        raise TooManyLinks(times[-1] + window - now)


def send_link(engine: sa.Engine, name: str, purpose: str, *, base_url: str, now: float, lifetime: float,
              send: Callable[[LinkMail], None], language: str | None = None,
              limit: tuple[int, float] | None = None) -> str:
    """Issue a link and mail it to the user's address; returns the address. LookupError when the
    user is unknown/disabled, ValueError when they have no address, TooManyLinks past ``limit``
    ((links, seconds); None: no limit, the command line). ``send`` must keep the link out of the
    archive (the gateway's ``Notifier.send_link``). The mail is in ``language``, else the
    person's own setting, else the default."""
    with engine.connect() as conn:
        user_id = user_id_of(conn, name)
        if user_id is None:
            raise LookupError(f"no user {name!r}")
        address = conn.execute(sa.select(t.users.c.email).where(t.users.c.name == name)).scalar()
        if language is None:
            language = conn.execute(sa.select(t.console_accounts.c.language)
                                    .where(t.console_accounts.c.user_id == user_id)).scalar()
        if limit is not None:
            _check_limit(conn, user_id, now, limit)
    if not address:     # before issuing: a link nobody can receive must not end the one they have
        raise ValueError(f"user {name!r} has no mail address for the link")
    token, email = issue(engine, name, purpose, now=now, lifetime=lifetime)
    if not email:
        raise ValueError(f"user {name!r} has no mail address for the link")
    link = f"{base_url.rstrip('/')}/password?token={token}"
    subject, body = mail_text(purpose, language or i18n.DEFAULT, link, lifetime / 3600.0)
    send(LinkMail(to=email, subject=subject, body=body, link=link, token=token, expires_at=now + lifetime))
    return email
