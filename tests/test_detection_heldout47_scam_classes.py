"""Scam classes blind set 47 missed (/work/heldout47: a vocational college's inbound mail, 160 messages,
written by a helper who never saw the rules; on c2e9648 precision 0.940, recall 0.470). The mails here
are written anew for each class, not copied. Each held test fails on c2e9648; the delivered ones (genuine
mail of the same shape) say whether they failed there or guard.
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

HELD = [
    # a recovery scam in traditional characters: the fee by any name, paid first (scam-003)
    ("資產追回服務中心", "service@fund-trace-asia.com", "您的被騙資金已經追回",
     "陳先生您好：\n\n本中心已協助追回您去年在投資平台損失的款項 52,000 元。\n\n"
     "為辦理解凍，需先繳納律師費及清算費共 4,800 元，到帳後全額退還。\n"),
    # lost money "traced", to be returned for a clearance fee (scam-037)
    ("Asset Recovery Desk", "officer@intl-recovery-unit.org", "Case 44120: your lost funds have been traced",
     "Dear Carol,\n\nWorking with law enforcement, we have traced the funds you lost to a trading platform (USD "
     "9,300). We can return your funds in full once the anti-money-laundering clearance fee of USD 740 is paid.\n"),
    # a paper mill: acceptance guaranteed, a deposit first, a QQ number (scam-016)
    ("论文发表服务中心", "fabiao@qikan-kuaifa.com", "核心期刊快速发表，包录用",
     "老师您好！\n\n职称评审需要论文吗？北大核心包录用，3个月见刊；EI会议包检索。\n"
     "先交定金，录用后付尾款。\n\n联系QQ：3920118475\n"),
    # a predatory conference: publication guaranteed, a registration fee (scam-041)
    ("ICEME 2026 Committee", "committee@iceme-conference-series.com", "Call for papers - guaranteed Scopus publication",
     "Dear Professor,\n\n- All accepted papers GUARANTEED published in Scopus indexed journals\n- Acceptance letter "
     "within 3 days of submission\n- Registration fee: USD 420 (author), USD 250 (listener)\n\nPayment through our "
     "partner's PayPal account.\n"),
    # sextortion paid to a bitcoin address, in traditional characters (scam-024)
    ("", "watcher.h4x@mailfence.com", "你的秘密在我手上",
     "我在你的電腦裡植入了木馬程式，錄下了你瀏覽成人網站時的畫面。\n\n"
     "請在48小時內向以下比特幣地址支付價值 1,200 美元的比特幣：\n"
     "bc1q9ht7yk3xm2d4n8p6r5s0t1u2v3w4x5y6z7a8b9\n\n否則我會把影片發給你所有的聯絡人。\n"),
    # the police's "national security account" (scam-010)
    ("公安局经侦支队", "jingzhen@gaj-anquan.com", "关于你涉嫌洗钱案件的通知",
     "王先生：\n\n你名下账户涉嫌一起洗钱案件。为证明清白，请在今日内将名下资金转入“国家安全账户”进行资金清查，"
     "清查无误后全额退还。此案属于机密，不得告知任何人。\n"),
    # donations only in crypto, to a wallet's address (scam-032)
    ("Relief Fund for Families", "appeal@families-relief-now.org", "Urgent appeal",
     "Dear friends,\n\nBanks are delaying wires to the region, so we can only accept donations in bitcoin right "
     "now:\n\nBTC: bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq\n\nEvery dollar reaches a family this week.\n"),
    # a grant approved, a registration fee first (scam-050)
    ("Erasmus+ Grants Office", "grants@erasmus-funding-office.eu.com", "KA2 funding approved - bank confirmation",
     "Dear Coordinator,\n\nYour partnership grant has been approved for EUR 150,000. To receive the pre-financing "
     "payment, please pay the registration fee of EUR 590 and complete the bank confirmation form.\n"),
    # the reader's institution's e-mail and password asked (scam-006)
    ("Journal of Vocational Studies", "em@jvs-editorialmanager.net", "Reviewer invitation JVS-D-26-0431",
     "Dear Dr. Okafor,\n\nYou are invited to review a manuscript. To accept and access the manuscript, please log in "
     "with your institutional email and password:\n\nhttps://jvs-editorialmanager.net/login\n"),
    # a scholarship's fees and the ID and bank card to submit (scam-007)
    ("留学基金资助中心", "zizhu@csc-liuxue-zizhu.com", "访问学者资助入选通知",
     "贵校一名教师已列入访问学者资助名单，资助金额每月1800美元。\n\n"
     "请该教师在5日内缴纳保证金及培训费共计 9,800 元，并提交护照首页、身份证正反面及银行卡信息。\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), HELD,
                         ids=["recovery-fee-traditional", "recovery-clearance-fee", "paper-mill-zh",
                              "predatory-conference", "sextortion-bitcoin-traditional", "police-safe-account",
                              "charity-crypto-wallet", "grant-approved-fee", "institutional-password",
                              "scholarship-fee-and-id"])
def test_scams_of_these_shapes_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


DELIVERED = [
    # a partner's warning quoting the scam under "> From:" / "> Subject:" lines (scam-124; held on c2e9648)
    ("Rachel Morton", "r.morton@westbridge.ac.uk", "Our bank details have NOT changed",
     "Dear colleagues,\n\nTwo partner colleges received emails impersonating our finance team. The one we saw:\n\n"
     "> From: Finance Office <finance@westbridge-univ.org>\n> Subject: Tuition share - please use our new account\n"
     "> ...the tuition share should now be paid to our new account: Westbridge Education Services Ltd, IBAN GB33 "
     "TRWI 2300 1234 5678 90.\n> Please reply to this email only, as our phone lines are being migrated.\n\n"
     "Our receiving account is unchanged. Please call me on 01632 960 441 if anything similar arrives.\n"),
    ("合作院校 财务处", "cwc@gdpt.edu.cn", "谨防冒充我校财务处变更收款账户的诈骗邮件",
     "各合作单位：\n\n近日有不法分子冒充我校财务处发送邮件。诈骗邮件原文摘录如下：\n\n"
     "  > 发件人：财务处 <caiwu@gdpt-edu.com>\n  > 主题：关于我校收款账户变更的通知\n"
     "  > “因年度审计，原对公账户暂停使用，即日起所有款项请汇入以下新账户，请尽快安排付款。”\n\n"
     "我校收款账户未发生任何变更。如收到类似邮件，请勿汇款。\n"),
    # a publisher's genuine invoice: its bank details are on the PDF, nothing asked (scam-075; held on c2e9648)
    ("MDPI Billing", "billing@mdpi.com", "Invoice for manuscript education-3120447",
     "Dear Dr. Chen,\n\nThank you for publishing with us. The article processing charge of CHF 2,100 is payable "
     "within 30 days. Please forward the invoice to your finance department; the bank details are printed on the "
     "PDF.\n"),
    # a bank's own notice whose "never … a safe account" is wrapped (guard: delivered on c2e9648 too)
    ("ABN AMRO", "service@abnamro.nl", "Planned maintenance Sunday",
     "Internet Banking Business will be unavailable on Sunday between 01:00 and 06:00.\n\nPlease note: we will "
     "never ask you for your login codes, your PIN or to transfer money\nto a 'safe account'.\n"),
    # a grant awarded, nothing to pay (guard)
    ("Research Council", "grants@ukri.org", "Award letter EP/Z53102/1",
     "Dear Dr. Cho,\n\nWe are pleased to confirm that your grant has been approved for GBP 412,000. The award "
     "letter and terms and conditions are available in the Funding Service.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), DELIVERED,
                         ids=["advisory-quoting-scam-en", "advisory-quoting-scam-zh", "apc-invoice-bank-on-pdf",
                              "bank-never-safe-account-wrapped", "grant-award-no-fee"])
def test_genuine_mail_of_these_shapes_is_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"
