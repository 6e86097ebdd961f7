"""Genuine mail the review-13 helper wrote that was still held at the end of the session that read it
(held on f80b476 too): a bank's SME loan whose processing fee is taken out of the disbursement, a course's
registration fee "refundable if you withdraw" (its cancellation terms, not the advance-fee promise), a
courier's duty notice from its own domain that says the parcel "will be returned to the sender" (every
courier's consequence, not a threat). Each is written anew; each genuine mail fails on e284777. Beside them,
guards: the same words in the scams they resemble still hold.
"""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

GENUINE = [
    ("DBS Bank", "sme.banking@dbs.com", "Your SME working capital loan: pre-approved limit",
     "Dear Customer,\n\nBased on your company's banking relationship with us, your business is pre-approved for a "
     "DBS SME Working Capital Loan of up to SGD 300,000 at an effective interest rate from 6.5% p.a.\n\n"
     "No collateral is required for loans up to SGD 300,000. To apply, log in to DBS IDEAL and select Loans > "
     "Apply. Processing fee: 1% of the approved amount, deducted from the disbursement.\n\n"
     "DBS will never ask for your password or OTP by email or phone.\n\nDBS Bank Ltd\n"),
    ("SkillsFuture Course Admin", "courses@nus-ace.edu.sg",
     "Registration for Data Analytics course (SkillsFuture eligible)",
     "Dear Participant,\n\nThank you for registering for Applied Data Analytics (Run 14, 12-16 January 2027).\n\n"
     "To confirm your seat please pay the registration fee of SGD 150 by 15 December. The fee is refundable "
     "if you withdraw at least 10 working days before the course starts. You may use your SkillsFuture Credit "
     "for the balance of the course fee through the MySkillsFuture portal.\n\nNUS ACE Course Administration\n"),
    ("DHL Parcel UK", "noreply@dhlparcel.co.uk", "Import duty due on your parcel 7741 2290 3310",
     "Hello,\n\nYour parcel from SHENZHEN ELECTRONICS CO. is held at customs. Import VAT and duty of GBP 23.40 "
     "plus our advancement fee of GBP 11.00 are due before we can deliver it.\n\nYou can pay on our website "
     "by entering your tracking number at dhlparcel.co.uk/pay. If you do not pay within 14 days, the parcel "
     "will be returned to the sender.\n\nDHL Parcel UK\n"),
]

SCAMS = [
    ("DHL Express", "notice@dhl-redeliver-uk.top", "Your parcel is on hold",
     "Dear customer,\n\nYour parcel could not be delivered because the customs fee of GBP 2.99 has not been paid. "
     "Please pay at https://dhl-redeliver-uk.top/pay within 48 hours or your parcel will be returned to the "
     "sender.\n"),
    ("Global Staffing HR", "hr.globalstaffing@gmail.com", "Job offer: remote data entry",
     "Congratulations, you have been selected for the remote data entry position (USD 3,500/month). "
     "Before onboarding please pay the registration fee of USD 150, which is refundable with your first "
     "salary. Contact our HR on WhatsApp +1 555 0102.\n"),
    ("QuickCash Finance", "approvals@quickcashfin.com", "Loan approved: USD 50,000",
     "Your loan of USD 50,000 has been approved with no credit check. To release the funds, pay the insurance "
     "fee of USD 350 by today. The processing fee of 2% will be deducted from the disbursement.\n"),
]


@pytest.mark.parametrize("display,address,subject,body", GENUINE, ids=[g[2][:40] for g in GENUINE])
def test_genuine_terms_are_delivered(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


@pytest.mark.parametrize("display,address,subject,body", SCAMS, ids=[s[2][:40] for s in SCAMS])
def test_the_scams_they_resemble_still_hold(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"
