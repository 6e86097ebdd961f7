"""Outbound mail a precision review (review 77: a manufacturer's everyday mail that a naive data-loss filter holds)
and a blind set (dev 74) found held by cf68168, each a class, each written here in our own words (issue 19):

- a subject naming the law's definition of a trade secret ("Anti-Unfair Competition Law - trade secret definition
  (for your memo)"): a topic, not a label;
- a training deck whose short lines define the term (商业秘密是企业的核心竞争力): a definition's subject, not a
  line that labels the document;
- Adyen's documented test cards (Mastercard 5555 3412 4444 1115) in a developer's mail that says they are test data.

The marked mail beside each is still held: a subject that labels the mail, a deck whose title line is the label, a
card that is nobody's test card."""

from __future__ import annotations

import pytest

from tests.accuracy.mime import docx
from tests.test_detection_classes import action, mail

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.parametrize(("subject", "body"), [
    ("Article 9, Anti-Unfair Competition Law - trade secret definition (for your memo)",
     "Dear counsel,\n\nAs requested, the statute's text and our working translation are below for your memo.\n"),
    ("商业秘密的定义（供备忘录参考）", "王律师：\n\n附上反不正当竞争法第九条原文，供您参考。\n"),
])
def test_a_subject_naming_the_laws_definition_is_a_topic(subject: str, body: str) -> None:
    assert action(mail(body, subject)) == "deliver"


def test_a_training_deck_whose_lines_define_the_term_is_no_marked_document() -> None:
    deck = docx(["保密制度培训", "Example Corp 信息安全办公室", "为什么要保密？", "商业秘密是企业的核心竞争力",
                 "如何正确标注页眉页脚", "离开座位锁屏"])
    raw = mail("王老师：附件是修订后的培训课件，请据此备课。", "培训课件", (("保密制度培训.docx", deck, DOCX_TYPE),))
    assert action(raw) == "deliver"


@pytest.mark.parametrize(("subject", "lines"), [
    ("Trade secret - do not forward", ["Q3 pricing for the tender."]),
    ("培训材料", ["商业秘密", "Q3 成本测算，仅供董事会。"]),
])
def test_a_label_stays_a_label(subject: str, lines: list[str]) -> None:
    deck = docx(lines)
    raw = mail("Please see attached.", subject, (("q3.docx", deck, DOCX_TYPE),))
    assert action(raw) == "quarantine"


def test_adyens_documented_test_cards_in_a_developers_mail_are_delivered() -> None:
    body = ("Klaus,\n\nFor QA please use the test PAN 4111 1111 1111 1111 with expiry 03/30 and CVC 737 on the test "
            "environment only. For Mastercard use 5555 3412 4444 1115, for Amex 3700 0000 0000 002.\n\nCarol")
    assert action(mail(body, "Re: payment plugin QA")) == "deliver"


def test_a_card_that_is_nobodys_test_card_is_held_beside_them() -> None:
    body = ("Klaus,\n\nFor QA please use the test PAN 4111 1111 1111 1111. The customer's own card for the refund is "
            "Mastercard 5412 7512 3412 3452, expiry 09/28.\n\nCarol")
    assert action(mail(body, "Re: payment plugin QA")) == "quarantine"
