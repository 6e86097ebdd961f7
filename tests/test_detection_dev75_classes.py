"""Scam classes a fresh blind set (dev 75: an electronics maker's inbound mail) and review 19's leftover
bypasses showed delivered, each written here in our own words, each delivered by cf68168 (issue 19).

- the register's trap however its form words the order: "the undersigned orders an entry into our privately run
  register … 1.190,00 EUR yearly + VAT", "inclusion in our commercial data base is charged at EUR 995 per year", a
  "World Patent & Trademark Bureau", a "Global Manufacturers' Register", the SEO "renewal" whose small print says
  "This notice is not a bill. This is an offer";
- a refund diverted to "our head office in Dubai, account below";
- the fake quarantine digest: "Email Protection Service", "Microsoft 365 Quarantine", "Release them to your inbox
  before they are deleted";
- the befriending stranger who "exchanged cards at the show" and does "some investment on the side", or 加过您名片
  and makes 数字资产 gains 收益很稳定;
- the stranger's move off e-mail to a messaging app: "Email is not convenient because of our company firewall.
  Please add my WeChat", 邮件不太方便聊，您加一下我微信;
- the recruiter's "refundable verification fee … reimbursed on your first payslip";
- the predatory journal: an invitation to submit, publication "within 7 days", an article processing charge;
- the change of bank: "we have updated our receiving bank because …", "has updated its remittance account";
- a companies registry's name worn from elsewhere, with a late filing penalty;
- the loan's "insurance bond … before disbursement"; the recovery scam's "we can recover up to 90% … case opening
  fee"; Hongkong Post's 重新派遞費 after 未能派遞;
- a customer's domain worn whole before another ending (tw-yuanda.com.tw.co);
- the next-of-kin fraud that picks the reader for "the same surname";
- a brand's whole domain worn left of the sender's own (accountprotection.microsoft.com.verify-id.cc);
- a stranger "not very active here" who asks to "chat on WhatsApp";
- the reader's work mailbox as the login to a stranger's page: "please log in with your business email to view";
- crypto, trading tips or a finance staff's group pitched by a stranger and moved to a messaging app ("our OTC desk
  offers USDT settlement … Message me on Telegram", 财务人员内部交流群…请添加QQ群);
- review 19's wordings: the boss's new id written before 加我 or as his phone number (微信就是手机号), a mule who
  "will take in deliveries at your home address", "a solicitation to list your company";
- an archive by link with its password ("the protected archive below. Password: 2024"), from someone the reader
  never wrote to: the encrypted attachment the gateway refuses, sent where it cannot be opened.

And the genuine mail beside each, delivered: a journal's charge after review, a recruiter who charges nothing, a
fair's follow-up with a WhatsApp number, a supplier's WeChat id, a chamber's renewal, a verified change of bank, the
Companies Registry's own reminder, a registrar's renewal, an IT vendor's warning that quotes the fake digest."""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

