"""The scam classes the last session's blind sets (60, 61, 62) were found to miss, listed in its closing note,
written anew here in my own words: the stranger's "wrong person … maybe it's fate, let's be friends" opener
with a messaging id (pig butchering, English and Chinese), a supplier's bank "changed following our annual
audit" with "the account name remains the same" (the hijacker's reassurance), a fake tender's fee into its
officer's account, a voicemail notice from a domain no phone system sends from with a link to "listen", a
trademark's "publication" in a world register, a fake buyer's supplier-registration certificate bought from
its agent. (The voicemail notice first held on its "listen" link alone; the review of the change found four
genuine hosted phone systems tagged so, and a voicemail lure is held now where it asks the company's
sign-in.) Each scam fails on e284777. Beside them, the genuine mail each reading must leave alone: a hosted
phone system's own voicemail, a bank change to be verified by phone, a tender's document fee to the agency,
an attorney's invoice for a national register, a bid bond to the state, a buyer met at a fair, a mistyped
address apologised for (guards: delivered before and after). Then the same classes as blind set 64 (a
chemical trader's inbound, dev) brought them, written anew: the Taiwanese opener to LINE, "do you still
remember me" with an uncle's gold and crypto trading, the reshipping and 跑分 mules, a buyer's agent who
registers suppliers before the LC, a supplier list's fees into its clerk's account, an award's fee with the
place "递补" to others, a buyer's test fee into a person's Alipay "returned after we cooperate"; and a tender
that refuses personal accounts and a courier that never asks for one (guards).
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

SCAMS = [
    ("Jenny Wu", "jennywu.life88@gmail.com", "Hello",
     "Hi Mr. Zhang, is this still your email? We met at the Canton Fair last spring and talked about wine.\n\n"
     "Oh sorry, I think I may have the wrong person. But it is fate that we meet this way, maybe we can be "
     "friends? I live in Singapore and work in cross-border investment. Add my WhatsApp +65 8123 4567 so we "
     "can chat.\n\nJenny"),
    ("林小姐", "linxiaojie0912@163.com", "王总您好",
     "王总您好，我是上次展会上认识的小林，还记得我吗？\n\n哎呀不好意思，好像发错人了。不过相遇就是缘分，交个朋友吧，"
     "我平时做跨境电商，也会研究一些理财。方便的话加我微信 lin_xj0912 聊聊。\n"),
    ("Andrea Rossi", "andrea.rossi@fratelli-ross1.it", "RE: Invoice 4471 payment",
     "Hi,\n\nAs discussed, please note we have changed banks following our annual audit. The account name "
     "remains the same (Fratelli Rossi S.p.A.) but payments for invoice 4471 must now go to:\n\nIBAN: LT12 "
     "3250 0247 7121 0911\nBank: Revolut\n\nPlease confirm once the transfer is done.\n\nAndrea\n"),
    ("Procurement Office", "tenders@minpublicworks-gov.org", "Invitation to Tender MPW/2026/118",
     "Dear Sir/Madam,\n\nYour company has been shortlisted for Tender MPW/2026/118 (supply of office "
     "furniture, USD 2.4 million). To receive the tender documents, a non-refundable tender fee of USD 850 "
     "must be paid to the account of our procurement officer, Mr. Daniel Mensah, Ecobank, account 0041 2289 "
     "1103.\n"),
    ("Voice Mail System", "voicemail@vm-notify-center.com", "New voicemail from +44 20 7946 0321 (0:47)",
     "You have received a new voice message.\n\nFrom: +44 20 7946 0321\nDuration: 0:47\nReceived: today "
     "09:12\n\nListen to message: https://vm-notify-center.com/listen?id=88213 (sign in with your Office 365 "
     "account to play it)\n\nThis message will be deleted in 48 hours.\n"),
    ("World Intellectual Property Register", "office@wipr-register.org", "Trademark publication EXAMPLE",
     "Your trademark EXAMPLE (application 0188273) is eligible for publication in the World Intellectual "
     "Property Register. To complete the publication, please pay EUR 2,450 within 8 days using the enclosed "
     "transfer form. The publication is valid for 10 years.\n"),
    ("Al Noor Trading", "purchase.alnoor@outlook.com", "Purchase order - urgent",
     "Dear Supplier,\n\nWe want to order 2 containers of your product. Before we send the purchase order and "
     "30% deposit, our government requires you to obtain a Supplier Registration Certificate from the Chamber "
     "agent. Cost is USD 480, contact agent Mr. Yusuf at yusuf.chamber@gmail.com.\n"),
]

# the same classes as blind set 64 (a chemical trader's inbound, dev) brought them, written anew
SCAMS += [
    ("陳小姐", "chen.meiling0707@gmail.com", "請問是林經理嗎",
     "林經理您好，我們上個月在台北國際展覽會見過面，您還記得我嗎？\n\n啊，不好意思，好像認錯人了。不過能認識也是緣分，"
     "交個朋友吧。我平常在做外匯投資，有空可以加我LINE：meiling0707 聊聊。\n"),
    ("Grace Tan", "gracetan.hk@gmail.com", "Nice talking at Chemspec",
     "Dear Mr. Wong,\n\nI hope you still remember me, we talked near the registration desk at Chemspec last "
     "month. I am not really in chemicals, my uncle and I do short-term gold and crypto trading from Hong "
     "Kong and it has been going very well this year.\n\nEmail is slow for me, could we chat on WhatsApp? "
     "+852 6123 4410\n\nGrace\n"),
    ("HR Team", "jobs@remote-parcel-jobs.com", "Package Inspector position - work from home",
     "Dear candidate,\n\nWe are hiring Package Inspectors to work from home. You will receive parcels for our "
     "customers at your home address, inspect the contents, and reship them to our clients abroad using "
     "prepaid labels we email you. Salary USD 2,800 per month plus bonuses.\n"),
    ("跑分平台招募", "paofen_zm@126.com", "在家兼职 日入500+",
     "招募兼职代收款人员：使用您本人的支付宝或银行卡帮平台代收货款，每笔返佣 3%。\n有意者请回复邮件报名。\n"),
    ("Chief Musa Bello", "musa.bello@abuja-agro-imports.com", "Order: 400 MT urea monthly",
     "Attention Sales Manager,\n\nWe wish to buy 400 MT of urea monthly for 12 months, payment by irrevocable "
     "LC at sight. Before the LC can be opened, your company must be registered as an approved foreign "
     "supplier with the Ministry of Trade.\n\nOur agent in Abuja handles the registration for all our "
     "suppliers. Registration fee is USD 1,350 and takes 3 working days.\n\nChief Musa Bello\n"),
    ("某能源集团招标中心", "zbzx@energy-jcgc.cn", "关于贵司入围年度供应商库的通知",
     "经我中心初步审核，贵司已入围《年度化工原料集中采购项目》合格供应商候选名单。请于本月 20 日前完成以下手续：\n"
     "一、缴纳供应商入库保证金 人民币 20,000 元；\n二、缴纳入库审核服务费 人民币 2,800 元。\n\n"
     "收款账户：刘洋（项目经办人）\n开户银行：中国建设银行\n账号：6217 0000 1023 7781 904\n"),
    ("行业百强评选组委会", "pingxuan@trade-top100.org.cn", "关于贵司入选年度百强诚信企业候选名单的通知",
     "经组委会专家评审团初审，贵司成功入选“年度贸易百强诚信企业”候选名单。获奖企业将获得铜牌、荣誉证书及媒体宣传报道。\n\n"
     "请于本月底前确认参评，并缴纳评审及宣传服务费 人民币 19,800 元，逾期名额将由其他企业递补。\n"),
    ("采购部 刘经理", "liujl@huada-coatings.com", "采购询价：钛白粉月需求 80 吨",
     "您好！我司长期采购钛白粉，月需求约 80 吨。所有原材料须由我司指定的第三方检测机构出具检测报告后方可签订合同。"
     "请贵司缴纳检测费 4,800 元，合作后从首批货款中返还。\n检测费请直接转至陈工支付宝账户：139 2761 0883\n"),
]

GENUINE = [
    ("RingCentral", "service@ringcentral.com", "New Voice Message from +1 415 555 0199",
     "You have a new voice message.\n\nFrom: +1 415 555 0199\nDuration: 0:32\n\nListen to message: "
     "https://service.ringcentral.com/vm/8812\n"),
    ("Fratelli Rossi Accounts", "amministrazione@fratellirossi.it", "Change of bank details",
     "Dear customer,\n\nWe have changed banks following the merger of our previous bank. The account name "
     "remains the same. From 1 January payments should now be made to: IBAN IT60 X054 2811 1010 0000 0123 "
     "456, Intesa Sanpaolo.\n\nPlease verify this change by calling our accounts team on the number you have on "
     "file before the next payment. We will never ask you to change payment details by email alone.\n\n"
     "Amministrazione\n"),
    ("上海招标代理有限公司", "zb@shzbdl.com.cn", "招标公告：办公家具采购项目",
     "各潜在投标人：\n\n本项目招标文件售价 500 元，售后不退。请将标书费汇入我公司账户：上海招标代理有限公司，"
     "开户行：工商银行上海分行，账号 1001 2345 6789 0123 456。\n投标截止时间：2027年1月10日。\n"),
    ("Hartmann IP Attorneys", "office@hartmann-ip.de", "Trademark EXAMPLE registered - our invoice",
     "Dear Sirs,\n\nWe are pleased to report that your mark EXAMPLE has been entered in the trademark register "
     "of the German Patent and Trade Mark Office. Please find our invoice for the registration fee and our "
     "services attached, payable within 30 days.\n\nKind regards,\nDr. K. Hartmann\n"),
    ("Tender Office", "procurement@citywater.gov.sg", "Invitation to quote",
     "Dear Supplier,\n\nYou are invited to submit a quotation for ITQ 2026/45. The tender documents are free "
     "of charge on GeBIZ. A bid bond of SGD 5,000 is required and must be paid to the account of the "
     "Accountant-General.\n"),
    ("Lucy Chen", "lucy.chen@gmail.com", "Nice meeting you at the fair",
     "Hi Alice,\n\nWe met at the Canton Fair booth 12.2 last week, I was the buyer from Melbourne asking about "
     "the oak chairs. Could you send the catalogue? My WhatsApp is +61 412 345 678 if that is easier.\n\nLucy\n"),
    ("Tom", "tom.baker77@gmail.com", "Sorry - wrong address",
     "Hi, sorry, I think I sent my previous email to the wrong address - please delete it. Tom\n"),
]


GENUINE += [
    ("上海国际招标有限公司", "zb@sh-intl-tender.com.cn", "招标公告：实验室设备采购",
     "各潜在投标人：\n\n招标文件售价 300 元，售后不退，请以对公转账方式支付至我公司账户，我司开具增值税普通发票。"
     "不接受个人账户转账，亦不收取任何入库费用。\n"),
    ("顺丰速运", "intl-tax@sf-express.com", "【顺丰国际】进口快件税费缴纳通知",
     "尊敬的客户：\n\n您的国际进口快件需缴纳进口税费人民币 212.60 元（按海关税单）。"
     "请在顺丰速运App → 国际件 → 税费支付中输入运单号缴纳，或派送时向收派员支付。\n\n"
     "顺丰不会要求您向个人账户或非顺丰官方渠道转账缴纳税费，如有疑问请致电 95338。\n"),
]


@pytest.mark.parametrize("display,address,subject,body", SCAMS, ids=[s[2][:40] for s in SCAMS])
def test_missed_scam_classes_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


@pytest.mark.parametrize("display,address,subject,body", GENUINE, ids=[g[2][:40] for g in GENUINE])
def test_their_genuine_look_alikes_are_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"
