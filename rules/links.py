"""Where a message's links lead, and whether a lure sends the reader off the brand it wears.

Credential phishing says what the genuine notice says ("Maersk has shared a B/L with you via
OneDrive: sign in with your corporate email and password to view it"); its sender may name no
brand at all. What it cannot fake is where the reader is sent: OneDrive's own shares lead to
``sharepoint.com`` or ``1drv.ms``, DocuSign's to ``docusign.net``, while the lure's link goes to
``onedrive-share-docs.com``. Two facts count (``off_brand_link``, one scam signal, read only
where :mod:`rules.scams` found personal data asked):

- a link's domain wears a sign-in brand's name it does not own (``dhl-release.top``);
- the text says its document comes through a service ("shared with you via OneDrive") and asks
  for a sign-in, and none of its links reaches that service;
- a sign-in asked at a link that carries its own page (``data:``, ``javascript:``), at a public
  IP address, however written (``http://3232235777/``), or on shared hosting anyone may publish on
  (``pub-….r2.dev``, a Weebly site) where no link reaches the sender's own site: no genuine sign-in
  page lives there;
- a link's domain poses as a government's (``jicha-gov.cn``), or writes the sender's own domain
  into its labels (``yuanjing-zhiye.com.bid-download.cn``), or a brand's (``admin.booking.com.
  extranet-verify.help``);
- the From line wears a brand and the sign-in it asks leads off the brand (and off the sender's
  own site, unless a password is spoken of: a reseller's newsletter links to its own shop);
- a link shows one site's address as its words and leads to a look-alike of it
  (``<a href="https://planningportal-docs.co/…">https://www.planningportal.co.uk/…</a>``): a
  newsletter's tracking link leads to its mailing service, whose name is not the site's.

A link's target is read as a browser reads it (character references, tabs and backslashes in the
scheme: ``&#104;ttps:\\evil.test``), since that is where the click goes.

A service only named is not enough: a SaaS's "sign in with your Microsoft 365 credentials" (its
single sign-on), an accountant's "filed with HMRC" name services whose links are elsewhere, and
are genuine. The links of an HTML body, which its text view drops, are found by walking the
message's HTML parts again here (only when an ask was found) rather than on every message.
"""

from __future__ import annotations

import html
import ipaddress
import re
from collections.abc import Iterable, Iterator

from rules import mime_tree
from rules.auth import organisational_domain
from rules.charsets import decode_bytes
from rules.html_tags import tag_windows
from rules.impersonation import BRANDS, DOMAIN_WORDS, _distance, _owned, brand_owned, poses_as_state
from rules.part_decoding import _charset_of, _payload_bytes

MAX_HTML = 300_000  # characters of each HTML part looked at for links (a lure puts its button early)
MAX_PARTS = 50  # HTML parts looked at

# a link written out in a text (https://…, www.…) and an HTML link's target: the authority (user
# info, host, port) only, ASCII (a host written in Unicode is read as its words, not resolved)
_URL_IN_TEXT = re.compile(r"(?i)(?:(?<![a-z0-9])https?://|(?<![\w.@-])(?=www\.))([a-z0-9._~%!$&'()*+,;=:@-]+)")
# a link's tag opened (rules.html_tags walks them), and its href attribute inside the tag with the value
_LINK_TAG = re.compile(r"(?i)<a[\s/]")
_HREF_NAME = re.compile(r"(?i)(?<![\w-])href")
_HREF = re.compile(r"""(?i)href\s*=\s*(?:"([^"]{0,2000})|'([^']{0,2000})|([^\s>]{1,2000}))""")
# a link's scheme, once a browser has read it (character references decoded, tabs and newlines dropped)
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]{0,30}):")
# schemes whose link opens a page carried in the link itself (a phishing form in data:text/html)
_CARRIED = frozenset({"data", "javascript", "vbscript", "blob", "file"})
# a host a browser reads as an IPv4 address: one to four numbers, decimal, octal (leading 0) or hex
_NUMERIC_HOST = re.compile(r"(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+)){0,3}\.?")

