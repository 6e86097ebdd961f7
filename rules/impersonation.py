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

from rules.auth import organisational_domain
from rules.chinese_variants import simplifying_table
from rules.scam_words import FREEMAIL

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
    "onedrive": ("microsoft.com", "onedrive.com", "live.com", "office.com", "sharepoint.com", "1drv.ms"),
    "sharepoint": ("microsoft.com", "sharepoint.com", "sharepointonline.com", "office.com"),
    "docusign": ("docusign.com", "docusign.net"),
    "adobe sign": ("adobe.com", "adobesign.com", "echosign.com"),
    "adobe acrobat sign": ("adobe.com", "adobesign.com", "echosign.com"),
    "acrobat sign": ("adobe.com", "adobesign.com", "echosign.com"),
    "adobe acrobat": ("adobe.com", "adobesign.com", "echosign.com", "acrobat.com"),
    "dropbox": ("dropbox.com", "dropboxmail.com"),
    "wetransfer": ("wetransfer.com", "we.tl"),
    # (the procurement platforms' own invitations ask a supplier to "log in with your business email")
    "coupa": ("coupa.com", "coupahost.com"),
    "sharefile": ("sharefile.com", "sharefile.eu", "citrix.com", "cloud.com"),
    "google": ("google.com", "gmail.com", "googlemail.com", "youtube.com", "accounts.google.com"),
    "amazon": ("amazon.com", "amazon.co.uk", "amazon.de", "amazon.cn", "amazon.co.jp", "amazon.com.au", "amazon.fr",
               "amazon.sg", "amazonaws.com", "aws.amazon.com", "amazonses.com", "marketplace.amazon.com",
               "amazon.jobs"),
    "netflix": ("netflix.com",),
    "linkedin": ("linkedin.com",),
    "dhl": ("dhl.com", "dhl.de", "dhl.co.uk", "dhl.com.cn", "dhl.com.hk", "dhl.fr", "dpdhl.com", "dhl-news.com",
            "dhlparcel.co.uk", "dhlparcel.nl", "dhlparcel.com", "dhl.nl", "dhlecommerce.com", "dhl.be"),
    "fedex": ("fedex.com",),
    "ups": ("ups.com", "ups-scs.com", "upsmail.com"),
    # Singapore's and Malaysia's banks, and the crypto exchanges whose "pending withdrawal" lures wear them
    "dbs": ("dbs.com", "dbs.com.sg", "dbs.com.hk", "dbs.com.cn", "dbs.com.tw", "dbs.id", "posb.com.sg"),
    "dbs bank": ("dbs.com", "dbs.com.sg", "dbs.com.hk", "dbs.com.cn", "dbs.com.tw", "dbs.id", "posb.com.sg"),
    "posb": ("posb.com.sg", "dbs.com", "dbs.com.sg"),
    "ocbc": ("ocbc.com", "ocbc.com.sg", "ocbc.com.my", "ocbc.com.hk", "ocbc.com.cn"),
    "uob": ("uob.com.sg", "uobgroup.com", "uob.com", "uob.com.my", "uob.co.th", "uobchina.com.cn"),
    "maybank": ("maybank.com", "maybank2u.com.my", "maybank.com.sg", "maybank2u.com.sg"),
    "binance": ("binance.com", "binance.info", "binance.us"),
    "coinbase": ("coinbase.com",),
    "usps": ("usps.com", "usps.gov"),
    "royal mail": ("royalmail.com", "royalmail.co.uk"),
    "hmrc": ("hmrc.gov.uk", "gov.uk"),
    "hm revenue": ("hmrc.gov.uk", "gov.uk"),
    "irs": ("irs.gov",),
    # the border's and the visa office's own (a duty demand, a sponsor licence's "penalty")
    "u.s. customs": ("cbp.gov", "dhs.gov"),
    "u.s. customs and border protection": ("cbp.gov", "dhs.gov"),
    "u.s. customs & border protection": ("cbp.gov", "dhs.gov"),
    "customs and border protection": ("cbp.gov", "dhs.gov"),
    "customs & border protection": ("cbp.gov", "dhs.gov"),
    "uk visas and immigration": ("gov.uk", "homeoffice.gov.uk"),
    "ukvi": ("gov.uk", "homeoffice.gov.uk"),
    # carriers whose bills of lading and booking portals a freight forwarder's staff sign in to
    "maersk": ("maersk.com", "sealandmaersk.com", "maerskline.com"),
    "hapag-lloyd": ("hapag-lloyd.com",),
    "cma cgm": ("cma-cgm.com", "cmacgm-group.com"),
    "cosco": ("coscoshipping.com", "cosco.com", "lines.coscoshipping.com"),
    # (mail security vendors: their quarantine digests come from their own domains)
    "proofpoint": ("proofpoint.com", "pphosted.com", "ppe-hosted.com", "proofpointessentials.com"),
    "mimecast": ("mimecast.com", "mimecast-offshore.com", "mimecast.co.za"),
    # banks, a video service and a publisher's tools whose sign-in pages are copied
    "lloyds bank": ("lloydsbank.com", "lloydsbank.co.uk", "lloydsbankinggroup.com"),
    "lloyds business banking": ("lloydsbank.com", "lloydsbank.co.uk", "lloydsbankinggroup.com"),
    "barclays": ("barclays.com", "barclays.co.uk", "barclayscorporate.com"),
    "natwest": ("natwest.com", "natwestgroup.com"),
    "zoom": ("zoom.us", "zoom.com", "zoom.com.cn"),
    "turnitin": ("turnitin.com", "turnitin.co.uk", "turnitin.org", "turnitinuk.com"),
    # (the immigration offices a school's students deal with, named alone: a visa's fee is paid on the state's own
    # site; "Fragomen USCIS Team" is a law firm's, "UK Visas and Immigration - VFS Global" a contractor's)
    "ircc": ("canada.ca", "gc.ca", "cic.gc.ca"),
    "immigration, refugees and citizenship canada": ("canada.ca", "gc.ca", "cic.gc.ca"),
    "uscis": ("uscis.gov", "dhs.gov"),
    # eFax's own notices ("eFax Message"): its name from another domain, with a link to view the fax, is the lure
    # (a generic "Voicemail" or "Fax" sender is no brand: hosted phone systems are many, and a firm's own fax
    # server writes from its own domain, as a review found)
    **dict.fromkeys(("efax", "e-fax", "efax message", "efax corporate"), ("efax.com", "j2.com", "j2global.com",
                                                                           "consensus.com", "ziffdavis.com")),
    # the accounting profession's bodies and tools, the courts' e-service, a conveyancing platform, payroll
    "aicpa": ("aicpa.org", "aicpa-cima.com", "cpa.com"),
    "icaew": ("icaew.com",),
    "acca": ("accaglobal.com",),
    "hmcts": ("gov.uk", "justice.gov.uk", "hmcts.net"),
    "xero": ("xero.com",),
    "quickbooks": ("intuit.com", "quickbooks.com", "qbo.intuit.com"),
    "intuit": ("intuit.com",),
    "adp": ("adp.com", "adp.co.uk", "adp.ca", "workforcenow.adp.com"),
    "pexa": ("pexa.com.au",),
    "adobe": ("adobe.com", "adobesign.com", "echosign.com"),
    "hsbc": ("hsbc.com", "hsbcnet.com", "hsbc.co.uk", "hsbc.com.hk", "hsbc.com.cn", "us.hsbc.com", "hsbc.com.sg",
             "hsbc.com.tw"),
    "wells fargo": ("wellsfargo.com",),
    "bank of america": ("bankofamerica.com", "bofa.com"),
    "chase bank": ("chase.com", "jpmorgan.com", "jpmchase.com"),
    "citibank": ("citi.com", "citibank.com", "citigroup.com", "citibank.com.hk", "citibank.com.cn"),
    "standard chartered": ("sc.com", "standardchartered.com", "standardchartered.com.hk"),
    "alipay": ("alipay.com", "alibaba-inc.com", "antgroup.com", "mail.alipay.com"),
    "wechat pay": ("tencent.com", "wechat.com", "qq.com"),
    "sf express": ("sf-express.com", "sf-express.cn", "sf.com.cn", "sfexpress.com"),
    "alibaba cloud": ("aliyun.com", "alibabacloud.com", "alibaba-inc.com", "alibaba.com", "service.aliyun.com"),
    "aliyun": ("aliyun.com", "alibabacloud.com", "alibaba-inc.com"),
    "tencent cloud": ("tencent.com", "cloud.tencent.com", "tencentcloud.com", "qcloud.com", "qq.com"),
    "huawei cloud": ("huawei.com", "huaweicloud.com"),
    "swift": ("swift.com",),
    "sap ariba": ("sap.com", "ariba.com"),
    "ariba": ("sap.com", "ariba.com"),
    "app store": ("apple.com",),
    "app store connect": ("apple.com",),
    "hkma": ("hkma.gov.hk", "gov.hk"),
    "american express": ("americanexpress.com", "aexp.com", "amex.com", "americanexpress.com.hk"),
    "amex": ("americanexpress.com", "aexp.com", "amex.com", "americanexpress.com.hk"),
    # the booking platforms a hotel signs in to (their partner extranets are the lure hotels get)
    "booking.com": ("booking.com", "bstatic.com"),
    "agoda": ("agoda.com", "agoda.net", "agoda.cn"),
    "expedia": ("expedia.com", "expediagroup.com", "expediapartnercentral.com", "expedia.cn"),
    "tripadvisor": ("tripadvisor.com", "tripadvisor.cn", "tripadvisor.co.uk"),
    "trip.com": ("trip.com", "ctrip.com", "ctrip.cn"),
    "ctrip": ("trip.com", "ctrip.com", "ctrip.cn"),
    "airbnb": ("airbnb.com", "airbnb.cn"),
    "tencent exmail": ("qq.com", "tencent.com", "exmail.qq.com"),
    # the marketplaces, shop platforms and payment providers a seller signs in to
    "shopify": ("shopify.com", "myshopify.com", "shopifyemail.com", "shopify.io"),
    "stripe": ("stripe.com", "stripe.network"),
    "facebook": ("facebook.com", "facebookmail.com", "fb.com", "meta.com", "instagram.com", "metamail.com"),
    "meta": ("meta.com", "facebook.com", "facebookmail.com", "fb.com", "instagram.com", "metamail.com"),
    "meta business": ("meta.com", "facebook.com", "facebookmail.com", "fb.com"),
    "instagram": ("instagram.com", "facebookmail.com", "meta.com", "facebook.com"),
    "walmart": ("walmart.com", "walmartmarketplace.com", "wal-mart.com"),
    "ebay": ("ebay.com", "ebay.co.uk", "ebay.de", "ebay.com.hk"),
    "etsy": ("etsy.com",),
    "alibaba.com": ("alibaba.com", "alibaba-inc.com", "alibabagroup.com", "1688.com"),
    "alibaba": ("alibaba.com", "alibaba-inc.com", "alibabagroup.com", "1688.com", "aliexpress.com", "taobao.com"),
    "1688": ("1688.com", "alibaba.com", "alibaba-inc.com", "alibabagroup.com"),
    "bank of china": ("boc.cn", "bankofchina.com", "bochk.com"),
    "bochk": ("bochk.com", "boc.cn", "bankofchina.com"),
    "hang seng": ("hangseng.com", "hangseng.com.cn"),
    "iras": ("iras.gov.sg", "gov.sg"),
    "飞猪": ("fliggy.com", "alitrip.com", "taobao.com", "alibaba-inc.com"),
    "fliggy": ("fliggy.com", "alitrip.com", "taobao.com", "alibaba-inc.com"),
    "allianz": ("allianz.com", "allianz.de", "allianz.co.uk", "allianz.ae", "allianz.com.cn", "allianz.com.hk",
                "allianz.sg", "allianz.fr"),
    "axa": ("axa.com", "axa.co.uk", "axa.com.hk", "axa.fr", "axa.de", "axa-gulf.com"),
    "zurich insurance": ("zurich.com", "zurich.co.uk", "zurich.com.hk", "zurich.ae"),
    "中国人寿": ("chinalife.com.cn", "e-chinalife.com"),
    "中国人保": ("picc.com.cn", "picc.com", "epicc.com.cn"),
    "中国平安": ("pingan.com", "pingan.com.cn", "pingan.cn"),
    "平安产险": ("pingan.com", "pingan.com.cn", "pingan.cn"),
    "平安保险": ("pingan.com", "pingan.com.cn", "pingan.cn"),
    "inland revenue authority of singapore": ("iras.gov.sg", "gov.sg"),
    "singpass": ("singpass.gov.sg", "gov.sg"),
    "cpf board": ("cpf.gov.sg", "gov.sg"),
    "aliexpress": ("aliexpress.com", "alibaba-inc.com", "alibaba.com"),
    "payoneer": ("payoneer.com",),
    "worldfirst": ("worldfirst.com", "worldfirst.com.cn", "antgroup.com"),
    "lianlian": ("lianlianpay.com", "lianlianglobal.com"),
    "pingpong": ("pingpongx.com", "pingpongx.org"),
    "airwallex": ("airwallex.com",),
    "tiktok": ("tiktok.com", "tiktokshop.com", "bytedance.com"),
    "norton": ("norton.com", "nortonlifelock.com", "gen.tech", "gendigital.com"),
    "norton lifelock": ("norton.com", "nortonlifelock.com", "gen.tech", "gendigital.com"),
    "mcafee": ("mcafee.com",),
    "geek squad": ("bestbuy.com", "geeksquad.com"),
    "monetary authority": ("hkma.gov.hk", "mas.gov.sg", "gov.hk", "gov.sg"),
    # Chinese names (simplified; traditional spellings are folded to these first)
    "支付宝": ("alipay.com", "alibaba-inc.com", "antgroup.com", "mail.alipay.com"),
    "微信支付": ("tencent.com", "wechat.com", "qq.com"),
    "顺丰": ("sf-express.com", "sf-express.cn", "sf.com.cn", "sfexpress.com"),
    "中国邮政": ("chinapost.com.cn", "ems.com.cn", "11185.cn"),
    "京东": ("jd.com", "jd.hk", "jdl.com", "jdl.cn"),
    "淘宝": ("taobao.com", "alibaba-inc.com", "tmall.com", "mail.taobao.com"),
    "天猫": ("tmall.com", "taobao.com", "alibaba-inc.com"),
    # the marketplaces whose seller centres' "shop suspended, pay a deposit" lures wear them
    "taobao": ("taobao.com", "alibaba-inc.com", "tmall.com", "mail.taobao.com"),
    "tmall": ("tmall.com", "taobao.com", "alibaba-inc.com"),
    "拼多多": ("pinduoduo.com", "yangkeduo.com", "pddglobalhk.com"),
    "pinduoduo": ("pinduoduo.com", "yangkeduo.com", "pddglobalhk.com"),
    "temu": ("temu.com", "pddglobalhk.com"),
    "shopee": ("shopee.com", "shopee.sg", "shopee.com.my", "shopee.tw", "shopee.co.id", "shopee.ph", "shopee.vn",
               "shopee.co.th", "shopee.com.br", "shopee.cn", "seamoney.com", "sea.com"),
    "lazada": ("lazada.com", "lazada.sg", "lazada.com.my", "lazada.co.th", "lazada.vn", "lazada.com.ph",
               "lazada.co.id", "alibaba-inc.com"),
    "中国移动": ("10086.cn", "chinamobile.com"),
    "中国联通": ("10010.com", "chinaunicom.com"),
    "中国电信": ("189.cn", "chinatelecom.com.cn"),
    "中国银行": ("boc.cn", "bankofchina.com", "bochk.com"),
    "中银香港": ("bochk.com", "boc.cn", "bankofchina.com"),
    "恒生银行": ("hangseng.com", "hangseng.com.cn"),
    "诚信通": ("1688.com", "alibaba.com", "alibaba-inc.com"),
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
    "学信网": ("chsi.com.cn", "chsi.cn"),
    # (the national institute: a province's own writes from its own domain, shcpa.org.cn)
    "中国注册会计师协会": ("cicpa.org.cn",),
    "中注协": ("cicpa.org.cn",),
    "执行局": ("court.gov.cn", "gov.cn"),
    "香港赛马会": ("hkjc.com", "hkjc.org.hk"),
    "阿里云": ("aliyun.com", "alibaba-inc.com", "alibabacloud.com", "service.aliyun.com"),
    "阿里巴巴": ("alibaba.com", "alibaba-inc.com", "alibabagroup.com", "1688.com", "taobao.com"),
    "派安盈": ("payoneer.com",),
    "万里汇": ("worldfirst.com", "worldfirst.com.cn", "antgroup.com"),
    "连连支付": ("lianlianpay.com", "lianlianglobal.com"),
    "连连国际": ("lianlianpay.com", "lianlianglobal.com"),
    "亚马逊": ("amazon.com", "amazon.cn", "amazon.co.uk", "amazon.de", "amazon.co.jp", "marketplace.amazon.com"),
    "腾讯云": ("tencent.com", "cloud.tencent.com", "tencentcloud.com", "qcloud.com", "qq.com"),
    "华为云": ("huawei.com", "huaweicloud.com"),
    # the company mail and office suites whose notices lures copy
    "腾讯企业邮箱": ("qq.com", "tencent.com", "exmail.qq.com"),
    "腾讯企业邮": ("qq.com", "tencent.com", "exmail.qq.com"),
    "携程": ("trip.com", "ctrip.com", "ctrip.cn"),
    "美团": ("meituan.com", "dianping.com"),
    "企业微信": ("qq.com", "tencent.com", "weixin.qq.com", "work.weixin.qq.com"),
    "腾讯文档": ("qq.com", "tencent.com", "docs.qq.com"),
    "金山文档": ("kdocs.cn", "wps.cn", "wps.com"),
    "石墨文档": ("shimo.im",),
    "钉钉": ("dingtalk.com", "aliyun.com", "alibaba-inc.com"),
    "飞书": ("feishu.cn", "larksuite.com", "larkoffice.com", "bytedance.com"),
    "网易企业邮箱": ("163.com", "126.com", "netease.com", "qiye.163.com"),
    "阿里邮箱": ("aliyun.com", "alibaba-inc.com", "mxhichina.com"),
    # regulators and the state's services (a regulator never writes from a .com)
    "金融监督管理": ("nfra.gov.cn", "gov.cn", "fsc.gov.tw", "gov.tw"),
    "金管会": ("fsc.gov.tw", "gov.tw"),
    "人民银行": ("pbc.gov.cn", "gov.cn"),
    "证监会": ("csrc.gov.cn", "gov.cn"),
    "银保监": ("cbirc.gov.cn", "nfra.gov.cn", "gov.cn"),
    "外汇管理局": ("safe.gov.cn", "gov.cn"),
    "金管局": ("hkma.gov.hk", "gov.hk"),
    "电子发票服务平台": ("chinatax.gov.cn", "gov.cn"),
    "财政部": ("mof.gov.tw", "gov.tw", "mof.gov.cn", "gov.cn", "mof.gov.hk"),
    "国税局": ("ntbt.gov.tw", "ntbna.gov.tw", "ntbca.gov.tw", "ntbsa.gov.tw", "ntbk.gov.tw", "gov.tw"),
    "法院": ("court.gov.cn", "gov.cn", "judiciary.hk", "gov.hk"),
    "人民法院": ("court.gov.cn", "gov.cn"),
    "中国出口信用保险": ("sinosure.com.cn",),
    "中国信保": ("sinosure.com.cn",),
    "检察院": ("spp.gov.cn", "gov.cn"),
}
# words of a domain that name a brand (``paypal-secure-login.com``, ``hmrc-refunds.uk``): the
# brand's own domains are exempt. Only names no other business spells as a word of its domain.
DOMAIN_WORDS: dict[str, str] = {
    "adp": "adp", "zoom": "zoom", "turnitin": "turnitin",
    "apple": "apple", "appleid": "apple", "icloud": "icloud", "paypal": "paypal", "docusign": "docusign",
    "microsoft": "microsoft", "office365": "office 365", "microsoft365": "microsoft 365", "onedrive": "onedrive",
    "sharepoint": "sharepoint", "hmrc": "hmrc", "netflix": "netflix", "linkedin": "linkedin", "dhl": "dhl",
    "fedex": "fedex", "usps": "usps", "royalmail": "royal mail", "hsbc": "hsbc", "wellsfargo": "wells fargo",
    "alipay": "alipay", "sfexpress": "sf express", "sf-express": "sf express", "chinapost": "中国邮政",
    "icbc": "工商银行", "cmbchina": "招商银行", "abchina": "农业银行", "bankcomm": "交通银行",
    "chinatax": "国家税务总局", "hkjc": "香港赛马会", "dropbox": "dropbox", "aliyun": "aliyun",
    "alibabacloud": "alibaba cloud", "tencentcloud": "tencent cloud", "qcloud": "tencent cloud", "ariba": "ariba",
    "appstoreconnect": "app store connect", "huaweicloud": "huawei cloud", "nfra": "金融监督管理",
    "pbc": "人民银行", "pboc": "人民银行", "csrc": "证监会", "hkma": "hkma", "exmail": "腾讯企业邮箱",
    "dingtalk": "钉钉", "feishu": "飞书", "m365": "microsoft 365", "aexp": "american express", "amex": "amex",
    "americanexpress": "american express", "agoda": "agoda", "expedia": "expedia", "tripadvisor": "tripadvisor",
    "ctrip": "ctrip", "airbnb": "airbnb", "meituan": "美团", "expediapartnercentral": "expedia",
    "wetransfer": "wetransfer", "sharefile": "sharefile", "google": "google",
    "adobesign": "adobe sign", "echosign": "adobe sign",
    "shopify": "shopify", "myshopify": "shopify", "stripe": "stripe", "facebook": "facebook", "instagram": "instagram",
    "meta": "meta", "walmart": "walmart", "ebay": "ebay", "alibaba": "alibaba", "aliexpress": "aliexpress",
    "payoneer": "payoneer", "worldfirst": "worldfirst", "lianlianpay": "lianlian", "lianlian": "lianlian",
    "pingpongx": "pingpong",
    "airwallex": "airwallex", "tiktok": "tiktok", "tiktokshop": "tiktok", "norton": "norton", "mcafee": "mcafee",
    "sellercentral": "amazon", "cosco": "cosco", "coscoshipping": "cosco",
    "cbp": "customs and border protection", "ukvi": "ukvi", "maersk": "maersk", "hapag": "hapag-lloyd",
    "hapaglloyd": "hapag-lloyd", "cmacgm": "cma cgm", "lloydsbank": "lloyds bank", "barclays": "barclays",
    "natwest": "natwest", "chsi": "学信网", "aicpa": "aicpa", "icaew": "icaew", "hmcts": "hmcts", "xero": "xero",
    "quickbooks": "quickbooks", "intuit": "intuit", "pexa": "pexa", "cicpa": "中国注册会计师协会",
    "bochk": "bochk", "hangseng": "hang seng", "amazonbusiness": "amazon", "efax": "efax", "sinosure": "中国信保",
}
# the state's names worn by mail that is not the state's (a fee asked under them needs no other tie: rules.scams)
STATE_IN_DOMAIN = "a government's name in a domain that is not one"
STATE_BODY_OUTSIDE = "a government body's name outside the government's domains"
# a court's, a bank's, a hospital's, a foundation's name on free mail (they write from their own domains)
INSTITUTION_ON_FREEMAIL = "an institution's name on free mail"
LOOK_ALIKE = "a look-alike of"  # how a correspondent's look-alike is named (rules.scams weighs it more)
# the disguises worn of us or of a correspondent, not of a brand: one point beside an ask in rules.scams,
# but no disguise for a lure (partners called example-logistics, vendors' "IT Support" on gmail and
# namesakes of our people call to sign in as every notice does)
EXECUTIVE_ON_FREEMAIL = "an executive's title on free mail"
# a company's name under a registry's second-level name that reads as a country's ending (brenner-guss.de.com,
# stonebridge-autoparts.us.com: CentralNic sells them to anyone, a German foundry's own domain is brenner-guss.de)
COUNTRY_SLD = "a company's name under a country's look-alike ending"
DISGUISES = ("one of our people's names", "our own name", "our own staff", "a name spelled with digits for letters",
             EXECUTIVE_ON_FREEMAIL, COUNTRY_SLD)
