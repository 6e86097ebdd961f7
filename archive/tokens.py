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
import functools
import hashlib
import operator
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
_ALL_CJK = re.compile(rf"[{_CJK_CLASS}]+")
_ASCII_WORDS = re.compile(r"[0-9A-Za-z]+")          # _WORDS on ASCII text


@functools.cache
def _bmp_words() -> re.Pattern[str]:
    """_WORDS for text without characters beyond U+FFFF: the same characters listed out (built
    from _WORDS itself), which the regex engine tests with one table lookup instead of Unicode
    category checks. Built on first use."""
    ranges = []
    for m in _WORDS.finditer("".join(map(chr, range(0x10000)))):
        lo, hi = m.start(), m.end() - 1
        ranges.append(re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}")
    return re.compile(f"[{''.join(ranges)}]+")


def _in_bmp(text: str) -> bool:
    return len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text)

MAX_WORD = 64
MAX_TOKENS = 200_000
CACHE_MAX = 200_000


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
    """Return (sequence tokens, single CJK characters) for ``text`` (plain, unhashed).

    Word runs (``[^\\W_]+``) are found in one pass; an ASCII run is a token as it is, and only
    the other runs are looked at one by one: a run of CJK characters becomes its bigrams (or
    itself when it is one character), a run mixing CJK and other letters splits into pieces.
    Runs longer than ``MAX_WORD`` are dropped (CJK tokens are at most two characters).
    """
    text = normalise(text)
    if text.isascii():
        words = _ASCII_WORDS.findall(text)
        seq, unigrams = words, []
    else:
        words = (_bmp_words() if _in_bmp(text) else _WORDS).findall(text)
        seq, unigrams = _split_cjk(words) if words and _HAS_CJK.search(text) else (words, [])
    # No token is longer than its run (CJK ones have one or two characters): checking the runs
    # is enough, and there are fewer of them than tokens.
    if len(text) > MAX_WORD and max(map(len, words), default=0) > MAX_WORD:
        seq = [w for w in seq if len(w) <= MAX_WORD]
    return seq, unigrams


def _split_cjk(words: list[str]) -> tuple[list[str], list[str]]:
    """Sequence tokens and CJK characters of word runs, some of which hold CJK characters."""
    seq: list[str] = []
    cjk: list[str] = []                       # the CJK pieces, in order
    find_other = list(map(str.isascii, words)).index
    start = 0
    while True:
        try:
            i = find_other(False, start)      # the next run that is not ASCII
        except ValueError:
            seq += words[start:]
            break
        if i > start:
            seq += words[start:i]
        start = i + 1
        run = words[i]
        if _ALL_CJK.fullmatch(run):           # the usual case: a run of CJK characters only
            if len(run) == 1:
                seq.append(run)
            else:
                seq += map(operator.add, run, run[1:])
            cjk.append(run)
        elif not _HAS_CJK.search(run):         # other letters (é, ß, Cyrillic, ...)
            seq.append(run)
        else:                                 # CJK and other letters in one run
            for k, piece in enumerate(_CJK_SPLIT.split(run)):
                if not piece:
                    continue
                if k % 2 == 0:
                    seq.append(piece)
                else:
                    if len(piece) == 1:
                        seq.append(piece)
                    else:
                        seq += map(operator.add, piece, piece[1:])
                    cjk.append(piece)
    return seq, list("".join(cjk))


class Hasher:
    """Keyed token hashing (BLAKE2b, 10 bytes, base32).

    Hashes are cached per field (up to ``CACHE_MAX`` in all; when full, the cache starts over),
    so a document's common words cost a dictionary lookup each.
    """

    def __init__(self, key: bytes):
        self._key = key[:64]
        self._keyed = hashlib.blake2b(key=self._key, digest_size=10)   # copied: the key block is done once
        self._caches: dict[str, dict[str, str]] = {}

    def _cache(self, field: str) -> dict[str, str]:
        cache = self._caches.get(field)
        if cache is None:
            cache = self._caches.setdefault(field, {})
        return cache

    def token(self, field: str, token: str) -> str:
        cache = self._cache(field)
        hit = cache.get(token)
        if hit is not None:
            return hit
        probe = field + ":" + token
        digest = hashlib.blake2b(probe.encode("utf-8"), key=self._key, digest_size=10).digest()
        out = base64.b32encode(digest).decode("ascii").lower()
        self._remember(cache, {token: out})
        return out

    def _remember(self, cache: dict[str, str], new: dict[str, str]) -> bool:
        """Cache ``new`` (starting the cache over when it would grow past CACHE_MAX)."""
        if len(new) > CACHE_MAX:
            return False
        if sum(map(len, self._caches.values())) + len(new) > CACHE_MAX:
            for c in list(self._caches.values()):
                c.clear()
        cache.update(new)
        return True

    def _digests(self, field: str, tokens: Iterable[str]) -> list[str]:
        """``token(field, t)`` for each of ``tokens``, without the cache; one base32 pass for all
        (each 10-byte digest is exactly 16 base32 characters, so they never share one)."""
        prefix = (field + ":").encode("utf-8")
        keyed = self._keyed
        digests = []
        for tok in tokens:
            h = keyed.copy()
            h.update(prefix + tok.encode("utf-8"))
            digests.append(h.digest())
        text = base64.b32encode(b"".join(digests)).decode("ascii").lower()
        return [text[i : i + 16] for i in range(0, len(text), 16)]

    # ---- documents --------------------------------------------------------------
    def _hashed(self, field: str, tokens: list[str]) -> list[str]:
        """``[token(field, t) for t in tokens]``: each distinct token is hashed once (mail repeats
        itself: quoted replies, signatures), and a cached one costs a dictionary lookup."""
        cache = self._cache(field)
        try:
            return list(map(cache.__getitem__, tokens))
        except KeyError:
            pass
        # Not ``keys() - cache.keys()``: a set difference with a keys view walks the whole
        # cache (200,000 entries when full: milliseconds per message).
        missing = [t for t in dict.fromkeys(tokens) if t not in cache]
        new = dict(zip(missing, self._digests(field, missing), strict=True))
        if self._remember(cache, new):
            try:
                return list(map(cache.__getitem__, tokens))
            except KeyError:    # another thread started the cache over meanwhile
                pass
        return [new[t] if t in new else self.token(field, t) for t in tokens]

    def document(self, subject: str, texts: Iterable[str]) -> list[str]:
        """Hashed token sequence for one record (subject tokens also indexed as body tokens)."""
        out: list[str] = []
        uni: dict[str, None] = {}
        if subject:
            s_seq, s_uni = analyse(subject)
            out += self._hashed("s", s_seq)
            out += self._hashed("us", list(dict.fromkeys(s_uni)))
            uni.update(dict.fromkeys(s_uni))
            body = s_seq[:]
        else:
            body = []
        count = len(out) + len(body)
        for text in texts:
            if count >= MAX_TOKENS:
                break
            seq, u = analyse(text)
            body += seq
            count += len(seq)
            uni.update(dict.fromkeys(u))
        out += self._hashed("b", body)
        out += self._hashed("u", list(uni))
        return out[: MAX_TOKENS + len(uni)]

    def query_term(self, text: str, field: str = "b") -> list[str]:
        """Hashed tokens for one query term; more than one token means a phrase."""
        seq, _ = analyse(text)
        if len(seq) == 1 and is_cjk_char(seq[0]):
            return [self.token("u" if field == "b" else "us", seq[0])]
        return [self.token(field, t) for t in seq]
