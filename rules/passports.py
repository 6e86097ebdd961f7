"""Passport and travel-permit numbers beside their label (issue 19: "passports with names").

A passport number has no checksum anyone outside the issuing state can test (the machine-readable
zone's check digits are not what people type), so a bare ``E20859492`` is no evidence: it is
one when its label stands right before it ("Passport No.: EA7301946", 护照号码 E1234…, 台胞證號碼
21315564). Visa letters, hotel registrations and insurance enrolments carry lists of them with
names and dates of birth, which is the leak; a form that shows a sample ("e.g. E12345678",
SPECIMEN, [passport number]) carries none.

Confidence: the label and a number of the shapes passports take (one or two letters and 6-9
digits, 8-9 digits, or after the label six to ten letters and digits, five of them digits at least:
the Dutch NDW547945, the French 18FV27735) is medium; with a date of birth or a name label near it, or several
numbers in the text, high; a sample, a specimen or a run of one digit (E00000000, 12345678) low.
"""

from __future__ import annotations

import re
import unicodedata

from rules.context import column_header
from rules.match import HIGH, LOW, MEDIUM, Match

# the label, then within a few characters (": ", " No.: ", "号码：", " (PRC) ") the number
_PASSPORT = re.compile(
    r"(?i)(?<![a-z])(?:passport|passeport|reisepass|护照|護照|台胞证|台胞證|港澳通行证|港澳通行證|回乡证|回鄉證|"
    r"通行证|通行證|旅行证件|旅行證件)"
    r"(?:\s?(?:no\.?|nr\.?|number|num\.?|#|号码|號碼|号|號|编号|編號))?"
    r"[^\S\n]?(?:\((?:prc|roc|hk|hksar|china|taiwan|[a-z]{2,3})\))?[^\S\n]?(?:[:：#]|\bis\b|为|是)?[^\S\n]{0,3}"
    r"(?<![a-z0-9])([a-z]{1,2}[0-9]{6,9}[a-z]?|[0-9]{8,9}|"
    # (after the label, the other shapes states print: NDW547945 (Dutch), 18FV27735 (French), C01X00T47
    # (German): six to ten letters and digits, five of them digits at least)
    r"(?=(?:[a-z]*[0-9]){5})[a-z0-9]{6,10})(?![a-z0-9])")
# the prefilter: a label's word anywhere in the text, looked for as a few plain substrings (a case-insensitive
# alternation over every outbound text cost the full evaluation a third of its speed; the shipped rules read
# the detector only where the keyword scan found a label, list passport_labels)
_LABEL_PARTS = ("ssport", "SSPORT", "sepor", "SEPOR", "isepass", "ISEPASS", "照", "胞", "通行", "回乡", "回鄉", "旅行")


def has_passport_label(text: str) -> bool:
    """Whether a passport or travel-permit label may stand in ``text`` (the detector's prefilter)."""
    return any(part in text for part in _LABEL_PARTS)


# what makes it a sample: shown as an example, a specimen, a placeholder
_SAMPLE = re.compile(r"(?i)\be\.g\.|\bexample\b|\bsample\b|\bspecimen\b|\bdummy\b|\bplaceholder\b|"
                     r"示例|样例|樣例|样本|樣本|范例|範例|例如|如：")
_SAME_DIGITS = re.compile(r"([0-9])\1{5}")
_SEQUENCE = ("0123456789", "1234567890", "9876543210")
# a date of birth or a person's name labelled beside it
_PERSON = re.compile(r"(?i)\bdob\b|\bd\.o\.b\b|date of birth|\bborn\b|birth ?date|出生|生日|姓名|\bname\b|"
                     r"\b(?:mr|ms|mrs|miss)\b\.?")


def _made_up(number: str) -> bool:
    digits = "".join(c for c in number if c.isdigit())
    return _SAME_DIGITS.search(digits) is not None or any(digits in s for s in _SEQUENCE)


# a passport number's shape, alone (read under a table's passport column)
_NUMBER = re.compile(r"(?i)(?<![a-z0-9])(?:[a-z]{1,2}[0-9]{6,9}[a-z]?|[0-9]{8,9})(?![a-z0-9])")
_PASSPORT_HEADER = re.compile(r"(?i)passport|护照|護照|台胞|通行证|通行證")
_NOT_THE_NUMBER = re.compile(r"(?i)expir|valid|date|issue|有效|日期|签发")


