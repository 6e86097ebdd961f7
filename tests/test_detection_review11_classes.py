"""Genuine mail written against this session's new readings (/work/review11: 90 messages by a helper
told what the new checks look for, to make them fail). On the first version of 657c2fb these were
held; each is delivered now. They guard the new rules (on 3cdfb95, before those rules, they pass), but
for the changelog's tags (its last tag read as a last-lines banner) and the stamp order (a column of
levels), which 3cdfb95 held as well: those two fail there.
"""

from __future__ import annotations

import pytest

from tests.test_detection_classes import action, mail
from tests.test_detection_heldout16_classes import inbound_action

GENUINE_INBOUND = [
    # a recruiter on personal mail who introduces herself, moves to WeChat and asks for discretion
    ("Grace Lin", "grace.lin.search@gmail.com", "A confidential opportunity",
     "Hi Erin,\n\nMy name is Grace, I'm a partner at a search firm in Hong Kong and found your profile on "
     "LinkedIn. Since you are employed, I'd rather keep this between us. My WeChat is grace_search88 if you'd "
     "like a short call.\n\nGrace\n"),
    # a class committee's notice to all, its group's number, its organiser unable to take calls
    ("EMBA 2019 班委", "emba2019.class@outlook.com", "十周年聚会报名",
     "各位同学：\n\n十周年聚会定于 3 月 16 日。请大家搜索班级微信群号 emba19_party 入群接龙报名，餐费现场 AA。\n\n"
     "班长这周出差，时差原因不方便接电话，有问题请在群里留言。\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), GENUINE_INBOUND,
                         ids=["recruiter-introduces-herself", "class-notice-to-all"])
def test_private_channels_of_people_who_are_no_boss_are_delivered(display: str, address: str, subject: str,
                                                                   body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


OUTBOUND = [
    # a changelog's repeated tags
    ("Release 7.2 notes", "Hello,\n\nRelease 7.2 is live.\n\nNew\n- Shift swaps from the mobile app.\n\n"
     "Housekeeping (no visible change)\n[Internal] upgraded the PDF library\n[Internal] removed an unused flag\n"
     "[Internal] faster nightly export\n\nThe Example team\n"),
    # subject lines quoted after a line introducing them
    ("Unsubscribe please", "Hello,\n\nPlease remove me from your list. Your last newsletters arrived titled:\n"
     "[CONFIDENTIAL] Exclusive prices for selected buyers\n\nA newsletter is not confidential.\n\nBob\n"),


    # a subject line quoted below a blank line after "with this subject:"
    ("Complaint: ticket 55812", "Hello,\n\nYesterday we received a mail from your agent with this subject:\n\n"
     "[INTERNAL] Escalation notes - stall until Monday\n\nClearly it was not meant for us.\n\nDave\n"),
    # a column of levels after "字样如下：", an order for rubber stamps (held on 3cdfb95 too)
    ("刻章订单", "您好：\n\n我司需要刻制以下文件分级印章，字样如下，各一枚：\n\n【公开】\n【内部资料】\n【机密】\n\n"
     "尺寸 40mm × 12mm，黑体。\n\n谢谢！\n"),
]


@pytest.mark.parametrize(("subject", "body"), OUTBOUND,
                         ids=["changelog-tags", "quoted-subject-lines", "subject-after-blank-line", "stamp-order"])
def test_bracketed_labels_that_tag_items_or_are_quoted_are_delivered(subject: str, body: str) -> None:
    assert action(mail(body, subject)) == "deliver"


def _ids() -> list[str]:
    from tests.test_rules_detectors import id_with_check

    return [id_with_check("31010419850312004"), id_with_check("44030119900101001")]


def test_identity_numbers_marked_as_test_data_are_delivered() -> None:
    """Rows of a test's table (a cell says 测试数据), a number followed by （测试，故意错误）, a "dummy id_number":
    held on 3cdfb95."""
    a, b = _ids()
    rows = (f"case_id,姓名,证件号码,预期,备注\nTC-001,测试用户甲,{a},通过,测试数据\n"
            f"TC-002,测试用户乙,{b},通过,测试数据\n")
    assert action(mail(rows, "实名认证测试用例")) == "deliver"
    assert action(mail(f"UAT 结果：\n收款人证件号 {a}（测试，故意错误） 失败\n", "UAT")) == "deliver"
    assert action(mail(f"Repro: the same call with dummy id_number {a} returns 200 OK.\n", "Bug 881")) == "deliver"


def test_a_patients_test_results_with_an_identity_number_are_still_held() -> None:
    """Guard: a medical test's result is no test data."""
    a, _ = _ids()
    body = f"Dear Dr Wong,\n\nTest results for the patient below.\n\nName: Chen Li\nID: {a}\nHbA1c 6.1%\n"
    assert action(mail(body, "Lab results")) == "quarantine"


def test_a_roster_of_the_qa_department_and_a_page_header_repeated_are_still_held() -> None:
    """Guards from the review of c8bc2ee: 测试部 (the QA department) is no test data, and a page header
    repeated on three pages marks each page (the changelog's tags stand on adjacent lines)."""
    a, b = _ids()
    roster = f"姓名,身份证号,部门\n张敏,{a},测试部\n李强,{b},测试部\n"
    assert action(mail(roster, "新员工名单")) == "quarantine"
    page = "[CONFIDENTIAL] Project Falcon - acquisition terms\n\nPrice: USD 42m, earn-out 18 months.\n\n\n"
    assert action(mail("Hi,\n\nPasted below.\n\n" + page * 3 + "Regards\n", "Falcon")) == "quarantine"
