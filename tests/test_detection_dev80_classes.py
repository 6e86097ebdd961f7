"""Outbound data-loss classes a blind set (dev 80: a hospital group's mail) found, each written here in our own words
(issue 19):

- a card number broken over two lines to hide it ("please charge it to my card:\\n\\n53799931\\n27109948\\nexp 10/26"):
  delivered by cf68168, now read as the card's two halves, which hold only beside card words or an expiry;
- an identity number broken over two lines beside its label ("Mainland ID: 510107195\\n806267461"): delivered, now
  held; two numbers on two lines with no identity word or name stay none;
- Luhn-valid specimen numbers under a "Specimen ID" column: held as cards, now numbers of another kind;
- a workshop's list of labels, each with a dash and its examples ("CONFIDENTIAL – patient data, contracts"): held as
  banners, now a list of levels (a label on its own line with a dash still holds)."""

from __future__ import annotations

from tests.test_detection_classes import action, mail


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def test_a_card_broken_over_two_lines_beside_its_expiry_is_held() -> None:
    assert _luhn_ok("5379993127109948")
    body = ("Hi Jenny,\n\nSorry about the delay - please charge it to my card:\n\n53799931\n27109948\n"
            "exp 10/26, security code 783\n\nBob")
    assert action(mail(body, "RE: overdue invoice MSA-24-0277")) == "quarantine"


def test_two_numbers_on_two_lines_with_no_card_word_are_no_card() -> None:
    body = "Hi Jenny,\n\nThe two lot numbers for the re-run are:\n\n53799931\n27109948\n\nBob"
    assert action(mail(body, "Re-run lots")) == "deliver"


def test_an_identity_number_broken_over_two_lines_beside_its_label_is_held() -> None:
    body = ("Hi,\n\nTransfer patient: ZHAO Jianhua\nMainland ID: 510107195\n806267461\nDOB as on ID. Arriving 9 May.\n"
            "\nDave")
    assert action(mail(body, "Transfer patient details")) == "quarantine"


def test_two_numbers_on_two_lines_with_no_identity_word_are_no_identity() -> None:
    body = "Hi,\n\nThe freezer log for the week:\n510107195\n806267461\n\nDave"
    assert action(mail(body, "Freezer log")) == "deliver"


def test_luhn_valid_numbers_under_a_specimen_column_are_no_cards() -> None:
    numbers = ("4556737586899855", "4024007134564847", "4716108999716531", "4532015112830366")
    assert all(_luhn_ok(n) for n in numbers)
    rows = "Specimen ID,Test,Collected\n" + "".join(f"{n},Lipid panel,2024-05-0{i}\n" for i, n in enumerate(numbers, 1))
    raw = mail("Please re-run the attached specimens.", "Re-run specimens",
               (("rerun_specimens.csv", rows.encode(), "text/csv"),))
    assert action(raw) == "deliver"


def test_a_list_of_labels_each_with_a_dash_is_a_workshops_example() -> None:
    body = ("Hi Mei,\nFor the workshop, please use these examples of our labels:\nPUBLIC – brochures, price lists\n"
            "INTERNAL ONLY – rosters, policies\nCONFIDENTIAL – patient data, contracts\n机密 – 并购、薪酬\n"
            "Participants should practise choosing the right label for 10 sample documents.\nCarol")
    assert action(mail(body, "Slides for labelling workshop")) == "deliver"


def test_an_index_of_documents_each_marked_with_a_dash_still_holds() -> None:
    body = ("CONFIDENTIAL – Q3 pricing\nCONFIDENTIAL – Q4 pricing\nCONFIDENTIAL – 2027 roadmap\n\n"
            "All three are attached for the board.\n\nCarol")
    assert action(mail(body, "Board papers")) == "quarantine"


def test_a_label_with_a_dash_on_its_own_line_still_holds() -> None:
    body = "CONFIDENTIAL – Board only\n\nThe Q3 acquisition shortlist is attached.\n\nCarol"
    assert action(mail(body, "Shortlist")) == "quarantine"
