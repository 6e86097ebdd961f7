"""Passport and travel-permit numbers after their label (rules/passports.py, rule
outbound-passport-numbers). Three blind sets (26-28) each had visa-letter, hotel and insurance
lists of names, dates of birth and passport numbers delivered (7 misses); each held case failed
on cbd49f2, the samples and reminders guard the other way.
"""

from __future__ import annotations

import pytest

from rules.match import HIGH, LOW, MEDIUM
from rules.passports import find_passports
from tests.test_detection_heldout20_classes import _out


@pytest.mark.parametrize("body", [
    "Dear visa team,\n\nPlease issue invitation letters for:\n\n1. SUN Ming, male, DOB 1971-03-14, passport E20859492\n"
    "2. LI Wei, male, DOB 1986-11-08, passport EJ4873363\n",
    "Please add to the policy from 1 March:\n\nName: ZHOU Tianyu\nPassport No.: EA7301946 (PRC)\nDate of birth: 19 May "
    "1993\n",
    "您好：\n\n台灣同仁 11/3 入住，請協助預先登記：\n\n1. 周凱文，台胞證號碼 21315564，護照號碼 356547680\n",
    "王经理：\n\n参会人员：张敏，护照号码：E08330659，出生日期 1991-07-23。\n",
    "Hi, my passport number is E48213377 for the booking.\n",
])
def test_passport_numbers_after_their_label_are_held(body: str) -> None:
    assert _out(body, "Registration") == "quarantine"


@pytest.mark.parametrize("body", [
    "Please remind colleagues to bring their passports and the original letter to the VFS appointment.\n",
    "Traveller details:\n- Full name exactly as in passport (e.g. TAN AH KOW)\n- Passport number (e.g. E1234567X)\n",
    "Name: [SURNAME, Given names]\nPassport No.: [passport number] (e.g. E12345678 - sample only)\n",
    "We are pleased to confirm that [FULL NAME], passport number E00000000 (SPECIMEN), is employed by us.\n",
    "All passports are valid for more than 6 months beyond the travel date.\n",
    "The shipment passport 2024 programme number 55 is attached.\n",
])
def test_samples_reminders_and_no_number_are_delivered(body: str) -> None:
    assert _out(body, "Visa") == "deliver"


def test_confidence_follows_the_particulars_beside_the_number() -> None:
    assert [m.confidence for m in find_passports("Passport: EJ4873363")] == [MEDIUM]
    assert [m.confidence for m in find_passports("Name: Li Wei\nPassport: EJ4873363")] == [HIGH]
    assert [m.confidence for m in find_passports("passport E20859492; passport EK1173825")] == [HIGH, HIGH]
    assert [m.confidence for m in find_passports("Passport No.: E12345678 (sample)")] == [LOW]
    assert [m.confidence for m in find_passports("护照号码 E00000000")] == [LOW]
    assert find_passports("order E20859492 for the passport holder") == []  # the label must come first
