"""What an attached web page does when it is opened (issue 19: phishing pages sent as files).

A phishing mail that fears the link check attaches the page itself: ``Remittance_0091827.html``
shows a sign-in form whose password goes to the sender's server, ``VM_00047_playback.htm`` sends
the browser on at once (a ``<meta http-equiv="refresh">`` or ``location.href = …``) to a page that
asks for it, and some write the page from an encoded string (``document.write(atob(…))``) so that
no filter reads it. No invoice, ticket or report attached as HTML does any of this.

The one genuine kind is the encrypted-mail envelope (Cisco's, Microsoft's, Proofpoint's, Zix's
``SecureMessage.html``, a bank's own secure mail): its form posts to, or its page opens, the service's
own site. A page whose every target is such a service, or the sender's own domain where the sender is
a known brand (the caller says which), does nothing suspect here; a phisher's page posts to its own
domain, which is why an unknown sender's is no exemption.

:func:`page_facts` reads the first :data:`MAX_PAGE` characters of the page when the attachment is
extracted; :func:`page_action` then says, with the sender known, in words the evidence shows, what
it does: ``"asks for a password"``, ``"opens <host>"``, ``"writes a hidden page"``, or ``""``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rules.html_tags import tag_windows
from rules.links import link_host

MAX_PAGE = 200_000  # characters read: a phishing page is small, and its form comes early

ASKS_PASSWORD = "asks for a password"
HIDDEN_PAGE = "writes a hidden page"

# tags read one by one (rules.html_tags), and what is looked for among their attributes
_INPUT, _FORM, _META = (re.compile(rf"(?i)<{name}\b") for name in ("input", "form", "meta"))
_PASSWORD_TYPE = re.compile(r"\btype\s*=\s*[\"']?\s*password\b", re.IGNORECASE)
_ACTION_NAME = re.compile(r"\baction\s*=", re.IGNORECASE)
_ACTION = re.compile(r"action\s*=\s*(?:\"([^\"]{0,2000})\"|'([^']{0,2000})'|([^\s>]{1,2000}))", re.IGNORECASE)
_REFRESH = re.compile(r"http-equiv\s*=\s*[\"']?refresh\b", re.IGNORECASE)
_URL_NAME = re.compile(r"\burl\s*=", re.IGNORECASE)
_REFRESH_URL = re.compile(r"url\s*=\s*[\"']?\s*([^\s\"'>]{1,2000})", re.IGNORECASE)
_SCRIPT_GOES = re.compile(r"\blocation(?:\.href)?\s*(?:=|\.replace\s*\(|\.assign\s*\()\s*[\"'`]([^\"'`]{1,2000})",
                          re.IGNORECASE)
_WRITES_ENCODED = re.compile(r"document\.write\s*\(\s*(?:window\.)?(?:atob|unescape|decodeURIComponent|"
                             r"String\.fromCharCode)\s*\(|\beval\s*\(\s*(?:atob|unescape|decodeURIComponent)\s*\(",
                             re.IGNORECASE)

# the encrypted-mail services whose envelopes are HTML pages with a form or a redirect of their own
SECURE_MESSAGE_HOSTS = ("res.cisco.com", "ciscoregisteredenvelope.com", "protection.outlook.com",
                        "office365.com", "microsoft.com", "proofpoint.com", "zixmessagecenter.com", "zixcorp.com",
                        "virtru.com",
                        "mimecast.com", "echoworx.com", "egress.com", "tutanota.com", "protonmail.com",
                        "proton.me")


@dataclass(frozen=True)
class PageFacts:
    """What an attached page holds, read when the attachment is (no sender known there yet)."""

    password: bool = False           # a password field
    posts_to: tuple[str, ...] = ()   # the hosts its forms send to
    forms: int = 0                   # forms, with an action or without
    opens: tuple[str, ...] = ()      # the hosts it sends the browser to at once
    hidden: bool = False             # it writes itself from an encoded string


def page_facts(page: str) -> PageFacts | None:
    """The facts of the attached HTML ``page`` (its first :data:`MAX_PAGE` characters); None when it
    has no form, no redirect and no encoded script (most pages)."""
    head = page[:MAX_PAGE]
    forms = len(re.findall(r"<form\b", head, re.IGNORECASE))
    password = any(_PASSWORD_TYPE.search(head, start, end) for start, end in tag_windows(head, _INPUT))
    goes = []  # (a refresh's target first, then a script's)
    for start, end in tag_windows(head, _META):
        # (its url in either order: content="0;url=…" may come before http-equiv="refresh")
        if _REFRESH.search(head, start, end) and (name := _URL_NAME.search(head, start, end)):
            goes += [url.group(1) for url in [_REFRESH_URL.match(head, name.start())] if url]
    goes += [m.group(1) for m in _SCRIPT_GOES.finditer(head)]
    opens = tuple(h for h in map(link_host, goes) if h)
    actions = [action for start, end in tag_windows(head, _FORM) if (name := _ACTION_NAME.search(head, start, end))
               for action in [_ACTION.match(head, name.start())] if action]
    posts = tuple(h for h in (link_host(next(g for g in m.groups() if g is not None)) for m in actions) if h)
    facts = PageFacts(password, posts, forms, opens, _WRITES_ENCODED.search(head) is not None)
    return facts if (facts.password or facts.opens or facts.hidden) else None


def _at(host: str, domains: Iterable[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def page_action(facts: PageFacts | None, sender_domains: Iterable[str] = ()) -> str:
    """What the attached page does when opened (see the module docstring): ``""`` for a page that only
    shows itself, or whose forms and redirects go to ``sender_domains`` (a known brand's own, as the
    caller passes them) or an encrypted-mail service."""
    if facts is None:
        return ""
    own = (*SECURE_MESSAGE_HOSTS, *(d.lower() for d in sender_domains))
    away = [h for h in (*facts.opens, *facts.posts_to) if not _at(h, own)]
    # (a form with no action posts where the page came from: a file, or its script's choice)
    if facts.password and (away or len(facts.posts_to) < facts.forms or not facts.forms):
        return ASKS_PASSWORD
    gone = [h for h in facts.opens if not _at(h, own)]
    if gone:
        return f"opens {gone[0]}"
    if facts.hidden:
        return HIDDEN_PAGE
    return ""
