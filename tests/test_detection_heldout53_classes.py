"""Readings blind set 53 (/work/heldout53: 200 mails of an HR-software company, written by a helper
who never saw the rules; on 3cdfb95 0.950/0.931 overall: confidential 0.957/0.880, identity
0.769/1.000, secrets 0.947, scams recall 0.800) got wrong. The mails here are written anew for each
class. Each test fails on 3cdfb95 except those named guards in their comments (a guard passes there).
"""

from __future__ import annotations

import pytest

from tests.test_detection_classes import action, mail
from tests.test_detection_heldout16_classes import inbound_action
from tests.test_rules_detectors import id_with_check

HELD = [
    # a label in brackets heading an excerpt pasted below the note (conf-h14)
    ("融资进展", "刘总：\n\n今天投委会的结论先同步给您。\n\n"
     "【绝密】投资决策委员会会议纪要（摘录） 2026年12月4日 第三次会议\n一、同意按投前 18 亿元估值推进；\n"
     "二、领投方认购不少于 6,000 万元；\n三、期权池扩大至 12%。\n\n有问题随时电话。\n\n王强\n董事长办公室\n"),
    # the same with a qualifier inside the brackets (conf-h18)
    ("Team review", "Hi Grace,\n\nAs discussed, the calibration is below; let's talk on Friday.\n\nLi Wei\n\n"
     "【内部机密】2026 年度产品部绩效校准\n张岚  P6  A  建议晋升\n周毅  P5  C  待改进\n"),
    # an internal thread quoted on to the customer, its label heading the quoted line (conf-h20)
    ("RE: Renewal pricing", "Dear Mr Tan,\n\nWe can offer SGD 11.40 per user per month for three years.\n\nBest,\n"
     "Alice\n\n> From: Dave Ng <dave@sales.example.com>\n> Sent: Monday\n>\n"
     "> [INTERNAL - NOT FOR CUSTOMER] Floor is 10.60, walk-away 10.20.\n> Their budget is 11.00.\n>\n"
     "> > From: Alice\n> > Can we go to 11.40?\n"),
]


@pytest.mark.parametrize(("subject", "body"), HELD, ids=["excerpt-label-zh", "qualified-label", "quoted-thread-label"])
def test_a_bracketed_label_heading_its_line_mid_mail_is_held(subject: str, body: str) -> None:
    assert action(mail(body, subject)) == "quarantine"


def test_a_label_spoken_of_in_brackets_mid_sentence_is_delivered() -> None:
    """Guard: the marker in brackets inside a sentence, not heading its line."""
    body = ("Hi team,\n\nReminder from the policy page:\n\nplease put 【机密】 in the subject line of anything "
            "that carries salary data.\n\nThanks\n")
    assert action(mail(body, "Labelling reminder")) == "deliver"


def test_a_talks_title_that_speaks_of_handling_confidential_data_is_delivered() -> None:
    body = "Dear committee,\n\nPlease find my talk proposal below.\n\nAbstract: how we partition tenants.\n"
    assert action(mail(body, "Talk proposal: Protecting confidential salary data in a multi-tenant database")) \
        == "deliver"


def test_a_subject_that_labels_the_mail_confidential_is_still_held() -> None:
    """Guard: the label itself leading a subject."""
    assert action(mail("Figures attached.", "Confidential: Q4 salary data")) == "quarantine"


def test_the_standards_own_example_id_in_api_docs_is_delivered() -> None:
    body = ('Hi,\n\nThe field takes an 18-character number, e.g. the one printed in the standard:\n'
            '  "id_number": "11010519491231002X"\n\nRegards\n')
    assert action(mail(body, "API field docs")) == "deliver"


def test_rows_of_test_cases_are_delivered_and_a_real_row_is_held() -> None:
    rows = [id_with_check("11010119900101001"), id_with_check("31010420000229002")]
    test_rows = "case,name,id_number\n" + "".join(f"TEST-{n:02d},测试用户{n},{v}\n" for n, v in enumerate(rows, 1))
    assert action(mail(test_rows, "UAT data")) == "deliver"
    real_rows = "emp,name,id_number\n" + "".join(f"E{n:03d},张{n},{v}\n" for n, v in enumerate(rows, 1))
    assert action(mail(real_rows, "Payroll import")) == "quarantine"  # (guard)


def test_a_config_template_with_change_me_is_delivered() -> None:
    body = "Hi,\n\nHere is our .env.example:\n\nDB_PASSWORD=\nSECRET_KEY=change-me\nAPI_TOKEN=changethis\n"
    assert action(mail(body, "env template")) == "deliver"


SCAMS = [
    # our own domain spelled with a digit, plus generic words (scam-h02)
    ("IT Service Desk", "desk@examp1e-helpdesk.com", "Your password expires today",
     "Dear colleague,\n\nYour password expires today. To keep your current password, confirm it here:\n"
     "https://examp1e-helpdesk.com/keep\n\nIT Service Desk\n"),
    # a tax authority's name worn with a refund (scam-h10)
    ("IRAS", "refund@iras-refunds.co", "You are eligible for a tax refund",
     "Dear Taxpayer,\n\nYou are eligible to receive a tax refund of S$642.10. Click here to claim your refund "
     "with your Singpass login: https://iras-refunds.co/claim\n"),
    # the mail system's administrator from outside, the quota lure (scam-h18)
    ("企业邮箱系统管理员", "admin@qiye-mailbox-sys.com", "邮箱容量不足通知",
     "您好：\n\n您的邮箱容量即将用尽，系统将于今日暂停收信。\n请点击下方链接免费扩容：http://qiye-mailbox-sys.com/up\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), SCAMS,
                         ids=["copy-of-our-domain", "tax-authority-refund", "mail-system-admin-quota"])
def test_phishing_of_these_shapes_is_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"