# (the Public Suffix List's private registries that read as a country's ending: CentralNic's and a few others')
_COUNTRY_ENDINGS = frozenset({
    "br.com", "cn.com", "de.com", "eu.com", "gb.com", "gb.net", "gr.com", "hu.com", "hu.net", "in.net", "jp.net",
    "jpn.com", "kr.com", "mex.com", "no.com", "qc.com", "ru.com", "sa.com", "se.com", "se.net", "uk.com", "uk.net",
    "us.com", "us.org", "uy.com", "za.com", "ae.org", "ar.com", "it.com", "com.de", "com.se", "co.com", "za.bz",
    "eu.org"})
_ENGLISH = re.compile(r"(?<![a-z0-9])(?:" + "|".join(sorted((re.escape(n) for n in BRANDS if n.isascii()),
                                                              key=len, reverse=True)) + r")(?![a-z0-9])")
_CHINESE = tuple(n for n in BRANDS if not n.isascii())


@functools.cache
def _simplify() -> dict[int, str]:
    return simplifying_table("".join(_CHINESE) + _BRAND_FILLER.pattern + _GOVERNMENT_BODY.pattern)


# a country's ending (amazon.ca, citibank.com.sg, apple.com.cn): the brand's own name under it is the brand's
_COUNTRY_ENDING = re.compile(r"^(?:(?:com|co|net|org|gov|edu)\.)?[a-z]{2}$")


