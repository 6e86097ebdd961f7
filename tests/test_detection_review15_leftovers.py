"""Three cheap rewordings review 15 left through (listed in the closing note as bypasses): the mule's job that
"accepts deliveries" at home instead of receiving them, a "World Patent & Trademark Agency" in place of a world
register, and the fake buyer's "certificate of registration as an approved supplier" in place of a supplier
registration certificate. The first two are delivered on 1316aa7 and held after; the third was held there
already (the free-mail agent's fee) and stays as a guard. Written anew here.
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

SCAMS = [
    ("Remote Logistics HR", "hr@remote-logistix.com", "Package handling assistant - work from home",
     "Dear candidate,\n\nThank you for your application. As a package handling assistant you accept deliveries at "
     "your home address from our partner stores, inspect the items and reship them to our customers abroad using "
     "the prepaid labels we email you. Salary: USD 2,900 per month, paid every two weeks.\n\nPlease reply with "
     "your full name and home address to start.\n\nKind regards,\nHR Department\n"),
    ("WPTA Registrations", "records@wpta-registrations.org", "Trademark publication - your mark EXAMPLE",
     "Dear Sir/Madam,\n\nYour trademark EXAMPLE (application 018823401) will be published in the database of the "
     "World Patent & Trademark Agency for a period of 10 years. To complete the publication please pay the "
     "publication fee of EUR 1,830 to the account below within 8 days.\n\nIBAN: SK31 1200 0000 1987 4263 7541\n\n"
     "World Patent & Trademark Agency\n"),
    ("Gulf Star Trading", "purchase.gulfstar@outlook.com", "Purchase order - urgent",
     "Dear Supplier,\n\nWe want to order 3 containers of your product. Before we send the purchase order and the "
     "deposit, our ministry requires you to hold a certificate of registration as an approved supplier, issued by "
     "the Chamber agent. Cost is USD 520, contact agent Mr. Karim at karim.chamber@gmail.com.\n"),
]

GENUINE = [
    # the real organisation's own notice, and a courier's neighbour delivery (no job)
    ("WIPO", "madrid.notifications@wipo.int", "Madrid System: notification of registration",
     "Dear Sir or Madam,\n\nThe International Bureau of the World Intellectual Property Organization has recorded "
     "the international registration of your mark EXAMPLE. No fee is due for this notification. The registration "
     "certificate is available in the Madrid Monitor.\n"),
    ("DPD", "noreply@dpd.co.uk", "Choose how to receive your parcel",
     "Your parcel from Example Shop is on its way. If you are out, a neighbour can accept deliveries at your home "
     "address for you, or choose a Pickup shop. Track your parcel in the DPD app.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), SCAMS)
def test_the_reworded_scams_are_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"


@pytest.mark.parametrize(("display", "address", "subject", "body"), GENUINE)
def test_their_genuine_neighbours_are_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"