# services whose mail a lure says it comes through ("shared with you via OneDrive") and the
# domains the genuine service sends its readers to (besides those in rules.impersonation.BRANDS)
_EXTRA_SERVICES: dict[str, tuple[str, ...]] = {
    "onedrive": ("1drv.ms",),
    "sharepoint": ("sharepoint.cn", "1drv.ms"),
    "google drive": ("google.com", "goo.gl", "googleusercontent.com"),
    "google docs": ("google.com", "goo.gl", "googleusercontent.com"),
    "wetransfer": ("wetransfer.com", "we.tl"),
    "adobe sign": ("acrobat.com", "adobe.ly"),
    "adobe acrobat": ("adobe.com", "adobesign.com", "echosign.com", "acrobat.com", "adobe.ly"),
}
# the services a document or message is said to come through (a lure's claim)
_SHARING = ("onedrive", "sharepoint", "docusign", "adobe sign", "adobe acrobat", "dropbox", "google drive",
            "google docs", "wetransfer", "microsoft", "microsoft 365", "office 365", "outlook")
# the services whose notices only they send (an e-signature, a file transfer, a share): no reseller writes as them
_RELAYS = frozenset({"docusign", "adobe sign", "adobe acrobat sign", "acrobat sign", "adobe acrobat", "dropbox",
                     "wetransfer", "sharefile", "onedrive", "sharepoint"})
# (Box is left out: "delivered in a box" says nothing of a service)
_SERVICES: dict[str, tuple[str, ...]] = {
    name: (*BRANDS.get(name, ()), *_EXTRA_SERVICES.get(name, ()), "aka.ms", "1drv.ms",
          "safelinks.protection.outlook.com")
    if "microsoft.com" in BRANDS.get(name, ()) else (*BRANDS.get(name, ()), *_EXTRA_SERVICES.get(name, ()))
    for name in _SHARING
}
_VIA = "|".join(re.escape(n) for n in sorted(_SERVICES, key=len, reverse=True))
# the claim: "shared with you via OneDrive", "sent you a document through DocuSign", 通过OneDrive共享
_CLAIMED_VIA = re.compile(
    rf"\b(?:shared?|sent|delivered|uploaded|stored|hosted|available|secured|protected|encrypted|signature|"
    rf"(?:sign|signed|signing)(?![- ]?(?:in|on|up|out)\b))\b"
    rf"[^.!?\n]{{0,60}}?\b(?:via|through|on|using|in|by)\s+(?:the\s+|your\s+|our\s+|a\s+)?({_VIA})(?![a-z0-9])|"
    rf"(?:通过|经由|使用|用)\s*({_VIA})\s*(?:共享|分享|发送|传送|发来)")
# words of a link's domain that wear a sign-in brand ("onedrive-live-docs.com", "dhl-release.top"); a
# regulator's short code (csrc, pbc) is left out: csrc.nist.gov is no 证监会, hkma.org an association
_LINK_BRANDS = frozenset(BRANDS) - {"人民银行", "证监会", "金融监督管理", "hkma"}
# the brands' own domains, longest first, as a lure writes them into its host's left-hand labels
# ("admin.booking.com.extranet-verify.help", "exmail.qq.com-anquan.xyz"), their dots as hyphens too
# ("1drv-ms.share-files.net", "login-microsoftonline-com.evil.test")
_BRAND_DOMAINS = sorted({(spelled, b) for b in _LINK_BRANDS for d in BRANDS[b] if "." in d
                         for spelled in (d, d.replace(".", "-"))}, key=lambda x: -len(x[0]))
# hosting anyone may publish a page on under the platform's name (a sign-in page there is nobody's own:
# the compromised mailbox's lure links to pub-….r2.dev, sharepoint-x.web.app, a Weebly site)
_SHARED_HOSTING = ("r2.dev", "pages.dev", "workers.dev", "web.app", "firebaseapp.com", "appspot.com",
                   "netlify.app", "vercel.app", "glitch.me", "herokuapp.com", "onrender.com", "replit.app",
                   "weebly.com", "weeblysite.com", "wixsite.com", "wixstudio.io", "000webhostapp.com",
                   "godaddysites.com", "square.site", "webflow.io", "framer.website", "jimdosite.com",
                   "mystrikingly.com", "yolasite.com",
                   "blob.core.windows.net", "web.core.windows.net", "azurewebsites.net", "storage.googleapis.com",
                   "firebasestorage.googleapis.com", "s3.amazonaws.com", "aliyuncs.com", "myqcloud.com",
                   "ipfs.io", "dweb.link", "cloudflare-ipfs.com", "ngrok.io", "ngrok-free.app", "trycloudflare.com",
                   "surge.sh", "fleek.co", "typedream.app", "canva.site")
