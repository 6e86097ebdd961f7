"""Tokenising and blind hashing for the full-text index.

Text is NFKC-normalised and case-folded. Alphabetic/numeric runs become words. Runs of
Chinese/Japanese/Korean characters become overlapping character bigrams in text order (a run of
one character becomes that character); every distinct CJK character is also emitted once as a
single-character token, in a trailing segment so it does not break bigram adjacency.

Every token is replaced by ``BLAKE2b(key=index key, digest_size=10)`` of a field-prefixed form
(``b:`` body/any text, ``s:`` subject, ``u:`` single CJK character, ``us:`` subject single
character) and written as base32 (16 characters, ``a-z2-7``), so the index holds no plaintext.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from collections.abc import Iterable

_CJK_CLASS = (
    "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0002fa1f"
)
_PIECES = re.compile(rf"([{_CJK_CLASS}]+)|((?:(?![{_CJK_CLASS}])[^\W_])+)")
_WORDS = re.compile(r"[^\W_]+")
_HAS_CJK = re.compile(rf"[{_CJK_CLASS}]")
_CJK_SPLIT = re.compile(rf"([{_CJK_CLASS}]+)")

MAX_WORD = 64
MAX_TOKENS = 200_000


def is_cjk_char(token: str) -> bool:
    if len(token) != 1:
        return False
    match = _PIECES.match(token)
    return match is not None and match.group(1) is not None


def normalise(text: str) -> str:
    """NFKC + casefold, skipping the NFKC pass where it cannot change anything (the usual case)."""
    if text.isascii():
        return text.lower()          # NFKC is the identity on ASCII; casefold is lower()
    if unicodedata.is_normalized("NFKC", text):
        return text.casefold()
    return unicodedata.normalize("NFKC", text).casefold()


def analyse(text: str) -> tuple[list[str], list[str]]:
    """Return (sequence tokens, single CJK characters) for ``text`` (plain, unhashed)."""
    seq: list[str] = []
    unigrams: list[str] = []
    text = normalise(text)
    if not _HAS_CJK.search(text):   # fast path: no CJK at all
        seq.extend(w for w in _WORDS.findall(text) if len(w) <= MAX_WORD)
        return seq, unigrams
    for run in _WORDS.findall(text):
        if run.isascii() or not _HAS_CJK.search(run):
            if len(run) <= MAX_WORD:
                seq.append(run)
            continue
        for i, piece in enumerate(_CJK_SPLIT.split(run)):
            if not piece:
                continue
            if i % 2 == 0:          # non-CJK piece between CJK runs
                if len(piece) <= MAX_WORD:
                    seq.append(piece)
            elif len(piece) == 1:
                seq.append(piece)
                unigrams.append(piece)
            else:
                seq.extend(piece[j : j + 2] for j in range(len(piece) - 1))
                unigrams.extend(piece)
    return seq, unigrams


class Hasher:
    """Keyed token hashing (BLAKE2b, 10 bytes, base32)."""

    def __init__(self, key: bytes):
        self._key = key[:64]
        self._cache: dict[str, str] = {}

    def token(self, field: str, token: str) -> str:
        probe = field + ":" + token
        hit = self._cache.get(probe)
        if hit is not None:
            return hit
        digest = hashlib.blake2b(probe.encode("utf-8"), key=self._key, digest_size=10).digest()
        out = base64.b32encode(digest).decode("ascii").lower()
        if len(self._cache) < 200_000:
            self._cache[probe] = out
        return out

    # ---- documents --------------------------------------------------------------
    def _hashed(self, field: str, tokens: list[str]) -> list[str]:
        """``[token(field, t) for t in tokens]``, hashing each distinct token once: mail repeats
        itself (quoted replies, signatures), and a lookup is far cheaper than a hash call."""
        table = {t: self.token(field, t) for t in dict.fromkeys(tokens)}
        return list(map(table.__getitem__, tokens))

    def document(self, subject: str, texts: Iterable[str]) -> list[str]:
        """Hashed token sequence for one record (subject tokens also indexed as body tokens)."""
        out: list[str] = []
        uni: dict[str, None] = {}
        if subject:
            s_seq, s_uni = analyse(subject)
            out.extend(self._hashed("s", s_seq))
            out.extend(self._hashed("us", list(dict.fromkeys(s_uni))))
            out.extend(self._hashed("b", s_seq))
            uni.update(dict.fromkeys(s_uni))
        for text in texts:
            if len(out) >= MAX_TOKENS:
                break
            seq, u = analyse(text)
            out.extend(self._hashed("b", seq))
            uni.update(dict.fromkeys(u))
        out.extend(self._hashed("u", list(uni)))
        return out[: MAX_TOKENS + len(uni)]

    def query_term(self, text: str, field: str = "b") -> list[str]:
        """Hashed tokens for one query term; more than one token means a phrase."""
        seq, _ = analyse(text)
        if len(seq) == 1 and is_cjk_char(seq[0]):
            return [self.token("u" if field == "b" else "us", seq[0])]
        return [self.token(field, t) for t in seq]
