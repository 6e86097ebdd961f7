"""Enhanced status codes (RFC 3463, RFC 2034) on every SMTP reply the edge sends.

We advertise ``ENHANCEDSTATUSCODES``, which promises a ``class.subject.detail`` code after
the basic code of every reply except the greeting and the replies to HELO/EHLO (RFC 2034
section 3). Our own replies carry theirs; aiosmtpd's (``500 Error: bad syntax``, ``503
Error: need MAIL command``, ``552 Error: Too much mail data``, ``250 OK`` ...) do not, so
:func:`with_enhanced_code` adds the one that basic code means, in one place, at ``push``:
a reply aiosmtpd grows in a later version is covered too.

SASL challenges (``334``) and the DATA go-ahead (``354``) are intermediate replies that
carry no enhanced code (their text may be base64 the client decodes).
"""

from __future__ import annotations

# The enhanced code a basic code means where the reply has none (RFC 3463, RFC 5248).
_BY_CODE = {
    "500": "5.5.2",   # syntax error, command unrecognised / line too long
    "501": "5.5.4",   # syntax error in parameters or arguments
    "502": "5.5.1",   # command not implemented
    "503": "5.5.1",   # bad sequence of commands
    "504": "5.5.4",   # parameter not implemented
    "530": "5.7.0",   # authentication / STARTTLS required
    "552": "5.3.4",   # message too big for system
    "555": "5.5.4",   # MAIL/RCPT parameters not recognised
    "454": "4.7.0",   # TLS not available
    "421": "4.3.0",   # service not available, closing
    "451": "4.3.0",
    "452": "4.3.1",
    "554": "5.0.0",
    "550": "5.0.0",
}
_UNCODED = ("334", "354")


def has_enhanced_code(text: str) -> bool:
    """Whether ``text`` (the reply after its basic code) starts with ``c.s.d``."""
    head = text.split(" ", 1)[0]
    if len(head) < 5 or head[0] not in "245" or head[1] != ".":
        return False
    parts = head.split(".")
    return len(parts) == 3 and all(p.isdigit() and 0 < len(p) <= 3 for p in parts)


def with_enhanced_code(reply: str) -> str:
    """``reply`` with the enhanced code its basic code means, if it has none."""
    if len(reply) > 6 and reply[5] == "." and reply[4] in "245" and reply[6].isdigit():
        return reply        # the common case, our own replies ("250 2.1.5 ..."): already coded
    if len(reply) < 3 or (len(reply) > 3 and reply[3] not in " -"):
        return reply
    code = reply[:3]
    if code in _UNCODED or not code.isdigit() or code[0] not in "245":
        return reply
    text = reply[4:]
    if has_enhanced_code(text):
        return reply
    enhanced = _BY_CODE.get(code) or f"{code[0]}.0.0"
    sep = reply[3] if len(reply) > 3 else " "
    return f"{code}{sep}{enhanced} {text}" if text else f"{code}{sep}{enhanced}"