# mail-sending services and social sites a newsletter's links go through (no page of the brand's, nor a lure's)
_MAILING = ("list-manage.com", "mailchimp.com", "mcusercontent.com", "campaign-archive.com", "sendgrid.net",
            "mailgun.org", "hubspotlinks.com", "hubspot.com", "hs-sites.com", "exacttarget.com", "marketo.com",
            "mktoweb.com", "rs6.net", "constantcontact.com", "sparkpostmail.com", "mandrillapp.com", "createsend.com",
            "cmail19.com", "cmail20.com", "awstrack.me", "pardot.com", "eloqua.com", "mailjet.com", "brevo.com",
            "sendinblue.com", "klaviyo.com", "mailerlite.com", "zohocampaigns.com", "linkedin.com", "twitter.com",
            "x.com", "facebook.com", "youtube.com", "instagram.com", "weibo.com", "wechat.com")


# link shorteners and mail filters' link rewriting: an address shown over them is no disguise
_REDIRECTORS = ("safelinks.protection.outlook.com", "urldefense.com", "urldefense.proofpoint.com", "mimecast.com",
                "mimecastprotect.com", "cudasvc.com", "t.co", "bit.ly", "lnkd.in", "aka.ms", "goo.gl", "ow.ly",
                "tinyurl.com", "rebrand.ly", "trib.al", "buff.ly")
_HOSTNAME = re.compile(r"[a-z0-9.-]+")


def _host(authority: str) -> str | None:
    """The host of a URL's authority (user info and port taken off: in ``https://login.microsoftonline
    .com:443@evil.test`` the host is ``evil.test``), lowercased; an IP address as ``(IP 185.22.10.4)``,
    however written (``3232235777``, ``0xB9160A04``, ``[2001:db8::1]``); or None when it is neither."""
    at = authority.rsplit("@", 1)[-1].lower()
    if at.startswith("["):
        try:
            return f"(IP {ipaddress.IPv6Address(at[1:at.find(']')])})"
        except ValueError:
            return None
    m = _HOSTNAME.match(at)
    host = m.group().strip(".-") if m else ""
    if _NUMERIC_HOST.fullmatch(host):
        ip = _ipv4(host)
        return f"(IP {ip})" if ip else None
    return host if "." in host and len(host) <= 253 else None


