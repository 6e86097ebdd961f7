"""Who vouches for a message's sender, and what follows when nobody does.

Anyone can write ``MAIL FROM:<ceo@example.com>`` or ``From: CEO <ceo@example.com>``. A
sender is one of ours only when something other than the sender's own word says so
(DESIGN invariant 7): the client is in ``relay.trusted_networks`` (our own mail servers),
or the session authenticated (and SMTP logins are bound to the addresses they may use).
Otherwise the message is inbound like any other mail from outside, sender authentication
(SPF/DKIM/DMARC) runs for it, and a claim to one of our domains that DNS does not back
becomes the :data:`FORGED_INTERNAL_SENDER` finding, which the shipped rules refuse.

The claim is judged on both identities a person or a program trusts: the envelope sender
(backed by SPF for its domain) and the header From (backed by DMARC, which aligns SPF or
DKIM with it). When DNS trouble keeps us from knowing whether a claim is backed, the
message is neither accepted nor refused: :class:`SenderUnverifiable` becomes a ``451``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Protocol

from gateway.smtp import IncomingMessage
from rules.model import AuthResults

FORGED_INTERNAL_SENDER = "forged_internal_sender"
HEADER_FROM_NOT_OWNED = "header_from_not_owned"

UNVERIFIABLE_REPLY = "451 4.7.0 Sender in our domain could not be verified now (DNS); please try again later"
DMARC_UNVERIFIABLE_REPLY = ("451 4.7.0 The sender domain's DMARC policy could not be checked now (DNS); "
                            "please try again later")


class _Directory(Protocol):
    def is_internal(self, address: str) -> bool: ...


class _Logins(Protocol):
    async def may_send_as_async(self, username: str, address: str) -> bool: ...


class SenderUnverifiable(Exception):
    """A claim to one of our domains from an unvouched client that DNS trouble kept us from
    checking: a retry may succeed, so the answer is temporary."""

    def __init__(self, reply: str = UNVERIFIABLE_REPLY):
        super().__init__(reply)
        self.reply = reply


def dmarc_unverifiable(auth: AuthResults | None, directions: Iterable[str]) -> bool:
    """Whether inbound mail's DMARC was left undecided by DNS trouble under a policy that
    would act on it (``dmarc_policy`` ``temperror``, see :meth:`rules.auth.DmarcOutcome.disposition`):
    accepting it would skip the domain's p=reject, refusing it would refuse genuine mail for
    our DNS's sake; so the client retries (:class:`SenderUnverifiable`)."""
    return auth is not None and auth.dmarc_policy == "temperror" and "inbound" in directions


_ADDRESS_LIKE = re.compile(r"[^\s<>()\[\]\\,;:\"@]+@[A-Za-z0-9.-]+")


def header_from_addresses(parsed: list[str], raw_values: list[str]) -> list[str]:
    """The header From addresses to judge: the parsed ones, or, when the header does not
    parse (mail readers still show something), every address-like text in it, so an
    unparsable ``From:`` is not a way around the check."""
    if parsed:
        return parsed
    return [m.group(0).lower().rstrip(".") for value in raw_values for m in _ADDRESS_LIKE.finditer(value)]


_IDEOGRAPHIC_STOPS = re.compile("[\u3002\uff0e\uff61]")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f\u200b-\u200f\u2060\ufeff]")


def _claims_ours(directory: _Directory, address: str) -> bool:
    """Whether ``address`` would read as one of ours to a person or a next hop: the domain
    judged without what does not show or does not count (a trailing dot, a domain-literal's
    brackets, control and zero-width characters, fullwidth forms and ideographic full
    stops), so ``ceo@example.com.`` and ``ceo@example。com`` are claims too."""
    local, _, domain = _INVISIBLE.sub("", address).rpartition("@")
    # As IDNA (UTS 46) maps it, and as a reader sees it: fullwidth letters and the
    # ideographic full stops are example.com to a resolver and to the eye.
    domain = _IDEOGRAPHIC_STOPS.sub(".", unicodedata.normalize("NFKC", domain))
    domain = domain.strip("[]").rstrip(".")
    return bool(domain) and directory.is_internal(f"{local or 'x'}@{domain}")


