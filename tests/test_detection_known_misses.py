"""Classes the blind sets 33-37 left open at the end of the session of 2026-12-06 (issue 19's
closing note, section 5), taken up one by one. Each test names the form it was found in and
fails on f3cebf0; the guards (genuine mail of the same shape) pass there too and are marked.
"""

from __future__ import annotations

import pytest

from tests.test_detection_classes import action, mail

# A lawyer's banner: the label qualified ("Privileged and Confidential") and its kind after a dash
# ("- Attorney Work Product") was read as running text about something else, and delivered.
PRIVILEGED = [
    ("Privileged and Confidential - Attorney Work Product\n\nPlease find our analysis of the dispute.", "Analysis"),
    ("Privileged & Confidential – Attorney-Client Communication\n\nJim, our view on the claims follows.", "Claims"),
]


@pytest.mark.parametrize(("body", "subject"), PRIVILEGED)
def test_a_privileged_and_confidential_banner_with_its_kind_after_a_dash_is_held(body: str, subject: str) -> None:
    assert action(mail(body, subject)) == "quarantine"


def test_privileged_and_confidential_in_a_sentence_is_no_banner() -> None:
    """Guard (passes on f3cebf0 too): the qualifier is read as one only where a label follows."""
    body = "Hi Jim,\nPrivileged and confidential advice is what our firm offers every client, as you know.\nBest"
    assert action(mail(body, "Our services")) == "deliver"
