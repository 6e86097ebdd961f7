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
    # a scholarship's fees and the ID and bank card to submit (scam-007)
    ("留学基金资助中心", "zizhu@csc-liuxue-zizhu.com", "访问学者资助入选通知",
     "贵校一名教师已列入访问学者资助名单，资助金额每月1800美元。\n\n"
     "请该教师在5日内缴纳保证金及培训费共计 9,800 元，并提交护照首页、身份证正反面及银行卡信息。\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), HELD,
                         ids=["recovery-fee-traditional", "recovery-clearance-fee", "paper-mill-zh",
                              "predatory-conference", "sextortion-bitcoin-traditional", "police-safe-account",
                              "charity-crypto-wallet", "grant-approved-fee",
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


# a second pass over sets 46 and 47 (each fails on 3762a54)
HELD_MORE = [
    # a carrier's name on a look-alike domain, the company mailbox's sign-in asked (set 46 scam-001)
    ("Maersk Documentation", "documentation@maersk-edoc-release.com", "B/L draft for approval - MAEU 251998204",
     "Dear Customer,\n\nThe draft Bill of Lading for booking MAEU 251998204 is ready for your approval. Under the new "
     "e-B/L rules it can only be viewed after signing in with your company email account.\n\n"
     "View B/L draft: https://maersk-edoc-release.com/view?id=251998204\n"),
    # the border agency's name on a payment domain, the container held until the duty is paid (set 46 scam-002)
    ("U.S. Customs & Border Protection", "notice@cbp-payments-portal.us", "Unpaid import duty - Entry 7HQ-2210934-1",
     "Outstanding duty and MPF: USD 6,915.40\n\nOur records show the duty above remains unpaid on entry "
     "7HQ-2210934-1. The container is held at the Port of Long Beach and will be seized if payment is not received "
     "within 24 hours.\n\nPay by card or wire: https://cbp-payments-portal.us/pay\n"),
    # a recovery firm's retainer payable in advance, and the bank login asked (set 46 scam-016)
    ("Asset Recovery Bureau", "cases@recovery-bureau-intl.org", "Recovery of funds lost to invoice fraud",
     "Dear Ms de Vries,\n\nOur agents have traced the beneficiary account and can recover 100% of the amount within "
     "10 working days. To open the case, an administrative retainer of USD 2,100 is payable in advance. Please "
     "send the transaction receipts and your bank login details.\n"),
    # our own name in a payments domain, the Microsoft 365 sign-in asked (set 47 scam-056)
    ("Example College Bursary Office", "billing@examplecollege-payments.com", "Action required: payment gateway",
     "Dear Bursar,\n\nThe tuition payment gateway is being migrated. All administrative users must re-validate "
     "their access before Friday: https://examplecollege-payments.com/revalidate\n\nYou will be asked to confirm "
     "your Microsoft 365 credentials and the settlement account number on file.\n"),
    # a journal's fee into the editor's own account, the office account "frozen for the audit" (set 47 scam-071)
    ("《职业教育研究》编辑部", "bianjibu_zyjy@163.com", "录用通知及版面费缴纳通知",
     "陈静老师：\n\n您的稿件拟录用于我刊第6期。请于3个工作日内缴纳版面费 2800 元。因编辑部对公账户年审冻结，"
     "请汇入主编个人账户：\n户名：孙国庆\n账号：6217 0012 3004 5566 781\n"),
    # a sum "approved" and a registration fee before it is paid out (set 47 scam-050)
    ("Erasmus+ Funding Unit", "funding@erasmus-plus-office.eu.com", "Partnership funding approved",
     "Dear Coordinator,\n\nYour institution's participation in the Cooperation Partnership has been approved for "
     "EUR 180,000. In order to receive the first pre-financing payment, please pay the legal registration fee of "
     "EUR 650.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), HELD_MORE,
                         ids=["carrier-look-alike-sign-in", "border-agency-duty", "recovery-retainer",
                              "our-name-m365-credentials", "fee-to-personal-account", "sum-approved-fee"])
def test_more_scams_of_these_shapes_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


# genuine mail a review (/work/review9: 90 genuine inbound mails written against this session's new
# signals) found held by the first pass; each is delivered on c2e9648 and held on 3762a54 or a later
# draft, so each guards the narrowing that fixed it
DELIVERED_MORE = [
    # an exam's fee "must be paid before the admission ticket can be printed" (gen-003)
    ("中国人事考试网", "notice@cpta.com.cn", "报名确认及缴费提醒",
     "您好：\n\n您已成功报名2026年度中级会计资格考试。请于3月31日前登录报名系统完成网上缴费，逾期未缴纳考试费的，"
     "视为自动放弃报名。\n\n缴费成功后才能在考前一周打印准考证。\n"),
    # a landlord's office: fees first, and never into a personal account (gen-008)
    ("前海物业服务中心", "service@qh-property.com.cn", "新租户入驻须知",
     "贵司好：\n\n请先交物业费和押金后办理装修许可证并领取门禁卡。收款账户为租赁合同附件五所列的物业公司对公账户，"
     "请勿转入任何个人账户。\n"),
    # a threat-intelligence report: what victims are told, the wallets as indicators (gen-013)
    ("Threat Intel Weekly", "reports@intel-weekly.io", "Weekly ransomware report",
     "LockPack ransomware: victims are told to pay in bitcoin via a Tor chat portal. Addresses seen this week:\n"
     "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq\nbc1q9ht7yk3xm2d4n8p6r5s0t1u2v3w4x5y6z7a8b9\n\n"
     "Block them at your exchange gateways.\n"),
    # a bank's newsletter on "the 'safe account' scam" (gen-056)
    ("Barclays Business", "alerts@email.barclays.co.uk", "Fraud Focus: the 'safe account' scam is back",
     "The 'safe account' scam is back\nCriminals are calling finance teams and asking them to move funds to a "
     "\"safe account\".\n\nWe will never ask you to move money to a safe account.\n"),
    # a partner library's sign-in instructions (gen-048)
    ("University Library", "library@partner-university.ac.uk", "Your library access",
     "Dear colleague,\n\nTo use the e-journals, sign in with your institutional email and password as usual, plus "
     "multi-factor authentication. We never send sign-in links by email.\n"),
    # a publisher's notice quoting the paper mills' offer; its charges invoiced after acceptance (gen-017)
    ("Springer Nature Author Services", "authorservices@springernature.com", "Notice about publication offers",
     "Dear Dr Liu,\n\nWe are writing to all corresponding authors because third parties are contacting researchers "
     "and offering \"guaranteed publication\" in our journals in return for a fee.\n\nPlease note:\n- No one can "
     "offer guaranteed publication.\n- Article processing charges, where they apply, are invoiced only after "
     "acceptance and only through our official payment system.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), DELIVERED_MORE,
                         ids=["exam-fee-before-ticket", "property-fees-no-personal-account", "threat-intel-wallets",
                              "bank-newsletter-safe-account", "library-sso-password", "publisher-paper-mill-notice"])
def test_more_genuine_mail_of_these_shapes_is_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"
