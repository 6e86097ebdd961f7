"""Outbound readings an adversarial review set got wrong (/work/review6: 80 outbound mails written
by a helper against the markers, macro, passport and sample-number changes; measured blind on
313e949: precision 0.833, recall 0.875, 12 wrong). Each test fails on 313e949.
"""

from __future__ import annotations

import pytest

from tests.test_detection_classes import action, mail

HELD = [
    # an instruction to keep it so, wrapped before the marker (conf-n-08, conf-n-13)
    "Henrik,\nFollowing today's call, here is where we landed. As agreed, this must be kept\nconfidential until the "
    "joint announcement on 14 May:\n  - Exclusive distribution for the Nordics\n",
    "Dear Anna,\nThe acquisition has not been announced yet and must be\ntreated as confidential until the public "
    "announcement.\n1. Target: Nordvik AB\n",
    # a label named, its value in quotes (conf-q-06)
    'Project Linden term sheet\nClassification: "Strictly Confidential"\nPROJECT LINDEN - INDICATIVE TERM SHEET\n'
    "Parties: A and B\n",
    # the quotation called the company's secret in straight quotes (conf-q-07)
    '林小姐您好：\n\n附件為本公司2024年第四季的報價單，請參考。\n\n本報價單屬"商業機密"，僅供貴公司採購評估使用，請勿轉寄第三方。\n',
    # a footer's pieces set apart by bars, the page as "p. N" (conf-f-03)
    "Runbook, step 3: restart the queue service and check the log.\nExample Ltd | Internal | p. 3\n",
]


@pytest.mark.parametrize("body", HELD, ids=["wrapped-must-be-kept", "wrapped-treated-as", "classification-quoted",
                                            "quoted-trade-secret", "barred-footer"])
def test_applied_markers_are_held(body: str) -> None:
    assert action(mail(body, "Update")) == "quarantine"


DELIVERED = [
    # (conf-n-01)
    "Hi James,\nNo need to keep this confidential - the same figures are in our published annual report.\n",
    # quoted subjects listed a line each under an intro (conf-q-08, conf-q-12)
    "Dear AP team,\nSeveral customers received emails that pretend to come from us. The subject lines we have seen "
    'so far are:\n    "CONFIDENTIAL - urgent payment"\n    "Strictly Confidential: updated bank details"\n'
    "None of these came from us.\n",
    '各位客户：\n近期有多家客户收到冒充我司名义发送的钓鱼邮件，常见主题包括：\n  "机密 - 紧急付款"\n'
    '  "内部资料：2024年工资调整名单"\n请勿点击其中链接。\n',
    # a glossary's terms (conf-q-13)
    'Glossary for the public handbook:\n"CONFIDENTIAL" -> "机密"\n"Internal Use Only" -> "仅限内部使用"\n'
    '"Public" -> "公开"\n',
    # a form's sample row (id-08, id-10)
    "报名表模板：\n姓名 性别 身份证号 手机\n示例：张三 男 11010519491231002X（示例） 13800000000\n",
]


@pytest.mark.parametrize("body", DELIVERED, ids=["no-need-to-keep", "quoted-subject-lines", "quoted-subject-lines-zh",
                                                 "glossary", "sample-row"])
def test_markers_and_numbers_not_applied_are_delivered(body: str) -> None:
    assert action(mail(body, "Note")) == "deliver"


def test_a_json_exports_field_named_confidential_is_no_marker() -> None:
    """conf-q-10: a helpdesk export whose records carry "confidential": false."""
    data = b'[\n  {\n    "id": 7,\n    "title": "Printer in room 3B offline",\n    "confidential": false,\n' \
        b'    "requester": "front desk"\n  }\n]\n'
    raw = mail("Sample of the ticket export attached.", "Ticket export", (("tickets.json", data, "application/json"),))
    assert action(raw) == "deliver"
