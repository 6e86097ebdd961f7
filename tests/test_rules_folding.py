"""The fold table: safe characters normalise one to one and never interact with each other."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from rules.folding import fold_table, is_word_char


def reference(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def all_characters() -> list[str]:
    return [chr(cp) for cp in range(0x110000) if not 0xD800 <= cp < 0xE000]


def unsafe_set() -> set[str]:
    return {chr(cp) for lo, hi in fold_table().unsafe for cp in range(lo, hi + 1)}


def test_every_safe_character_normalises_to_one_character_its_fold() -> None:
    table, unsafe = fold_table(), unsafe_set()
    for c in all_characters():
        if c in unsafe:
            continue
        assert reference(c) == table.fold.get(c, c), f"U+{ord(c):04X}"


def test_unsafe_characters_are_the_ones_that_need_it() -> None:
    """Each unsafe character does normalise to several characters, or to a mark or second half."""
    table = fold_table()
    for c in sorted(unsafe_set())[:50] + ["ß", "ﬁ", "…", "\u0301", "İ", "\u1161", "\u0b3e", "ﾞ"]:
        assert table.is_unsafe(c)
    for c in "aZ机密，：（）Ａｚ０＿①\u3000\u00a0가ᄀ한\u0b47。":
        assert not table.is_unsafe(c), c


def test_normalised_text_holds_no_other_spelling_of_a_word_character() -> None:
    """What the matcher's word-boundary test relies on for lines it has normalised.

    The test asks "does this character's normal form count as a word character?" via
    ``word_chars``; for a character already normalised that must be the same as asking
    the character itself. Also: normalised characters are their own fold (fixed points).
    """
    table = fold_table()
    seen: set[str] = set()
    for c in all_characters():
        seen.update(reference(c))
    for y in seen:
        assert (y in table.word_chars) == is_word_char(y), f"U+{ord(y):04X}"
        assert y not in table.fold, f"U+{ord(y):04X}"


def test_word_chars_are_exactly_the_spellings_of_ascii_word_characters() -> None:
    table, unsafe = fold_table(), unsafe_set()
    for c in ["Ａ", "ｚ", "０", "＿", "①", "K", "\U0001d400", "a", "Z", "_"]:
        assert c in table.word_chars and c not in unsafe
    for c in ["，", "机", "é", "\u3000", " ", "-"]:
        assert c not in table.word_chars


def _interesting_safe() -> list[str]:
    """Safe characters most likely to interact if anything could: every one with a fold,
    first halves of compositions (Indic vowel signs, Hangul L jamo and LV syllables), CJK."""
    table, unsafe = fold_table(), unsafe_set()
    firsts = set()
    for c in all_characters():
        mapping = unicodedata.decomposition(c)
        if mapping and not mapping.startswith("<") and len(mapping.split()) == 2:
            firsts.add(chr(int(mapping.split()[0], 16)))
    pool = set(table.fold) | firsts | set("가개ᄀᄁ机密文件 aZ\n,.")
    return sorted(c for c in pool if c not in unsafe)


_SAFE = _interesting_safe()


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_SAFE), max_size=30).map("".join))
def test_text_of_safe_characters_normalises_character_by_character(text: str) -> None:
    table = fold_table()
    assert reference(text) == "".join(table.fold.get(c, c) for c in text)
