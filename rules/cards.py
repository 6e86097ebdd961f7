"""Payment and bank card numbers: checked, then graded by what surrounds them.

A 16-digit run is not a card unless it passes Luhn and carries an issuer prefix with that
issuer's length. That alone is *low* confidence: order numbers and device serials pass Luhn
one time in ten. Context words in a window ("American Express", "valid thru", 卡号, 有效期),
an expiry date or CVV beside the number, a column headed "Card number", or several cards in
one text raise it; a column headed "Order ID" / "订单号" / "Serial" rules it out, and so do
the payment networks' published test numbers (4242 4242 4242 4242 in a developer's mail).
A number written with its expiry straight after it (``5555 5555 5555 4444 0927``) is read as
the card and its expiry, not as one longer number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from rules.context import column_header, window
from rules.match import HIGH, LOW, MEDIUM, Match


def luhn_ok(digits: str) -> bool:
    """Luhn (mod 10) checksum over a string of digits."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def card_issuer(digits: str) -> str | None:
    """Issuer of a card number when its prefix *and* length fit that issuer, else None."""
    n = len(digits)
    p2 = int(digits[:2])
    p3 = int(digits[:3])
    p4 = int(digits[:4])
    if digits[0] == "4" and n in (16, 19):
        return "visa"
    if (51 <= p2 <= 55 or 2221 <= p4 <= 2720) and n == 16:
        return "mastercard"
    if p2 in (34, 37) and n == 15:
        return "amex"
    if (p4 == 6011 or p2 == 65 or 644 <= p3 <= 649) and 16 <= n <= 19:
        return "discover"
    if 3528 <= p4 <= 3589 and 16 <= n <= 19:
        return "jcb"
    if (300 <= p3 <= 305 or p2 in (36, 38)) and 14 <= n <= 19:
        return "diners"
    if p2 == 62 and 16 <= n <= 19:
        return "unionpay"
    return None


# Published test numbers of the payment networks and processors (Stripe, Adyen, Braintree
# documentation): they appear in developers' mail and are never anyone's card. The common
# 4111 1111 1111 1111 (and a few others the test suite uses as real-looking cards) are left
# out on purpose: they are also what people type as "a card".
PUBLIC_TEST_CARDS = frozenset({
    "4242424242424242", "4000056655665556", "5200828282828210",
    "5105105105105100", "6011000990139424",
    "3056930009020004", "36227206271667", "3566002020360505",
    "4000000000000002", "4000000000009995", "4000000000000077", "4000002500003155",
    "4000000760000002", "4000001240000000", "4000000000003220",
    "371449635398431", "4012888888881881", "4222222222222", "5454545454545454",
    "4917610000000000", "4988438843884305", "6250941006528599",
    # Stripe's scenario cards: 3-D Secure, declines, disputes, and its UnionPay, Discover and
    # BCcard numbers
    "4000002760003184", "4000008260003178", "4000000000003063", "4000008400001629", "4000003720000278",
    "4000000000009987", "4000000000009979", "4000000000000069", "4000000000000127", "4000000000000119",
    "4000000000000101", "4000000000000036", "4000000000000028", "4000000000000010", "4000000000000044",
    "4000000000000341", "4000000000000259", "4000000000006975", "4000000000001976", "4000000000005423",
    "4000002500001001", "4100000000000019", "6011981111111113", "6200000000000047",
    "6205500000000000004", "6555900000604105",
})

# Numbers people also type as "a card" (so they count unless the text says they are test data)
WELL_KNOWN_TEST_CARDS = frozenset({
    "4111111111111111", "5555555555554444", "378282246310005", "371449635398431", "2223003122003222",
    "6011111111111117", "3530111333300000", "30569309025904", "5105105105105100", "4012888888881881",
    "6200000000000005",  # (Stripe's UnionPay: also 62 and zeros made whole, as anyone types a UnionPay card)
    # Authorize.net's, PayPal/Braintree's and Worldpay's documented numbers
    "4007000000027", "4012888818888", "2223000010309703", "2223000010309711", "4444333322221111",
    "4005519200000004", "4009348888881881", "4012000033330026", "4217651111111119", "2223000048400011",
    # Adyen's documented test cards (its Mastercard, Visa, Amex, Discover, Diners and JCB numbers)
    "2222400070000005", "5555341244441115", "5577000055770004", "5555444433331111", "2222410740360010",
    "5100081112223332", "5100290029002909", "5136333333333335", "5585558555855583", "5424000000000015",
    "4111112014267661", "4166676667666746", "4646464646464644", "4000620000000007", "4000060000000006",
    "4293189100000008", "4988080000000000", "4001590000000001", "4000180000000002", "4400000000000008",
    "4977949494949497", "370000000000002", "370000000100018", "6011601160116611", "6445644564456445",
    "36006666333344", "3569990010095841",
})
# a number made of an issuer prefix, a run of one digit and a check digit (5500 0000 0000 0004,
# 3400 0000 0000 009): what sandbox documentation lists, never what a bank issues
_MADE_UP = re.compile(r"([0-9])\1{6}")
_TEST_WORDS = re.compile(r"(?<![a-z])(?:test(?:ing)?|sandbox|staging|stripe|braintree|adyen|dummy|demo|qa)(?![a-z])"
                         r"|测试|沙箱|演示")