def _owned(domain: str, owners: Iterable[str]) -> bool:
    """Whether ``domain`` is one of ``owners`` or under one, or the same name under a country's
    ending (``amazon.ca`` for ``amazon.com``)."""
    name, _, ending = domain.partition(".")
    for d in owners:
        if domain == d or domain.endswith("." + d):
            return True
        if d.partition(".")[0] == name and _COUNTRY_ENDING.match(ending) and name not in ("mail", "email", "www"):
            return True
    return False


# what a brand's own mail calls its senders besides its name ("Apple Support", 顺丰速运客服中心)
_BRAND_FILLER = re.compile(
    r"(?i)\b(?:support|security|billing|team|service|services|customer|care|account|accounts|notifications?|"
    r"notice|alerts?|no-?reply|noreply|id|help|helpdesk|center|centre|online|payments?|verification|"
    r"department|official|the|of|inc|ltd|limited|corp|corporation|express|connect|cloud|store|business|"
    r"network|mail|documentation|docs|tracker|gpi|admin|administrator|console|play|developers?|workspace|"
    r"apps?|drive|sign|pay|wallet|prime|business|enterprise|global|hub|extranet|group|central|ycs|teams|ads|"
    r"advertising|us|uk|finance|settlement|settlements|"
    # (a mail service's own notices: "Microsoft 365 Quarantine", "Exchange Online Protection")
    r"quarantine|protection|messaging|e-?mail|"
    # (a courier's, a bank's, an employer's own senders: "UPS Delivery", "DBS Bank", "Amazon HR Onboarding")
    r"delivery|shipping|tracking|parcels?|logistics|bank|banking|digibank|hr|onboarding|careers|recruitment|"
    r"recruiting|talent|jobs|seller|sellers|merchant|merchants|brand|registry|performance|booking|bookings|lines|"
    r"line|payroll|workforce|meetings?|video|recordings?|visas?|office|section)\b|\bu\.s\.|\bu\.k\.|[&/|,.:\-–—()（）\[\]【】\s\d]|"
    r"客服|通知|中心|团队|服务|安全|风控|合规|官方|速运|快递|集团|股份|有限|公司|总局|委员会|部门|账户|支付|平台|国家|商家|积分|商城|"
    r"监督|管理|科技|信息|系统|提醒|中国|香港|台湾|深圳|上海|北京|广州|市|省|区|县|分行|支行|慈善|信托|基金|委员会|"
    r"中级|高级|基层|最高|办公室|执行局|立案庭|传票|快件|处理|缴费|稽查|征收|受理|理赔|核保|保全|财产保险|合作伙伴|伙伴|支援|"
    r"电子|税务|申报|缴税|纳税|退税|部|国际结算|结算|国际业务|跨境")