SCAMS = [
    ("Central Business Register", "info@cbr-registry.eu", "Update of your company data 2027",
     "Dear Sir or Madam,\n\nPlease check and correct your company data below and return the signed form.\n\n"
     "By signing below, the undersigned orders an entry into our privately run register for three years at "
     "1.190,00 EUR yearly + VAT.\n\nKind regards\nData Department"),
    ("European Business Data", "service@ebd-data.com", "Company data verification",
     "Hello,\n\nTo keep your free basic entry current, please verify the details and sign. The inclusion in our "
     "commercial data base is charged at EUR 995 per year.\n\nRegards"),
    ("World Patent & Trademark Bureau", "notice@wptb-office.org", "Trademark publication",
     "Your trademark application has been received. Publication by the World Patent & Trademark Bureau costs "
     "EUR 2,150. Please pay within 8 days to the account on the enclosed invoice."),
    ("Global Sourcing", "desk@global-suppliers.org", "Suppliers' Register 2027",
     "Your company is named in the Global Manufacturers' Register. Return the signed form to confirm; it costs "
     "EUR 1,280 per year."),
    ("Domain Listing Services", "renewals@domain-listing-services.net", "Domain name expiration notice: EXAMPLE.COM",
     "DOMAIN NAME EXPIRATION NOTICE\n\nDomain: EXAMPLE.COM\n\nFailure to complete your domain name search engine "
     "registration by the expiration date may result in cancellation of this offer.\n\nSecure online payment: "
     "https://domain-listing-services.net/pay (USD 86.00 / 1 year)\n\nThis notice is not a bill. This is an offer "
     "for search engine submission services."),
    ("Accounts", "ap@acme-holdings.co", "Refund of duplicate payment",
     "Hi, we paid invoice 4411 twice. Please refund the duplicate to our head office in Dubai, account below.\n"
     "IBAN AE07 0331 2345 6789 0123 456\nThanks"),
    ("Email Protection Service", "quarantine@secure-mail-center.net", "Quarantine Notification: 4 messages held",
     "You have 4 messages held in quarantine. Release them to your inbox before they are deleted in 24 hours:\n"
     "https://secure-mail-center.net/release?u=bob@example.com\n"),
    ("Lisa Wong", "lisawong.1992@hotmail.com", "Nice to meet you at the show?",
     "Hi Dave,\n\nSorry if I have the wrong person, I think we exchanged cards at the Munich show but I lost yours. I "
     "do purchasing for my uncle's company and also some investment on the side.\n\nIt would be nice to keep in "
     "touch, email is slow for me. My WhatsApp is +60 11-2849 7731.\n\nLisa"),
    ("Amy", "amy_zhang0618@outlook.com", "您好，还记得我吗",
     "您好，我是之前在展会上加过您名片的Amy，不知道您还记得吗？最近我在做数字资产，跟着我表哥的老师做了半年，收益很稳定。"
     "\n\n您加一下我微信 amy_zh0618 吧，有空一起交流。"),
    ("Daniel Ho - Purchasing", "daniel.ho.sourcing@yahoo.com", "Large order inquiry",
     "Hello,\n\nWe are a distributor looking for MLCC, large quantity. Our boss wants to talk directly.\n\nEmail is "
     "not convenient because of our company firewall. Please add my WeChat: danielho_sourcing and we can send the "
     "list.\n\nDaniel"),
    ("陈先生", "chen.buyer2024@163.com", "采购咨询",
     "您好，我们有一批电容的采购需求，量比较大。邮件不太方便聊，您加一下我微信 chen_buyer88，详细发您。"),
    ("Sarah Mitchell | Apex Talent", "sarah.mitchell@apextalent-careers.com", "Senior Hardware Engineer role",
     "Hi Carol,\n\nI'm a recruiter retained for a confidential search. The next step is an online assessment; there "
     "is a one-time refundable verification fee of USD 120 for background screening, reimbursed on your first "
     "payslip.\n\nPlease complete it here within 48 hours: https://apextalent-careers.com/assess/carol\n\nSarah"),
    ("Editorial Office - JEEAS", "editor@jeeas-journal.org", "Invitation to submit your valuable manuscript",
     "Dear Dr. Carol,\n\nWe cordially invite you to submit your article for our upcoming issue. Manuscripts are "
     "published within 7 days after acceptance. Article processing charge: USD 99 (discounted).\n\nEditorial Office"),
    ("Jennifer Lau", "jennifer.lau@sunrise-eiectronics.com", "Payment for invoice SR-4471",
     "Hi Li Wei,\n\nPlease note we have updated our receiving bank because our HSBC account is under maintenance. "
     "Kindly use the details below for SR-4471 (USD 86,340.00):\n\nBank: Standard Chartered Singapore\n"
     "Account: 0107-5562-904\n\nJennifer"),
    ("Companies Registry Annual Return", "compliance@hk-company-registry.org", "Annual return - penalty notice",
     "Dear Director,\n\nOur records show your company has not filed its annual return. A late filing penalty of "
     "HKD 3,480 now applies. Settle via the account below to avoid prosecution:\nHSBC 808-442189-838"),
    ("Capital Funding Group", "loans@capitalfunding-asia.com", "Pre-approved business loan - no collateral",
     "Dear Business Owner,\n\nYour company has been pre-approved for an unsecured business loan of USD 2,000,000, "
     "no collateral required.\n\nOnly a refundable insurance bond of 1.5% is required before disbursement."),
    ("Asset Recovery Bureau", "claims@crypto-recovery-bureau.com", "Recovery of lost funds",
     "Dear Victim,\n\nOur forensic team has traced funds lost by your company to fraudulent platforms. We can "
     "recover up to 90% of the assets.\n\nA case opening fee of USD 1,200 is required to file the request."),
    ("香港郵政", "hongkongpost@hkpost-delivery.info", "香港郵政：您的郵件無法派遞",
     "親愛的客戶：\n\n由於地址資料不完整，您的郵件（編號 EE114889302HK）未能派遞。\n\n"
     "請於48小時內更新地址並繳付港幣12元重新派遞費：https://hkpost-delivery.info/redeliver"),
    ("陳經理", "chen.mgr@tw-yuanda.com.tw.co", "報價確認及付款帳戶",
     "Dave 您好：\n\n本公司因應稅務調整，自本月起貨款請改匯至以下新帳戶：\n\n戶名：YUANDA INTERNATIONAL (HK) LTD\n"
     "帳號：012-875-2-044819-3\n\n陳經理"),
    ("Barrister James Morgan", "jmorgan.chambers@legalmail-uk.com", "Inheritance of the late Mr. Li Chen",
     "Dear Li,\n\nI am the attorney to the late Mr. Li Chen, who left a deposit of GBP 6.8 million. As you share the "
     "same surname, I want to present you as next of kin so the funds can be released. We will share 50/50."),
    ("Microsoft account team", "account-security-noreply@accountprotection.microsoft.com.verify-id.cc",
     "Microsoft account unusual sign-in activity",
     "We detected something unusual about a recent sign-in to the Microsoft account d*****@example.com.\n\n"
     "Country/region: Nigeria\n\nIf this wasn't you, please report the user: https://verify-id.cc/msa/report"),
    ("Emma Richardson", "emma.richardson.uk@outlook.com", "Hello Bob",
     "Hi Bob,\n\nI saw your profile on LinkedIn and you look like a kind and honest person. I'm Emma, I work in the "
     "jewellery business.\n\nI'm not very active here, would you like to chat on WhatsApp? +44 7520 611894\n\nEmma"),
    ("Procurement Dept - Tata Electronics", "procurement@tata-electronics-ltd.com", "RFQ / New Purchase Order",
     "Good day,\n\nKindly check our purchase order list and send your best price.\n\nThe PO is hosted on our "
     "secure portal, please log in with your business email to view:\nhttps://tata-electronics-ltd.com/rfq/view\n"),
    ("OTC Desk", "desk@asia-otc-liquidity.com", "Settle USD invoices in USDT",
     "Good morning,\n\nFor companies with USD supplier payments, our OTC desk offers USDT settlement at 0.6% below "
     "the market rate. Message me on Telegram @asiaotc_kevin to open an account.\n\nKevin"),
    ("财务交流群", "qun_admin2024@qq.com", "财务人员内部交流群邀请",
     "您好，本群为企业财务人员内部交流群，群内分享税务新政及发票管理技巧。\n\n请添加QQ群：783320158（验证信息：公司名称+姓名）"),
    ("陈建国", "chen.jianguo.gz@163.com", "加我新微信",
     "王芳，chenjg_gz0915 是我新的微信，加我一下，下午有个客户的事要你处理。我在开会，先别打电话。"),
    ("陈建国", "chen.jianguo.gz@163.com", "加我",
     "王芳，我微信就是手机号 13826541234，加我一下，下午有事要你处理。我在开会，先别打电话。"),
    ("Wholesale Goods Ltd", "jobs@wholesale-goods-ltd.com", "Home-based logistics assistant",
     "Hello,\n\nWe are hiring a part-time logistics assistant. You will take in deliveries at your home address, "
     "check the items and forward them with the prepaid labels we email you. Salary USD 2,800 per month."),
    ("Euro Business Guide", "info@eurobusinessguide.eu", "Your company listing",
     "Dear Sir, please update your free entry. Note: this form is a solicitation to list your company for 3 years at "
     "EUR 995 per year. Sign and return."),
    ("Nina Petrova", "nina.petrova@kontrakt-elektro.ru.com", "Re: Order confirmation",
     "Hello,\n\nAs discussed, please find our order confirmation and payment proof in the protected archive below. "
     "Password: 2024\n\nhttps://filetransfer-secure.cc/d/orderconf_0918.zip\n\nBest regards"),
]

