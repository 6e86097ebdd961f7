"""Outbound classes the blind set 38 (freight forwarding; measured blind on 6705bca: precision
0.959, recall 0.903) got wrong besides scams: macro documents sent out unheld, a crew list's
passport numbers in a table lined up with spaces, a form's sample identity number held, and three
marker readings. Each test fails on a2d6a10; the guards pass there too and say so.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from rules.content import parse
from rules.engine import EvaluationContext
from rules.model import Direction, Envelope
from tests.ole_writer import compound_file, word_fib
from tests.test_detection_classes import SHIPPED, _Dir, action, enforced, mail

OOXML = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _package(main: str, *, vba: bool) -> bytes:
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        z.writestr(main, '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                   "<w:body><w:p><w:r><w:t>Booking template: enable macros to check the HS codes.</w:t></w:r></w:p>"
                   "</w:body></w:document>")
        if vba:
            z.writestr("word/vbaProject.bin", compound_file({"VBA/dir": b"\x01" * 64}))
    return b.getvalue()


# VBA macros leaving the company: a .docm/.xlsm by name, a .docx that holds vbaProject.bin (a .docm
# renamed), a Word 97 .doc with a VBA project storage (ftype-006, ftype-007).
MACRO_DOCS = [
    ("SI_template.docm", _package("word/document.xml", vba=True), "application/vnd.ms-word.document.macroEnabled.12"),
    ("booking_template.xlsm", _package("xl/workbook.xml", vba=True), "application/vnd.ms-excel.sheet.macroEnabled.12"),
    ("renamed.docx", _package("word/document.xml", vba=True), OOXML),
    ("legacy.doc", compound_file({"WordDocument": word_fib("Booking template"), "Macros/VBA/_VBA_PROJECT": b"\xcc\x61",
                                  "Macros/VBA/dir": b"\x01" * 64}), "application/msword"),
]


@pytest.mark.parametrize(("name", "data", "ctype"), MACRO_DOCS, ids=[n for n, _d, _c in MACRO_DOCS])
def test_a_macro_document_sent_out_is_held(name: str, data: bytes, ctype: str) -> None:
    raw = mail("Please use the attached template.", "Template", ((name, data, ctype),))
    assert "outbound-executables" in enforced(raw)


def test_a_macro_document_from_outside_is_refused_and_a_plain_one_is_not() -> None:
    """The refusal is the guard's other half: a .docx with no macros passes (on a2d6a10 too)."""
    sender, us = "partner@other.org", "alice@example.com"

    def inbound(name: str, data: bytes) -> str:
        raw = mail("See attached.", "Template", ((name, data, OOXML),)).replace(
            b"From: alice@example.com", b"From: partner@other.org")
        v = SHIPPED.evaluate(parse(raw), Envelope(sender, (us,)), EvaluationContext({us: Direction.INBOUND}, _Dir()))
        return v.to_json()["recipients"][us]["action"]

    assert inbound("renamed.docx", _package("word/document.xml", vba=True)) == "reject"
    assert inbound("plain.docx", _package("word/document.xml", vba=False)) == "deliver"


def test_a_crew_list_lined_up_with_spaces_has_its_passport_numbers_held() -> None:
    """id-001: the passport column is the third of a table lined up with spaces, not delimited."""
    body = ("Dear colleagues,\nplease find the riding crew for the immigration pre-notification:\n\n"
            "Name              Nationality  Passport No.   Date of birth\n"
            "ZHANG Qiang       CHN          E82007594      1978-03-22\n"
            "Pavel NOVAK       CZE          17880683       1985-09-14\n"
            "WONG Ka Lok       HKG          K46616195      1991-01-30\n\nKind regards\n")
    assert "outbound-passport-numbers" in enforced(mail(body, "Riding crew list"))


def test_a_column_beside_the_passport_column_is_not_it() -> None:
    """Guard (delivered on a2d6a10 too): the number stands under Order No., the passport column is
    its expiry."""
    body = ("Name        Order No.     Passport expiry\n"
            "Li Ming     E82007594     2030-01-01\n")
    assert action(mail(body, "Orders")) == "deliver"


def test_a_forms_sample_identity_number_is_no_leak() -> None:
    """id-016: the form shows how to fill the field (填写样例：…)."""
    body = "姓名：__________\n身份证号码：__________（填写样例：11010519491231002X）\n入职日期：____年__月__日\n"
    assert action(mail(body, "入职信息登记表模板")) == "deliver"


MARKERS_NOT_APPLIED = [
    # conf-004: phishing subjects quoted in a security reminder
    'Watch out for mails with subjects like "CONFIDENTIAL - urgent payment of demurrage" or "Strictly confidential: '
    'new bank details". These were not sent by us.',
    # conf-021: published figures that need not be treated as confidential
    "The figures were published in March, so there is no need to treat them as confidential.",
]


@pytest.mark.parametrize("body", MARKERS_NOT_APPLIED, ids=["quoted-subjects", "no-need-to-treat-as"])
def test_a_marker_quoted_or_negated_in_prose_is_delivered(body: str) -> None:
    assert action(mail(body, "Note")) == "deliver"


def test_a_marker_in_a_json_value_or_csv_cell_is_still_applied() -> None:
    """Guard (held on a2d6a10 too): the quotes of a value are no quotation."""
    assert action(mail('{"note": "本文件为机密，严禁外传。"}', "data")) == "quarantine"


def test_a_footer_naming_the_company_the_marker_and_the_page_is_a_banner() -> None:
    """conf-020: 'Example Logistics - Confidential - page 1' at a document's foot."""
    text = ("Q4 operations review, Hamburg.\nVolumes rose 8% (detail in appendix).\n"
            "Example Logistics - Confidential - page 1")
    assert action(mail(text, "Q4 review")) == "quarantine"


APPLIED_IN_QUOTES = [
    'This document is "CONFIDENTIAL" and must not be shared outside your team.',
    'Please treat the attached as "Strictly Confidential".',
    'The attached plan is marked "Confidential - Internal Use Only".',
    'Attached is our price list, classified "机密".',
]


@pytest.mark.parametrize("body", APPLIED_IN_QUOTES, ids=["is", "treat-as", "marked", "classified"])
def test_a_label_applied_in_quotes_is_still_held(body: str) -> None:
    """Guards (held on a2d6a10): straight quotes that name the label applied are no quoted example;
    the first reading of quotes (any opened after a word) delivered all four."""
    assert action(mail(f"Hi Tom,\n{body}\nThanks", "Plan")) == "quarantine"


def test_a_long_crew_list_is_read_to_its_end_and_a_title_is_no_header() -> None:
    """Found on the final read of the change: the header was looked for at most 40 rows up (a list of
    60 lost its last 20) once per number (a hostile text of 20,000 rows cost ten times the old scan),
    and a title line "Passport list" over prose made every number under it a passport."""
    from rules.passports import find_passports

    rows = "\n".join(f"{'PERSON' + str(i):<18}{'CHN':<13}E{82007594 + 7919 * i:<14}1978-03-22" for i in range(60))
    found = find_passports("Name              Nationality  Passport No.   Date of birth\n" + rows)
    assert len(found) == 60
    prose = "Passport list\n" + "\n".join(f"Order {41234567 + i * 7} shipped to Hamburg on Monday." for i in range(50))
    assert find_passports(prose) == []
