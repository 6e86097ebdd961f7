"""Strict RFC 5321 envelope paths: what the SMTP edge refuses in MAIL FROM and RCPT TO.

aiosmtpd (through the standard library's header parser) is forgiving where forgiving is a
risk for a relay that other MTAs trust:

* ``MAIL FROM:<alice@example.com`` (no ``>``) is taken as if it were closed. A path is
  ``"<" Mailbox ">"`` (RFC 5321 4.1.2): an unclosed one is a syntax error (``501``), with
  Postfix's enhanced codes (``5.1.7`` for the sender, ``5.1.3`` for a recipient).
* A non-ASCII address is an SMTPUTF8 address (RFC 6531 3.4): without ``SMTPUTF8`` on MAIL
  it is refused with ``553 5.6.7``, as the RFC says, instead of being passed to a next hop
  that never agreed to it.
* ``bob%evil.org@example.com`` and ``evil.org!bob@example.com`` are routing instructions
  (the "percent hack", UUCP bang paths) to whichever MTA behind us still honours them: from
  a client that is neither in ``relay.trusted_networks`` nor logged in, a recipient whose
  local part holds ``%`` or ``!`` is refused with ``553 5.7.1`` (Postfix's
  ``allow_untrusted_routing = no``), so the gateway is never the open relay's front door.

The functions are pure: the session asks, they answer with the reply to send (or None).
:func:`parse_path` is aiosmtpd's own path parsing, made fast and crash-free.
"""

from __future__ import annotations

import re
from email._header_value_parser import get_addr_spec, get_angle_addr
from email.errors import HeaderParseError

ROUTING_CHARS = frozenset("%!")
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = rf"{_ATOM}(?:\.{_ATOM})*"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SIMPLE_PATH = re.compile(rf"<({_DOT_ATOM}@{_DOT_ATOM})>((?:[ \t].*)?)\Z", re.DOTALL)


def parse_path(arg: str, local_part_limit: int = 0) -> tuple[str | None, str | None]:
    """aiosmtpd's ``SMTP._getaddr`` (address, parameters), without the typing class it
    defines on every call (creating a class costs more than parsing the address; this runs
    for MAIL and every RCPT). Same results: ``('', '')`` for an empty argument,
    ``(None, None)`` for one that does not parse or whose local part is over the limit.
    Where the standard library's parser breaks on malformed input (IndexError,
    AttributeError, which aiosmtpd lets through as a ``500`` naming the exception) the
    client gets the proper "malformed address" reply instead. One difference: an address
    with control characters (which the stdlib lets through inside quotes) is refused here,
    not at delivery."""
    if not arg:
        return "", ""
    simple = _SIMPLE_PATH.match(arg)
    if simple is not None and not (rest := simple.group(2).lstrip()).startswith("("):
        # The everyday form, <dot.atom@dot.atom> and parameters: what the stdlib's parser
        # would return, at a fraction of the cost. Anything else goes the long way.
        addr = simple.group(1)
    else:
        parsed = _parse_address(arg)
        if parsed is None:
            return None, None
        addr, rest = parsed
        if _CONTROL.search(addr):   # not in any SMTP address (RFC 5321 4.1.2); no next hop takes one
            return None, None
    localpart = addr.rpartition("@")[0]
    if local_part_limit and len(localpart) > local_part_limit:
        return None, None
    return addr, rest


def _parse_address(arg: str) -> tuple[str, str] | None:
    try:
        if arg.lstrip().startswith("<"):
            address, rest = get_angle_addr(arg)
        else:
            address, rest = get_addr_spec(arg)
        return address.addr_spec, rest
    except HeaderParseError:
        return None
    except Exception:  # noqa: BLE001 - the stdlib parser breaks on some malformed input
        return None


def unclosed_path(arg: str) -> bool:
    """Whether the path argument (what follows ``FROM:`` / ``TO:``) opens ``<`` and never
    closes it before its parameters or the end of the line. Quoted strings and
    backslash escapes in the local part may hold ``>`` and spaces."""
    text = arg.lstrip(" \t")
    if not text.startswith("<"):
        return False
    quoted = escaped = False
    for ch in text[1:]:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch == ">":
            return False
        elif ch in " \t":
            return True
    return True


def syntax_reply(arg: str, *, sender: bool) -> str | None:
    """The ``501`` for an unclosed path, or None."""
    if not unclosed_path(arg):
        return None
    if sender:
        return "501 5.1.7 Bad sender address syntax: missing '>'"
    return "501 5.1.3 Bad recipient address syntax: missing '>'"


def non_ascii_reply(address: str, *, smtputf8: bool) -> str | None:
    """``553 5.6.7`` for a non-ASCII address in a transaction without ``SMTPUTF8``."""
    if smtputf8 or address.isascii():
        return None
    return f"553 5.6.7 <{address}>: non-ASCII address needs MAIL FROM with SMTPUTF8"


def has_routing(address: str) -> bool:
    """Whether the local part holds ``%`` or ``!`` (quoted or not: the next hop unquotes)."""
    local = address.rpartition("@")[0] if "@" in address else address
    return not ROUTING_CHARS.isdisjoint(local)


def routing_reply(address: str) -> str:
    return f"553 5.7.1 <{address}>: '%' and '!' routing in the local part is not accepted from this client"
