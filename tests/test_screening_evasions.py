"""The ways a marker or card got past the screening by how it was written (issue 19 notes),
at the detector and decoder level and through the shipped rules. Each case was delivered
(or not found) by main before the fix; the SMTP test is tests/test_e2e_screening_evasions.py."""

from __future__ import annotations

import pytest

from rules import matchers
from rules.cards import find_payment_cards
from rules.charsets import decode_bytes
from rules.content import parse
from rules.detectors import detect
from rules.match import HIGH, MEDIUM
from rules.matchers import KeywordMatcher
from rules.model import Action
from tests import evasion_mail as em
from tests.test_rules_engine import run, shipped  # noqa: F401 - the shipped-rules fixture

MARKER = em.MARKER


def held(raw: bytes, engine) -> bool:  # noqa: ANN001
    return run(engine, raw, "alice@example.com", ["partner@other.org"]).action != Action.DELIVER


@pytest.mark.parametrize("name", list(em.EVASIONS))
def test_evasion_is_held_by_the_shipped_rules(name: str, shipped) -> None:  # noqa: ANN001, F811
    assert held(em.EVASIONS[name], shipped), name


# -- 1. a card in two groups of eight ----------------------------------------------------------

@pytest.mark.parametrize(("text", "level"), [
    ("the card number is 41111111 11111111", MEDIUM),
    ("卡号：41111111 11111111，麻烦尽快付款", MEDIUM),
    ("card 41111111 11111111 expiry 09/28", HIGH),
    ("41111111 11111111 valid thru 09/28", HIGH),
    ("payment card: 55555555-55554444", MEDIUM),
    ("credit card 4111111111 111111", MEDIUM),
])
def test_card_in_two_groups_beside_card_context(text: str, level: str) -> None:
    [found] = find_payment_cards(text)
    assert found.confidence == level
    assert found.value.replace(" ", "").replace("-", "") in ("4111111111111111", "5555555555554444")


def test_card_in_two_groups_full_width_is_found_through_the_view() -> None:
    [found] = detect("payment_card", "卡号：４１１１１１１１　１１１１１１１１")
    assert found.confidence == MEDIUM


@pytest.mark.parametrize("text", [
    "ref 41111111 11111111 shipped",   # no card context: two numbers side by side
    "Order ID\tCustomer\n41111111 11111111\tAcme card services",
    "订单号,客户\n41111111 11111111,卡号待定",
    "card 12345678 41111111 11111111",   # continues a number on its left
    "card number 41111111 11111112",      # bad Luhn
])
def test_two_groups_without_card_context_or_under_another_column_are_no_card(text: str) -> None:
    assert find_payment_cards(text) == []


# -- 2. GBK under a wrong label -----------------------------------------------------------------

@pytest.mark.parametrize("label", ["koi8-r", "shift_jis", "windows-1251", "iso-8859-5", "cp932", "iso-8859-2",
                                   "koi8-u", "cp866"])
@pytest.mark.parametrize("text", [MARKER, "绝密", "机密文件\r\n请查收。", "附件：秘密 报价单"])
def test_gbk_under_a_wrong_label_reads_as_gbk(label: str, text: str) -> None:
    assert decode_bytes(text.encode("gb18030"), label) == (text, True)


@pytest.mark.parametrize(("text", "label"), [
    ("Совершенно секретно: отчёт за третий квартал, не пересылать.", "koi8-r"),
    ("Секретно. Отчет идет завтра утром", "koi8-r"),   # every word an even number of letters
    ("Привет, Маша! Как дела? Всё хорошо.", "windows-1251"),
    ("Доброго дня", "koi8-u"),
    ("社外秘の資料です。転送しないでください。", "shift_jis"),
    ("機密情報", "shift_jis"),
    ("会議の議事録を送ります。", "euc-jp"),
    ("機密情報", "euc-jp"),   # kanji alone: EUC-JP shares GB2312's byte ranges, the label stands
    ("Совершенно секретно, Маша.", "euc-jp"),
    ("Zażółć gęślą jaźń", "iso-8859-2"),
])
def test_real_text_in_its_declared_charset_stays_as_declared(text: str, label: str) -> None:
    assert decode_bytes(text.encode(label), label) == (text, True)


