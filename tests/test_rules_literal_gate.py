"""rules.literal_gate answers at least what the substring checks it replaced answered: a word
in the lower-cased text (how the secret catalogue's config and connection-string checks read
it) or, case-sensitively, in the text itself (its token and key-id checks)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from rules.detectors import detect
from rules.literal_gate import LiteralGate

WORDS = ("key", "akia", "eyj", "://", "passw", "8q~", "api")  # "api": a word ending in i (İ lowers to i + a dot)


def test_a_config_line_whose_name_has_a_kelvin_sign_is_still_read() -> None:
    # "\u212a" (KELVIN SIGN) lower-cases to "k": the old lower-cased check saw "key" here
    found = detect("secret", "db settings\napi_\u212aey: Zx9vQ2mN7pL4rT8wK3sD\n")
    assert [(m.value, m.confidence) for m in found] == [("Zx9vQ2mN7pL4rT8wK3sD", "medium")]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["k", "K", "\u212a", "e", "E", "y", "Y", "a", "A", "I", "i", "\u0130", "j", "J",
                                 ":", "/", "p", "s", "w", "8", "q", "Q", "~", " ", "机"]), max_size=30))
@example(["a", "p", "\u0130"])  # lower-cased: "api" and a combining dot
@example(["\u212a", "e", "y"])
def test_the_gate_finds_every_word_the_old_checks_found(chars: list[str]) -> None:
    text = "".join(chars)
    gate = LiteralGate(WORDS)
    present = gate.present(text)
    low = text.lower()
    for w in WORDS:
        if w in low or w.upper() in text or w in text:
            assert w in present, (text, w)
