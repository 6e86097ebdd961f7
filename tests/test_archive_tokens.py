"""The blind index's tokeniser: the fast paths equal the plain definitions they stand for."""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import tokens as tokens_module
from archive.tokens import MAX_WORD, Hasher, analyse, normalise

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


# ---- the one-pass tokeniser equals the algorithm it replaced ---------------------------------
_OLD_CJK = (
    "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0002fa1f"
)
_OLD_WORDS = re.compile(r"[^\W_]+")
_OLD_HAS_CJK = re.compile(rf"[{_OLD_CJK}]")
_OLD_CJK_SPLIT = re.compile(rf"([{_OLD_CJK}]+)")


def old_analyse(text: str) -> tuple[list[str], list[str]]:
    """The previous ``analyse``, verbatim (every word run examined in Python)."""
    seq: list[str] = []
    unigrams: list[str] = []
    text = unicodedata.normalize("NFKC", text).casefold()
    if not _OLD_HAS_CJK.search(text):
        seq.extend(w for w in _OLD_WORDS.findall(text) if len(w) <= MAX_WORD)
        return seq, unigrams
    for run in _OLD_WORDS.findall(text):
        if run.isascii() or not _OLD_HAS_CJK.search(run):
            if len(run) <= MAX_WORD:
                seq.append(run)
            continue
        for i, piece in enumerate(_OLD_CJK_SPLIT.split(run)):
            if not piece:
                continue
            if i % 2 == 0:
                if len(piece) <= MAX_WORD:
                    seq.append(piece)
            elif len(piece) == 1:
                seq.append(piece)
                unigrams.append(piece)
            else:
                seq.extend(piece[j : j + 2] for j in range(len(piece) - 1))
                unigrams.extend(piece)
    return seq, unigrams


# Edges of every CJK range (assigned or not, word characters or not: U+3099 combining marks,
# U+30FB middle dot), halfwidth Kana and compatibility ideographs (NFKC changes them), Hangul
# jamo (NFKC composes them), other scripts' letters and digits, underscores, fullwidth forms,
# ligatures, combining accents, emoji, separators.
_SPECIAL = (
    "\u1100\u1161\u11a8\u11ff\u3040\u3041\u3096\u3099\u309a\u309b\u309d\u30a0\u30a1\u30fb\u30fc\u30ff"
    "\u3130\u3131\u318e\u318f\u3400\u4dbf\u4e00\u9fff\ua960\ua97c\ua97f\uac00\ud7a3\ud7af\ud7b0\ud7c7"
    "\ud7ff\uf900\ufa6e\ufaff\uff65\uff66\uff9e\uff9f\U00020000\U0002a6df\U0002a6e0\U0002fa1d\U0002fa1f"
    "\U0002fa20\U0001f600"
    "合同采购本季度销售报告の日本語テキストｱｲｳ한국어문서가나다"
    "aZ09_é\u0301ßİﬁＡｂ１２①²٣߀Ωжא\u00aa\u00b5 \t\n\u3000.,，。、！-'\"@"
)
RICH_CHAR = st.one_of(st.characters(codec="utf-8"), st.sampled_from(_SPECIAL), st.sampled_from(_SPECIAL))
# Text within U+0000-U+FFFF takes a path of its own: often only those characters.
BMP_CHAR = st.one_of(st.characters(codec="utf-8", max_codepoint=0xFFFF),
                     st.sampled_from([c for c in _SPECIAL if c <= "\uffff"]))
LONG_WORD = st.builds(lambda c, n: c * n, st.sampled_from(["a", "é", "1", "z9", "中", "가", "ｱ", "a中"]),
                      st.integers(MAX_WORD - 3, MAX_WORD + 3))
RICH_TEXT = st.one_of(
    st.lists(st.one_of(st.text(alphabet=RICH_CHAR, max_size=40), LONG_WORD), max_size=6).map("".join),
    st.lists(st.one_of(st.text(alphabet=BMP_CHAR, max_size=40), LONG_WORD), max_size=6).map("".join),
)


