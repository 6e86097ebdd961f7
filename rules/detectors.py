"""Detectors of sensitive values that are *checked*, not just pattern-matched.

A 16-digit run is not a card number unless it passes Luhn, carries an issuer prefix and has
that issuer's length; an 18-character string is not a PRC identity number unless its GB 11643
check character, birth date and region agree. This keeps timestamps, order numbers and phone
numbers out of the evidence. Each detector returns :class:`Match` objects with positions so
rules can count them and look for keywords nearby.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from rules.cards import card_issuer, find_cn_bank_cards, find_payment_cards, luhn_ok
from rules.context import column_header, window
from rules.markers import grade
from rules.match import HIGH, LOW, MEDIUM, Match
from rules.passports import find_passports, has_passport_label
from rules.secrets import find_private_keys, find_secrets, shannon_entropy
from rules.textview import View, detector_view

__all__ = ["DETECTORS", "Match", "card_issuer", "cn_id_ok", "detect", "find_cn_bank_cards", "find_cn_ids",
           "find_passports", "find_payment_cards", "find_private_keys", "find_secrets", "luhn_ok", "shannon_entropy"]

_SEPARATORS = " -."


# -- PRC resident identity number (GB 11643-1999) -----------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# 18 characters, or 6-8-4 groups joined by one kind of separator (110101 19900307 123X)
# a digit group set off from the next (a line break, a space or a dash between): only then a broken number is read
_GROUP_GATE = re.compile(r"[0-9](?:[ \t]*\r?\n[ \t]*|[ -])[0-9]")
_ID_RE = re.compile(r"[1-8][0-9]{16}[0-9Xx]|[1-8][0-9]{5}([ .-])[0-9]{8}\1[0-9]{3}[0-9Xx]")


def cn_id_ok(value: str, today: date | None = None) -> bool:
    """GB 11643 check character, birth date in 1900..today and region first digit 1-8."""
    if len(value) != 18 or not value[:17].isdigit() or value[0] not in "12345678":
        return False
    total = sum(int(c) * w for c, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != value[17].upper():
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= (today or date.today())


# province-level region codes (GB/T 2260): the first two digits of a real number
_PROVINCES = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
                        50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 91})
_ID_WORDS = re.compile(r"身份证|身份號|身份号|证件|證件|公民身份|"
                       r"(?<![a-z])(?:id|identity|resident|citizen|passport)(?![a-z])")
_NAME_WORDS = re.compile(r"姓名|名字|(?<![a-z])name(?![a-z])|先生|女士")
# a number shown as an example of the form (填写样例：…, "e.g.")
# (or a test's: "dummy id_number 1101…", 测试身份证号; "1101…（测试，故意错误）")
# (not a medical "test result", 核酸测试: a test's data, a test user, a dummy)
_ID_SAMPLE = re.compile(r"(?i)(?:样例|样本|示例|范例|例如|举例|模拟|虚构|sample|specimen|example|e\.g\.|dummy|fake|"
                        r"synthetic|测试(?:数据|用户|用例|身份证号?|证件号?|号码|账号|环境)|(?:仅供|用于)测试|"
                        r"\btest (?:data|id|ids|case|cases|user|users|number|numbers|account))[^\n]{0,20}$")
_ID_SAMPLE_AFTER = re.compile(r"(?i)\s*[（(](?:样例|样本|示例|范例|测试|模拟|虚构|sample|specimen|example|test|dummy)"
                              r"(?:[，,、;；][^）)\n]{0,20})?[）)]")
# a cell of the number's row that says the row is a test's or an example's (TC-001,测试用户甲,…,测试数据), the whole
# cell (not 测试部, the QA department, nor 测试工程师)
# (or a remark cell "sample/test data", a name cell "TEST-User-01")
# (or with a note in brackets: 示例（请删除本行）, "Sample (delete before upload)")
_ID_SAMPLE_CELL = re.compile(r"(?i)(?:(?:测试|示例|样例|虚构|模拟)"
                             r"(?:数据|用户[甲乙丙丁一二三四五\d]?|用例|样本|账号|行)?|"
                             r"(?:dummy|sample|test|synthetic)(?:[ _/-]?(?:data|user|row|case|dummy|sample|test|"
                             r"only|records?)){0,3}(?:[-_ #]?\d{1,4})?)(?:\s?[（(][^）)\n]{0,20}[）)])?")
_CELL_SEPARATORS = re.compile(r"[,\t|;，]")
# a table's sample row, headed as one in its first cell (示例  张三  男  1101…  技术员)
# (or a test case's: TEST-01,测试用户一,1101…; a CSV's cells are set off by commas)
# (or the row's first cell opening with the word and a note in brackets: 示例（请删除本行）北京某某餐饮有限公司)
_ID_SAMPLE_ROW = re.compile(r"(?i)[ \t|]*(?:(?:示例|样例|范例|例|sample|example|e\.g\.|测试|"
                            r"test(?:[-_ ]?(?:case|row|data))?(?:[-_ #]?\d{1,4})?|dummy|fake|synthetic)[:：]?[ \t|,;]|"
                            r"(?:示例|样例|范例|测试|sample|example|dummy)(?:行|数据|row|data)?\s?[（(][^）)\n]{0,20}[）)])")
# the numbers the standard itself prints as its examples (GB 11643-1999): published, nobody's
PUBLISHED_SAMPLE_IDS = frozenset({"11010519491231002X", "440524188001010014"})
_ID_OTHER_COLUMNS = re.compile(r"order|serial|tracking|invoice|\bpo\b|p\. ?o\.|contract|policy|booking|"
                                r"订单|序列|单号|运单|发票|流水|交易号|条码|合同|保单")


def find_cn_ids(text: str) -> list[Match]:
    """PRC resident identity numbers, 18 characters or in 6-8-4 groups. Checksum and birth
    date valid: medium; with an identity word or a name beside it: high; a region code no
    province has, or a number shown as the form's example (填写样例：…, a table's 示例 row): low;
    under a column
    headed as something else (order, serial): none."""
    out = []
    rows: dict[int, bool] = {}
    for m in _ID_RE.finditer(text):
        s, e = m.start(), m.end()
        if (s > 0 and _ascii_alnum(text[s - 1])) or (e < len(text) and _ascii_alnum(text[e])):
            continue
        if s >= 2 and text[s - 1] in _SEPARATORS and text[s - 2].isdigit():
            continue  # part of a longer grouped number
        if e + 1 < len(text) and text[e] in _SEPARATORS and text[e + 1].isdigit() and m.group(1) is None:
            continue
        value = m.group() if m.group(1) is None else m.group().replace(m.group(1), "")
        if not cn_id_ok(value):
            continue
        header = column_header(text, s)
        if header is not None and _ID_OTHER_COLUMNS.search(header) and not _ID_WORDS.search(header) and \
                not _ID_WORDS.search(text, max(text.rfind("\n", 0, s) + 1, s - 40), s):
            continue  # (unless the number's own line names it: 客户身份证号 …, under a prose "header")
        near = window(text, s, e, 60, 30) + " " + (header or "")
        why = ["GB 11643 checksum and birth date"]
        if int(value[:2]) not in _PROVINCES:
            level = LOW
            why.append("unknown region")
        elif _ID_SAMPLE.search(text, max(0, s - 24), s) or _ID_SAMPLE_AFTER.match(text, e):
            level = LOW
            why.append("an example of the form (样例, e.g.)")
        elif value.upper() in PUBLISHED_SAMPLE_IDS:
            level = LOW
            why.append("the standard's published example")
        elif _ID_SAMPLE_ROW.match(text, text.rfind("\n", 0, s) + 1) or _sample_row(text, s, rows):
            level = LOW
            why.append("a sample row of the form (示例)")
        elif _ID_WORDS.search(near) or _NAME_WORDS.search(near):
            level = HIGH
            why.append("identity word or name beside")
        else:
            level = MEDIUM
        out.append(Match("cn_id", s, e, m.group(), level, "; ".join(why)))
    if _GROUP_GATE.search(text):
        out += _split_cn_ids(text, out)
    return out


# an identity number broken over lines or grouped unusually ("Mainland ID: 510107195\n806267461", "身份证 1101 0519
# 4912 3100 2X", "110105-1949-1231-002X"): a run of digit groups set off by a space, a dash or a line break
# (each line's groups are joined and lines are tried in runs: a line of digits above, a year, hides nothing)
# (the run never fails once begun, so no start inside it is tried again: what follows it is checked apart)
_ID_GROUPED = re.compile(r"(?<![0-9A-Za-z])[0-9]+(?:(?:[ \t]*\r?\n[ \t]*|[ -])[0-9]+)+[Xx]?")
_LINE_BREAK = re.compile(r"[ \t]*\r?\n[ \t]*")
_IN_LINE_SEPARATOR = re.compile(r"[ -]")


def _split_cn_ids(text: str, standard: list[Match]) -> list[Match]:
    """Identity numbers broken over lines or in groups other than 6-8-4, read only where an identity word or a
    name stands within 80 characters before (two numbers on two lines, a phone number's groups, are common; one
    broken beside 身份证 is hidden). ``standard``: the numbers already read whole, not read again."""
    out: list[Match] = []
    # (the numbers read whole, in order; the runs are read left to right, so one pointer walks them: a list of a
    # thousand IDs is not searched a thousand times)
    whole = sorted((m.start, m.end) for m in standard)
    at, last_end = 0, -1
    for run in _ID_GROUPED.finditer(text):
        if run.end() < len(text) and _ascii_alnum(text[run.end()]):
            continue  # (part of a code: 1101-0519-ABC)
        near = text[max(0, run.start() - 80):run.end()].lower()
        if not (_ID_WORDS.search(near) or _NAME_WORDS.search(near)):
            continue  # (no identity word or name before any part of it: nothing to read)
        # (the word stands before the run, so a number read must begin within 80 characters of its start: the lines
        # past that, and 17 more to end a number, are all that is read of a run of any length)
        lines, pos, more = [], run.start(), 17
        for piece in _LINE_BREAK.split(run.group()):
            start = text.index(piece, pos)
            lines.append((start, start + len(piece), _IN_LINE_SEPARATOR.sub("", piece)))
            pos = start + len(piece)
            if start > run.start() + 80:
                more -= 1
                if more < 0:
                    break
        j, total = 0, 0  # (a window of lines [i, j] whose digits add up to 18 at most, moved along once)
        for i in range(len(lines)):
            if j < i:
                j, total = i, 0
            if j == i and total == 0:
                total = len(lines[i][2])
            while total < 18 and j + 1 < len(lines):
                j += 1
                total += len(lines[j][2])
            if total != 18 or not "1" <= lines[i][2][:1] <= "8":
                total -= len(lines[i][2])
                continue
            value = "".join(line[2] for line in lines[i:j + 1])
            total -= len(lines[i][2])
            s, e = lines[i][0], lines[j][1]
            while at < len(whole) and whole[at][1] <= s:
                at += 1
            if (i == j and " " not in text[s:e] and "-" not in text[s:e]) or s < last_end or \
                    (at < len(whole) and whole[at][0] < e) or not cn_id_ok(value):
                continue
            before = text[max(0, s - 80):s].lower()  # (its line and the ones just above)
            if not (_ID_WORDS.search(before) or _NAME_WORDS.search(before)):
                continue
            level = LOW if value.upper() in PUBLISHED_SAMPLE_IDS or _ID_SAMPLE.search(before) else HIGH
            out.append(Match("cn_id", s, e, text[s:e], level, "GB 11643 checksum and birth date; " +
                             ("broken over lines" if i != j else "grouped") + "; identity word or name beside"))
            last_end = e
    return out


def _sample_row(text: str, pos: int, rows: dict[int, bool]) -> bool:
    """Whether a cell of the line holding ``pos`` is, whole, a test's or an example's marker (read once per line:
    ``rows`` remembers each line's answer; a line of a thousand numbers is split once)."""
    start = text.rfind("\n", 0, pos) + 1
    found = rows.get(start)
    if found is None:
        end = text.find("\n", pos)
        cells = _CELL_SEPARATORS.split(text[start:end if end >= 0 else len(text)])
        found = rows[start] = any(_ID_SAMPLE_CELL.fullmatch(c.strip()) for c in cells)
    return found


def _ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


# -- IBAN (ISO 13616) -----------------------------------------------------------------------

IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}
_IBAN_RE = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30})(?![A-Za-z0-9])")