_REGION = re.compile(r"[0-9](?:[ .-]?[0-9]){13,}")
_GROUP = re.compile(r"[0-9]+")
_ISSUER_GROUPING = {(4, 4, 4, 4), (4, 6, 5), (4, 6, 4), (4, 4, 4, 4, 3), (4, 4, 4, 4, 2), (6, 13)}

_CARD_WORDS = re.compile(
    r"(?<![a-z])(?:cards?|credit ?cards?|debit ?cards?|visa|master ?card|amex|american express|discover|jcb|diners|"
    r"union ?pay|cvv2?|cvc2?|expiry|expires?|expiration|exp\.? ?date|valid (?:thru|through|until|to)|"
    r"good thru|card ?holder|pan)(?![a-z])"
    r"|信用卡|银行卡|借记卡|储蓄卡|卡号|有效期|安全码|持卡人|银联|维萨|万事达|运通|信用咭|卡號|銀行卡"
)
_BANK_WORDS = re.compile(
    r"(?<![a-z])(?:bank|account|card|debit|union ?pay)(?![a-z])|银行|卡号|账号|帐号|开户|储蓄卡|借记卡|银联|收款"
)
# (an ISO date's month and day, 2026-06-17T03:12, is no expiry)
_EXPIRY = re.compile(r"(?<![0-9/.])(?<![0-9]{4}-)(?:0[1-9]|1[0-2]) ?[/-] ?(?:[0-9]{2}|20[0-9]{2})(?![0-9/T:-])"
                     r"|有效期|exp(?:iry|ires)?\b")
_CVV = re.compile(r"(?:cvv2?|cvc2?|cid|安全码|security code)\D{0,6}[0-9]{3,4}(?![0-9])")
# column headers that say a number is something else than a card
_OTHER_COLUMNS = re.compile(
    r"order|serial|s/n|\bsn\b|tracking|invoice|imei|sku|barcode|isbn|ticket|reference|\bref\b|asset|"
    r"\bparts?\b|part ?(?:no|number|#)|device|meter|transaction|shipment|waybill|\bpo\b|p\. ?o\.|contract|policy|"
    r"container|specimen|accession|sample|claim|\bmrn\b|medical record|patient|"
    r"订单|序列|编号|单号|运单|快递|发票|条码|条形码|设备|标本|样本|病历|住院号|门诊号|理赔|报案|"
    r"流水|交易号|工单|资产|料号|批号|批次|合同|保单|箱号|柜号|提单|报关"
)


def _card_spans(text: str, valid: Callable[[str], bool]) -> Iterator[tuple[int, int, str, tuple[int, ...], bool]]:
    """Each card-like value in ``text``: (start, end, digits, group lengths, expiry written
    straight after it). Groups must share one separator (a space, dash or dot); a value
    continued by more digit groups is part of a longer number, unless what follows is a
    short expiry or CVV group."""
    for region in _REGION.finditer(text):
        groups = [(g.start(), g.end()) for g in _GROUP.finditer(text, region.start(), region.end())]
        seps = [text[groups[k][1]] for k in range(len(groups) - 1)]
        i = 0
        while i < len(groups):
            found = _longest_card(text, groups, seps, i, valid)
            if found is None:
                i += 1
                continue
            j, digits, trailing = found
            yield groups[i][0], groups[j][1], digits, tuple(e - s for s, e in groups[i:j + 1]), trailing
            i = len(groups) if trailing else j + 1
    # a number broken over two lines, each line nothing else ("53799931\n27109948", how a writer hides it from a
    # filter): read as two halves, which count as a card only beside card context or an expiry (see _grade)
    # (read only where a card is spoken of at all, and only with its expiry or CVV on the lines after: a column of
    # cost centres one a line under "card limits" is no card's halves)
    if "\n" in text and any(w in text for w in _CARD_GATE):
        for m in _SPLIT_OVER_LINES.finditer(text):
            first, second = m.group(1).replace(" ", ""), m.group(2).replace(" ", "")
            digits = first + second
            after = text[m.end(2):m.end(2) + 60]
            if 14 <= len(digits) <= 19 and len(set(digits)) > 1 and valid(digits) and \
                    (_EXPIRY.search(after) or _CVV.search(after)):
                yield m.start(1), m.end(2), digits, (len(first), len(second)), False


