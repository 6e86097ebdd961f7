"""A sender that wears a well-known name it does not own: "Apple Support" writing from
``appleid-verify-center.net``, "HMRC" from ``hmrc-taxrefund-uk.com``, 顺丰速运 from a ``.top``.

Phishing, refund and parcel scams say what the genuine notices say ("your refund is ready",
"verify your account within 24 hours"); what differs is who sends them. A brand, a bank, a
tax office or a courier writes from its own domains, so a From line that names one of them,
in its display name or in its domain's words, while its address is at none of them, is a sign
of a scam (:mod:`rules.scams` counts it as one signal, ``impersonation``; alone it does
nothing, as a reseller's "Apple Premium Reseller" newsletter may wear the name too).

The table is of names scams wear most, in English and Chinese, each with the registrable
domains its genuine mail comes from (a subdomain of one is one: ``email.apple.com``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from rules.chinese_variants import simplifying_table

# name (as people write it; English whole words, casefolded) -> the domains genuine mail comes from
BRANDS: dict[str, tuple[str, ...]] = {
    "apple": ("apple.com", "icloud.com", "itunes.com", "me.com", "apple.com.cn"),
    "icloud": ("apple.com", "icloud.com"),
    "apple id": ("apple.com", "icloud.com"),
    "paypal": ("paypal.com", "paypal.cn", "paypal.co.uk", "paypal.com.hk", "paypal-communication.com"),
    "microsoft": ("microsoft.com", "microsoftonline.com", "office.com", "office365.com", "outlook.com", "live.com",
                  "microsoft365.com", "sharepoint.com", "sharepointonline.com", "azure.com", "azure.cn",
                  "teams.mail.microsoft", "microsoftstore.com", "skype.com", "xbox.com", "hotmail.com"),
    "office 365": ("microsoft.com", "microsoftonline.com", "office.com", "office365.com", "microsoft365.com"),
    "microsoft 365": ("microsoft.com", "microsoftonline.com", "office.com", "office365.com", "microsoft365.com"),
    "outlook": ("microsoft.com", "outlook.com", "office.com", "office365.com", "live.com"),
    "onedrive": ("microsoft.com", "onedrive.com", "live.com", "office.com", "sharepoint.com"),
    "sharepoint": ("microsoft.com", "sharepoint.com", "sharepointonline.com", "office.com"),
    "docusign": ("docusign.com", "docusign.net"),
    "adobe sign": ("adobe.com", "adobesign.com", "echosign.com"),
    "dropbox": ("dropbox.com", "dropboxmail.com"),
    "google": ("google.com", "gmail.com", "googlemail.com", "youtube.com", "accounts.google.com"),
    "amazon": ("amazon.com", "amazon.co.uk", "amazon.de", "amazon.cn", "amazon.co.jp", "amazon.com.au", "amazon.fr",
               "amazon.sg", "amazonaws.com", "aws.amazon.com", "amazonses.com", "marketplace.amazon.com"),
    "netflix": ("netflix.com",),
    "linkedin": ("linkedin.com",),
    "dhl": ("dhl.com", "dhl.de", "dhl.co.uk", "dhl.com.cn", "dhl.com.hk", "dhl.fr", "dpdhl.com", "dhl-news.com"),
    "fedex": ("fedex.com",),
    "ups": ("ups.com",),
    "usps": ("usps.com", "usps.gov"),
    "royal mail": ("royalmail.com", "royalmail.co.uk"),
    "hmrc": ("hmrc.gov.uk", "gov.uk"),
    "hm revenue": ("hmrc.gov.uk", "gov.uk"),
    "irs": ("irs.gov",),
    "hsbc": ("hsbc.com", "hsbc.co.uk", "hsbc.com.hk", "hsbc.com.cn", "us.hsbc.com", "hsbc.com.sg", "hsbc.com.tw"),
    "wells fargo": ("wellsfargo.com",),
    "bank of america": ("bankofamerica.com", "bofa.com"),
    "chase bank": ("chase.com", "jpmorgan.com", "jpmchase.com"),
    "citibank": ("citi.com", "citibank.com", "citigroup.com", "citibank.com.hk", "citibank.com.cn"),
    "standard chartered": ("sc.com", "standardchartered.com", "standardchartered.com.hk"),
    "alipay": ("alipay.com", "alibaba-inc.com", "antgroup.com", "mail.alipay.com"),
    "wechat pay": ("tencent.com", "wechat.com", "qq.com"),
    "sf express": ("sf-express.com", "sf-express.cn", "sf.com.cn", "sfexpress.com"),
    # Chinese names (simplified; traditional spellings are folded to these first)
    "支付宝": ("alipay.com", "alibaba-inc.com", "antgroup.com", "mail.alipay.com"),
    "微信支付": ("tencent.com", "wechat.com", "qq.com"),
    "顺丰": ("sf-express.com", "sf-express.cn", "sf.com.cn", "sfexpress.com"),
    "中国邮政": ("chinapost.com.cn", "ems.com.cn", "11185.cn"),
    "京东": ("jd.com", "jd.hk", "jdl.com", "jdl.cn"),
    "淘宝": ("taobao.com", "alibaba-inc.com", "tmall.com", "mail.taobao.com"),
    "中国银行": ("boc.cn", "bankofchina.com", "bochk.com"),
    "工商银行": ("icbc.com.cn", "icbc.com", "icbcasia.com"),
    "建设银行": ("ccb.com", "ccb.cn", "asia.ccb.com"),
    "农业银行": ("abchina.com", "abchina.com.cn"),
    "交通银行": ("bankcomm.com", "bankcomm.com.hk"),
    "招商银行": ("cmbchina.com", "cmbwinglungbank.com", "cmbi.com.hk"),
    "平安银行": ("pingan.com", "pingan.com.cn", "pingan.cn"),
    "汇丰": ("hsbc.com", "hsbc.com.hk", "hsbc.com.cn", "hsbc.co.uk", "hsbc.com.tw"),
    "税务局": ("chinatax.gov.cn", "gov.cn", "gov.hk", "ird.gov.hk", "gov.tw"),
    "国家税务总局": ("chinatax.gov.cn", "gov.cn"),
    "公安局": ("gov.cn", "mps.gov.cn"),
    "公安部": ("gov.cn", "mps.gov.cn"),
    "反诈中心": ("gov.cn", "mps.gov.cn"),
    "海关": ("customs.gov.cn", "gov.cn", "customs.gov.hk", "gov.hk", "customs.gov.tw"),
    "香港赛马会": ("hkjc.com", "hkjc.org.hk"),
}
# words of a domain that name a brand (``paypal-secure-login.com``, ``hmrc-refunds.uk``): the
# brand's own domains are exempt. Only names no other business spells as a word of its domain.
DOMAIN_WORDS: dict[str, str] = {
    "apple": "apple", "appleid": "apple", "icloud": "icloud", "paypal": "paypal", "docusign": "docusign",
    "microsoft": "microsoft", "office365": "office 365", "microsoft365": "microsoft 365", "onedrive": "onedrive",
    "sharepoint": "sharepoint", "hmrc": "hmrc", "netflix": "netflix", "linkedin": "linkedin", "dhl": "dhl",
    "fedex": "fedex", "usps": "usps", "royalmail": "royal mail", "hsbc": "hsbc", "wellsfargo": "wells fargo",
    "alipay": "alipay", "sfexpress": "sf express", "sf-express": "sf express", "chinapost": "中国邮政",
    "icbc": "工商银行", "cmbchina": "招商银行", "abchina": "农业银行", "bankcomm": "交通银行",
    "chinatax": "国家税务总局", "hkjc": "香港赛马会", "dropbox": "dropbox",
}
_ENGLISH = re.compile(r"(?<![a-z0-9])(?:" + "|".join(sorted((re.escape(n) for n in BRANDS if n.isascii()),
                                                              key=len, reverse=True)) + r")(?![a-z0-9])")
_CHINESE = tuple(n for n in BRANDS if not n.isascii())


@functools.cache
def _simplify() -> dict[int, str]:
    return simplifying_table("".join(_CHINESE))


def _owned(domain: str, owners: Iterable[str]) -> bool:
    return any(domain == d or domain.endswith("." + d) for d in owners)


def brand_in_name(name: str) -> str | None:
    """The brand a display name names (``"Apple Support"``, ``"順豐速運"``), or None."""
    low = name.casefold().translate(_simplify())
    m = _ENGLISH.search(low)
    if m:
        return m.group()
    return next((n for n in _CHINESE if n in low), None)


def brand_in_domain(domain: str) -> str | None:
    """The brand whose name is a word of ``domain`` (split at dots and hyphens), or None."""
    words = re.split(r"[.\-]", domain)
    for w in (*words, *("-".join(p) for p in zip(words, words[1:], strict=False))):
        if w in DOMAIN_WORDS:
            return DOMAIN_WORDS[w]
    return None


_VIA = re.compile(r"(?i)\bvia\s+([\w-]+)|(?:通过|经由|经)\s*([a-z0-9-]+)")


def _relayed(name: str, domains: list[str]) -> bool:
    """Whether the display name says it was sent through a service its domain is (``"DHL
    Express (via Flexport)" <noreply@flexport.com>``, ``"Li Wei via DocuSign"``): the name before
    "via" is whom the service writes for, not who writes."""
    m = _VIA.search(name)
    if m is None:
        return False
    service = (m.group(1) or m.group(2) or "").casefold()
    return len(service) >= 3 and any(service in d for d in domains)


def impersonated(display_names: Iterable[str], addresses: Iterable[str]) -> str | None:
    """The brand the From line wears without owning it: named in a display name or as a word of
    the address's domain, while no From address is at one of that brand's domains. None when
    the From line names no brand or the mail comes from the brand itself."""
    domains = [a.rsplit("@", 1)[-1].lower().rstrip(".") for a in addresses if "@" in a]
    if not domains:
        return None
    named = [b for b in (brand_in_name(n) for n in display_names if n and not _relayed(n, domains)) if b]
    named += [b for b in (brand_in_domain(d) for d in domains) if b]
    for brand in named:
        if not any(_owned(d, BRANDS[brand]) for d in domains):
            return brand
    return None