def _ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The address a browser reads in a numeric host (the WHATWG URL standard's IPv4 parser: each
    part decimal, octal or hex, the last filling the bytes left), or None where it is none."""
    try:
        parts = [int(p, 16) if p.startswith("0x") else int(p, 8) if len(p) > 1 and p.startswith("0") else int(p)
                 for p in (p if p != "0x" else "0x0" for p in host.rstrip(".").split("."))]
    except ValueError:
        return None
    *head, last = parts
    if any(p > 255 for p in head) or last >= 256 ** (4 - len(head)):
        return None
    return ipaddress.IPv4Address(sum(p << (8 * (3 - i)) for i, p in enumerate(head)) + last)


def link_host(target: str) -> str | None:
    """Where an HTML link's target (``href``'s value, as written) sends a click, read as a browser
    reads it: character references decoded (``&#104;ttps://``), tabs and newlines dropped, a
    backslash for a slash. The host (:func:`_host`); ``(data: URL)`` and the like for a page carried
    in the link itself; None for a link that opens no page elsewhere (``mailto:``, a relative path)."""
    url = re.sub(r"[\x00-\x20]", "", html.unescape(target)).replace("\\", "/")
    m = _SCHEME.match(url.lower())
    scheme = m.group(1) if m else None
    if scheme in _CARRIED:
        return f"({scheme}: URL)"
    rest = url[m.end():] if m else url
    if scheme not in (None, "http", "https") or not rest.startswith("//"):
        return None
    return _host(re.split(r"[/?#]", rest[2:], maxsplit=1)[0])


def _carried_or_ip(host: str) -> bool:
    """Whether a link's host is a page carried in the link or a public IP address: where no genuine
    sign-in sends its reader (a vendor's router at 192.168.1.1 is on the reader's own network)."""
    if not host.startswith("("):
        return False
    if not host.startswith("(IP "):
        return True
    ip = ipaddress.ip_address(host[4:-1])
    return ip.is_global


def _owned_link(host: str, owners: Iterable[str], brand: str) -> bool:
    """Whether ``host`` is the brand's: under one of its domains, its name under a country's ending
    (``www.hsbc.com.au``, ``tenant.sharepoint.cn``), or under its own top-level domain
    (``admin.cloud.microsoft``, ``mydhl.express.dhl``)."""
    if _owned(host, owners) or _owned(organisational_domain(host), owners):
        return True
    return host.rsplit(".", 1)[-1] == brand.replace(" ", "")


def text_link_hosts(texts: Iterable[str]) -> set[str]:
    """The hosts of the links written out in ``texts`` (a plain body's https://…, www.…)."""
    return {h for t in texts for m in _URL_IN_TEXT.finditer(t) for h in [_host(m.group(1))] if h}


def _html_parts(raw: bytes) -> Iterable[str]:
    """The decoded text of a message's HTML body parts (at most MAX_PARTS)."""
    try:
        top, body_start = mime_tree.entity(raw, 0)
        tree = mime_tree.walk(raw, top, body_start, max_parts=2000, max_depth=50)
    except Exception:  # noqa: BLE001 - an unreadable structure has no links to read
        return
    seen = 0
    for leaf in tree.leaves:
        if leaf.msg.get_content_type() != "text/html":
            continue
        seen += 1
        if seen > MAX_PARTS:
            break
        try:
            data, _clean = _payload_bytes(leaf.msg)
            text, _ok = decode_bytes(data, _charset_of(leaf.msg))
        except Exception:  # noqa: BLE001 - one broken part must not hide the rest
            continue
        yield text


def html_link_hosts(raw: bytes) -> set[str]:
    """The hosts of the links (``href``) in a message's HTML body parts: a button's target, which
    the text view of the HTML (its visible words) does not hold."""
    return html_links(raw)[0]


_TAG = re.compile(r"<[^>]{0,500}>")
_SHOWN_HOST = re.compile(r"(?i)(?:https?://)?((?:[a-z0-9-]{1,63}\.){1,8}[a-z]{2,24})(?![a-z0-9-])")
_ANCHOR_WORDS = 500  # characters of a link's words looked at (an address shown is short)


def _hrefs(text: str) -> Iterator[re.Match[str]]:
    """The href of each link tag (``<a …>``, ``<a/href=…>``) in ``text``: its first href attribute, the value
    read whole."""
    for start, end in tag_windows(text, _LINK_TAG):
        for name in _HREF_NAME.finditer(text, start, end):
            if (found := _HREF.match(text, name.start())) is not None:
                yield found
                break


def html_links(raw: bytes) -> tuple[set[str], set[tuple[str, str]]]:
    """One walk over a message's HTML body parts: the hosts its links lead to, and ``(shown, target)``
    for the links whose words are an address (the site the reader sees, ``https://www.planningportal
    .co.uk/…``, and where the click goes). Each link's words are found with a bounded search from its
    tag (hostile HTML of unclosed links costs one pass)."""
    hosts: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for text in _html_parts(raw):
        low = text[:MAX_HTML].lower()
        for m in _hrefs(text[:MAX_HTML]):
            target = link_host(m[1] or m[2] or m[3] or "")
            if not target:
                continue
            hosts.add(target)
            opened = low.find(">", m.end(), m.end() + 500)
            closed = low.find("</a", opened, opened + _ANCHOR_WORDS) if opened >= 0 else -1
            if closed < 0:
                continue
            words = html.unescape(_TAG.sub(" ", text[opened + 1:closed])).strip().lower()
            shown = _SHOWN_HOST.fullmatch(words.split("/", 3)[2] if words.startswith(("http://", "https://"))
                                          else words.split("/", 1)[0])
            if shown:
                pairs.add((shown.group(1).strip("."), target))
    return hosts, pairs


def shown_links(raw: bytes) -> set[tuple[str, str]]:
    """``(shown, target)`` hosts of the HTML links whose words are an address (:func:`html_links`)."""
    return html_links(raw)[1]


def _resembles(site: str, shown: str) -> bool:
    """Whether the registrable domain ``site`` is made to look like ``shown``: its name holds
    ``shown``'s name as a word (``planningportal-docs.co``) or a word a letter away from it
    (``docsign-envelope.net`` for ``docusign.com``)."""
    name, words = shown.split(".", 1)[0], re.split(r"[-.]", site.split(".", 1)[0])
    if len(name) < 4:
        return False
    return name in words or name == "".join(words) or \
        (len(name) >= 6 and any(abs(len(w) - len(name)) <= 1 and _distance(w, name) <= 1 for w in words))


DISGUISED_LINK = "a link shows"  # how a link that shows one site and leads to a copy of it is said


def disguised(pairs: Iterable[tuple[str, str]], our_domains: Iterable[str] = ()) -> str | None:
    """:func:`_disguised` for the (shown, target) hosts of a message's links and the directory's domains."""
    return _disguised(pairs, [d.lower() for d in our_domains])


def _disguised(pairs: Iterable[tuple[str, str]], ours: list[str]) -> str | None:
    """A link that shows one site and leads to a look-alike of it, said as evidence."""
    for shown, target in sorted(pairs):
        site, seen = organisational_domain(target), organisational_domain(shown)
        if target.startswith("(") or site == seen or _owned(target, ours) or _under(target, (*_MAILING, *_REDIRECTORS)):
            continue
        if any(_owned(shown, owners) and _owned(target, owners) for owners in BRANDS.values()):
            continue  # (one brand's two domains: docusign.com shown, docusign.net the target)
        if _resembles(site, seen) or target.startswith(shown + "."):
            # (or the host shown worn whole left of another domain: oa.example.com shown, the link to
            # oa.example.com.weaver-oa-service.cn)
            return f"{DISGUISED_LINK} {shown} and leads to {target}"
    return None


# what a sign-in asked for says (rules.scams' personal-data ask, matched): a password, credentials,
# the account to verify; not bank or card details
SIGN_IN = re.compile(r"pass(?:word|code)|credential|log[- ]?in|sign[- ]?in|apple id|mailbox|"
                     r"\b(?:verify|confirm|unlock|restore|reactivate|re-?validate|validate)\b|"
                     r"(?:e-?mail|microsoft|office ?365|outlook) account|密码|口令|登录|登陆|邮箱|验证|核实|解锁|激活")


# the reader's password or mailbox account spoken of (a lure's "keep your current password", 密码即将过期,
# 请使用企业邮箱账号登录): what no shop's own sign-in asks for
PASSWORD = re.compile(r"pass(?:word|code)|credential|密码|口令|(?:e-?mail|mailbox|work|corporate|company) account|"
                      r"邮箱(?:账号|帐号|账户)|企业邮箱")


def claimed_services(texts: Iterable[str]) -> set[str]:
    """The services ``texts`` (casefolded) say the message's document or mail comes through ("shared
    with you via OneDrive", "sent through DocuSign", 通过OneDrive共享): a lure's claim. A service only
    named ("sign in with your Microsoft 365 account", a SaaS's single sign-on) is no such claim."""
    return {next(g for g in m.groups() if g) for t in texts for m in _CLAIMED_VIA.finditer(t)}


def _worn(host: str) -> str | None:
    """The sign-in brand a word of ``host``'s registrable domain wears (``onedrive-live-docs.com``:
    onedrive), or whose own domain its left-hand labels spell (``admin.booking.com.extranet-verify.help``,
    ``exmail.qq.com-anquan.xyz``), or None (a company's own ``sharepoint.bigco-energy.com`` is its
    server's name)."""
    words = re.split(r"[.\-]", organisational_domain(host))
    pairs = list(zip(words, words[1:], strict=False))
    for w in (*words, *("-".join(p) for p in pairs), *("".join(p) for p in pairs)):
        brand = DOMAIN_WORDS.get(w)
        if brand in _LINK_BRANDS:
            return brand
    if host.count(".") > 1:
        for domain, brand in _BRAND_DOMAINS:
            at = host.find(domain)
            while at >= 0:
                if host[at - 1:at] in ("", ".", "-") and host[at + len(domain):at + len(domain) + 1] in (".", "-") \
                        and not _owned(host, BRANDS[brand]):
                    return brand
                at = host.find(domain, at + 1)
    return None


def _left_of(host: str, domain: str, site: str) -> bool:
    """Whether ``domain`` is written whole into ``host``'s labels left of its registrable ``site``."""
    for sep in (".", "-"):
        at = host.find(domain + sep)
        if at >= 0 and host[at - 1:at] in ("", ".", "-") and at + len(domain) < len(host) - len(site):
            return True
    return False


def _wears(host: str, domain: str, site: str) -> bool:
    """Whether ``domain`` is written into ``host``'s labels left of its registrable ``site`` (not the domain's own)
    as a lure writes it: dotted (``example.com.secure-login.net``), or hyphenated inside a label with a mail or
    sign-in word (``mail-example-com``, ``example-com-login``). A label that is the domain alone is a tenant's name
    on its service (``example-com.slack.com``, ``example-com.netlify.app``) and ``www-example-com`` a proxy's
    spelling of our site (Google's AMP cache, Translate): a review found a dozen such genuine links."""
    if site == domain or site.endswith("." + domain):
        return False
    left = host[:len(host) - len(site)].rstrip(".")
    if f".{domain}." in f".{left}.":
        return True
    hyphenated = domain.replace(".", "-")
    for label in left.split("."):
        if hyphenated in label and label != hyphenated:
            rest = [w for w in label.replace(hyphenated, " ").replace("-", " ").split() if w]
            if rest and all(w in LURE_HOST_WORDS for w in rest):
                return True
    return False


# the words a lure's host puts beside our domain (mail-example-com, example-com-login); not "www" or "preview"
LURE_HOST_WORDS = frozenset({"mail", "webmail", "email", "mailbox", "owa", "outlook", "login", "signin", "sso",
                             "auth", "secure", "security", "verify", "verification", "account", "accounts", "portal",
                             "update", "support", "helpdesk", "admin", "quota", "office", "cloud", "online", "docs",
                             "share", "file", "files", "hr", "payroll", "it"})


def _under(host: str, suffixes: Iterable[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in suffixes)


def off_brand_link(claimed: Iterable[str], hosts: Iterable[str], senders: Iterable[str],
                   our_domains: Iterable[str] = (), *, sign_in: bool = True,
                   targets: Iterable[str] | None = None, from_brand: str | None = None,
                   password: bool = False, shown: Iterable[tuple[str, str]] = ()) -> str | None:
    """Where the reader is sent elsewhere than the brand or service the message wears, said as
    evidence, or None:

    - a link's domain wears a sign-in brand's name it does not own (``onedrive-live-docs.com``,
      ``dhl-release.top``), whatever is asked;
    - the text says its document comes through a service (``claimed``: "shared with you via
      OneDrive") and asks for a sign-in (``sign_in``: a password, credentials, the account to
      verify), and no link it has reaches that service;
    - a sign-in is asked and a link's target carries its own page (``data:``) or is a public IP address,
      or is a page on shared hosting (``pub-….r2.dev``, ``x.web.app``: anyone's page);
    - the From line wears a brand (``from_brand``: :func:`rules.impersonation.impersonated`), a sign-in
      is asked, and no link reaches the brand while one leads elsewhere than a mailing service: to
      the sender's own site counts only where the reader's password is spoken of (``password``; a
      reseller's "Microsoft 365 Team" newsletter links to its own shop).

    ``hosts``: its links' hosts; ``senders``: its From addresses (a sender at one of the brand's
    domains is the brand's own mail); ``our_domains``: the directory's (a link to our own site is
    ours). ``targets``: where a click really goes, when the message says (its HTML links' targets;
    default ``hosts``): only a target reaching the service owns the sign-in, as a lure may show the
    genuine address as its button's words (``<a href="https://evil.test">https://login.microsoftonline.com</a>``).
    ``shown``: the (shown, target) hosts of links whose words are an address (:func:`shown_links`)."""
    ours = [d.lower() for d in our_domains]
    links = sorted({h for h in hosts if not _owned(h, ours)})
    reached = links if targets is None else sorted({h for h in targets if not _owned(h, ours)})
    if not links:
        return None
    disguised = _disguised(shown, ours)
    if disguised:
        return disguised
    carried = next((h for h in reached if _carried_or_ip(h)), None) if sign_in else None
    if carried:
        return f"its sign-in link leads to {carried[1:-1]}"
    sender_domains = [a.rsplit("@", 1)[-1].lower() for a in senders if "@" in a]
    own_sites = {organisational_domain(d) for d in sender_domains}
    own_names = {w for d in own_sites for w in [d.split(".", 1)[0]] if len(w) >= 4}
    if sign_in and not any(organisational_domain(h) in own_sites for h in reached):
        # (where a link reaches the sender's own site, the sign-in is there and a file on shared hosting is a
        # download; a page named for the sender is its own: pinecrest-status.netlify.app from pinecrest.com)
        hosted = next((h for h in reached if _under(h, _SHARED_HOSTING) and
                       not any(name in h for name in own_names)), None)
        if hosted:
            return f"its sign-in page is on shared hosting ({hosted})"
    for h in links:
        if h.startswith("("):
            continue
        site = organisational_domain(h)
        if poses_as_state(h):  # (the sender's own too: no government writes from a domain that only spells one)
            return f"a link to {h} poses as a government's site"
        # the sender's own domain written into another's labels (yuanjing-zhiye.com.bid-download.cn)
        mimic = next((d for d in own_sites if d != site and not site.startswith(f"{d}.") and
                      _left_of(h, d, site)), None)  # (acme.com.cn is acme.com's own)
        if mimic:
            return f"a link to {h} wears the sender's own domain {mimic}"
        worn_ours = next((d for d in ours if _wears(h, d, site)), None) if not brand_owned(site) else None
        # (our own domain in another's labels: mail-example-com.kuorong-webmail.com, the quota lure's; not a service
        # hosting our tenant under that name and writing from it: example-com.atlassian.net's own notices)
        if worn_ours and not any(_wears(sd, worn_ours, organisational_domain(sd)) for sd in sender_domains):
            return f"a link to {h} wears our own domain {worn_ours}"
    for h in links:
        worn = _worn(h) if not h.startswith("(") else None
        if worn is None:
            continue
        owners = (*BRANDS.get(worn, ()), *_EXTRA_SERVICES.get(worn, ()))
        if not _owned_link(h, owners, worn) and not any(_owned_link(d, owners, worn) for d in sender_domains):
            return f"a link to {h} wears the name {worn!r}"
    for name in sorted(claimed) if sign_in else ():
        owners = _SERVICES.get(name, ())
        if not owners or any(_owned_link(d, owners, name) for d in sender_domains):
            continue  # the service's own mail
        if reached and not any(_owned_link(h, owners, name) for h in reached):
            return f"says it comes via {name!r}, its links lead to {reached[0]}"
    owners = BRANDS.get(from_brand or "", ())
    if sign_in and owners and not any(_owned_link(h, owners, from_brand or "") for h in reached):
        # (a relay's notice, an e-signature or a file transfer, comes from the service's own site, never a reseller's)
        # (nor a sender whose own domain spells the brand it does not own: zoom-invite-secure.com is no reseller)
        brand_word = (from_brand or "").split(".", 1)[0].replace(" ", "")  # (booking.com: booking)
        spells = any(brand_word in re.split(r"[.\-]", organisational_domain(d)) for d in sender_domains)
        own = {organisational_domain(d) for d in sender_domains} \
            if not password and from_brand not in _RELAYS and not spells else set()
        away = [h for h in reached if not h.startswith("(") and not _under(h, _MAILING) and
                organisational_domain(h) not in own]
        if away:
            return f"its From line wears {from_brand!r}, its links lead to {away[0]}"
    return None