def brand_owned(domain: str) -> bool:
    """Whether ``domain`` is one of the table's brands' own (``eumail.docusign.net``): :func:`_owned` by
    every brand's domains, looked up in one set (the table holds hundreds)."""
    exact, names = _OWNED_INDEX()
    labels = domain.split(".")
    if any(".".join(labels[i:]) in exact for i in range(len(labels))):
        return True
    name, _, ending = domain.partition(".")
    return name in names and name not in ("mail", "email", "www") and _COUNTRY_ENDING.match(ending) is not None


@functools.cache
def _OWNED_INDEX() -> tuple[frozenset[str], frozenset[str]]:  # noqa: N802 - a constant, built once
    """Every brand's own domain, and their names (the part before the first dot)."""
    domains = frozenset(d for owners in BRANDS.values() for d in owners)
    return domains, frozenset(d.partition(".")[0] for d in domains)


# the platforms whose own mail calls its readers partners ("Booking.com Partner Hub", "Expedia Partner
# Central"); elsewhere "DocuSign Partner Team" is a consultancy
_PARTNER_BRANDS = frozenset({"booking.com", "expedia", "agoda", "trip.com", "ctrip", "airbnb", "tripadvisor"})
_PARTNER = re.compile(r"\bpartners?\b")


def brand_in_name(name: str) -> str | None:
    """The brand a display name names as the sender (``"Apple Support"``, ``"順豐速運"``), or
    None: the brand alone or with words its own mail uses, not beside another name ("Apple
    Premium Reseller - iStyle", "DHL Authorised Agent - Speedlink", 中国银行业协会, "Hermes
    Apple": a reseller, an agent, an association, a person)."""
    low = name.casefold().translate(_simplify())
    found = [m.group() for m in _ENGLISH.finditer(low)] + [n for n in _CHINESE if n in low]
    for brand in found:
        rest = low
        for b in sorted(found, key=len, reverse=True):  # (人民法院 before the 法院 in it)
            rest = rest.replace(b, " ")
        if brand in _PARTNER_BRANDS:
            rest = _PARTNER.sub("", rest)
        if brand in _STATE_BRANDS:
            rest = _PLACE.sub("", rest)  # (the court or office of a place: 深圳市南山区人民法院)
        if not _BRAND_FILLER.sub("", rest).strip():
            return brand
    return None