def iban_ok(value: str) -> bool:
    """Country length table and mod-97 == 1."""
    s = value.replace(" ", "").upper()
    if IBAN_LENGTHS.get(s[:2]) != len(s) or not s.isalnum():
        return False
    rearranged = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def find_ibans(text: str) -> list[Match]:
    out = []
    for m in _IBAN_RE.finditer(text):
        value = m.group(1)
        # a trailing word may have been swallowed by the optional spaces: trim to the table length
        compact = value.replace(" ", "")
        want = IBAN_LENGTHS.get(compact[:2])
        if want is None or len(compact) < want:
            continue
        if len(compact) > want:
            taken, end = 0, m.start(1)
            for i, ch in enumerate(value):
                if ch != " ":
                    taken += 1
                if taken == want:
                    end = m.start(1) + i + 1
                    break
            value = text[m.start(1):end]
            if end < len(text) and text[end].isalnum():
                continue
        if iban_ok(value):
            out.append(Match("iban", m.start(1), m.start(1) + len(value), value))
    return out


# -- PRC mobile numbers, emails -------------------------------------------------------------

_MOBILE_RE = re.compile(r"(?<![\d+])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")


def find_cn_mobiles(text: str) -> list[Match]:
    out = []
    for m in _MOBILE_RE.finditer(text):
        v = m.group()
        start = m.start()
        if start >= 2 and text[start - 1] in " -" and text[start - 2].isdigit():
            continue
        out.append(Match("cn_mobile", start, m.end(), v))
    return out


_EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b")


def find_emails(text: str) -> list[Match]:
    return [Match("email", m.start(), m.end(), m.group()) for m in _EMAIL_RE.finditer(text)]


# -- classification markers -----------------------------------------------------------------

_STAR_MARKER_RE = re.compile(r"(?:绝密|機密|机密|秘密)\s*[★☆*]|[★☆]\s*(?:绝密|机密|秘密)")
_BANNER_RE = re.compile(r"TOP SECRET|STRICTLY CONFIDENTIAL|CONFIDENTIAL|INTERNAL USE ONLY|INTERNAL ONLY|RESTRICTED")
_CLASSIFICATION_RE = re.compile(r"(?i)\bclassification\s*:\s*(?:confidential|secret|restricted|internal)")


def find_classification_markers(text: str) -> list[Match]:
    """Banner-style classification labels (upper-case English labels, 机密★ style marks),
    graded by where they stand (:mod:`rules.markers`): an upper-case word in a disclaimer or
    a negation is no label."""
    kind = "classification_marker"
    out = []
    if "★" in text or "☆" in text or "*" in text:
        out += [Match(kind, m.start(), m.end(), m.group(), HIGH, "classification mark")
                for m in _STAR_MARKER_RE.finditer(text)]
    for m in _BANNER_RE.finditer(text):
        s, e = m.start(), m.end()
        if (s and _ascii_alnum(text[s - 1])) or (e < len(text) and _ascii_alnum(text[e])):
            continue
        level, why = grade(text, s, e)
        if level is not None:
            out.append(Match(kind, s, e, m.group(), level, why))
    if "lassification" in text or "LASSIFICATION" in text:
        out += [Match(kind, m.start(), m.end(), m.group(), HIGH, "classification label")
                for m in _CLASSIFICATION_RE.finditer(text)]
    out.sort(key=lambda m: m.start)
    return out


