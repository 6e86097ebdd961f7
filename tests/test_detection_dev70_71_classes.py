"""Scam classes blind sets 70 (a biotech buyer's inbound, dev) and 71 (a garment exporter's inbound, dev) brought
that no reading caught, each written anew here in my own words, with the genuine mail beside each class that
must stay delivered. Every scam here is delivered on c4171f9 and held after; the genuine ones are guards.

The register's trap, read by what it cannot leave out:
- the form whose signature orders ("by signing this form the signatory orders an insertion … for three years
  at EUR 1,190 per year", over the lines of a PDF's small print; the pay words read across a line break);
- the register's own small print ("this is an offer for entry in our private register and not an invoice", "a
  proposal for an entry in a private register"): no office bills so;
- a "World … Suppliers Register" renewing a listing's "annual listing fee".
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

SCAMS = [
    ("Expo Guide Publishing", "data@expo-guide-publishing.com", "Exhibitors Guide 2026 - please check your entry",
     "Dear Exhibitor,\n\nyour company is listed in the Exhibitors Guide 2026. Please check the details below, correct "
     "them if necessary, sign and return this form. The update of your basic data is free of charge.\n\n"
     "Company: EXAMPLE CORP\nSignature & stamp: ____________\n\nBy signing this form the signatory orders an "
     "insertion in the Exhibitors Guide online\ndatabase for a minimum term of three years at EUR 1,190 per year, "
     "invoiced\nannually in advance.\n"),
    ("Patent Upkeep Office", "renewals@patent-upkeep-office.com", "Renewal fee due - PCT/CN2024/551203",
     "Applicant: EXAMPLE CORP\nApplication: PCT/CN2024/551203\n\nThe registration fee for the above application is "
     "now due. Please pay USD 1,640.00 within 8 days to keep the application in our international database.\n\n"
     "Payment is voluntary; this is an offer for entry in our private register and not an invoice from a patent "
     "office.\n"),
    ("Global Textile Suppliers Register", "billing@gtsr-register.com", "Renewal invoice GTSR-2026-0412",
     "Dear Customer,\n\nplease find the renewal invoice for your listing in the Global Textile Suppliers Register.\n\n"
     "Annual listing fee: EUR 940.00\nPayment due within 14 days.\nIBAN ES12 2100 0418 4502 0005 1332\n\n"
     "Late payment will be passed to our debt collection partner.\n"),
]

GENUINE = [
    ("Messe Frankfurt", "tickets@messefrankfurt.com", "Early-bird offer for entry tickets ends Friday",
     "Dear visitor,\n\nour early-bird offer for entry tickets to Texworld 2026 ends this Friday. Buy your ticket "
     "online and pay by card: a day ticket costs EUR 35.\n"),
    ("European Patent Office", "noreply@epo.org", "European Patent Register: change recorded for EP 4 102 331",
     "Dear Sir or Madam,\n\nthe transfer of EP 4 102 331 to Example Corp has been recorded in the European Patent "
     "Register. The administrative fee for registering the transfer has been paid from your deposit account.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), SCAMS)
def test_the_registers_traps_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


@pytest.mark.parametrize(("display", "address", "subject", "body"), GENUINE)
def test_genuine_offers_and_registers_are_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"