# words that must stand somewhere in a text for a card's halves to be looked for (the grading asks card words or an
# expiry beside them: these are the cheap test first)
_CARD_GATE = ("card", "visa", "master", "amex", "cvv", "cvc", "cid", "exp", "security code", "bank", "account", "卡",
              "银联", "有效期", "安全码", "账号", "帐号", "开户", "收款")
# the two halves of a number, each a line of its own (at most its spaces beside it)
# (the second half read ahead, so that a line of digits above the halves does not take the first: "2024\n45320151\n
# 12830366"; a space may stand inside a half, "4532 0151")
_SPLIT_OVER_LINES = re.compile(r"(?m)^[ \t]*([0-9](?: ?[0-9]){3,11})[ \t]*\r?\n"
                               r"(?=[ \t]*([0-9](?: ?[0-9]){3,11})[ \t]*\r?$)")


def _longest_card(text: str, groups: list[tuple[int, int]], seps: list[str], i: int,
                  valid: Callable[[str], bool]) -> tuple[int, str, bool] | None:
    best = None
    n = 0
    for j in range(i, len(groups)):
        n += groups[j][1] - groups[j][0]
        if n > 19 or (j > i and seps[j - 1] != seps[i]):
            break
        if n < 14:
            continue
        lengths = [e - s for s, e in groups[i:j + 1]]
        if j > i and not _grouping_ok(lengths):
            continue
        if i > 0 and (j == i or seps[i - 1] == seps[i]):
            continue  # continues a number on its left
        trailing = False
        if j < len(groups) - 1:
            rest = "".join(text[s:e] for s, e in groups[j + 1:])
            month_slash = len(rest) == 2 and text[groups[-1][1]:groups[-1][1] + 1] == "/"  # … 4274 03/30
            if not (len(groups) - j - 1 <= 2 and (_expiry_or_cvv(rest) or month_slash and 1 <= int(rest) <= 12)):
                continue
            trailing = True
        digits = "".join(text[s:e] for s, e in groups[i:j + 1])
        if len(set(digits)) > 1 and valid(digits):
            best = (j, digits, trailing)
    return best


def _grouping_ok(lengths: list[int]) -> bool:
    """Groups a card is written in: three or more of 3-6 digits (4-4-4-4, 4-6-5) or 6-6-7, or two
    halves of at least four (``41111111 11111111``). Two halves read as a card only beside
    card context (see :func:`_grade`): two numbers side by side are common."""
    if len(lengths) == 2:
        return min(lengths) >= 4
    # (a 19-digit UnionPay card as 6-6-7; no other group of seven: an Amazon order is 3-7-7)
    return len(lengths) >= 3 and (all(3 <= x <= 6 for x in lengths) or tuple(lengths) == (6, 6, 7))


def _expiry_or_cvv(digits: str) -> bool:
    if len(digits) == 3:
        return True
    return len(digits) == 4 and 1 <= int(digits[:2]) <= 12


def _is_bank_card(digits: str) -> bool:
    return digits.startswith("62") and 16 <= len(digits) <= 19 and luhn_ok(digits)


_LABEL_END = re.compile(r"(?:\b(?:no|nr|number|num|id|ref)\.?|#|[:：]|号码?|編號|编号)[\s\"'“”]*$")
# the same words as whole words, for a label on the line (a column header may run words together;
# "part" is no word of "partner", nor "order" of "border")
_OTHER_LABEL = re.compile(
    r"(?<![a-z])(?:order|serial|s/n|sn|tracking|invoice|imei|sku|barcode|isbn|ticket|reference|ref|asset|part|"
    r"device|meter|transaction|shipment|waybill|po|p\. ?o\.|contract|policy|container)(?![a-z])|"
    r"订单|序列|单号|运单|快递|发票|条码|条形码|设备|流水|交易号|工单|资产|料号|批号|批次|合同|保单|箱号|柜号|提单|报关")


def _labelled_otherwise(text: str, start: int, words: re.Pattern[str]) -> bool:
    """Whether the number at ``start`` follows a label of its own that names something else:
    one of the last two words before it on its line (within 60 characters), ending as a label
    does ("Waybill No.", "PO #", 运单号：), names an order, a waybill, a policy, and no card word
    stands before it there ("reference 4556…" alone stays a card of low confidence). The caller
    asks only where no expiry or CVV stands beside the number."""
    line = text[max(text.rfind("\n", 0, start) + 1, start - 60):start].casefold()  # (60: linear on a long line)
    if not line.strip() or words.search(line) or not _LABEL_END.search(line):
        return False
    return _OTHER_LABEL.search(" ".join(line.split()[-2:])[-16:]) is not None