# the state's offices, named with their place (深圳市南山区人民法院, 广州市税务局)
_STATE_BRANDS = frozenset({"法院", "人民法院", "检察院", "税务局", "公安局", "海关", "执行局"})
_PLACE = re.compile(r"[\u4e00-\u9fff]{1,5}?(?:自治区|省|市|区|县|镇)")


def brand_in_domain(domain: str) -> str | None:
    """The brand whose name is a word of ``domain`` (split at dots and hyphens), or None."""
    words = re.split(r"[.\-]", domain)
    pairs = list(zip(words, words[1:], strict=False))
    for w in (*words, *("-".join(p) for p in pairs), *("".join(p) for p in pairs)):
        if w in DOMAIN_WORDS:
            return DOMAIN_WORDS[w]
    return None


def _via_brand(name: str, domains: list[str]) -> str | None:
    """The brand a display name says the mail comes through ("Marcus Bell via Docusign") where its
    address is not that service's: a relay's notice from elsewhere wears the brand."""
    m = _VIA.search(name)
    if m is None or _relayed(name, domains):
        return None
    service = (m.group(1) or m.group(2) or "").casefold()
    return brand_in_name(service) or DOMAIN_WORDS.get(service)


_VIA = re.compile(r"(?i)\bvia\s+([\w-]+)|(?:通过|经由|经)\s*([a-z0-9-]+)")


def _relayed(name: str, domains: list[str]) -> bool:
    """Whether the display name says it was sent through a service its domain is (``"DHL
    Express (via Flexport)" <noreply@flexport.com>``, ``"Li Wei via DocuSign"``): the name before
    "via" is whom the service writes for, not who writes."""
    m = _VIA.search(name)
    if m is None:
        return False
    service = (m.group(1) or m.group(2) or "").casefold()
    # (a known brand's service only from its own domains: "Dave via SharePoint" <no-reply@sharepointonline-docs.com>
    # wears SharePoint's name in a domain of its own making)
    brand = brand_in_name(service)
    if brand is not None and brand in BRANDS:
        return any(brand_owned(d) and _owned(d, BRANDS[brand]) for d in domains)
    return len(service) >= 3 and any(service in d for d in domains)