def find_passports(text: str) -> list[Match]:
    """Passport and travel-permit numbers after their label, or under a table's passport column
    (a CSV of applicants: surname, date_of_birth, passport_no), as the module docstring says."""
    found = list(_PASSPORT.finditer(text))
    out = _in_passport_columns(text, {m.start(1) for m in found})
    for m in found:
        number = m.group(1)
        start, end = m.start(1), m.end(1)
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", end)
        line = text[line_start:line_end if line_end >= 0 else len(text)]
        if _made_up(number) or _SAMPLE.search(line):
            out.append(Match("passport", start, end, number, LOW, "passport number; a sample or made up"))
            continue
        near = text[max(0, m.start() - 120):end + 120]
        if len(found) > 1 or _PERSON.search(near):
            out.append(Match("passport", start, end, number, HIGH, "passport number; a person's particulars beside it"
                             if _PERSON.search(near) else "passport number; one of several"))
        else:
            out.append(Match("passport", start, end, number, MEDIUM, "passport number after its label"))
    return out


def _in_passport_columns(text: str, taken: set[int]) -> list[Match]:
    """Numbers of a passport's shape under a column headed as passports (high: a list of people)."""
    out = []
    seen: dict[int, Cells | None] = {}
    for m in _NUMBER.finditer(text):
        if m.start() in taken or _made_up(m.group()):
            continue
        header = column_header(text, m.start()) or _aligned_header(text, m.start(), seen)
        if header and _PASSPORT_HEADER.search(header) and not _NOT_THE_NUMBER.search(header):
            out.append(Match("passport", m.start(), m.end(), m.group(), HIGH, f"passport number under {header!r}"))
    return out


_CELL_GAP = re.compile(r"[ \t]{2,}|\t")
Cells = tuple[tuple[int, int, str], ...]  # a header's passport cells: span on screen and words


def _width(text: str) -> int:
    """Columns ``text`` takes on screen (a Chinese character two), as a table is lined up."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_MAX_ROWS = 40  # rows a table's header stands above its values at most
_MAX_ROW = 400  # characters of a table's row (a longer line is prose, not a row)


def _aligned_header(text: str, pos: int, seen: dict[int, Cells | None] | None = None) -> str | None:
    """The header cell above ``pos`` in a table lined up with spaces ("Name   Passport No.   Date of
    birth" over its rows; :func:`rules.context.column_header` reads delimited tables): the passport
    cell of a line above in the same block whose span on screen holds the value's column. ``seen``:
    each row's header cell (its span on screen), found once per row however many numbers it holds."""
    ls = text.rfind("\n", 0, pos) + 1
    if seen is None:
        seen = {}
    if ls not in seen:
        le = text.find("\n", pos)
        row = text[ls:le if le >= 0 else len(text)]
        # (a value stands in a row of columns, or there is no table)
        seen[ls] = _header_cell_above(text, ls, seen) if _CELL_GAP.search(row.strip()) else None
    found = seen[ls]
    if found is None:
        return None
    column = _width(text[ls:pos])
    return next((cell for lo, hi, cell in found if lo - 2 <= column <= hi + 2), None)


def _header_cell_above(text: str, ls: int, seen: dict[int, Cells | None]) -> Cells | None:
    """The passport header cells of a line above the row starting at ``ls`` (each one's span on
    screen and its words: "Name (as in passport)" and "Passport No." are two), in the same block of
    short lines, or None. A row above already read (``seen``) has the same header: a long table is
    read once, not once per row."""
    end = ls - 1
    for _ in range(_MAX_ROWS):
        if end <= 0:
            return None
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].rstrip("\r")
        if not line.strip() or len(line) > _MAX_ROW:
            return None  # a blank line or a paragraph ends the table
        heads = list(_PASSPORT_HEADER.finditer(line))
        if heads and _CELL_GAP.search(line):  # (a header has columns: "Passport list" is a title)
            starts = [0, *(g.end() for g in _CELL_GAP.finditer(line))]
            found: list[tuple[int, int, str]] = []
            for head in heads:
                lo = max(c for c in starts if c <= head.start())
                hi = min((g.start() for g in _CELL_GAP.finditer(line) if g.start() >= head.end()), default=len(line))
                cell = (_width(line[:lo]), _width(line[:hi]), line[lo:hi].strip().casefold())
                if cell not in found:
                    found.append(cell)
            return tuple(found)
        if start in seen:
            return seen[start]
        end = start - 1
    return None
