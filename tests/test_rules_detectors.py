"""Detectors: valid values found, checksum failures and look-alikes ignored."""

from __future__ import annotations

import pytest

from rules.detectors import (
    card_issuer,
    cn_id_ok,
    detect,
    find_cn_bank_cards,
    find_cn_ids,
    find_cn_mobiles,
    find_emails,
    find_ibans,
    find_payment_cards,
    find_secrets,
    iban_ok,
    luhn_ok,
    shannon_entropy,
)
from rules.redact import mask, redact_text, snippet
from tests.secret_samples import github_token, rsa_pem


def luhn_complete(prefix: str, length: int) -> str:
    """A Luhn-valid number of ``length`` digits starting with ``prefix``."""
    body = prefix + "0" * (length - len(prefix) - 1)
    for d in "0123456789":
        if luhn_ok(body + d):
            return body + d
    raise AssertionError


def id_with_check(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


VALID_CARDS = [
    "4111111111111111",  # visa
    "5555555555554444",  # mastercard
    "2223003122003222",  # mastercard 2-series
    "378282246310005",  # amex
    "6011111111111117",  # discover
    "3530111333300000",  # jcb
    "30569309025904",  # diners 14
    luhn_complete("62", 16),  # unionpay
    luhn_complete("62", 19),
    luhn_complete("65", 16),
]


@pytest.mark.parametrize("number", VALID_CARDS)
def test_valid_cards_found(number: str) -> None:
    found = find_payment_cards(f"pay with {number} today")
    assert [m.value for m in found] == [number]


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "3782 822463 10005",
        "card:4111111111111111.",
    ],
)
def test_separators_consistent_ok(text: str) -> None:
    assert len(find_payment_cards(text)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "4111111111111112",  # bad Luhn
        "4111 1111-1111 1111",  # mixed separators
        "20231115093045123",  # timestamp (17 digits)
        "timestamp 20231115093045123 ms",
        "order no. 100200300400500",  # order number
        "ORD-2023111500012345",
        "call +86 138 1234 5678",  # phone number
        "13812345678",
        "1234 4111111111111111",  # would need digit-separator-digit continuation
        "94111111111111111",  # inside a longer digit run
        "41111111111111110000",  # 20 digits
        "5555555555554444" + "1",
        "1111111111111111",  # no issuer
        "0000000000000000",
        "4111111111111",  # visa 13 digits not accepted (14-19 only)
        "37828224631000",  # amex prefix, wrong length
    ],
)
def test_not_cards(text: str) -> None:
    assert find_payment_cards(text) == []


def test_luhn_rejections_generic() -> None:
    for n in VALID_CARDS:
        bad = n[:-1] + str((int(n[-1]) + 1) % 10)
        assert not luhn_ok(bad)
        assert find_payment_cards(bad) == []


def test_issuer_lengths() -> None:
    assert card_issuer("4111111111111111") == "visa"
    assert card_issuer("378282246310005") == "amex"
    assert card_issuer("3782822463100055") is None
    assert card_issuer(luhn_complete("62", 17)) == "unionpay"


def test_card_positions_and_counts() -> None:
    text = "a 4111111111111111 b 5555555555554444 c"
    found = find_payment_cards(text)
    assert [(m.start, m.end) for m in found] == [(2, 18), (21, 37)]


# -- PRC identity numbers -------------------------------------------------------------------

def test_cn_id_valid() -> None:
    assert cn_id_ok("11010519491231002X")
    assert cn_id_ok("11010519491231002x")
    v = id_with_check("44052419800101001")
    assert cn_id_ok(v)
    found = find_cn_ids(f"身份证号：{v}，请核对")
    assert [m.value for m in found] == [v]


@pytest.mark.parametrize(
    "value",
    [
        "110105194912310021",  # wrong check char
        "11010518991231002X"[:17] + "0",  # birth 1899
        id_with_check("11010520991231002"),  # born in the future
        id_with_check("11010519491331002"),  # month 13
        id_with_check("91010519491231002"),  # region first digit 9
        id_with_check("01010519491231002"),  # region 0
    ],
)
def test_cn_id_invalid(value: str) -> None:
    assert not cn_id_ok(value)
    assert find_cn_ids(value) == []