# the organisation's own functions, which never write from outside: payroll, the IT help desk, the
# mail administrator (a vendor writes under its own name: "Contoso Support", not "IT Helpdesk")
_OUR_ROLES = re.compile(
    r"(?i)\b(?:payroll|it (?:help ?desk|support|service ?desk|department)|help ?desk|service ?desk|"
    r"(?:e-?mail|mail|mailbox|system|network) admin(?:istrator)?s?|sysadmin|postmaster|webmaster|"
    # (our mail filter's own digest, as a lure copies it: "Mail Security Gateway", "Email Quarantine")
    r"(?:e-?mail|mail)[- ](?:security[- ]|protection[- ])?(?:gateway|quarantine|security|filter|protection)|"
    r"spam (?:filter|quarantine)|quarantine (?:notifications?|notices?|digest|summary|report))\b|"
    r"邮件(?:安全)?网关|邮件隔离|"
    r"人力资源部|人事部|薪酬|薪资|工资|(?<![a-z])it(?:部|服务台|支持)|信息技术部|信息中心|(?:邮件|邮箱)?系统管理员|邮箱管理员|邮件管理员|网络管理员|"
    r"(?:企业)?(?:邮件|邮箱)(?:系统)?管理中心")


# what a role's name is made of besides the role ("IT Helpdesk Team", "HR & Payroll", 人力资源部通知)
_ROLE_FILLER = re.compile(r"(?i)\b(?:the|team|teams|department|dept|desk|services?|center|centre|office|notifications?|"
                          r"notices?|updates?|alerts?|hr|human resources|and|of|our)\b|[&/|,.\-–—()（）\s]|"
                          r"团队|部门|中心|通知|服务|办公室|组|企业|公司")


def _only_a_role(name: str, ours: Iterable[str] = ()) -> bool:
    """Whether a display name is one of our functions and nothing else ("HR Payroll", "IT
    Helpdesk", 人力资源部, "example.com Mail Administrator" naming one of ``ours``): a vendor names
    itself beside it ("ADP Payroll Services")."""
    if not _OUR_ROLES.search(name):
        return False
    rest = _OUR_ROLES.sub("", name.casefold())
    for domain in ours:
        rest = rest.replace(domain.casefold(), " ")
    return not _ROLE_FILLER.sub("", rest).strip()


def _copies_ours(domain: str, ours: Iterable[str]) -> str | None:
    """The domain of ours that ``domain`` is made of with generic words only (``mail-example.com.cn``,
    ``example-hr.net``, ``examp1e-support.com`` for ``example.com``): a copy of our own domain, not a partner
    named like us (``example-logistics.com`` names its own trade)."""
    words = re.split(r"[.\-]", organisational_domain(domain).split(".", 1)[0])
    for d in ours:
        name = d.split(".", 1)[0]
        # (our name spelled alike counts as ours: examp1e-support.com)
        spelled = [w == name or _folded(w) == _folded(name) for w in words]
        if len(name) >= 4 and any(spelled) and len(words) > 1 and \
                all(w in _GENERIC_WORDS or alike or w in ("oa", "hr", "mail", "com") for w, alike in zip(words, spelled,
                                                                                                     strict=True)):
            return d
    return None


# words of a domain that name no company ("mailbox-quota-admin.com", "payroll-update-portal.net")
_GENERIC_WORDS = frozenset({
    "mail", "mailbox", "email", "webmail", "quota", "admin", "administrator", "portal", "update", "updates", "verify",
    "verification", "secure", "security", "login", "signin", "account", "accounts", "notice", "notices", "notification",
    "service", "services", "helpdesk", "help", "desk", "support", "payroll", "pay", "salary", "hr", "it", "center",
    "centre", "online", "web", "cloud", "office", "staff", "employee", "employees", "team", "system", "systems",
    "auth", "sso", "id", "www", "m", "my", "box", "storage", "server", "host", "alert", "alerts", "info",
    "docs", "document", "documents", "share", "file", "files", "invoice", "invoices", "billing", "benefits",
    "mailservice", "mailserver", "oa", "upgrade", "qiye", "sys", "gateway", "release", "quarantine", "filter",
    "spam", "digest"})


def _no_company(domain: str) -> bool:
    """Whether ``domain`` is free mail or made of generic words only: no company's name is in
    it (an outsourced service desk writes from its own name: ``nexgen-msp.com``)."""
    return domain in FREEMAIL or all(_generic(w) for w in _labels(domain))


def _generic(word: str) -> bool:
    """Whether a domain's word names no company: a generic word, a number, or two generic words joined
    (``mailadmin-1724.com``, ``securemail-update.net``)."""
    return word in _GENERIC_WORDS or word.isdigit() or \
        any(word[:i] in _GENERIC_WORDS and word[i:] in _GENERIC_WORDS for i in range(2, len(word) - 1))


# a digit where a letter belongs, inside a word of a domain: nordvik-bi0tech, supp1y, micros0ft
_DIGIT_FOR_LETTER = re.compile(r"[a-z]{3,}[01][a-z]|[a-z][01][a-z]{3,}|[a-z]{5,}1$")
# an institution that keeps its own domain (a hospital, a court, a bank, a government office)
_INSTITUTION = re.compile(r"(?i)医院|法院|检察院|公安|警察|税务|海关|银行|政府|委员会|招标办|管理局|"
                          r"基金会|慈善|红十字会|律师事务所|"
                          r"\b(?:court|bank|police|"
                          r"ministry|government|hospital|tax office|customs|embassy|consulate)\b")


# the boss's title as the name (刘总, 李董, "Margaret Lin, Principal", "CEO"): the CEO fraud's opener writes from
# free mail under it
_EXECUTIVE = re.compile(r"(?i)\b(?:ceo|cfo|coo|president|chairman|chairwoman|managing director|managing partner|"
                        r"principal|founder|owner|vice president|general manager)\b|"
                        r"^\s*[\u4e00-\u9fff]{1,2}(?:总|董|老板)\s*$|总经理|董事长|总裁|校长|院长|所长|合伙人")

_STATE_WORDS = frozenset({"gov", "govt", "gouv", "gob"})


