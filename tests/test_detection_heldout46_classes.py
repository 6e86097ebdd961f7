"""Outbound readings blind set 46 (/work/heldout46: 200 mails of a freight forwarder, written by a
helper who never saw the rules; on c4f67a4 confidential 0.885/0.920, identity 1.000/0.900) got
wrong. The mails here are written anew for each class, not copied. Each test fails on c4f67a4 but
the last, a guard that a passport label without a number is no number.
"""

from __future__ import annotations

import pytest

from tests.accuracy.mime import docx
from tests.test_detection_classes import DOCX, OUT, action, mail, verdict

# a document's last line, its footer: the company's name before the label, or the label set off by dots
FOOTERS = [
    ["Cross-dock proposal - Hamburg hub", "Prepared for: Nordsee Frische GmbH",
     "Internal cost basis: EUR 38.10 per pallet; proposed price EUR 47.00.",
     "Note: the cost basis is not to be shared with the client.",
     "Example Corp Company Confidential - internal cost data"],
    ["深圳-汉堡航线运价策略（下半年）", "目标：保持市场份额不低于 9%",
     "底价：40HQ 1,650 美元；大客户可下浮至 1,590 美元", "与船公司的返点：每季度 30 美元/FEU",
     "商业秘密 · Example Corp · 未经许可不得复制或外传"],
]


@pytest.mark.parametrize("paragraphs", FOOTERS, ids=["company-name-before-label", "label-set-off-by-dots"])
def test_a_documents_footer_label_is_a_banner(paragraphs: list[str]) -> None:
    data = docx(paragraphs)
    assert action(mail("Draft attached, happy to walk you through it.", "Proposal",
                       attachments=(("proposal.docx", data, DOCX),))) == "quarantine"


DELIVERED = [
    # the markings a training should show, listed after a long lead (conf-034)
    ("Feedback on the DLP module",
     "Hi Olivia,\n\n- Slide 3: please also add the Chinese markings our Guangzhou warehouse staff will see: "
     "机密, 内部资料, 请勿外传.\n- Slide 7: the quiz answer key is wrong.\n\nThanks,\nTom\n"),
    # a service for paper (conf-038)
    ("Quote request: confidential document shredding, Rotterdam office",
     "Hello,\n\nCould you quote for two 240-litre consoles emptied monthly?\n\nRegards,\nMaria\n"),
    ("Confidential records destruction - quarterly pickup", "Hi, please confirm the pickup for 14 January.\n"),
    # the law's trade-secret clauses as a training topic (conf-046)
    ("关于《反不正当竞争法》商业秘密条款的培训需求",
     "王老师您好：\n\n我司计划为销售团队组织一次合规培训，希望讲解商业秘密条款及竞业限制。\n\n谢谢！\n"),
]


@pytest.mark.parametrize(("subject", "body"), DELIVERED,
                         ids=["markings-listed-after-long-lead", "shredding-service", "records-destruction",
                              "trade-secret-clauses-training"])
def test_marker_words_spoken_of_are_delivered(subject: str, body: str) -> None:
    assert action(mail(body, subject)) == "deliver"


@pytest.mark.parametrize("number", ["NDW547945", "18FV27735", "C01X00T47"],
                         ids=["dutch", "french", "german"])
def test_passport_numbers_of_other_states_shapes_are_held(number: str) -> None:
    body = (f"您好，请按以下信息办理邀请函：\n\n姓名：Jan DE VRIES\n国籍：荷兰\n出生日期：1981年3月4日\n"
            f"护照号码：{number}\n护照有效期至：2031年6月30日\n")
    v = verdict(mail(body, "邀请函办理"))
    assert v["recipients"][OUT]["action"] == "quarantine"
    assert "outbound-passport-numbers" in [h["rule"] for h in v["hits"]]


@pytest.mark.parametrize("text", ["Passport number is required for the booking.",
                                  "护照号码：请在出发前两周提供", "Passport No.: 2024-11-05 (date of issue)"],
                         ids=["no-number", "no-number-zh", "a-date"])
def test_passport_labels_without_a_number_are_not_numbers(text: str) -> None:
    v = verdict(mail(text, "Trip"))
    assert "outbound-passport-numbers" not in [h["rule"] for h in v["hits"]]
