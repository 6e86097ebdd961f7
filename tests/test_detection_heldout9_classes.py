"""Error classes of detection found on 2026-12-06 (the remaining misses of the blind held-out
sets 6–8 and the new sets 9 and 10, written without sight of the rules and kept outside the
repository), in wording of our own. Each test of a class failed on 429975d; the others guard
against the opposite error.

- Luhn-valid numbers under a column headed "PO Number", "Contract No.", "Policy No.", "Booking
  No.", 合同号 (purchase orders, contracts, policies, bookings) were held as cards;
"""

from __future__ import annotations

import pytest

from tests.accuracy.mime import xlsx
from tests.test_detection_classes import LUHN_VALID, XLSX, action, mail

# -- cards and identity numbers: column headers ---------------------------------------------

OTHER_HEADERS = ["PO Number", "PO #", "P.O. No.", "Contract No.", "Policy No.", "Booking Ref", "Container No.",
                 "Customer No.", "Member ID", "Claim number", "合同号", "保单号", "客户编号", "提单号"]


@pytest.mark.parametrize("header", OTHER_HEADERS)
def test_numbers_under_a_purchase_order_contract_or_policy_column_are_not_cards(header: str) -> None:
    rows = [[header, "Date", "Status"]] + [[n, "2026-10-10", "open"] for n in LUHN_VALID]
    csv = "\n".join(",".join(r) for r in rows).encode() + b"\n"
    assert action(mail("export attached", attachments=(("export.xlsx", xlsx(rows), XLSX),))) == "deliver"
    assert action(mail("export attached", attachments=(("export.csv", csv, "text/csv"),))) == "deliver"


@pytest.mark.parametrize("header", ["Card number (PO payment)", "Customer card", "Account"])
def test_a_column_that_says_card_or_account_still_holds_cards(header: str) -> None:
    rows = [[header, "Date"]] + [[n, "2026-10-10"] for n in LUHN_VALID]
    assert action(mail("export attached", attachments=(("export.xlsx", xlsx(rows), XLSX),))) == "quarantine"


def test_identity_numbers_under_a_contract_column_are_not_identity_numbers() -> None:
    ids = ["110105199003074528", "440301198512126936", "310104197708154423"]
    body = "合同号\t签约日期\t金额\n" + "\n".join(f"{n}\t2026-10-1{i}\t{(i + 1) * 1000}.00" for i, n in enumerate(ids))
    assert action(mail("合同清单见下：\n\n" + body + "\n")) == "deliver"
    named = "姓名\t身份证号\n" + "\n".join(f"张{i}\t{n}" for i, n in enumerate(ids))
    assert action(mail("名单如下：\n\n" + named + "\n")) == "quarantine"