@settings(max_examples=1500, deadline=None)
@given(RICH_TEXT)
def test_analyse_equals_the_previous_algorithm(text: str) -> None:
    assert analyse(text) == old_analyse(text)


@pytest.mark.parametrize("text", [
    "", "_", "a_b", "中", "中文", "ab中cd", "中ab文", "本季度销售报告已附上。The report", "ｱｲｳ", "ｶﾞ",
    "\u1100\u1161\u11a8", "\u3099", "ア\u3099イ", "x" * MAX_WORD, "x" * (MAX_WORD + 1), "中" + "x" * (MAX_WORD + 1),
    "é" * (MAX_WORD + 1) + " ok", "\uf900\ufa6e", "😀中😀文😀", "한국어 문서 가", "ABC ＡＢＣ ﬁ ß İ",
    "a\ud800b 中\udc80文", "\U00020000\U00020001x" + "\U00020002" * 3, "ﾃｽﾄ testing テスト",
])
def test_analyse_examples_equal_the_previous_algorithm(text: str) -> None:
    assert analyse(text) == old_analyse(text)


def test_tokens_are_the_plain_definition() -> None:
    """Base32 of BLAKE2b(key, 10 bytes) of ``field:token``, lower case, for single tokens and
    for documents (hashed in batches from a copied keyed state)."""
    key = b"\x01" * 32

    def plain(field: str, tok: str) -> str:
        digest = hashlib.blake2b(f"{field}:{tok}".encode(), key=key, digest_size=10).digest()
        return base64.b32encode(digest).decode().lower()

    for field, tok in [("b", "word"), ("s", "中文"), ("u", "中"), ("us", "é")]:
        assert Hasher(key).token(field, tok) == plain(field, tok)
    assert Hasher(key).document("中文 x", ["word 中 word"]) == [
        plain("s", "中文"), plain("s", "x"), plain("us", "中"), plain("us", "文"),
        plain("b", "中文"), plain("b", "x"), plain("b", "word"), plain("b", "中"), plain("b", "word"),
        plain("u", "中"), plain("u", "文"),
    ]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(TEXT, max_size=3), min_size=1, max_size=6))
def test_a_full_cache_starts_over_without_changing_results(documents: list[list[str]]) -> None:
    small = Hasher(b"k" * 32)
    reference = Hasher(b"k" * 32)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tokens_module, "CACHE_MAX", 5)
        for texts in documents:
            got = small.document("subject 中文", texts)
            assert sum(map(len, small._caches.values())) <= max(5, len(set(got)))
            mp.setattr(tokens_module, "CACHE_MAX", 200_000)
            assert got == reference.document("subject 中文", texts)
            mp.setattr(tokens_module, "CACHE_MAX", 5)


@pytest.mark.parametrize("cache_max", [0, 1, 3])
def test_documents_larger_than_the_cache(monkeypatch, cache_max: int) -> None:
    texts = ["quarterly report 本季度销售报告已附上 report", "ｱｲｳ é ß"]
    want = Hasher(b"k" * 32).document("subject 中文 subject", texts)
    monkeypatch.setattr(tokens_module, "CACHE_MAX", cache_max)
    hasher = Hasher(b"k" * 32)
    for _ in range(2):
        assert hasher.document("subject 中文 subject", texts) == want
        assert sum(map(len, hasher._caches.values())) <= cache_max


def test_listed_word_characters_are_the_word_characters() -> None:
    """The fast word patterns (ASCII text, text within U+0000-U+FFFF) accept exactly the
    characters ``[^\\W_]`` accepts, every one of them checked."""
    bmp = "".join(map(chr, range(0x10000)))
    assert tokens_module._bmp_words().findall(bmp) == tokens_module._WORDS.findall(bmp)
    assert [m.span() for m in tokens_module._bmp_words().finditer(bmp)] == [
        m.span() for m in tokens_module._WORDS.finditer(bmp)]
    ascii_ = "".join(map(chr, range(128)))
    assert tokens_module._ASCII_WORDS.findall(ascii_) == tokens_module._WORDS.findall(ascii_)
    assert tokens_module._in_bmp(bmp) and tokens_module._in_bmp("a\ud800") and not tokens_module._in_bmp("a😀")
