"""Optional TOTP second factor (RFC 6238 via pyotp): enrolment and verification.

A code is accepted once: the step it was valid for is stored, and a code of that step or
an earlier one is refused afterwards (RFC 6238 section 5.2), so a code seen over a
shoulder cannot be replayed within its 30 seconds.

The secrets are stored sealed (:mod:`admin_api.totp_seal`); ``keys`` is the key ring (or
anything with its ``versions(name)``), from :meth:`admin_api.services.ApiServices.totp_keys`.
"""

from __future__ import annotations

import logging

import pyotp
import sqlalchemy as sa

from admin_api import tables as t
from admin_api.passwords import ensure_account
from admin_api.totp_seal import KeySource, SealError, open_secret, seal

log = logging.getLogger(__name__)

ISSUER = "mailwarden"
VALID_WINDOW = 1   # one step either side: clocks of phones drift


def enabled(conn: sa.Connection, user_id: int) -> bool:
    row = conn.execute(sa.select(t.console_accounts.c.totp_secret)
                       .where(t.console_accounts.c.user_id == user_id)).first()
    return row is not None and bool(row.totp_secret)


def begin_enrolment(engine: sa.Engine, keys: KeySource, user_id: int, name: str) -> tuple[str, str]:
    """A new pending secret; returns (secret, otpauth:// URI) to show the person once."""
    secret = pyotp.random_base32()
    sealed = seal(keys, user_id, "totp_pending", secret)
    with engine.begin() as conn:
        ensure_account(conn, user_id)
        conn.execute(sa.update(t.console_accounts).where(t.console_accounts.c.user_id == user_id)
                     .values(totp_pending=sealed))
    return secret, pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=ISSUER)


def _matching_step(secret: str, code: str, now: float) -> int | None:
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = int(now // totp.interval)
    for delta in range(-VALID_WINDOW, VALID_WINDOW + 1):
        if totp.verify(code, for_time=(step + delta) * totp.interval, valid_window=0):
            return step + delta
    return None


def confirm_enrolment(engine: sa.Engine, keys: KeySource, user_id: int, code: str, now: float) -> bool:
    """The pending secret becomes the account's second factor once a code of it is right."""
    with engine.begin() as conn:
        row = conn.execute(sa.select(t.console_accounts.c.totp_pending)
                           .where(t.console_accounts.c.user_id == user_id)).first()
        if row is None or not row.totp_pending:
            return False
        secret, _legacy = open_secret(keys, user_id, "totp_pending", row.totp_pending)
        step = _matching_step(secret, code, now)
        if step is None:
            return False
        conn.execute(sa.update(t.console_accounts).where(t.console_accounts.c.user_id == user_id)
                     .values(totp_secret=seal(keys, user_id, "totp_secret", secret), totp_pending=None,
                             totp_last_step=step))
    return True


def verify(engine: sa.Engine, keys: KeySource, user_id: int, code: str, now: float) -> bool:
    """True once per valid code of the account's enrolled secret. A secret still stored in
    plaintext (before sealing existed) is sealed here, whatever the code."""
    a = t.console_accounts
    with engine.begin() as conn:
        row = conn.execute(sa.select(a.c.totp_secret, a.c.totp_last_step).where(a.c.user_id == user_id)).first()
        if row is None or not row.totp_secret:
            return False
        try:
            secret, legacy = open_secret(keys, user_id, "totp_secret", row.totp_secret)
        except SealError as exc:   # fail closed: no code is right for a secret that does not open
            log.warning("%s", exc)
            return False
        if legacy:
            conn.execute(sa.update(a).where(a.c.user_id == user_id, a.c.totp_secret == row.totp_secret)
                         .values(totp_secret=seal(keys, user_id, "totp_secret", secret)))
        step = _matching_step(secret, code, now)
        if step is None or (row.totp_last_step is not None and step <= row.totp_last_step):
            return False
        # compare-and-set: two workers given the same code accept it once
        res = conn.execute(sa.update(a).where(
            a.c.user_id == user_id,
            sa.or_(a.c.totp_last_step.is_(None), a.c.totp_last_step < step),
        ).values(totp_last_step=step))
        return res.rowcount == 1


def disable(engine: sa.Engine, user_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(sa.update(t.console_accounts).where(t.console_accounts.c.user_id == user_id)
                     .values(totp_secret=None, totp_pending=None, totp_last_step=None))
