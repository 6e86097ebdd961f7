"""The blind index's tokeniser: the fast paths equal the plain definitions they stand for."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.tokens import Hasher, analyse, normalise

TEXT = st.text(alphabet=st.one_of(
    st.characters(codec="utf-8"), st.sampled_from("ＡＢｃ１２，。ﬁß…İ合同采购 \n\u3000é\u0301")), max_size=60)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_normalise_is_nfkc_casefold(text: str) -> None:
    assert normalise(text) == unicodedata.normalize("NFKC", text).casefold()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.lists(TEXT, max_size=4))
def test_document_hashes_every_token_in_order(subject: str, texts: list[str]) -> None:
    """Hashing each distinct token once gives the same sequence as hashing every token."""
    hasher = Hasher(b"k" * 32)
    expected: list[str] = []
    uni: dict[str, None] = {}
    s_seq, s_uni = analyse(subject) if subject else ([], [])
    expected += [hasher.token("s", t) for t in s_seq]
    expected += [hasher.token("us", t) for t in dict.fromkeys(s_uni)]
    expected += [hasher.token("b", t) for t in s_seq]
    uni.update(dict.fromkeys(s_uni))
    for text in texts:
        seq, u = analyse(text)
        expected += [hasher.token("b", t) for t in seq]
        uni.update(dict.fromkeys(u))
    expected += [hasher.token("u", t) for t in uni]
    assert Hasher(b"k" * 32).document(subject, texts) == expected
