"""Genuine inbound mail a precision review (review 78: look-alikes of scams) found held or tagged by cf68168, each
written here in our own words (issue 19):

- a bank's never-ask that runs long, wrapped over two lines with CR LF: "HSBC will never ask you to disclose your
  passwords or security codes by email, phone or SMS,\\r\\nor to transfer money to a "safe account"" (108 characters
  from "never" to the account: the never-ask reached 90);
- a utility's "will not send you links asking for your credit card number" beside its overdue reminder.

The scams beside them are still held: the "safe account" asked, the card number asked."""

from __future__ import annotations

import pytest

from tests.test_detection_heldout16_classes import inbound_action

GENUINE = [
    ("HSBC Global Banking", "notifications@hsbc.com.hk", "Branch consolidation - no action required",
     "Dear Customer,\r\n\r\nOur Kwun Tong Business Centre will be consolidated into the Mongkok Business Centre. "
     "Your account numbers and online banking access remain unchanged.\r\n\r\nHSBC will never ask you to disclose "
     "your passwords or security codes by email, phone or SMS,\r\nor to transfer money to a \"safe account\".\r\n"),
    ("CLP Power Hong Kong", "ebill@clp.com.hk", "Reminder: electricity bill overdue",
     "Dear Customer,\n\nThe electricity bill for account 0382 1177 64 for HK$12,386.40 remains unpaid. Please settle "
     "the amount through your usual payment method.\n\nCLP will not send you links asking for your credit card "
     "number by SMS or email.\n"),
]

SCAMS = [
    ("HSBC Security", "security@hsbc-alerts-hk.com", "Urgent: your account is under investigation",
     "Dear Customer,\n\nYour account is under investigation for money laundering. To protect your funds, transfer "
     "money to a \"safe account\" today:\nAccount 808-221934-001\n"),
    ("CLP Billing", "billing@clp-hk-payments.com", "Electricity bill overdue",
     "Dear Customer,\n\nYour electricity bill of HK$12,386.40 remains unpaid and supply will be disconnected "
     "within 24 hours. Reply with your credit card number and expiry date to settle it.\n"),
]


@pytest.mark.parametrize(("display", "address", "subject", "body"), GENUINE, ids=[g[2][:40] for g in GENUINE])
def test_a_never_ask_however_long_or_worded_asks_nothing(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "deliver"


@pytest.mark.parametrize(("display", "address", "subject", "body"), SCAMS, ids=[s[2][:40] for s in SCAMS])
def test_the_ask_itself_is_still_held(display: str, address: str, subject: str, body: str) -> None:
    assert inbound_action(display, address, subject, body) == "quarantine"
