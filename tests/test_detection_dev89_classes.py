"""Outbound data-loss classes a blind set (dev 89: a payments company's mail) found held wrongly, written here in our
own words (issue 19); each was held by e94512c:

- a merchant template whose only identity number sits on a row opened "示例（请删除本行）" (a sample row with a note in
  brackets, the cell run on into the next: no separator after 示例);
- a developer's answer about an API field named ``metadata.confidential`` (a name in code, not a label);
- vendor documentation's keys cut short by a mask ("AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******", "SecretKey =
  Gu5t9x…*******"): a redacted copy.

What must still hold beside them: the same number on an ordinary row, a subject tagged "CONFIDENTIAL:", the same keys
whole."""

from __future__ import annotations

import pytest

from rules.detectors import find_cn_ids
from tests.test_detection_classes import action, mail

ID = "110101199003074477"  # checksum-valid; not the standard's published example


def test_an_id_on_a_sample_row_with_a_note_in_brackets_is_low() -> None:
    text = f"商户名称\t法人姓名\t法人身份证号\n示例（请删除本行）北京某某餐饮有限公司\t张三\t{ID}\t13800000000"
    assert [m.confidence for m in find_cn_ids(text)] == ["low"]


def test_the_same_id_on_an_ordinary_row_is_high() -> None:
    text = f"商户名称\t法人姓名\t法人身份证号\n北京某某餐饮有限公司\t张三\t{ID}\t13800000000"
    assert [m.confidence for m in find_cn_ids(text)] == ["high"]


def test_a_field_named_confidential_in_code_is_no_marker() -> None:
    body = ("Hi Ken,\n\nAny key you list in metadata_options.confidential is stored encrypted and masked in the "
            "merchant dashboard. Example:\n\n  {\"metadata_options\": {\"confidential\": [\"customer_ref\"]}}\n\nAlice")
    assert action(mail(body, "Re: What does metadata.confidential do?")) == "deliver"


def test_a_confidential_subject_tag_still_holds() -> None:
    assert action(mail("Hi Ken,\n\nThe Q3 pricing is attached.\n\nAlice", "CONFIDENTIAL: Q3 pricing")) == "quarantine"


MASKED = ("Chen,\n\nThe documented formats are below; create real values in each console:\n\n"
          "Tencent Cloud:\n  SecretId  = AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******\n"
          "  SecretKey = Gu5t9xGARNpq86cd98joQYCN3*******\n\nAlibaba Cloud:\n  AccessKeyId = <yourAccessKeyId>\n")


def test_keys_cut_short_by_a_mask_are_delivered() -> None:
    assert action(mail(MASKED, "Cloud key formats")) == "deliver"


@pytest.mark.parametrize("mask", ["*******", "•••••••", "..."])
def test_each_mask_reads_as_redacted(mask: str) -> None:
    assert action(mail(MASKED.replace("*******", mask), "Cloud key formats")) == "deliver"


def test_the_same_keys_whole_are_held() -> None:
    whole = MASKED.replace("AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******", "AKIDz8krbsJ5yKBZQpn74WFkmLPx3q7Ab2cd") \
        .replace("Gu5t9xGARNpq86cd98joQYCN3*******", "Gu5t9xGARNpq86cd98joQYCN3mXz4Tw9k")
    assert action(mail(whole, "Cloud keys")) == "quarantine"


@pytest.mark.parametrize("tail", ["...", "…", "**"])
def test_a_whole_key_followed_by_dots_or_stars_is_still_held(tail: str) -> None:
    """A review of the mask reading: "aws_access_key_id = AKIAQ3EGVN7XKZ2PLM4R..." is a whole key at a sentence's end
    (AWS's and GitHub's ids have one length; only a value short of its length is cut by the mask)."""
    body = (f"Hi,\n\nHere are the keys for the staging bucket:\naws_access_key_id = AKIAQ3EGVN7XKZ2PLM4R{tail}\n"
            f"aws_secret_access_key = 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{tail}\n\nBob")
    assert action(mail(body, "staging keys")) == "quarantine"
