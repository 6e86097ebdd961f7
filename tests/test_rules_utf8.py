"""Character offsets from byte offsets (rules/utf8.py): what every keyword hit's position rests on."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import utf8

PIECES = ["a", "Z", " ", "\n", "é", "ß", "¿", "\u07ff", "\u0800", "中", "文", "，", "😀", "\U00020000", "\U0010ffff",
          "\u200b", "abcdefghij" * 20, "中文" * 200]


@pytest.mark.parametrize(("decode_below", "piece"), [(512, 1 << 20), (0, 1 << 20), (0, 7), (1 << 30, 1 << 20)])
def test_character_offsets_are_those_decoding_gives(monkeypatch: pytest.MonkeyPatch, decode_below: int,
                                                    piece: int) -> None:
    """Property: at any character boundaries of any text (ASCII, two, three and four byte
    characters, the lowest and highest continuation bytes, long stretches of each), the map
    gives the characters before each offset, whether stretches are decoded, counted with
    numpy, or counted in pieces smaller than a character's bytes."""
    monkeypatch.setattr(utf8, "_DECODE_BELOW", decode_below)
    monkeypatch.setattr(utf8, "_COUNT_PIECE", piece)

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.sampled_from(PIECES), max_size=30), st.data())
    def check(parts: list[str], data: st.DataObject) -> None:
        text = "".join(parts)
        chosen = data.draw(st.lists(st.integers(0, len(text)), max_size=12))
        encoded = text.encode("utf-8")
        to_char = utf8.char_offsets(encoded, len(text), [len(text[:i].encode("utf-8")) for i in chosen])
        for i in chosen:
            assert to_char(len(text[:i].encode("utf-8"))) == i

    check()


def test_a_long_text_is_counted_in_pieces_of_bounded_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hit far into a large text: its offset is right when the bytes are marked a piece at a
    time, so the temporary array stays small whatever the text's size."""
    monkeypatch.setattr(utf8, "_COUNT_PIECE", 4096)
    text = "正文" * 100_000 + "机密" + "x" * 10
    encoded = text.encode("utf-8")
    at = len(("正文" * 100_000).encode("utf-8"))
    assert utf8.char_offsets(encoded, len(text), [at, at + 6])(at + 6) == 200_002
