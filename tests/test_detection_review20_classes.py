"""Genuine mail precision review 20 (100 genuine messages written against this session's readings) found held,
each class written anew here in my own words. The review's four were held on 789ae24 already (none is a
regression of this session). Three of these are held on 839effc and delivered after; the Chinese digest, written
anew, was delivered there already and stays as a guard:

- a mail filter's own quarantine digest (Proofpoint's, from its own domains) lists the scams it held, their
  subjects and senders: a report, not an ask; a "digest" from anyone else is read as any mail;
- an organiser's prize notice that says 领奖毋须…提供银行资料 (毋须 is a never-ask as 无需 is);
- a bank's own loan offer whose advice 请勿向任何人透露网银密码 keeps the reader's password, not a payment, secret.
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

GENUINE = [
    ("Proofpoint Quarantine", "pps-digest@pphosted.com", "End User Digest: 3 New Messages",
     "End User Digest: 3 New Messages\n\nThe emails listed below have been placed in your personal Quarantine. "
     "Please review them and release any that you believe are legitimate.\n\n"
     "From: Supplier Billing <billing@hzqiming-home.cn.com>\nSubject: Updated bank details for March payment\n"
     "Classification: Impostor\n\nFrom: Tax Refund <refund@ird-gov-hk.info>\nSubject: You are eligible for a tax "
     "refund of HK$4,860\nClassification: Phish\n\nManage your quarantine: https://quarantine.pphosted.com/digest\n"),
    ("Proofpoint Essentials", "quarantine@proofpointessentials.com", "Proofpoint 隔离邮件摘要 - 2 封新邮件",
     "李伟，您好：\n\n以下 2 封邮件被判定为可疑邮件并已隔离。\n\n发件人：广交会组委会 <award@cantonfair-prize.cn>\n"
     "主题：恭喜贵司获得采购商幸运大奖，请缴纳手续费领取\n\n发件人：Accounts <ar@ex4mple-corp.com>\n"
     "主题：Re: Overdue invoice - new bank account\n\n管理隔离区：https://us1.proofpointessentials.com/app\n"),
    ("香港貿發局買家服務", "buyerservices@hktdc.org", "恭喜您於買家幸運大抽獎中獎",
     "李先生：\n\n恭喜閣下於2026香港春季電子產品展買家幸運大抽獎中獎，獎品為酒店住宿券一張。請於展期內憑買家證到"
     "買家服務櫃檯領取。領獎毋須繳付任何費用，亦毋須提供銀行資料。\n"),
    ("招商银行", "95555@message.cmbchina.com", "【招商银行】贵单位经营贷预授信额度已生效",
     "尊敬的客户：\n\n贵单位已获得我行经营贷预授信额度人民币 300 万元，请登录企业网银在线申请。\n\n"
     "温馨提示：我行贷款不收取任何前期费用。请勿向任何人透露网银密码、短信验证码，请勿向所谓“验资账户”转账。\n"),
]

FAKE_DIGEST = ("Proofpoint Quarantine", "digest@proofpoint-quarantine-mail.com", "End User Digest: 3 New Messages",
               "The emails listed below have been placed in your personal Quarantine. Release them within 24 hours "
               "or they will be deleted: sign in with your email password at https://proofpoint-quarantine-mail.com/"
               "release\n")


@pytest.mark.parametrize(("display", "address", "subject", "body"), GENUINE)
def test_digests_prize_notices_and_bank_advice_are_delivered(display: str, address: str, subject: str,
                                                              body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


def test_a_digest_from_anyone_else_is_read_as_any_mail() -> None:
    assert inbound_action(*FAKE_DIGEST) == "quarantine"


def test_a_digest_from_another_brands_relay_is_read_as_any_mail() -> None:
    # only the mail filters' own domains report their digests; any brand's relay (Amazon SES's) may carry a phish
    body = ("Your messages have been placed in your personal Quarantine. Release them within 24 hours or they will "
            "be deleted: sign in with your email password at https://quarantine-release-portal.example.net/r\n")
    assert inbound_action("Quarantine Notification", "digest@amazonses.com", "End User Digest", body) == "quarantine"
