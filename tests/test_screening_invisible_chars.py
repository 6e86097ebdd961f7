"""Invisible characters typed inside a marked word, a card number or a key (review of issue
12): variation selectors, tag characters, the combining grapheme joiner, direction isolates
and embeddings show nothing, so the reader sees the word whole while the old main's scan
(which dropped only zero-width spaces/joiners, soft hyphens and the BOM) saw two halves.
Every case here was delivered on the old main."""

from __future__ import annotations

import pytest

from rules.matchers import normalize
from rules.model import Action
from rules.textview import detector_view
from tests import bypass_mail as bm
from tests.test_rules_engine import run, shipped  # noqa: F401 - the shipped-rules fixture

HIDDEN = {"variation selector": "\ufe0f", "variation selector supplement": "\U000e0100", "tag": "\U000e0041",
          "grapheme joiner": "\u034f", "arabic letter mark": "\u061c", "isolate": "\u2066",
          "embedding": "\u202a", "mongolian selector": "\u180b", "inhibit swapping": "\u206a"}


def message(text: str) -> bytes:
    return (bm.headers() + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            ).encode() + text.encode()


@pytest.mark.parametrize("name", list(HIDDEN))
@pytest.mark.parametrize("payload", ["本文件为机{}密，严禁外{}传。", "key AKIA{}Q3EGRCYV5{}TNHX2LM",
                                     "card 4111 11{}11 1111 11{}11"])
def test_invisible_characters_inside_a_value_hide_nothing(name: str, payload: str, shipped) -> None:  # noqa: ANN001, F811
    raw = message(payload.format(HIDDEN[name], HIDDEN[name]))
    verdict = run(shipped, raw, "alice@example.com", ["partner@other.org"])
    assert verdict.action == Action.QUARANTINE, (name, payload)


def test_views_drop_them_and_keep_visible_marks() -> None:
    assert normalize("机\ufe0f密\U000e0041") == "机密"
    view, to_original = detector_view("4111\u034f1111")
    assert view == "41111111" and to_original is not None and to_original(4) == 5
    assert normalize("机\u0301密") != "机密"  # a combining accent shows: the word is not whole
    assert normalize("机\u3164密") != "机密"  # a Hangul filler shows as a blank


def test_a_form_field_value_in_html_is_read(shipped) -> None:  # noqa: ANN001, F811
    """<input value="…"> shows its value in the reader's client; old main skipped attribute
    values other than img alt and delivered the marker (seen failing)."""
    raw = (bm.headers() + "Content-Type: text/html; charset=utf-8\r\n\r\n"
           f'<p>see below</p><input type="text" value="{bm.MARKER}" size="40">').encode()
    assert run(shipped, raw, "alice@example.com", ["partner@other.org"]).action == Action.QUARANTINE
