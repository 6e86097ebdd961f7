"""Over real SMTP and the real API with the shipped configs: a sub-address is its person.

alice sends TOP SECRET from alice+q3@example.com. It must still need her department head
(the CFO) and a compliance officer, exactly as from alice@: the two compliance officers do
not make the pair. (On the code before, the sub-address fell outside every department.)
"""

from __future__ import annotations

import time

from tests.test_e2e_approvals import Stack, stack  # noqa: F401 - the module's gateway fixture


def test_top_secret_from_a_sub_address_still_needs_the_department_head(stack: Stack) -> None:  # noqa: F811
    stack.send("alice+q3@example.com", "partner2@other.org", "TS sub plan", "TOP SECRET\r\nThe plan.\r\n")
    entry = stack.entry("TS sub plan")
    assert entry["routes"]["supervisor"] == ["cfo@example.com"]
    assert stack.decide("grace", entry["id"]).json()["status"] == "held"
    second = stack.decide("heidi", entry["id"])
    assert second.status_code == 200 and second.json()["status"] == "held", second.text
    time.sleep(0.3)
    assert not stack.sink.handler.to("partner2@other.org")
    done = stack.decide("cfo", entry["id"])
    assert done.status_code == 200 and done.json()["status"] == "released", done.text
    stack.sink.handler.wait_to("partner2@other.org")
