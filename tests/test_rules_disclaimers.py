"""The organisation's disclaimers: the Hyperscan gate in front of the patterns never hides one.

The gate (rules/disclaimers.py) only decides whether ``re`` reads a text; these tests check
that it is wider than the patterns: every code point ``re`` takes for a character under
IGNORECASE is in its class, every whitespace ``re`` skips is in the gaps, and on wrapped,
re-cased and embedded disclaimers the spans are those of the patterns alone.
"""

from __future__ import annotations

import _sre
import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import disclaimers as d
from rules.disclaimers import OrgDisclaimers

EN = "This message from Example Corp and any attachments are confidential and intended solely for the named recipients."
ZH = "本邮件由Example公司发出，其内容及附件可能含有保密信息，仅供指定收件人使用。"


def _plain_spans(texts: list[str], text: str) -> list[tuple[int, int]]:
    """The spans as the patterns alone find them (what the code did before the gate)."""
    return [m.span() for t in texts for m in d.pattern(t).finditer(text)]


def test_no_code_point_above_the_limit_changes_case_for_re() -> None:
    from re._casefix import _EXTRA_CASES  # type: ignore[import-not-found]

    extra = {cp for lo, others in _EXTRA_CASES.items() for cp in (lo, *others)}
    assert all(_sre.unicode_tolower(cp) == cp and cp not in extra for cp in range(d._CASED_LIMIT, 0x110000))


def test_the_gaps_hold_every_character_re_calls_whitespace() -> None:
    assert set(d.WHITESPACE) == {chr(c) for c in range(0x110000) if re.fullmatch(r"\s", chr(c))}


@pytest.mark.parametrize("char", sorted(set(string.ascii_letters + string.digits + "µßſ.,，。") | set(ZH[:6])))
def test_each_character_class_holds_every_code_point_re_matches(char: str) -> None:
    rx = re.compile(re.escape(char), re.I)
    matched = {cp for cp in range(d._CASED_LIMIT) if rx.fullmatch(chr(cp))}
    assert matched <= d._variants([char])[char]


def test_a_gate_that_is_asked_finds_the_kelvin_sign_re_finds() -> None:
    """re under IGNORECASE takes the Kelvin sign for k (and ſ for s): so must the gate."""
    org = OrgDisclaimers([EN])
    odd = EN.replace("k", "\u212a").replace("s", "\u017f")
    assert _plain_spans([EN], odd) and org.spans(odd) == _plain_spans([EN], odd)


def test_a_text_without_the_disclaimer_is_not_read_by_re() -> None:
    org = OrgDisclaimers([EN, ZH])
    assert org._db is not None
    assert not org.may_hold("Quarterly figures attached. This message is confidential.\n" * 200)
    assert org.may_hold("Regards\n\n" + EN.upper().replace(" ", "\n"))


def test_more_disclaimers_than_a_gate_is_built_for_are_read_by_re_alone() -> None:
    """A rules file with very many disclaimers loads quickly (no gate) and finds them all."""
    texts = [f"{EN} Office {i}." for i in range(d.GATE_MAX + 1)]
    org = OrgDisclaimers(texts)
    assert org._db is None
    text = "Hello\n\n" + texts[-1].upper().replace(" ", "\n")
    assert org.spans(text) == _plain_spans(texts, text) and org.spans(text)


def test_a_disclaimer_longer_than_the_gate_is_found_whole() -> None:
    long = EN + " " + "If you are not the intended recipient please delete it. " * 40
    org = OrgDisclaimers([long])
    text = "Hello\n\n" + long.replace(" ", "\r\n ") + "\n"
    assert org.spans(text) == _plain_spans([long], text) and org.spans(text)


_PIECE = st.sampled_from(["Hi team,\n", "季度报告已附上。\n", "confidential ", " ", "\n", "\u3000", "Example ",
                          "本邮件", "> ", "ＴＨＩＳ", "\u00a0", "tHiS"])


@st.composite
def _mail(draw: st.DrawFn) -> str:
    """Text around a disclaimer that is wrapped, re-cased or cut short."""
    which = draw(st.sampled_from([EN, ZH]))
    chars = list(which)
    if draw(st.booleans()):  # cut short: the gate may pass, re must then refuse
        chars = chars[: draw(st.integers(10, len(chars)))]
    out = []
    for ch in chars:
        out.append(ch.upper() if draw(st.booleans()) else ch)
        if draw(st.integers(0, 9)) == 0:
            out.append(draw(st.sampled_from(["\n", "\r\n", " ", "\t", "\u3000", "\u2028", "\x1c"])))
    body = "".join(out)
    return "".join(draw(st.lists(_PIECE, max_size=6))) + body + "".join(draw(st.lists(_PIECE, max_size=6)))


_ORG = OrgDisclaimers([EN, ZH])


@settings(max_examples=300, deadline=None)
@given(_mail())
def test_spans_are_those_of_the_patterns_alone(text: str) -> None:
    assert _ORG.spans(text) == _plain_spans([EN, ZH], text)
