"""PRC identity numbers hidden by their layout (issue 19): an attack review read an ID broken over three lines, or
grouped 4-4-4-4-2 or 6-4-4-4 as people type them from a card, delivered outbound beside its label. Read now where an
identity word or a name stands before the groups; groups without one (a phone number, a list of figures) stay what
they are."""

from __future__ import annotations

import pytest

from rules.detectors import find_cn_ids
from tests.test_detection_classes import action, mail

# checksum-valid numbers (GB 11643), none of them published as an example
ID_A, ID_B, ID_C = "320102198503172410", "440305199208110630", "310115197704025228"


@pytest.mark.parametrize("written", [
    "身份证号：3201 0219 8503 1724 10",
    "Mainland ID: 320102\n19850317\n2410",
    "ID no. 320102-1985-0317-2410",
    "乘客姓名 王芳 证件号 440305 1992 0811 0630",
    "Passport / resident ID:\n4403051992\n0811\n0630",
])
def test_an_id_in_unusual_groups_beside_its_label_is_held_outbound(written: str) -> None:
    body = f"Hi Lisa,\n\nDetails for the booking as requested:\n{written}\nArriving Thursday.\n\nThanks,\nDave"
    assert action(mail(body, "booking details")) == "quarantine"


@pytest.mark.parametrize("written", [
    "Call me on 3201 0219 8503 1724 10 if needed",      # no identity word or name before it
    "Figures for the week:\n320102\n19850317\n2410",
])
def test_digit_groups_without_an_identity_word_are_not_read(written: str) -> None:
    assert find_cn_ids(written) == []


def test_a_line_of_digits_above_does_not_hide_the_id() -> None:
    found = find_cn_ids(f"身份证：\n2024\n{ID_C[:9]}\n{ID_C[9:]}\n")
    assert [(m.value.replace("\n", ""), m.confidence) for m in found] == [(ID_C, "high")]


def test_the_standards_example_grouped_is_low() -> None:
    assert [m.confidence for m in find_cn_ids("身份证 1101 0519 4912 3100 2X")] == ["low"]


def test_a_number_read_whole_is_not_read_twice() -> None:
    assert len(find_cn_ids(f"身份证号 {ID_A[:6]} {ID_A[6:14]} {ID_A[14:]}")) == 1