def vouched(incoming: IncomingMessage) -> bool:
    """Whether the session itself speaks for the sender: a trusted network or a login."""
    return incoming.trusted_client or incoming.authenticated_user is not None


def needs_sender_auth(incoming: IncomingMessage, directory: _Directory) -> bool:
    """Whether SPF/DKIM/DMARC must run. Our own users' mail (a login, or an internal sender
    from a trusted network) is vouched for by the session and not looked up; everything
    else is, an unvouched claim to our domains above all."""
    if incoming.authenticated_user is not None:
        return False
    return not (incoming.trusted_client and incoming.mail_from and directory.is_internal(incoming.mail_from))


def identity_findings(incoming: IncomingMessage, header_from: Iterable[str], directory: _Directory,
                      auth: AuthResults | None) -> list[str]:
    """``[FORGED_INTERNAL_SENDER]`` when an unvouched client claims one of our domains
    (envelope or header From) and sender authentication does not back the claim; ``[]``
    otherwise. Raises :class:`SenderUnverifiable` when a DNS failure left the claim
    undecided. ``auth`` is None when no check ran (e.g. ``smtp.check_sender_auth: false``):
    then nothing backs the claim — fail closed."""
    if vouched(incoming):
        return []
    envelope_claim = bool(incoming.mail_from) and _claims_ours(directory, incoming.mail_from)
    from_addresses = [a for a in header_from if a]
    header_claim = any(_claims_ours(directory, a) for a in from_addresses)
    if not (envelope_claim or header_claim):
        return []
    # SPF answers for the envelope domain; DMARC for the (single) header From domain.
    envelope_backed = not envelope_claim or (auth is not None and auth.spf == "pass")
    from_domains = {a.rpartition("@")[2].lower() for a in from_addresses}
    header_backed = not header_claim or (auth is not None and auth.dmarc == "pass" and len(from_domains) == 1)
    if envelope_backed and header_backed:
        return []
    if auth is not None and "temperror" in (auth.spf, auth.dkim, auth.dmarc):
        raise SenderUnverifiable()
    return [FORGED_INTERNAL_SENDER]


async def login_findings(incoming: IncomingMessage, header_from: Iterable[str], directory: _Directory,
                         logins: _Logins | None) -> list[str]:
    """``[HEADER_FROM_NOT_OWNED]`` when a logged-in session (not from a trusted network) writes
    a header From in our domains that its login is not bound to; ``[]`` otherwise.

    The MAIL FROM binding (gateway/sender_logins.py) alone leaves the address people read:
    alice's login, MAIL FROM alice, ``From: CEO <ceo@example.com>`` to bob was internal mail
    from the CEO as far as bob and the rules could tell (what Exchange calls "Send As"
    without the permission). The header From is held to the same bindings; addresses outside
    our domains are the receiving side's DMARC to judge."""
    if incoming.authenticated_user is None or incoming.trusted_client or logins is None:
        return []
    for address in header_from:
        if address and _claims_ours(directory, address) and \
                not await logins.may_send_as_async(incoming.authenticated_user, address):
            return [HEADER_FROM_NOT_OWNED]
    return []


# The findings this module makes; a rules file must act on them or they change nothing.
IDENTITY_FINDINGS = (FORGED_INTERNAL_SENDER, HEADER_FROM_NOT_OWNED)


def unhandled_identity_findings(ruleset: object) -> list[str]:
    """The identity findings no enabled ``reject``/``quarantine`` rule of ``ruleset`` (a
    :class:`rules.ruleset.RuleSet`) names in a ``finding:`` condition: a rules file written
    before these findings existed (an upgrade keeps the administrator's own file) would let
    a spoofed insider through without a word, so ``mailwarden rules lint`` says so."""
    from rules import conditions as c

    def names(cond: object) -> set[str]:
        if isinstance(cond, c.FindingCond):
            return set(cond.names)
        if isinstance(cond, c.All | c.Any_):
            return set().union(*(names(i) for i in cond.items)) if cond.items else set()
        return set()   # under Not, a finding is what lets mail through, not what stops it

    handled: set[str] = set()
    for rule in getattr(ruleset, "rules", []):
        if rule.enabled and rule.action in ("reject", "quarantine"):
            handled |= names(rule.when)
    return [f for f in IDENTITY_FINDINGS if f not in handled]
