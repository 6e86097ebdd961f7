"""format=flowed (RFC 3676) text is screened as the reader's client joins it (review of
issue 12): a soft line break (a line ending in a space) inside 机密 or a card number, which
Thunderbird makes on its own when it wraps Chinese text, hid the word from old main's scan
although every flowed-aware client shows it whole. Seen failing on the old main."""

from __future__ import annotations

import pytest

from rules.content import parse
from rules.flowed import unflow
from rules.model import Action
from tests import bypass_mail as bm
from tests.test_rules_engine import run, shipped  # noqa: F401 - the shipped-rules fixture


def flowed(body: str, delsp: str = "yes") -> bytes:
    return (bm.headers() + f"Content-Type: text/plain; charset=utf-8; format=flowed; delsp={delsp}\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n" + body).encode()


@pytest.mark.parametrize(("body", "delsp"), [
    ("本文件为机 \r\n密，严禁外 \r\n传。\r\n", "yes"),
    ("card 4111 1111 \r\n1111 1111\r\n", "no"),
    ("key AKIAQ3EG \r\nRCYV5TNHX2LM\r\n", "yes"),
])
def test_soft_breaks_inside_a_value_hide_nothing(body: str, delsp: str, shipped) -> None:  # noqa: ANN001, F811
    raw = flowed(body, delsp)
    assert run(shipped, raw, "alice@example.com", ["partner@other.org"]).action == Action.QUARANTINE


def test_unflow_follows_rfc3676() -> None:
    assert unflow("a \r\nb\r\nc", delsp=False) == "a b\nc"
    assert unflow("机 \r\n密", delsp=True) == "机密"
    assert unflow(" From here\r\n>> quoted \r\n>> on\r\n> other", delsp=False) == "From here\n>>quoted on\n>other"
    assert unflow("text\r\n-- \r\nsignature", delsp=False) == "text\n-- \nsignature"  # the separator is hard
    assert "机 \r\n密" in parse(flowed("机 \r\n密").replace(b"format=flowed; ", b"")).body_text  # not flowed: as sent
