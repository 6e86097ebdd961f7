"""The normalised view detectors and keywords read (issue 12): full-width digits, no-break and
thin spaces, zero-width characters, dots and dashes between digit groups, traditional and
simplified Chinese. Each spelling here was delivered by the old detectors and keyword lists."""

from __future__ import annotations

import pytest

from rules.detectors import detect
from rules.model import Action
from rules.redact import redact_text
from tests import bypass_mail as bm
from tests.test_rules_engine import run, shipped  # noqa: F401 - the shipped-rules fixture

CARD = "4111111111111111"
CN_ID = "310104198503120048"


def _spell(number: str, groups: tuple[int, ...], sep: str, full_width: bool = False) -> str:
    out, pos = [], 0
    for g in groups:
        out.append(number[pos:pos + g])
        pos += g
    text = sep.join(out)
    return "".join(chr(ord(c) + 0xFEE0) if full_width and c.isascii() and c.isalnum() else c for c in text)


CARD_SPELLINGS = {
    "full-width digits": _spell(CARD, (4, 4, 4, 4), "", full_width=True),
    "full-width, ideographic spaces": _spell(CARD, (4, 4, 4, 4), "\u3000", full_width=True),
    "no-break spaces": _spell(CARD, (4, 4, 4, 4), "\u00a0"),
    "thin spaces": _spell(CARD, (4, 4, 4, 4), "\u2009"),
    "narrow no-break spaces": _spell(CARD, (4, 4, 4, 4), "\u202f"),
    "dots": _spell(CARD, (4, 4, 4, 4), "."),
    "full-width stops": _spell(CARD, (4, 4, 4, 4), "\uff0e"),
    "en dashes": _spell(CARD, (4, 4, 4, 4), "\u2013"),
    "zero-width spaces": "\u200b".join(CARD),
}
ID_SPELLINGS = {
    "full-width": _spell(CN_ID, (18,), "", full_width=True),
    "grouped by spaces": _spell(CN_ID, (6, 8, 4), " "),
    "grouped by dots": _spell(CN_ID, (6, 8, 4), "."),
    "grouped by no-break spaces": _spell(CN_ID, (6, 8, 4), "\u00a0"),
    "full-width, grouped by dashes": _spell(CN_ID, (6, 8, 4), "-", full_width=True),
}


def _mail(body: str) -> bytes:
    return (bm.headers() + "Content-Type: text/plain; charset=utf-8\r\n\r\n").encode() + body.encode()


@pytest.mark.parametrize("spelling", CARD_SPELLINGS)
def test_card_numbers_in_every_spelling_are_found_held_and_masked(spelling: str, shipped) -> None:  # noqa: ANN001, F811
    written = CARD_SPELLINGS[spelling]
    text = f"信用卡卡号 {written} 请尽快付款"
    [m] = detect("payment_card", text)
    assert text[m.start:m.end] == m.value and "".join(c for c in m.value if c.isalnum()) != ""
    v = run(shipped, _mail(text), "alice@example.com", ["partner@other.org"])
    assert v.action == Action.QUARANTINE and "outbound-payment-cards" in {h.rule for h in v.hits}
    shown = redact_text(text)
    digits = "".join(chr(ord(c) - 0xFEE0) if "\uff10" <= c <= "\uff19" else c for c in shown if c.isdigit()
                     or "\uff10" <= c <= "\uff19")
    assert "11111111" not in digits and CARD not in digits


@pytest.mark.parametrize("spelling", ID_SPELLINGS)
def test_identity_numbers_in_every_spelling_are_found_and_held(spelling: str, shipped) -> None:  # noqa: ANN001, F811
    text = f"身份证号码：{ID_SPELLINGS[spelling]}。"
    [m] = detect("cn_id", text)
    assert text[m.start:m.end] == m.value
    v = run(shipped, _mail(text), "alice@example.com", ["partner@other.org"])
    assert "outbound-cn-identity-numbers" in {h.rule for h in v.hits}


def test_decimals_dates_and_versions_are_not_cards() -> None:
    for text in ("π = 3.14159265358979323846", "version 4111.1111.1111", "日期 2026.11.23 10.00.00",
                 "３.１４１５９２６５３５８９７９３２３", "IP 192.168.100.200 and 10.0.0.1"):
        assert detect("payment_card", text) == [], text
        assert detect("cn_id", text) == [], text


@pytest.mark.parametrize("text", ["本報告屬於機密，嚴禁外傳。", "本报告屬於機密", "內部資料，請勿轉發", "嚴禁外传"])
def test_traditional_and_mixed_chinese_match_the_simplified_list(text: str, shipped) -> None:  # noqa: ANN001, F811
    for charset in ("utf-8", "big5"):
        try:
            body = text.encode(charset)
        except UnicodeEncodeError:
            continue  # a simplified character has no Big5 code
        raw = (bm.headers() + f"Content-Type: text/plain; charset={charset}\r\n\r\n").encode() + body
        v = run(shipped, raw, "alice@example.com", ["partner@other.org"])
        assert "outbound-confidential-marker" in {h.rule for h in v.hits}, (text, charset)


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff", "\u200e"])
def test_invisible_characters_inside_a_keyword_hide_nothing(invisible: str, shipped) -> None:  # noqa: ANN001, F811
    for text in (f"本文件为机{invisible}密，请勿外传", f"This is Con{invisible}fidential."):
        v = run(shipped, _mail(text), "alice@example.com", ["partner@other.org"])
        assert "outbound-confidential-marker" in {h.rule for h in v.hits}, repr(text)
