"""Error classes of the blind sets 26-29 (insurance brokerage, cross-border e-commerce, medical
devices, and a scam-only set), in wording of our own. Fraud advisories, bank bulletins and
awareness training were held as scams (10 false holds across the four sets); diversions worded as
"our new collection account", "the group's new bank", an account "under system migration", and
threads hijacked from a look-alike whose genuine address stood on our quoted mail's To line (or an
Italian Da:/A: header) were delivered. Seven tests failed on 3adeaaa: the association's, the bank's
and the training's advisories, the "due to recent fraud attempts … today" diversion, the new
collection account, and both hijacked threads; the others guard (the hackathon's "invoice by
Friday" is business). A second batch (sets 29-32, on 9e57035): calls to sign in from a sender
wearing a brand (a lure: no other ask), our own name worn from outside asking for a WhatsApp
number, and genuine notices held for "won't", "paid by shipper" and a bank's "never ask you to
provide your password or one-time password" (the first five of that batch failed on 9e57035; the
conference and the called-back change of account guard).
"""

from __future__ import annotations

import pytest

from tests.accuracy.measure import outcome_of
from tests.test_detection_heldout16_classes import _inbound_verdict, _with_header

ADVISORIES = [
    # an association's bulletin: the scams' moves told item by item (一、…), then its advice ((一)…)
    ("香港保险经纪联会", "notice@hkiba.test", "会员通告：慎防冒充保险公司诈骗",
     "各会员：\n\n近日本会接获多宗会员报告，有骗徒冒充保险公司职员，常见手法包括：\n\n"
     "一、以相似网域发出电邮，声称收款银行账户已更改，要求经纪将保费汇入新账户；\n"
     "二、冒充公司行政总裁，要求同事紧急购买礼品卡或安排电汇；\n"
     "三、发出伪造的云端文件链接，要求输入电邮密码。\n\n本会建议会员：\n"
     "(一)任何收款账户更改，必须以已知电话号码向对方核实；\n(二)切勿在链接中输入密码。\n"),
    # a bank's advisory in English that calls it business e-mail compromise
    ("Harbour Bank", "alerts@harbourbank.test", "Security advisory: payee change fraud",
     "Dear Customer,\n\nWe are seeing a sharp rise in business e-mail compromise (BEC) cases. Typical patterns "
     "include:\n\n- An e-mail from a regular supplier saying their bank account has changed \"due to audit\";\n"
     "- Pressure to pay quickly and a request not to call the supplier;\n- Messages asking staff to buy gift cards "
     "or move the conversation to WhatsApp.\n\nBefore changing any payee details, call your supplier on a number you "
     "already hold.\n"),
    # training that quotes the scams in single quotes after "You'll learn to spot:"
    ("SecureAware Training", "training@secureaware.test", "Security module: BEC",
     "Hello team,\n\nThis month's module covers Business Email Compromise. You'll learn to spot:\n\n"
     "- Supplier bank-change requests ('due to our audit, please pay our new account in Hong Kong')\n"
     "- CEO gift-card requests ('I'm in a meeting, buy 8 gift cards and send me the codes')\n\n"
     "Verify any payment change by calling the number you already have on file.\n"),
    # a bank's list of what to remember, each item saying what scams ask
    ("招商银行", "notice@cmbchina.com", "反诈提示：冒充公检法",
     "尊敬的客户：\n\n近期冒充公检法诈骗多发，诈骗分子要求受害人将资金转入所谓的“安全账户”。\n\n请牢记：\n"
     "1. 公安机关不会通过电话、邮件、微信办案；\n"
     "2. 国家机关没有所谓“安全账户”，凡是要求您转账到“安全账户”的都是诈骗；\n"
     "3. 凡是要求您添加QQ或微信“做笔录”的都是诈骗。\n"),
    # the advice alone: any change of account verified on the number one already has
    ("苏州商业银行", "gongsi@szbank.test", "风险提示",
     "尊敬的企业客户：\n\n近期电信网络诈骗高发。任何收款账户变更，请务必通过原有电话与对方核实。"
     "如遇可疑情况请拨打 96110。\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), ADVISORIES)
def test_advisories_that_describe_scams_in_lists_are_delivered(display: str, address: str, subject: str,
                                                               body: str) -> None:
    assert _with_header(display, address, subject, body) == "deliver"


SCAMS = [
    # a warning frame, and an account to pay: no advisory names one
    ("Accounts", "accounts@vh-assurance.test", "Change of bank account",
     "Dear Alice,\n\nDue to recent fraud attempts, our bank details have changed. Please remit the outstanding premium "
     "of HKD 186,420.00 to our new account today:\nAccount no.: 027-449138-883\n"),
    # a diversion whose writer offers a call-back on a number it gives itself
    ("Kenneth Lau", "kenneth.lau@vhassurance-hk.test", "Updated bank details",
     "Dear Alice,\n\nPlease note our updated bank details for all payments from today. You can call me on my mobile "
     "+852 9123 4567 to confirm. The outstanding HKD 186,420.00 should be paid to the new account by Friday; our "
     "office phone lines are being upgraded, so e-mail only please.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), SCAMS)
def test_a_diversion_with_a_payee_or_its_own_call_back_number_is_still_held(display: str, address: str, subject: str,
                                                                            body: str) -> None:
    assert _with_header(display, address, subject, body) == "quarantine"


DIVERSIONS = [
    # a new collection account, the old one "no longer accepted", the phones "being migrated", a free-mail Reply-To
    ("Kenneth Lau", "kenneth.lau@vhassurance-hk.test", "Change of bank account - premium remittance",
     "Dear Alice,\n\nPlease be informed that we will no longer accept premium remittance to our HSBC account ending "
     "838. Kindly remit all outstanding premiums, including DN-24-06114 (HKD 186,420.00), to our new collection "
     "account:\n\nBeneficiary: VHA Treasury Services Ltd\nAccount no.: 027-449138-883\n\nPlease reply to this e-mail "
     "only, as our phone lines are being migrated this week.\n", {"Reply_To": "vha.treasury@outlook.com"}),
    # Chinese: the old account out of use, a new one, a weekday's deadline, the landline not answered
    ("华信财险 收付费中心", "feecenter@huaxln-pc.test", "关于变更保费收款账户的通知",
     "港联保险经纪有限公司财务部：\n\n因我司资金集中管理系统升级，原保费收款账户自 9 月 1 日起暂停使用。"
     "请贵司将应付保费汇入以下新账户：\n\n账  号：6316 0287 4410 2286\n\n"
     "目前贵司尚有应付保费 2,846,310.00 元未结算，请于本周五前汇入新账户。近期因系统切换，座机暂时无法接听。\n", {}),
]


@pytest.mark.parametrize(("display", "address", "subject", "body", "headers"), DIVERSIONS)
def test_diversions_worded_as_a_new_collection_account_are_held(display: str, address: str, subject: str, body: str,
                                                                headers: dict[str, str]) -> None:
    assert _with_header(display, address, subject, body, **headers) == "quarantine"


HIJACKED = [
    # the look-alike adds "-it" to the name, and the thread's quoted headers are Italian (Da:, A:)
    ("Giulia Ferraro", "g.ferraro@stampirossi-it.test", "R: Mould SR-2611 - 2nd instalment",
     "Dear Mr. Li,\n\nThe second instalment (EUR 34,800.00) is due after T1 approval. Please note: following the "
     "merger of our holding company, our account is being transferred to the group's new bank, so kindly use the "
     "account on the attached invoice.\n\nGiulia\n\nDa: Li Wei <li.wei@example.com>\nInviato: giovedi 9 aprile 2026\n"
     "A: Giulia Ferraro <g.ferraro@stampirossi.it>\nOggetto: R: Mould SR-2611\n\nDear Giulia,\n\nT1 approved.\n"),
    # the genuine address only on our quoted mail's To line; an overseas collection account; the pretext
    ("Kelly Zhang", "kelly.zhang@everocean-logs.test", "RE: Debit note EOL-DN-260318",
     "Dear Bob,\n\nKindly note our USD account at Bank of Communications Ningbo is under system migration this month "
     "and cannot receive foreign currency remittances. Please arrange payment of USD 6,480.00 to our overseas "
     "collection account:\n\nA/C: 7950-3318-420\n\nKelly\n\n-----Original Message-----\nFrom: Bob Chen "
     "<bob@example.com>\nTo: Kelly Zhang <kelly.zhang@everocean-log.test>\nSubject: RE: Debit note\n\nReceived.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), HIJACKED)
def test_a_hijacked_thread_answered_from_a_look_alike_is_held(display: str, address: str, subject: str,
                                                               body: str) -> None:
    assert _with_header(display, address, subject, body, In_Reply_To="<q@example.com>") == "quarantine"


def test_an_invoice_asked_by_friday_beside_good_news_is_business() -> None:
    body = ("Hi team,\n\nCongratulations! Example Corp won first prize at the FinTech Hackathon. The prize of "
            "USD 5,000 will be transferred to your company account within 30 days; please send us an invoice by "
            "Friday.\n")
    assert _with_header("Hannah Brooks", "hannah@brooks-events.test", "You won the hackathon!", body) == "deliver"


LURES = [
    # a brand's name worn in the From line, a sign-in to keep the mailbox, a threat: no other ask
    ("Microsoft 365", "storage@m365-mail-notice.test", "Your mailbox is almost full",
     "Your mailbox has reached 98% of its quota. New messages will be deleted.\n\nSign in to release storage: "
     "https://m365-mail-notice.test/owa\n"),
    # Chinese: 腾讯企业邮's name in a look-alike domain, keep the current password
    ("腾讯企业邮箱", "service@exmail-qq-notice.test", "您的企业邮箱密码将于3天后过期",
     "尊敬的用户：\n\n您的邮箱密码将于 3 天后过期，过期后将无法登录邮箱。"
     "如需继续使用当前密码，请点击下方按钮保留当前密码。\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), LURES)
def test_a_call_to_sign_in_from_a_sender_wearing_a_brand_is_held(display: str, address: str, subject: str,
                                                                 body: str) -> None:
    assert _with_header(display, address, subject, body) == "quarantine"


# A review of 9bdd5b4..3e71469 (helper; 68 genuine mails in /work/review4) found 26 of them tagged or
# held that the old code delivered: our own name's disguises (a partner called example-logistics, a
# vendor's "IT Support" on gmail, brand names with a digit, namesakes of our people) had been made an ask
# and a lure's disguise. They are one point beside an ask again; the boss's first message ("send me
# your WhatsApp number") from examplecorp-cn is missed again. Three of these failed on 3e71469 (the
# partner named example-logistics, the vendor's "IT Support" on gmail, the fund-by-Thursday-as-usual); the
# others are guards of the same kinds.
REVIEWED = [
    ("Example Logistics", "ops@example-logistics.test", "New tracking portal",
     "Dear customer,\n\nOur new tracking portal is live. Sign in with your customer number: "
     "https://track.example-logistics.test\n"),
    ("Level1 Security", "reports@level1security.test", "Your penetration test report",
     "Hello,\n\nThe report is ready. Download the report from our portal: https://portal.level1security.test/r/88\n"),
    ("IT Support", "pos.vendor.tech@gmail.com", "Ticket 4471 update",
     "Hi,\n\nYour POS ticket was updated. Click here to see the status: https://desk.posvendor.test/4471\n"),
    ("Alice Chen", "alice.chen.design@gmail.com", "Logo drafts",
     "Hi,\n\nThe drafts are ready: open the attachment or the link https://share.designstudio.test/a1\n"),
    # bank changes verified on the usual number, in the subject or the next sentence
    ("Kevin Ho", "kevin.ho@harbour-logistics.test", "New bank account for Harbour Logistics",
     "Dear Alice,\n\nFrom 1 December please pay our invoices to our new HSBC account (details in the attached "
     "letter). Please call me on our usual number to verify before the first payment.\n"),
    ("Payroll Partners", "billing@payrollpartners.test", "December funding",
     "Hi Alice,\n\nPayroll funding for December should go to our new client trust account at HSBC (details in the "
     "client portal). Please fund by Thursday as usual.\n"),
]


def _outcome(display: str, address: str, subject: str, body: str) -> str:
    """delivered, tagged ([SPAM] in the subject) or held: the verdict _with_header reads its action from."""
    return outcome_of(_inbound_verdict(display, address, subject, body))


@pytest.mark.parametrize(("display", "address", "subject", "body"), REVIEWED)
def test_our_names_disguises_and_verified_changes_the_review_found_are_delivered(display: str, address: str,
                                                                                 subject: str, body: str) -> None:
    assert _outcome(display, address, subject, body) == "delivered"


GENUINE = [
    # "if you won't be available" is no win; duties "paid by shipper" are no fee
    ("DHL Express", "noreply@dhl.com", "Your shipment arrives today",
     "Estimated delivery: today, 10:00 - 13:00\nDuties & taxes: paid by shipper (DDP). No action is required.\n\n"
     "If you won't be available, you can change the delivery: https://www.dhl.com/change\n"),
    # a bank's "never ask you to provide your password or one-time password" (more than 40 characters back)
    ("BOCHK Corporate Banking", "notice@bochk.com", "Transfer completed",
     "Your transfer of HKD 48,000.00 to the payee on file was completed. If you did not make it, call our hotline "
     "immediately. BOCHK will never ask you to provide your password or one-time password by e-mail.\n"),
    # a conference fee already paid; the ID brought to the registration desk
    ("年会组委会", "reg@ipforum.test", "参会注册确认",
     "您好：\n\n参会费用：2,800元（已支付，电子发票将在会后发送至本邮箱）。请于会议当天携带身份证件到B1层签到处领取参会证件。\n"),
    # a change of account the customer verified by calling back
    ("鹏程纸品 财务部", "finance@pengcheng-paper.test", "关于我司银行账户变更的通知",
     "李经理：\n\n感谢贵司按流程电话回拨核实。附件是盖章的《银行账户变更函》，4月1日起的发票请按新账户付款。\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), GENUINE)
def test_notices_that_say_nothing_is_due_or_was_verified_are_delivered(display: str, address: str, subject: str,
                                                                       body: str) -> None:
    assert _with_header(display, address, subject, body) == "deliver"


THIRD_BATCH = [
    # a loan's deposit asked into a designated account first (放款时退还), a WeChat id
    ("企业信贷 张经理", "zhangjl_daikuan@163.test", "企业经营贷：无抵押，当天放款",
     "您好！\n\n额度 50万–500万，年化 3.2% 起。申请通过后，需先向指定账户存入贷款金额 5% 的保证金"
     "（放款时一并退还）。\n\n详情请加微信：zjl_dk2026。\n"),
    # a company "pre-approved" for a facility and an insurance premium to activate it
    ("Capitol Crest Funding", "approvals@capitolcrest-funding.test", "Pre-approved: USD 250,000 facility",
     "Dear Business Owner,\n\nExample Industrial has been pre-approved for an unsecured working capital facility of up "
     "to USD 250,000.\n\nTo complete the approval we require payment of the refundable loan insurance premium of "
     "USD 1,950 to activate the facility.\n"),
    # daily returns "stable at" a rate, and "my WhatsApp is" a number
    ("Vincent Lin", "vincent.lin.quant@163.test", "内部量化名额",
     "周经理您好：\n\n我们的 USDT 量化策略近 6 个月日均收益稳定在 1.2%-1.8%，起投 1 万 USDT。\n\n"
     "My WhatsApp is +852 6128 4417, it's easier to chat there.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), THIRD_BATCH)
def test_loans_payroll_and_returns_worded_as_the_blind_sets_had_them_are_held(display: str, address: str,
                                                                              subject: str, body: str) -> None:
    assert _with_header(display, address, subject, body) == "quarantine"


def test_a_colleagues_salary_to_another_card_from_free_mail_in_their_name_is_held() -> None:
    """Through the shipped directory (its people: 李伟 is li.wei@example.com), as mailwarden check runs."""
    from email.message import EmailMessage

    from tests.accuracy.measure import checker, outcome_of

    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "李伟 <liwei_nbexample@163.test>", "carol@example.com", "工资卡变更"
    m["Message-ID"], m["Date"] = "<p@163.test>", "Thu, 03 Dec 2026 10:00:00 +0000"
    m.set_content("吴姐好，\n\n我原来的工资卡丢了。这个月的工资能不能先打到我另一张招行卡上？\n\n户名：李伟\n"
                  "卡号：6214 8578 0233 1906\n")
    with checker(inline=True) as decide:
        assert outcome_of(decide(m.as_bytes(), "liwei_nbexample@163.test", ["carol@example.com"])) == "held"


def test_a_document_said_to_come_via_onedrive_whose_link_leads_elsewhere_is_held_without_a_threat() -> None:
    """Its only ask is the lure (open the documents; the sign-in a sentence on, "sign in" with a space,
    which the sign-in words missed); the link off the service it claims weighs 1½ (failed on 377df1c)."""
    body = ("Hi,\n\nThe shipping documents for PO 4471 were shared with you via OneDrive.\n\nOpen the documents: "
            "https://lianfeng-docs.test/view/4471\n\nSign in to view.\n")
    assert _with_header("Lianfeng Logistics", "docs@lianfeng-logs.test", "Shipping documents", body) == "quarantine"


@pytest.mark.parametrize(("display", "address", "subject", "body"), [
    # a Hong Kong newsletter's 骗徒 (swindlers) frame, the scam quoted in 「」 (secrecy asked inside them)
    ("紡織業聯會", "news@textile-council.test", "會員通訊：慎防詐騙",
     "各會員：\n\n一、冒充內地公安\n骗徒声称「阁下身份证涉及内地洗黑钱案」，要求事主「保密，不得告知家人」，并「将款项转至安全账户作资金审查」。"
     "真正的执法机关不会以电邮或电话要求转账。\n"),
    # a supplier's own policy: bank details updated only after a call back to the number on file
    ("Lariana Tessuti", "accounts@lariana-tessuti.test", "Re: bank details",
     "Dear Carol,\n\nAs per our internal policy, we only update supplier bank details after a call-back to the phone "
     "number already on file. Nothing changes for your payments.\n"),
])
def test_quoted_secrecy_in_an_advisory_and_a_call_back_policy_are_delivered(display: str, address: str, subject: str,
                                                                           body: str) -> None:
    assert _with_header(display, address, subject, body) == "deliver"


def test_a_partners_regional_domain_replying_in_the_thread_is_no_look_alike() -> None:
    """acme-hk.test answering a thread with acme.test is the partner's Hong Kong office (the suffix rule
    of 9e57035 called it a look-alike); stampirossi-it.test for stampirossi.it copies the ending."""
    from rules.impersonation import _lookalike

    assert not _lookalike("acme-hk.test", "acme.test")
    assert _lookalike("stampirossi-it.test", "stampirossi.it")
    body = ("Hi Alice,\n\nPlease pay invoice HK-2291 (HKD 48,000.00) today as agreed.\n\nKen\n\nFrom: Alice Chen "
            "<alice@example.com>\nTo: Ken Wong <ken@acme.test>\nSubject: invoice HK-2291\n\nNoted.\n")
    assert _with_header("Ken Wong", "ken@acme-hk.test", "RE: invoice HK-2291", body,
                        In_Reply_To="<q@example.com>") == "deliver"
