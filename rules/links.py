"""Where a message's links lead, and whether a sign-in it asks for leads to the service it names.

Credential phishing says what the genuine notice says ("Maersk has shared a B/L with you via
OneDrive: sign in with your corporate email and password to view it"); its sender may name no
brand at all. What it cannot fake is where the reader is sent: OneDrive's own shares lead to
``sharepoint.com`` or ``onedrive.live.com``, DocuSign's to ``docusign.net``, while the lure's
link goes to ``onedrive-share-docs.com``. So a message that asks for the reader's data
(:mod:`rules.scams`' personal-data ask) and names a service none of whose domains any of its
links reaches is sending the reader somewhere else than it says (``off_brand_link``, one
signal). A link whose domain wears a brand's name (``docusign-secure-view.net``) names the
brand as well as the text does.

Read only when a personal-data ask was found (rare in genuine mail), so the links of an HTML
body, which its text view drops, are found by walking the message's HTML parts again here
rather than on every message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rules import mime_tree
from rules.charsets import decode_bytes
from rules.impersonation import BRANDS, _owned, brand_in_domain
from rules.part_decoding import _charset_of, _payload_bytes

MAX_HTML = 300_000  # characters of each HTML part looked at for links (a lure puts its button early)
MAX_PARTS = 50  # HTML parts looked at

# a link written out in a text (https://…, www.…) and an HTML link's target; the host only
_URL_IN_TEXT = re.compile(r"(?i)(?:\bhttps?://|(?<![\w.@-])(?=www\.))([a-z0-9\u00a1-\uffff][a-z0-9\u00a1-\uffff.-]*)")
_HREF = re.compile(r"""(?i)\bhref\s*=\s*["']?\s*(?:https?:)?//([^/"'\s>?#:\\]+)""")

# services whose sign-in a lure asks for, named in its text, and the domains the genuine service
# sends its readers to (besides those in rules.impersonation.BRANDS). Names only whole words; an
# everyday word that is also a brand ("apple", "ups", "swift") is left out: a fruit wholesaler's
# mail asking for bank details would otherwise "name" Apple.
_EXTRA_SERVICES: dict[str, tuple[str, ...]] = {
    "google drive": ("google.com", "goo.gl", "googleusercontent.com"),
    "google docs": ("google.com", "goo.gl", "googleusercontent.com"),
    "gmail": ("google.com", "gmail.com"),
    "wetransfer": ("wetransfer.com", "we.tl"),
    "adobe": ("adobe.com", "adobesign.com", "echosign.com", "acrobat.com", "adobe.ly"),
    "microsoft teams": ("microsoft.com", "microsoftonline.com", "office.com", "live.com", "aka.ms"),
    "腾讯企业邮": ("qq.com", "tencent.com"),
    "企业微信": ("qq.com", "tencent.com", "weixin.qq.com"),
    "钉钉": ("dingtalk.com", "aliyun.com", "alibaba-inc.com"),
    "飞书": ("feishu.cn", "larksuite.com", "larkoffice.com"),
    "网易企业邮": ("163.com", "126.com", "netease.com", "qiye.163.com"),
    "阿里邮箱": ("aliyun.com", "alibaba-inc.com", "mxhichina.com"),
}
_SERVICES: dict[str, tuple[str, ...]] = {
    **{name: owners + (("aka.ms",) if "microsoft.com" in owners else ())
       for name, owners in BRANDS.items() if name not in ("apple", "ups", "swift", "office 365")},
    **_EXTRA_SERVICES,
}
_SERVICE_NAMES = re.compile(
    "|".join(rf"(?<![a-z0-9]){re.escape(n)}(?![a-z0-9])" if n.isascii() else re.escape(n)
             for n in sorted(_SERVICES, key=len, reverse=True)))


def _host(value: str) -> str | None:
    host = value.strip().strip(".").lower().rsplit("@", 1)[-1]
    host = host.encode("idna", errors="ignore").decode("ascii", errors="ignore") if not host.isascii() else host
    return host if "." in host and len(host) <= 253 else None


def text_link_hosts(texts: Iterable[str]) -> set[str]:
    """The hosts of the links written out in ``texts`` (a plain body's https://…, www.…)."""
    return {h for t in texts for m in _URL_IN_TEXT.finditer(t) for h in [_host(m.group(1))] if h}


def html_link_hosts(raw: bytes) -> set[str]:
    """The hosts of the links (``href``) in a message's HTML body parts: a button's target, which
    the text view of the HTML (its visible words) does not hold."""
    hosts: set[str] = set()
    try:
        top, body_start = mime_tree.entity(raw, 0)
        tree = mime_tree.walk(raw, top, body_start, max_parts=2000, max_depth=50)
    except Exception:  # noqa: BLE001 - an unreadable structure has no links to read
        return hosts
    seen = 0
    for leaf in tree.leaves:
        if leaf.msg.get_content_type() != "text/html":
            continue
        seen += 1
        if seen > MAX_PARTS:
            break
        try:
            data, _clean = _payload_bytes(leaf.msg)
            html, _ok = decode_bytes(data, _charset_of(leaf.msg))
        except Exception:  # noqa: BLE001 - one broken part must not hide the rest
            continue
        hosts.update(h for m in _HREF.finditer(html, 0, MAX_HTML) for h in [_host(m.group(1))] if h)
    return hosts


# what a sign-in asked for says (rules.scams' personal-data ask, matched): a password, credentials,
# the account to verify; not bank or card details
SIGN_IN = re.compile(r"pass(?:word|code)|credential|log-?in|sign-?in|apple id|mailbox|"
                     r"\b(?:verify|confirm|unlock|restore|reactivate|re-?validate|validate)\b|"
                     r"(?:e-?mail|microsoft|office ?365|outlook) account|密码|口令|登录|登陆|邮箱|验证|核实|解锁|激活")


def services_named(texts: Iterable[str]) -> set[str]:
    """The sign-in services named in ``texts`` (casefolded, Chinese folded to simplified)."""
    return {m.group() for t in texts for m in _SERVICE_NAMES.finditer(t)}


def off_brand_link(named: Iterable[str], hosts: Iterable[str], senders: Iterable[str],
                   our_domains: Iterable[str] = (), *, sign_in: bool = True,
                   targets: Iterable[str] | None = None) -> str | None:
    """Where the reader is sent elsewhere than the service the message names, said as evidence
    ("names 'onedrive', links to onedrive-share-docs.com"), or None.

    ``named``: the services its text names; ``hosts``: its links' hosts; ``senders``: its From
    addresses (the service's own mail names itself: a sender at one of its domains is it);
    ``our_domains``: the directory's (a link to our own site is ours to trust). A link host
    that wears a service's name in its words names that service too, whatever is asked;
    a service named in the text counts only where what is asked is a sign-in (``sign_in``: a
    password, credentials, the account to verify), as a lure's is (a supplier that names its
    bank and asks for bank details is no lure). ``targets``: where a click really goes, when the
    message says (its HTML links' targets; default ``hosts``): only a target reaching the
    service owns the sign-in, as a lure may show the genuine address as its button's words
    (``<a href="https://evil.test">https://login.microsoftonline.com</a>``)."""
    ours = [d.lower() for d in our_domains]
    links = sorted({h for h in hosts if not _owned(h, ours)})
    reached = links if targets is None else sorted({h for h in targets if not _owned(h, ours)})
    if not links:
        return None
    sender_domains = [a.rsplit("@", 1)[-1].lower() for a in senders if "@" in a]
    claimed = dict.fromkeys(n for n in named if n in _SERVICES)
    for h in links:
        worn = brand_in_domain(h)
        if worn and worn in _SERVICES and not _owned(h, _SERVICES[worn]):
            return f"a link to {h} wears the name {worn!r}"
    for name in claimed if sign_in else ():
        owners = _SERVICES[name]
        if any(_owned(d, owners) for d in sender_domains):
            continue  # the service's own mail
        if reached and not any(_owned(h, owners) for h in reached):
            return f"names {name!r}, its links lead to {reached[0]}"
    return None