# a government department or regulator named in a display name (its office writes from its government's domain)
_GOVERNMENT_BODY = re.compile(
    r"(?i)(?:卫生健康|卫健|卫生|消防|食物环境卫生|食环|海关|税务|市场监督管理|市场监管|应急管理|住房和城乡建设|住建|生态环境|"
    r"环保|文化和旅游|文旅|公安|出入境|人力资源和社会保障|人社|劳工|商务|外汇管理|统计|自然资源|交通运输|水务|差饷物业估价|"
    r"药品监督管理|药监|医疗保障|知识产权|版权)"
    r"(?:局|署|处|厅|所|委|委员会|监督所|支队|大队)|"
    # (a customs office by any name: 海关AEO认证服务中心, 海关稽查办公室; not a broker's, a data vendor's or a
    # software house's name: 宁波海关报关服务中心, 杭州海关数据科技, 海关通科技, a port's 海关查验办公室服务台)
    r"海关(?![^\s，。,]{0,12}?(?:报关|数据|科技|通|物流|货代|代理|服务台|咨询))[^\s，。,]{0,10}?(?:中心|办公室|办事处)|"
    r"\b(?:customs and excise(?: department)?|fire services department|inland revenue department|department of health|"
    r"food and environmental hygiene department|environmental protection department|labour department|"
    r"immigration department|rating and valuation department|water supplies department|(?:tax|revenue) authority|"
    # (a companies register's own office: Hong Kong's Companies Registry, the UK's Companies House)
    r"companies registry|companies house|registrar of companies)\b|公司注册处|公司註冊處")
# a government's own domains: .gov and its national forms (gov.cn, gov.hk, gov.uk, go.jp, gouv.fr, gob.mx …)
_GOVERNMENT_DOMAIN = re.compile(r"(?:^|\.)(?:gov|gouv|gob|go|govt|gc|mil)\.[a-z]{2}$|(?:^|\.)europa\.eu$|\.gov$|\.mil$")


def _government_domain(domain: str) -> bool:
    return _GOVERNMENT_DOMAIN.search(domain) is not None or domain.endswith((".gov.cn", ".gov.hk", ".gov.tw", ".gov.sg",
                                                                              ".gov.uk", ".gov.au", ".gov.mo"))


def poses_as_state(domain: str) -> bool:
    """Whether ``domain``'s own name spells a government's (``ird-gov-hk.com``, ``court-gov.net``):
    a state's office writes from under its country's government suffix (``ird.gov.hk``), whose
    ``gov`` is no word of the name."""
    name = organisational_domain(domain).split(".", 1)[0]
    return any(w in _STATE_WORDS for w in name.split("-"))


# a country's registry ending worn inside a name that ends elsewhere (chen@tw-yuanda.com.tw.co, paypal.com.hk.co):
# whose domain it copies. CentralNic's second-level names (company.uk.com, company.com.de) end at that name
_SUFFIX_WORN = re.compile(r"(?<![a-z0-9-])([a-z0-9-]+\.(?:com|net|org|co|gov|edu|ac|or)\.[a-z]{2})\.[a-z]{2,}$")


def _domain_worn(domain: str) -> str | None:
    """The domain a From address's domain wears whole left of its own registrable name
    (``accountprotection.microsoft.com.verify-id.cc`` wears microsoft.com), or None. A company's own
    subdomains (``mail.example.com.cn``: com.cn is the registry's) wear nothing."""
    site = organisational_domain(domain)
    left = domain[:-len(site)].rstrip(".") if domain.endswith("." + site) else ""
    m = re.search(r"(?:^|\.)([a-z0-9-]+\.(?:com|net|org|gov|edu))$", left)
    return m.group(1) if m else None


def _homoglyph(domain: str) -> bool:
    """Whether a word of ``domain`` has a 0 or a 1 standing for a letter (``bi0tech``,
    ``supp1y``): how a look-alike of a correspondent's name is made."""
    return any(_DIGIT_FOR_LETTER.search(w) for w in _labels(domain))


def _labels(domain: str) -> list[str]:
    """The words of a domain's name, its last label (the top-level domain) left out."""
    return [w for w in re.split(r"[.\-]", domain.rsplit(".", 1)[0]) if w]


def _lookalike(domain: str, genuine: str) -> bool:
    """Whether ``domain`` looks like ``genuine`` without being it or under it: the same name
    under another ending (``harbourline-transport.co`` for ``…com.hk``), or a name one or two
    letters away (``globalparts-supp1y.com``)."""
    if domain == genuine or domain.endswith("." + genuine) or genuine.endswith("." + domain):
        return False
    a, b = domain.split(".", 1)[0], genuine.split(".", 1)[0]
    if len(b) < 4:
        return False
    if a == b:
        # the same name under another country's ending is the partner's second domain
        # (pax-asia-tech.com and .com.hk); under .co, or an ending no company keeps, it is a look-alike
        ending, genuine_ending = domain.split(".", 1)[1], genuine.split(".", 1)[1]
        if ending == "co" or genuine_ending == "co":
            return ending != genuine_ending
        return not ({ending, genuine_ending} <= _KEPT_ENDINGS or
                    (_COUNTRY_ENDING.match(ending) and _COUNTRY_ENDING.match(genuine_ending)) or
                    (ending in _KEPT_ENDINGS and _COUNTRY_ENDING.match(genuine_ending)) or
                    (genuine_ending in _KEPT_ENDINGS and _COUNTRY_ENDING.match(ending)))
    # the genuine domain's own ending written into the name (stampirossi-it.com for stampirossi.it); a
    # region added to the name (acme-hk.com beside acme.com) is a partner's office as often as not
    if a == b + "-" + genuine.rsplit(".", 1)[-1] or b == a + "-" + domain.rsplit(".", 1)[-1]:
        return True
    return abs(len(a) - len(b)) <= 2 and _distance(a, b) <= 2


# letters drawn to look like others (rn for m, vv for w, 0 for o, 1 and I for l): how a copy of a name is spelled
_CONFUSABLE = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("0", "o"), ("1", "l"), ("i", "l"), ("5", "s"))


def _folded(name: str) -> str:
    for a, b in _CONFUSABLE:
        name = name.replace(a, b)
    return name


def _mimics(domain: str, ours: str) -> bool:
    """Whether ``domain`` copies our own ``ours``: its name spelled with letters drawn alike
    (``exarnple.com``, ``examp1e.com``), or one letter away from a name of six or more
    (``exanple.com``, two swapped: ``exampel.com``), under any ending. Stricter than
    :func:`_lookalike` (a correspondent's): partners whose name holds ours (``example-logistics``)
    are no copy."""
    if domain == ours or domain.endswith("." + ours):
        return False
    a, b = domain.split(".", 1)[0], ours.split(".", 1)[0]
    if len(b) < 4 or a == b:
        return False
    swapped = len(a) == len(b) and any(a[:i] + a[i + 1] + a[i] + a[i + 2:] == b for i in range(len(a) - 1))
    return _folded(a) == _folded(b) or (len(b) >= 6 and (swapped or (abs(len(a) - len(b)) <= 1 and
                                                                      _distance(a, b) <= 1)))