def test_cn_id_not_inside_longer_runs() -> None:
    assert find_cn_ids("911010519491231002X") == []
    assert find_cn_ids("11010519491231002X1") == []


# -- IBAN --------------------------------------------------------------------------------------

@pytest.mark.parametrize("iban", ["GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", "DE89370400440532013000",
                                  "FR1420041010050500013M02606", "NL91ABNA0417164300"])
def test_iban_valid(iban: str) -> None:
    assert iban_ok(iban)
    assert [m.value for m in find_ibans(f"IBAN: {iban} thanks")] == [iban]


@pytest.mark.parametrize("iban", ["GB82 WEST 1234 5698 7654 33", "DE89370400440532013001", "GB82WEST1234569876543",
                                  "XX82WEST12345698765432", "DE8937040044053201300"])
def test_iban_invalid(iban: str) -> None:
    assert not iban_ok(iban)
    assert find_ibans(f"IBAN {iban}") == []


# -- mobiles, emails, secrets -------------------------------------------------------------------

def test_cn_mobiles() -> None:
    assert [m.value for m in find_cn_mobiles("电话 13812345678 或 +86 139-1234-5678")] == [
        "13812345678", "+86 139-1234-5678"]
    assert find_cn_mobiles("12812345678") == []  # second digit 2
    assert find_cn_mobiles("138123456789") == []  # 12 digits
    assert find_cn_mobiles("4111 13812345678") == []


def test_emails() -> None:
    assert [m.value for m in find_emails("write to a.b+c@mail.example.com, not a@b")] == ["a.b+c@mail.example.com"]


def test_cn_bank_cards() -> None:
    n = luhn_complete("6222", 19)
    assert [m.value for m in find_cn_bank_cards(f"卡号 {n}")] == [n]
    assert find_cn_bank_cards("4111111111111111") == []
    assert find_cn_bank_cards(n[:-1] + str((int(n[-1]) + 1) % 10)) == []


def test_secrets() -> None:
    # a real key body, a real-looking AWS id and a GitHub token with a valid checksum (the
    # documented example id and empty armour are not secrets: tests/test_rules_secrets.py)
    pem = rsa_pem()
    text = (f"{pem}\naws AKIA2E0A8F3B244C9986 gh {github_token('a1B2c3D4e5' * 3)} slack xoxb-123456789012-abcdefABCDEF "
            "api_key = 'Zq8xLm2Pv9Rt4Wn7Ks3D' password: aaaaaaaaaaaaaaaaaaaa")
    kinds = [(m.kind, m.value[:8]) for m in find_secrets(text)]
    assert ("private_key", "-----BEG") in kinds
    assert ("secret", "AKIA2E0A") in kinds
    assert ("secret", "ghp_a1B2") in kinds
    assert ("secret", "xoxb-123") in kinds
    assert ("secret", "Zq8xLm2P") in kinds
    assert all(v != "aaaaaaaa" for _, v in kinds)  # low entropy is not a secret
    assert shannon_entropy("aaaa") == 0
    assert detect("private_key", "no keys here") == []


def test_classification_markers() -> None:
    assert detect("classification_marker", "机密★5年 文件")
    assert detect("classification_marker", "TOP SECRET // NOFORN")
    assert not detect("classification_marker", "this is a secret recipe")


# -- redaction ------------------------------------------------------------------------------------

def test_masks() -> None:
    assert mask("payment_card", "4111 1111 1111 1111") == "**** **** **** 1111"  # all digits but the last four
    assert mask("cn_id", "110105194912311234") == "**************1234"
    assert mask("secret", "AKIAIOSFODNN7EXAMPLE") == "AKIA" + "*" * 16
    assert mask("cn_mobile", "13812345678") == "138****5678"


def test_redact_text_and_snippet_never_leak() -> None:
    card = "4111111111111111"
    pid = "310104198503120048"
    text = f"prefix {card} and {pid} end " + "x" * 100
    red = redact_text(text)
    assert card not in red and pid not in red
    assert "************1111" in red
    i = text.index(card)
    snip = snippet(text, i, i + len(card), context=5)
    assert card not in snip and "1111" in snip
    # a window edge inside a number must not reveal the number either
    long_text = "a" * 50 + " " + card
    snip = snippet(long_text, 0, 1, context=60)
    assert card not in snip