GENUINE = [
    ("Journal of Applied Physics Editorial", "jap@aip.org", "Invitation to submit",
     "Dear Dr. Chen,\n\nWe invite you to submit to our special issue. Peer review typically takes 6 to 8 weeks. "
     "Article processing charge: USD 2,450 for open access, payable after acceptance.\n\nEditorial Office"),
    ("Journal of Materials", "editor@elsevier.com", "Your manuscript",
     "Dear author, your manuscript was accepted. It will be published online within 7 days of proof approval. "
     "The article processing charge of USD 2,000 is payable on the invoice you will receive."),
    ("Sarah Lee | Hays", "sarah.lee@hays.com.sg", "Senior Hardware Engineer role",
     "Hi Carol,\n\nI'm a recruiter with Hays. Our client is hiring a Senior Hardware Engineer. There is no fee for "
     "candidates at any stage. Would you have 15 minutes this week?\n\nBest,\nSarah"),
    ("Ahmad Razak", "ahmad@kl-components.com.my", "Nice to meet you at electronica",
     "Hi Dave,\n\nWe exchanged cards at the Munich show. Attached is our catalogue of MLCC and inductors. My "
     "WhatsApp is +60 12-334 5566 if that is easier for quick questions.\n\nAhmad Razak\nKL Components Sdn Bhd"),
    ("王磊", "wanglei@szpcb.com", "PCB报价",
     "李工您好，附件是贵司询价的PCB报价单，请查收。我的微信是 wl_szpcb，方便的话可以加一下，沟通更及时。\n\n王磊"),
    ("Chamber of Commerce", "membership@amcham-sg.org", "Membership renewal 2025",
     "Dear Member,\n\nYour membership and entry in the chamber's register renew on 1 January. The annual fee is "
     "SGD 1,200 per year. Please pay by 31 January; the invoice is attached.\n\nMembership Team"),
    ("Nexa Finance", "finance@nexa-dist.com", "Bank details update",
     "Dear Alice,\n\nPlease note we have updated our receiving bank because of our move to DBS. Please verify by "
     "calling your usual contact on the number in our contract before the next payment.\n\nNexa Finance"),
    ("HKSAR Companies Registry", "crenquiry@cr.gov.hk", "Annual return reminder",
     "Dear Director,\n\nThe annual return of your company is due within 42 days after the anniversary of "
     "incorporation. A late filing penalty applies to late delivery. File online through the e-Registry."),
    ("Gandi", "billing@gandi.net", "Your domain example.com renews soon",
     "Hello,\n\nYour domain example.com will renew automatically on 21 October 2025 for EUR 15.00 / 1 year, charged "
     "to your card on file. No action is needed."),
    ("OurMSP Helpdesk", "support@ourmsp.com", "Reminder: report phishing",
     "Reminder: a fake quarantine notice is going around asking you to release your messages before they are "
     "deleted. Do not click it; our real digests come from Proofpoint."),
    ("Coupa Supplier Portal", "do_not_reply@coupahost.com", "Invitation to join Coupa Supplier Portal",
     "Hello,\n\nTata Electronics has invited you to the Coupa Supplier Portal to receive purchase orders. Please "
     "log in with your business email to register: https://supplier.coupahost.com/invite\n"),
    ("张经理", "zhang@hx-steel.com", "报价单",
     "李工您好，附件是报价单，请查收。\n\n张伟\n销售经理\n电话/微信同号：13812345678"),
    ("刘会计", "liu.acc@hx-steel.com", "对账单",
     "李伟您好，附件是9月对账单。为方便核对，请贵司财务加一下我的微信 liu_hxsteel，有差异随时沟通。"),
    ("Acme IT", "it@acme-partner.com", "Log files",
     "Hi, the logs are at https://files.acme-partner.com/logs.zip - the password will follow in a separate mail."),
    ("Vendor Support", "support@vendor.com", "Your firmware",
     "Download the firmware: https://downloads.vendor.com/fw/update_2.3.zip\nYour portal password reset is at "
     "https://vendor.com/reset"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), SCAMS, ids=[s[2][:40] for s in SCAMS])
def test_these_scams_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


@pytest.mark.parametrize(("display", "address", "subject", "body"), GENUINE, ids=[g[2][:40] for g in GENUINE])
def test_the_genuine_mail_beside_them_is_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"
