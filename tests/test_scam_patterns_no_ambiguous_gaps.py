"""No scam pattern lets a carriage return be read two ways (review 19).

``(?:[^.!?\\n]|\\r?\\n(?!…)){0,60}?`` reads a CR either as a sentence's character or as the start of a CR LF:
every CR LF doubles the ways to match, and a body of "refund\\r\\nX\\r\\nX…" repeated took 158 s to screen (the
older "transfer … to our other account" branch it was copied from, 25 s on 789ae24). The gap is now
``scam_words._LINE_GAP``, whose alternatives are disjoint. This test reads every compiled pattern of the scam
modules for the ambiguous form (the cost itself is not timed here), and checks what the gap still reads.
"""

from __future__ import annotations

import re

import pytest

from rules import scam_advisories, scam_framing, scam_signals, scam_templates, scam_words, scams

MODULES = (scam_words, scam_signals, scam_templates, scam_advisories, scam_framing, scams)
AMBIGUOUS = ("[^.!?\\n]|\\r?\\n", "[^。！？\\n]|\\r?\\n", "[^.!?。！？\\n]|\\r?\\n")


def _patterns() -> list[tuple[str, str]]:
    found = []
    for module in MODULES:
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found.append((f"{module.__name__}.{name}", value.pattern))
    return found


@pytest.mark.parametrize(("name", "pattern"), _patterns())
def test_no_pattern_reads_a_carriage_return_two_ways(name: str, pattern: str) -> None:
    assert not any(a in pattern for a in AMBIGUOUS), name


def test_the_line_gap_reads_wrapped_lines_and_stops_at_a_blank_line() -> None:
    gap = re.compile(scam_words._LINE_GAP + "{0,60}?to our other account")
    assert gap.match("transfer\r\nthe balance to our other account")
    assert gap.match("transfer\nthe balance to our other account")
    assert gap.match("transfer the\rbalance to our other account")
    assert not gap.match("transfer\r\n\r\nthe balance to our other account")
    assert not gap.match("transfer. The balance to our other account")


# a branch that opens on a run of a character class ("[a-z][a-z0-9_-]{4,}是我新的微信") is tried from every character
# of a long run of that class: a review found 10 s for 20,000 letters before a WeChat word. It must say where a run
# starts (a lookbehind), as the id-first branch of rules.scam_templates._MOVE now does
# (an opening class of letters or figures, then a run: a run after a rare first character, 把 or 将, costs nothing)
_OPENS_ON_A_RUN = re.compile(r"(?:\[(?=[^\]]*(?:a-z|0-9|\\w|\\d))[^\]]+\](?:\{\d+\}|\?)?)?\[[^\]]+\](?:[+*]|\{\d*,)")


def _searched() -> list[tuple[str, str]]:
    """The families searched for anywhere in a text (rules.alternation's, by search and finditer); the patterns
    matched at a place (``.match(t, pos)``) may open on a run: they are tried once."""
    from rules.alternation import Alternation
    return [(f"{module.__name__}.{name}", value.pattern.pattern) for module in MODULES
            for name, value in vars(module).items() if isinstance(value, Alternation)]


@pytest.mark.parametrize(("name", "pattern"), _searched())
def test_no_searched_branch_opens_on_a_run_of_a_class(name: str, pattern: str) -> None:
    from rules.alternation import top_level_branches
    assert not [b for b in top_level_branches(pattern.removeprefix("(?i)")) if _OPENS_ON_A_RUN.match(b)], name