# -- 3. a marker split by a line break, <br> or spaces ------------------------------------------

@pytest.fixture(params=["hyperscan", "ahocorasick"])
def matcher(request: pytest.FixtureRequest) -> KeywordMatcher:
    if request.param == "hyperscan" and matchers.hyperscan is None:
        pytest.skip("hyperscan has no wheel for this platform")
    m = KeywordMatcher(engine=request.param)
    for term in ("机密", "绝密", "秘密", "严禁外传", "confidential", "top secret"):
        m.add(0, term)
    m.build()
    return m


@pytest.mark.parametrize(("text", "term", "span"), [
    ("本文件为机\n密", "机密", (4, 7)),
    ("本文件为机\r\n密", "机密", (4, 8)),
    ("机 密 文 件", "机密", (0, 3)),
    ("绝\u3000密", "绝密", (0, 3)),
    ("秘\n  密", "秘密", (0, 5)),
    ("秘\n\n密", "秘密", (0, 4)),   # one blank line
    ("ＡＢ机\n密", "机密", (2, 5)),   # full-width letters: the normalised text is scanned
    ("机\u200b\n密", "机密", (0, 3)),   # a zero-width space in the gap: offsets in the normalised text
    ("ﬁle 绝\r\n\u3000\u3000密", "绝密", (5, 11)),
])
def test_a_marker_split_by_whitespace_is_found_where_it_stands(matcher: KeywordMatcher, text: str, term: str,
                                                               span: tuple[int, int]) -> None:
    hits = matcher.find(text).hits[0]
    assert [(h.term, h.start, h.end) for h in hits] == [(term, *span)]


def test_split_hits_come_once_and_in_order(matcher: KeywordMatcher) -> None:
    hits = matcher.find("机密。本文件为机\n密，严禁\n外传").hits[0]
    assert [(h.term, h.start) for h in hits] == [("机密", 0), ("机密", 7), ("严禁外传", 11)]


@pytest.mark.parametrize("text", ["confi\ndential", "confi dential", "top\nsecret plans", "机\n\n\n密",
                                  "机 - 密", "机\n> 密"])
def test_no_joining_across_words_or_paragraphs(matcher: KeywordMatcher, text: str) -> None:
    assert not matcher.find(text).hits


def test_br_between_the_characters_is_found_in_html() -> None:
    raw = em.EVASIONS["split-br"]
    assert "绝\n密" in parse(raw).body_text


# -- 4. UTF-16 without a byte-order mark ---------------------------------------------------------

@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("label", ["utf-16", "UTF-16", "unicode", None])
@pytest.mark.parametrize("text", [MARKER, f"Hi,\r\n{MARKER}\r\n", "card 4111 1111 1111 1111 exp 09/28"])
def test_utf16_without_bom_is_read(codec: str, label: str | None, text: str) -> None:
    assert decode_bytes(text.encode(codec), label) == (text, True)


def test_utf16_attachment_without_bom_is_read() -> None:
    assert any(MARKER in a.text for a in parse(em.EVASIONS["utf16le-txt"]).attachments)


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",   # binary with NULs is no UTF-16 text
    bytes(range(256)),
])
def test_binary_with_nuls_is_not_taken_for_utf16(data: bytes) -> None:
    text, _ = decode_bytes(data)
    assert text != data.decode("utf-16-le", "replace")


# -- 5. JSON \uXXXX escapes ------------------------------------------------------------------------

def test_json_escapes_are_read() -> None:
    from rules.escapes import unescape_json

    assert unescape_json(em.json_escaped(MARKER)) == MARKER
    assert unescape_json('{"a": "\\u673A\\u5bc6", "b": "x\\\\u"}') == '{"a": "机密", "b": "x\\\\u"}'
    assert unescape_json("\\ud83d\\ude00 \\ud83d") == "\U0001f600 \\ud83d"   # pairs joined, a lone half kept
    text = "no escapes here"
    assert unescape_json(text) is text


def test_json_escapes_in_an_attachment_and_a_body() -> None:
    msg = parse(em.EVASIONS["json-attachment"])
    assert any(MARKER in a.text for a in msg.attachments)
    assert MARKER in parse(em.EVASIONS["json-body"]).body_text
