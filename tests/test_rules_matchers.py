"""Keyword automaton: one scan for all lists, word boundaries for English, offsets for CJK."""

from __future__ import annotations

from rules.matchers import KeywordMatcher, normalize


def build(lists: dict[int, list[str]]) -> KeywordMatcher:
    m = KeywordMatcher()
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
