"""Keyword automaton: one scan for all lists, word boundaries for English, offsets for CJK."""

from __future__ import annotations

import pytest

from rules import matchers
from rules.matchers import KeywordMatcher, normalize

ENGINE = "auto"


@pytest.fixture(autouse=True, params=["hyperscan", "ahocorasick"])
def engine(request: pytest.FixtureRequest) -> None:
    """Every matcher test runs on both scanning engines: they must find the same hits."""
    global ENGINE
    if request.param == "hyperscan" and matchers.hyperscan is None:
        pytest.skip("hyperscan has no wheel for this platform")
    ENGINE = request.param


def build(lists: dict[int, list[str]]) -> KeywordMatcher:
    m = KeywordMatcher(engine=ENGINE)
    for lid, terms in lists.items():
        for t in terms:
            m.add(lid, t)
    m.build()
    return m


def test_offsets_and_lists() -> None:
    m = build({0: ["机密", "secret"], 1: ["Ünïcode", "机密文件"]})
    norm, hits = m.scan("这是机密文件 SECRET und ÜNÏCODE 机密")
    found = sorted((h.list_id, h.term, norm[h.start:h.end]) for v in hits.values() for h in v)
    assert found == sorted([(0, "secret", "secret"), (0, "机密", "机密"), (0, "机密", "机密"),
                            (1, "机密文件", "机密文件"), (1, "ünïcode", "ünïcode")])


def test_word_boundaries_english_only() -> None:
    m = build({0: ["confidential", "do not distribute", "机密"]})
    assert not m.scan("nonconfidential confidentiality")[1]
    assert len(m.scan("Confidential: do not distribute.")[1][0]) == 2
    assert len(m.scan("保密机密资料")[1][0]) == 1  # Chinese: substring match
    assert len(m.scan("x机密y")[1][0]) == 1


def test_nfkc_casefold() -> None:
    assert normalize("ＣＯＮＦＩＤＥＮＴＩＡＬ") == "confidential"
    assert normalize("Straße") == "strasse"
    m = build({0: ["strasse", "ﬁle"]})
    assert {h.term for h in m.scan("STRASSE file")[1][0]} == {"strasse", "file"}


def test_empty_matcher() -> None:
    m = build({})
    assert m.empty and not m.scan("anything")[1]


def test_engines_agree_on_mixed_text() -> None:
    terms = {0: ["机密", "内部资料", "confidential", "q3 plan"], 1: ["资料", "plan"]}
    text = "内部资料 Q3 PLAN: confidential; 机密机密 planning 资料"
    results = []
    for name in ("hyperscan", "ahocorasick"):
        if name == "hyperscan" and matchers.hyperscan is None:
            continue
        m = KeywordMatcher(engine=name)
        for lid, ts in terms.items():
            for t in ts:
                m.add(lid, t)
        m.build()
        norm, hits = m.scan(text)
        results.append(sorted((h.list_id, h.term, h.start, h.end) for v in hits.values() for h in v))
    assert all(r == results[0] for r in results)
    at = text.index("机密机密")
    assert (0, "机密", at, at + 2) in results[0] and (0, "机密", at + 2, at + 4) in results[0]
    assert (1, "plan", text.index("PLAN"), text.index("PLAN") + 4) in results[0]
    assert not any(h[1] == "plan" and h[2] == text.index("planning") for h in results[0])


def test_line_by_line_normalisation_equals_whole_text() -> None:
    import unicodedata

    samples = [
        "第一行，有全角逗号：（括号）\nplain ascii line\n已规范的中文。\nＦＵＬＬＷＩＤＴＨ ｔｅｘｔ\n",
        "e\u0301\ncombining after newline\n\u0301 lone accent\nﬁ ligature ① ㍿",
        "no newline but ＦＵＬＬ，width",
        "已经规范的文本\n第二行",
        "全角，标点：（括号）　空格！",
        "Ａ\u0301 full-width letter with a combining accent，",
        "ｶﾀｶﾅ half-width katakana，and ①",
    ]
    for text in samples:
        assert normalize(text) == unicodedata.normalize("NFKC", text).casefold()


def test_fast_normalisation_always_equals_nfkc_casefold() -> None:
    import unicodedata

    from hypothesis import given, settings
    from hypothesis import strategies as st

    alphabet = st.sampled_from(list("机密文件，：（）　！ＡＢｃ①ﬁ\u0301\u0308e\nabcÅ한국어ｶﾀ .") + ["\r\n"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(alphabet, max_size=40).map("".join))
    def check(text: str) -> None:
        assert normalize(text) == unicodedata.normalize("NFKC", text).casefold()

    check()