_KEPT_ENDINGS = frozenset({"com", "net", "org", "cn", "hk", "tw", "sg", "jp", "de", "uk", "co.uk", "com.cn", "com.hk",
                           "com.tw", "com.sg", "co.jp"})


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (short names only: the first labels of two domains)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


# the applicant-tracking services employers' recruiting mail is sent through
HIRING_PLATFORMS = ("hirevue.com", "greenhouse.io", "lever.co", "myworkday.com", "workday.com", "smartrecruiters.com",
                    "icims.com", "taleo.net", "successfactors.com", "successfactors.eu", "jobvite.com", "ashbyhq.com",
                    "teamtailor-mail.com", "recruitee.com", "bamboohr.com", "workable.com", "beisen.com", "mokahr.com")


def impersonated(display_names: Iterable[str], addresses: Iterable[str], our_domains: Iterable[str] = (),
                 correspondents: Iterable[str] = (), our_people: Iterable[str] = ()) -> str | None:
    """What the From line wears without owning it, or None:

    - a brand named in a display name or as a word of the address's domain, while no From
      address is at one of that brand's domains;
    - one of our people's names (the directory's ``people:``) on an address outside;
    - our own organisation: one of its functions in the display name (payroll, the IT help
      desk, 人力资源部) on mail from outside, or our name in another domain
      (``examplecorp-hr.com`` for ``example.com``; ``our_domains``: the directory's);
    - a correspondent of this thread: the sender's name at a look-alike of the domain the
      quoted messages came from (``winnie@pax-asia-tech.co`` replying to a thread from
      ``winnie@pax-asia-tech.com``; ``correspondents``: the quoted senders' addresses)."""
    # (a domain as DNS bounds it: labels of 63 characters, 253 in all; a 120,000-character label cost minutes in
    # the look-alike and homoglyph checks)
    domains = [".".join(label[:63] for label in a.rsplit("@", 1)[-1].lower().rstrip(".").split("."))[:253]
               for a in addresses if "@" in a]
    if not domains:
        return None
    ours = [d.lower() for d in our_domains]
    names = {" ".join(n.casefold().split()) for n in display_names if n}
    if not any(_owned(d, ours) for d in domains) and any(
            len(p) >= 2 and " ".join(p.casefold().split()) in names for p in our_people if p):
        return "one of our people's names"  # "Bob Martin" <bobmartin.example@gmail.com>: the payroll diversion
    for d in domains:
        mimicked = next((o for o in ours if _mimics(d, o)), None) or \
            (None if _owned(d, ours) else _copies_ours(d, ours))
        if mimicked:
            return f"{LOOK_ALIKE} {mimicked}"  # exarnple.com, examp1e.com: nobody genuine writes from a copy of ours
    if not any(_owned(d, ours) for d in domains):
        our_names = {w for d in ours for w in _labels(d) if len(w) >= 4}
        if any(n in w for d in domains for w in _labels(d) for n in our_names):
            return "our own name"
        if any(_only_a_role(n, ours) for n in display_names if n) and any(_no_company(d) for d in domains):
            return "our own staff"
    if any(_homoglyph(d) for d in domains):
        return "a name spelled with digits for letters"
    if any(d.count(".") >= 2 and ".".join(d.rsplit(".", 2)[-2:]) in _COUNTRY_ENDINGS for d in domains):
        return COUNTRY_SLD
    worn = next((m.group(1) for d in domains if len(d) <= 253 for m in [_SUFFIX_WORN.search(d)] if m), None) or \
        next((w for d in (a.rsplit("@", 1)[-1].lower() for a in addresses) for w in [_domain_worn(d)] if w), None)
    if worn:  # tw-yuanda.com.tw.co: a company's own domain worn whole, a country's ending and another after it
        return f"{LOOK_ALIKE} {worn}"
    if any(d in FREEMAIL for d in domains) and any(_INSTITUTION.search(n) for n in display_names if n):
        return INSTITUTION_ON_FREEMAIL
    if any(d in FREEMAIL for d in domains) and any(_EXECUTIVE.search(n) for n in display_names if n):
        return EXECUTIVE_ON_FREEMAIL
    if any(poses_as_state(d) for d in domains):
        return STATE_IN_DOMAIN
    if any(_GOVERNMENT_BODY.search(n.translate(_simplify())) for n in display_names if n) and \
            not any(_government_domain(d) for d in domains):
        return STATE_BODY_OUTSIDE  # (食物環境衞生署 at fehd-gov-hk.org)
    for quoted in correspondents:
        q_local, _, q_domain = quoted.lower().rpartition("@")
        for a in addresses:
            local, _, domain = a.lower().rpartition("@")
            if q_local == local and _lookalike(domain, q_domain):
                return f"{LOOK_ALIKE} {q_domain}"
    named = [b for b in (brand_in_name(n) for n in display_names if n and not _relayed(n, domains)) if b]
    named += [b for b in (_via_brand(n, domains) for n in display_names if n) if b]
    named += [b for b in (brand_in_domain(d) for d in domains) if b]
    for brand in named:
        # (a brand's hiring mail comes through the recruiting platforms: "Amazon Recruiting" <…@hirevue.com>)
        if not any(_owned(d, BRANDS[brand]) or _owned(d, HIRING_PLATFORMS) for d in domains):
            return brand
    return None


# the header lines of a quoted message that name its correspondents: its sender and, as our own quoted
# mail was written to them, its recipients (From/To/Cc, Italian Da/A, German Von/An, Chinese, …)
_QUOTED_FROM = re.compile(r"(?im)^[ \t>]*(?:from|to|cc|da|a|von|an|de|para|发件人|收件人|抄送|寄件者|寄件人|發件人|"
                          r"收件者|副本)[ \t]*[:：][^\n]{0,200}|"
                          r"^[ \t>]*on [^\n]{5,200} wrote:")
_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def quoted_senders(text: str, limit: int = 100_000) -> list[str]:
    """The addresses on the header lines of the messages quoted in ``text`` ("From: Winnie Lau
    <winnie@…>", "On …, Winnie Lau <winnie@…> wrote:", 发件人: …, and the To and Cc lines: our own
    quoted mail went to the genuine address, which the hijacker's look-alike answers from)."""
    return [a.group() for m in _QUOTED_FROM.finditer(text, 0, limit) for a in _ADDRESS.finditer(m.group())]

