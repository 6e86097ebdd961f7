"""Traditional and simplified spellings of a Chinese keyword (OpenCC's tables).

A list that says 机密 must also catch 機密: the same word written in traditional characters
(Taiwan, Hong Kong, or a Big5 mailer), or a mix of both when a text was half converted. The
variants are made once, when a rule set is compiled, and added to the keyword automaton
beside the term, so scanning costs nothing more. OpenCC converts whole phrases (it knows
发 is 發 in 发票 and 髮 in 头发); single characters are also swapped one by one, as long as
the mixes stay few.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from functools import cache

_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_PHRASE_CONFIGS = ("s2t", "t2s", "s2tw", "s2hk", "tw2s", "hk2s", "s2twp", "tw2sp")
_CHAR_CONFIGS = ("s2t", "t2s")
MAX_MIXES = 32  # per term: every mix of a 5-character term's two spellings


@cache
def _converter(config: str):  # noqa: ANN202 - opencc has no type hints
    import opencc

    return opencc.OpenCC(f"{config}.json")


def _convert(config: str, text: str) -> str:
    try:
        return _converter(config).convert(text)
    except Exception:  # noqa: BLE001 - a missing table only means fewer variants
        return text


def variants(term: str) -> set[str]:
    """Other spellings of ``term`` (not itself): whole-phrase conversions both ways, and
    character-by-character mixes while there are at most :data:`MAX_MIXES` of them."""
    if not _HAN.search(term):
        return set()
    out = {_convert(config, term) for config in _PHRASE_CONFIGS}
    choices = [sorted(char_forms(ch)) for ch in term]
    count = 1
    for forms in choices:
        count *= len(forms)
    if count <= MAX_MIXES:
        out.update("".join(mix) for mix in itertools.product(*choices))
    out.discard(term)
    return {v for v in out if v}


def char_forms(ch: str) -> set[str]:
    """``ch`` and its other spellings that :func:`variants` mixes character by character."""
    forms = {ch}
    if _HAN.match(ch):
        forms.update(_convert(config, ch) for config in _CHAR_CONFIGS)
    return {f for f in forms if len(f) == 1}


def simplifying_table(chars: str) -> dict[int, str]:
    """A ``str.translate`` table that writes the traditional spellings of ``chars`` (the
    Chinese characters some patterns are written in, simplified) as those characters, one
    character for one, so the patterns read a Big5 or half-converted text as they read a
    simplified one and every position stays where it was."""
    table: dict[int, str] = {}
    wanted = set(chars)
    for ch in sorted(wanted):
        if not _HAN.match(ch):
            continue
        for config in ("s2t", "s2hk", "s2tw"):
            other = _convert(config, ch)
            if len(other) == 1 and other != ch:
                table.setdefault(ord(other), ch)
    # (and every traditional character that simplifies to one of them: a simplified character written for
    # several traditional ones converts to one only, 注 to 注 while 註册 is 注册, 于 to 於 but not 後 to 后:
    # each character of the block simplified on its own line, once, 13 ms)
    block = _traditional_block()
    simplified = _convert("t2s", block)
    if len(simplified) == len(block):  # (one for one, as OpenCC's character table is; else positions would slip)
        for trad, simple in zip(block[::2], simplified[::2], strict=True):
            if simple != trad and simple in wanted:
                table.setdefault(ord(trad), simple)
    return table


@cache
def _traditional_block() -> str:
    """The CJK unified ideographs, one per line (so no two are read as a phrase)."""
    return "\n".join(chr(c) for c in range(0x4E00, 0xA000))


def traditional_folder(chars: str) -> Callable[[str], str]:
    """A function that writes a text's traditional spellings of ``chars`` as the simplified
    ones (:func:`simplifying_table`), touching only the characters it changes: a text with
    none of them costs one scan of a character class."""
    table = simplifying_table(chars)
    if not table:
        return lambda text: text
    found = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(table)) + "]")
    by_char = {chr(c): v for c, v in table.items()}
    return lambda text: found.sub(lambda m: by_char[m.group()], text)
