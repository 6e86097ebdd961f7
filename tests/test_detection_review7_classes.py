"""Genuine inbound mail review set 7 held (/work/review7: 90 genuine look-alikes written by a helper
against this session's scam changes; before the fixes 9 were held or tagged, 6 of them already on
b007a3c). Each test fails on 84f0ff9.
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import US_INBOUND, _inbound_verdict

DELIVERED = [
    # an agency named for the marketplace it works on (fp-026): its name and domain hold "Amazon"
    ("Marcus Reid | Amazon PPC Partners", "marcus@amazon-ppc-partners.co.uk", "September PPC report",
     "Hi Dave,\nAttached is the September report. ACoS is down to 18%.\nLog in to the client dashboard for the "
     "detail: https://dashboard.amazon-ppc-partners.co.uk/login\nMarcus\n", None),
    # a bank's own alert: its number to call, and "never … a safe account" (fp-048)
    ("HSBC UK", "alerts@notifications.hsbc.co.uk", "Card transaction alert",
     "A payment of GBP 812.40 to BRITISH AIRWAYS was made today on your commercial card.\n"
     "If you don't recognise it, call us on 03456 002 290.\n\nWe'll never ask you for your full PIN or online "
     "banking password, or ask you to move money to a\n\"safe account\".\n", None),
    # a payment provider's own code mail (fp-064, fp-046): the code given, its hotline
    ("万里汇 WorldFirst", "noreply@worldfirst.com.cn", "提现验证码",
     "您正在申请提现 USD 12,000.00 至招商银行账户，验证码为：\n\n    482913\n\n验证码10分钟内有效，请勿告诉任何人。"
     "如非本人操作,请立即修改密码并联系客服 400-831-8880。\n", None),
    ("连连国际", "noreply@lianlianpay.com", "【连连国际】提现银行账户变更验证码",
     "尊敬的用户：\n您正在申请变更提现银行账户，验证码为：\n\n    615204\n\n验证码10分钟内有效。"
     "验证码是重要的身份凭证，请勿告诉任何人。\n", None),
    # a bank's advisory whose quoted scams run over lines broken twice (fp-062)
    ("招商银行", "notice@cmbchina.com", "【招商银行】防范电信网络诈骗提示",
     "近期，不法分子冒充公检法机关实施诈骗的案件高发。典型话术：\n\n一、短信内容如：\n\n"
     "“【市公安局】您名下企业账户涉嫌洗钱，请于24小时内将资金转入\n\n国家安全账户配合审查，逾期将冻结全部账户。”\n\n"
     "二、短信称：\n\n“需缴纳保证金至指定账户\n\n并提供短信验证码才能消除。”\n\n"
     "请牢记：不存在所谓“安全账户”。\n", None),
    # a customer forwarding the fake it got, under a German reply header (fp-074)
    ('Stefan Braun', 's.braun@elektro-schmidt.de',
     'WG: Rechnung EX-INV-25-1290 - neue Bankverbindung?? looks suspicious',
     'Hi Alice,\n'
     '\n'
     'we received the mail below this morning from "accounts@example-electro'
     'nics-ltd.com" with your logo,\n'
     'asking us to pay the open invoice EX-INV-25-1290 to a new account in L'
     'ithuania. This looks fake to\n'
     'me - the domain is not yours and the wording is strange. We did NOT pa'
     'y anything and have blocked\n'
     'the payment in our system.\n'
     '\n'
     'Can you confirm your bank details are unchanged (Barclays, as on all p'
     'revious invoices)? I will also\n'
     'call you this afternoon on your office number 01908 410 700 to double-'
     'check.\n'
     '\n'
     'You may want to warn your other customers.\n'
     '\n'
     'Best regards\n'
     'Stefan Braun\n'
     'Buchhaltung / Kreditorenbuchhaltung\n'
     'Elektro Schmidt GmbH & Co. KG | Industriestr. 22 | 90765 Fürth | +49 9'
     '11 7680 244\n'
     '\n'
     '-----Ursprüngliche Nachricht-----\n'
     'Von: Example Electronics Accounts <accounts@example-electronics-ltd.co'
     'm>\n'
     'Gesendet: Mittwoch, 8. Oktober 2025 07:41\n'
     'An: Braun, Stefan <s.braun@elektro-schmidt.de>\n'
     'Betreff: Rechnung EX-INV-25-1290 - neue Bankverbindung\n'
     '\n'
     'Dear Customer,\n'
     '\n'
     'Please note that due to our annual audit our UK account is temporarily'
     ' under review. Kindly remit\n'
     'the attached invoice EX-INV-25-1290 (EUR 14,880.00) to our new account'
     ' below and send the payment\n'
     'confirmation to this email:\n'
     '\n'
     'Beneficiary: Example Electronics Ltd\n'
     'IBAN: LT42 3250 0671 8842 9013\n'
     'BIC: REVOLT21\n'
     '\n'
     'Regards,\n'
     'Accounts Department\n',
     None),
    # the forwarded lure's own subject repeated, by an agency named for the marketplace (fp-080)
    ('Marcus Reid | Amazon PPC Partners', 'marcus@amazon-ppc-partners.co.uk',
     "Fwd: Your Amazon seller account has been suspended - phishing, don't click",
     'Dave,\n'
     '\n'
     'Our shared inbox got this at 6am, and two other clients got the same. '
     "It's phishing: the sender is\n"
     'seller-central-support@amazon-verification-notice.com and the button g'
     'oes to a look-alike login\n'
     "page. Don't click it, and please remind whoever has Seller Central acc"
     'ess.\n'
     '\n'
     "I've just checked your Account Health through our user permissions - i"
     "t's green, no policy\n"
     'warnings. Real account notices show up under Performance > Account Hea'
     'lth and in the Seller Central\n'
     'message centre, not only by email.\n'
     '\n'
     'Marcus\n'
     '\n'
     '---------- Forwarded message ---------\n'
     'From: Amazon Seller Central <seller-central-support@amazon-verificatio'
     'n-notice.com>\n'
     'Date: Fri, 17 Oct 2025 at 06:02\n'
     'Subject: Your Amazon seller account has been suspended\n'
     'To: <team@amazon-ppc-partners.co.uk>\n'
     '\n'
     'Hello,\n'
     '\n'
     'Your seller account has been suspended due to a violation of our polic'
     'ies. Your listings have been\n'
     'removed and your funds are on hold. To reactivate your account, you mu'
     'st verify your identity within\n'
     '48 hours:\n'
     '\n'
     '[ Verify account ] hxxps://sellercentral-amazon.account-review[.]com/v'
     'erify\n'
     '\n'
     'Amazon Services\n',
     None),
    # a supplier forwarding the fraud its look-alike sent (fp-077): the look-alike is the quoted fraudster's
    ('王淑芬', 'sf.wang@ycelec.com.tw',
     '轉寄: 可疑郵件 - 有人冒用本公司名義要求變更匯款帳戶，請勿理會',
     '陳小姐 您好：\n'
     '\n'
     '我們的另一位客戶昨天收到如下郵件，冒用本公司業務名義，要求將貨款匯至香港某銀行帳戶。\n'
     '此為詐騙郵件，發件網域 ycelec-tw.com 並非本公司網域（本公司為 ycelec.com.tw）。\n'
     '\n'
     '本公司匯款帳戶從未變更，仍為 台灣銀行 新竹分行。任何帳戶變更，一定會以公司正式函件用印，\n'
     '並由財務經理電話通知。如貴司也收到類似郵件，請勿付款並通知我們，謝謝。\n'
     '\n'
     '王淑芬\n'
     '友成電子股份有限公司 業務部\n'
     'TEL: 03-552-1860 ext. 112\n'
     '\n'
     '\n'
     '-----Original Message-----\n'
     'From: Shu-Fen Wang <sf.wang@ycelec-tw.com>\n'
     'Sent: Thursday, September 4, 2025 4:51 PM\n'
     'To: purchasing@[customer]\n'
     'Subject: Updated bank information - Youcheng Electronics\n'
     '\n'
     'Dear valued customer,\n'
     '\n'
     'Kindly be informed that our Bank of Taiwan account is under annual aud'
     'it. Please arrange all\n'
     'pending payments to our Hong Kong account below from today:\n'
     '\n'
     'Account name: YC Trading Co Ltd\n'
     'Bank: HSBC Hong Kong, A/C 848-291774-838\n'
     '\n'
     'Best regards,\n'
     'Shu-Fen Wang\n',
     None),
]


@pytest.mark.parametrize(("display", "address", "subject", "body", "html"), DELIVERED,
                         ids=["agency-named-amazon", "bank-own-alert-safe-account", "provider-code-callback",
                              "code-given-after-wei", "advisory-quotes-broken-lines", "german-reported-forward",
                              "reported-forward-subject", "supplier-forwards-its-lookalike"])
def test_genuine_mail_of_the_scams_shape_is_delivered(display: str, address: str, subject: str, body: str,
                                                       html: str | None) -> None:
    """Delivered untagged: no scam rule fires (a tag is delivered too, with a spam prefix)."""
    verdict = _inbound_verdict(display, address, subject, body, html).to_json()["recipients"][US_INBOUND]
    assert verdict["action"] == "deliver" and not {"scam-signals", "spam-threshold"} & set(verdict["rules"]), verdict