DETECTORS: dict[str, Callable[[str], list[Match]]] = {
    "payment_card": find_payment_cards,
    "cn_id": find_cn_ids,
    "iban": find_ibans,
    "cn_mobile": find_cn_mobiles,
    "email": find_emails,
    "cn_bank_card": find_cn_bank_cards,
    "secret": find_secrets,
    "private_key": find_private_keys,
    "classification_marker": find_classification_markers,
    "passport": find_passports,
}
"""Detector name (as used in rules files) -> function(text) -> matches."""

# cheap tests that must hold for a detector to possibly match; skip the regex otherwise
_DIGIT_RUN = re.compile(r"[0-9]{4}").search
_RUN14 = re.compile(r"[0-9]{4}[ .-]?[0-9]{4}[ .-]?[0-9]{4}").search
PREFILTERS: dict[str, Callable[[str], object]] = {
    "cn_bank_card": lambda t: "62" in t,
    "iban": _DIGIT_RUN,
    "cn_mobile": _DIGIT_RUN,
    "email": lambda t: "@" in t,
    "private_key": lambda t: "PRIVATE KEY" in t or "PuTTY-User-Key" in t,
    "passport": has_passport_label,
}


def detect(name: str, text: str, view: View | None = None) -> list[Match]:
    """Run detector ``name`` over the folded view of ``text`` (with its cheap prefilter);
    positions and values are those of ``text`` itself. ``view``: that view, when the caller
    keeps it (a text read by several detectors is folded once)."""
    view, to_original = view if view is not None else detector_view(text)
    pre = PREFILTERS.get(name)
    if pre is not None and not pre(view):
        return []
    found = DETECTORS[name](view)
    if to_original is None:
        return found if view is text else [replace(m, value=text[m.start:m.end]) for m in found]
    out = []
    for m in found:
        start, end = to_original(m.start), to_original(m.end)
        out.append(replace(m, start=start, end=end, value=text[start:end]))
    return out
