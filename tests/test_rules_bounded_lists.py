"""Keyword lists bounded to the start of a text (``KeywordMatcher.add(..., within=N)``).

The scam assessment's anchor words (several hundred common words: "now", "claim", "deposit")
sat in the one database every text is scanned with to its end, which made the keyword scan
of all mail 5-8% slower (issue 19: ``bench/bench_rules.py`` had to stay within the noise),
although the assessment reads only the first 20,000 characters. Bounded lists go to a
database of their own, read over as many bytes as hold the characters their hits can start
in; what ``find`` gives must not depend on how far it read: the hits of the same lists
unbounded that start before the bound. (``within`` did not exist before: every test here
failed on the old code.)"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules import matchers
from rules.matchers import KeywordMatcher
from tests.test_rules_matchers import TERM_CHARS, TEXT_CHARS, flat, reference_hits


@pytest.fixture(params=["hyperscan", "ahocorasick"])
def engine(request: pytest.FixtureRequest) -> str:
    if request.param == "hyperscan" and matchers.hyperscan is None:
        pytest.skip("hyperscan has no wheel for this platform")
    return str(request.param)


def build(engine: str, lists: dict[int, list[str]], within: dict[int, int]) -> KeywordMatcher:
    m = KeywordMatcher(engine=engine)
    for lid, terms in lists.items():
        for t in terms:
            m.add(lid, t, within=within.get(lid))
    m.build()
    return m


def expected(lists: dict[int, list[str]], within: dict[int, int], text: str) -> tuple[list, int]:
    hits, length = reference_hits(lists, text)
    return [h for h in hits if h[0] not in within or h[2] < within[h[0]]], length


def check(m: KeywordMatcher, lists: dict[int, list[str]], within: dict[int, int], text: str) -> None:
    found = m.find(text)
    assert (flat(found.hits), found.norm_length) == expected(lists, within, text)


@st.composite
def bounded_cases(draw: st.DrawFn) -> tuple[dict[int, list[str]], dict[int, int], str]:
    """Lists 1 and 2 bounded (at 0 to 120 characters), list 0 not; terms shared between them
    at times; a text of up to ~600 characters of every width (ASCII, CJK, astral, marks that
    normalise longer or shorter), often the terms themselves, so that hits stand either side
    of the bounds and the guessed number of bytes to read is wrong both ways."""
    pieces = draw(st.lists(st.lists(st.sampled_from(TEXT_CHARS), max_size=30).map("".join),
                           min_size=1, max_size=20))
    terms = draw(st.lists(st.lists(st.sampled_from(TERM_CHARS), min_size=1, max_size=5).map("".join),
                          max_size=4))
    for piece in pieces[:4]:
        if piece:
            i = draw(st.integers(0, len(piece) - 1))
            terms.append(piece[i:i + draw(st.integers(1, 6))])
    lists: dict[int, list[str]] = {}
    for t in terms:
        for lid in draw(st.sets(st.integers(0, 2), min_size=1, max_size=2)):
            lists.setdefault(lid, []).append(t)
    within = {lid: draw(st.integers(0, 120)) for lid in (1, 2) if draw(st.booleans())}
    text = draw(st.sampled_from(["", "\n", " "])).join(pieces * draw(st.integers(1, 4)))
    return lists, within, text


@pytest.mark.parametrize("whole", [False, True])
def test_a_bounded_list_has_the_unbounded_hits_that_start_before_its_bound(
        engine: str, whole: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # whole: the first marked character sends the text to whole-text normalisation instead
    if whole:
        monkeypatch.setattr(matchers, "_mark_limit", lambda size: 0)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(bounded_cases())
    def run(case: tuple[dict[int, list[str]], dict[int, int], str]) -> None:
        lists, within, text = case
        check(build(engine, lists, within), lists, within, text)

    run()


def test_a_term_past_the_bound_is_a_hit_only_of_the_lists_that_have_none(engine: str) -> None:
    lists = {0: ["claim"], 1: ["claim", "deposit"]}
    text = "claim " + "x " * 30 + "claim, deposit"
    m = build(engine, lists, {1: 20})
    check(m, lists, {1: 20}, text)
    hits = m.find(text).hits
    assert [h.start for h in hits[0]] == [0, text.rindex("claim")] and [h.start for h in hits[1]] == [0]


@pytest.mark.parametrize("text", [
    # wider characters first, ASCII after: the bytes guessed from the average hold too few
    "机" * 38 + " deposit " + "a" * 2000,
    # ASCII first, wider after: the guess holds more than enough
    "a" * 38 + " deposit " + "机" * 2000,
    # astral characters (4 bytes) before, and the word ending where a marked line is normalised
    "\U0001d400" * 38 + " deposit …" + "\n" + "a" * 500,
    # ASCII: the part read is exactly as long as the bound and the longest word
    "x" * 38 + " deposit " + "y" * 300,
    "机" * 38 + " deposit" + "机" * 300,
    # a word on the bound whose next letter makes it another word: no hit
    "x" * 39 + " deposits" + "y" * 300,
    # a Chinese word split by a line break on the bound (it crosses a CJK gap)
    "机" * 39 + "保\n证金" + "机" * 300,
])
def test_the_part_read_holds_every_word_that_starts_before_the_bound(engine: str, text: str) -> None:
    lists = {0: ["invoice"], 1: ["deposit", "保证金", "fee"]}
    within = {1: 40}
    check(build(engine, lists, within), lists, within, text)
    hits = build(engine, lists, within).find(text).hits
    assert bool(hits.get(1)) == ("deposits" not in text)


def test_a_matcher_of_bounded_lists_only_finds_nothing_past_the_bound(engine: str) -> None:
    lists = {0: ["fee"]}
    m = build(engine, lists, {0: 10})
    assert not m.find("a " * 10 + "fee").hits
    assert [h.start for h in m.find("fee " * 10).hits[0]] == [0, 4, 8]


def test_a_list_keeps_the_one_bound_it_was_given(engine: str) -> None:
    m = KeywordMatcher(engine=engine)
    m.add(0, "fee", within=10)
    m.add(0, "deposit")  # (no bound given: the list's stands)
    with pytest.raises(ValueError, match="bounded at 10"):
        m.add(0, "charge", within=20)
    m.build()
    assert not m.find("x " * 10 + "deposit").hits