def _grade(text: str, found: list[tuple[int, int, str, tuple[int, ...], bool]], kind: str,
           words: re.Pattern[str]) -> list[Match]:
    out = []
    distinct = {d for _, _, d, _, _ in found if d not in PUBLIC_TEST_CARDS}
    says_test: bool | None = None  # whether the text calls its numbers test data (read once, when asked)
    for start, end, digits, lengths, trailing in found:
        if digits in PUBLIC_TEST_CARDS:
            continue
        # (a list of test cards is introduced once: the text saying so anywhere is enough)
        if digits in WELL_KNOWN_TEST_CARDS or _MADE_UP.search(digits):
            if says_test is None:
                says_test = _TEST_WORDS.search(text.casefold()) is not None
            if says_test:
                continue  # 4111 1111 1111 1111 as "the test card" in a developer's mail
        header = column_header(text, start)
        if header is not None and not words.search(header) and _OTHER_COLUMNS.search(header) and \
                not words.search(text[max(text.rfind("\n", 0, start) + 1, start - 40):start].casefold()):
            continue  # an order number or serial under its own column header (not one its line calls a card)
        near = window(text, start, end)
        corroborated = trailing or _EXPIRY.search(near) or _CVV.search(near)
        why = [f"{card_issuer(digits) or 'card'} {len(digits)} digits, Luhn"]
        if not corroborated and _labelled_otherwise(text, start, words):
            # "Waybill No. 5312 3009 8420 3139", 运单号：… (an expiry or CVV beside it says card): none held;
            # the one such number of a text recorded low, as one number with no context is (a list of
            # them is a list of waybills)
            if len(distinct) == 1 and len(lengths) != 2:  # (two halves with no context are no card at all)
                out.append(Match(kind, start, end, text[start:end], LOW,
                                 "; ".join([*why, "labelled as another number"])))
            continue
        ctx = words.search(near) or (words.search(header) if header else None)
        if ctx:
            why.append(f"context '{ctx.group().strip()}'")
        if corroborated:
            why.append("expiry/CVV beside")
        if len(lengths) == 2:
            if not (ctx or corroborated):
                continue  # two numbers side by side, nothing says card
            why.append("written in two halves")
        grouped = lengths in _ISSUER_GROUPING
        if ctx and (corroborated or grouped):
            level = HIGH
        elif ctx or corroborated:
            level = MEDIUM
        elif len(distinct) >= 3:
            level = MEDIUM
            why.append(f"{len(distinct)} cards in one text")
        else:
            level = LOW
            why.append("no context")
        out.append(Match(kind, start, end, text[start:end], level, "; ".join(why)))
    return out


def find_payment_cards(text: str) -> list[Match]:
    # (one pass over the digits: cards of a known issuer, and 16-digit Luhn-valid numbers of none)
    spans = list(_card_spans(text, _card_or_luhn16))
    known = [sp for sp in spans if card_issuer(sp[2]) is not None]
    return _grade(text, known, "payment_card", _CARD_WORDS) + \
        _unknown_issuer_cards(text, [sp for sp in spans if card_issuer(sp[2]) is None])


def _unknown_issuer_cards(text: str, spans: list[tuple[int, int, str, tuple[int, ...], bool]]) -> list[Match]:
    """A Luhn-valid 16-digit number of no issuer we know, written 4-4-4-4, with card words and an
    expiry or CVV beside it ("the following Mastercard: 5990 7369 3704 4337, valid thru 11/26,
    security code 472"): whatever its prefix, it was given as a card (medium). Without both it is
    none: a number with no issuer is no card on its own."""
    out = []
    for start, end, _digits, lengths, trailing in spans:
        if lengths != (4, 4, 4, 4):
            continue
        near = window(text, start, end)
        words = _CARD_WORDS.search(near)
        if words and (trailing or _EXPIRY.search(near) or _CVV.search(near)):
            out.append(Match("payment_card", start, end, text[start:end], MEDIUM,
                             f"card 16 digits, Luhn, no known issuer; context '{words.group()}', expiry/CVV beside"))
    return out


def _card_or_luhn16(digits: str) -> bool:
    return luhn_ok(digits) and (len(digits) == 16 or card_issuer(digits) is not None)



def find_cn_bank_cards(text: str) -> list[Match]:
    """UnionPay-issued (62…) bank card numbers of 16-19 digits passing Luhn."""
    if "62" not in text:
        return []
    return _grade(text, list(_card_spans(text, _is_bank_card)), "cn_bank_card", _BANK_WORDS)
