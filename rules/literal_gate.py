"""Which of a detector's trigger words a text holds, in one pass.

A detector that asks ``"AKIA" in text``, ``"xox" in text``, ``"eyJ" in text``… pays a scan
of the whole text per word (``str.__contains__`` runs at about 1 ns a character): twenty
words over a 5,000-character HTML body cost more than everything else the detector does.
:class:`LiteralGate` answers all of them in one Hyperscan pass over the text's UTF-8 (about
1 GB/s), case-insensitively (ASCII), so callers test set membership instead. Without
Hyperscan (a platform without its wheels) it falls back to the lower-cased ``in`` checks.
A gate only lets code run that would otherwise have run on its own ``in`` check: its
answers are a superset of the case-sensitive checks they replace.
"""

from __future__ import annotations

import threading

from rules.utf8 import encoded

try:
    import hyperscan
except ImportError:  # pragma: no cover - depends on the platform's wheels
    hyperscan = None


class LiteralGate:
    """The ``words`` present in a text (ASCII letters matched case-insensitively; a word of
    other characters, 密码, as its UTF-8)."""

    def __init__(self, words: tuple[str, ...]) -> None:
        self.words = tuple(w.lower() for w in words)
        self._local = threading.local()  # a Hyperscan scratch is one thread's at a time
        self._db = None
        if hyperscan is not None:
            db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            db.compile(expressions=[_expression(w) for w in self.words],
                       ids=list(range(len(self.words))), elements=len(self.words),
                       flags=[hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_SINGLEMATCH] * len(self.words))
            self._db = db

    def present(self, text: str) -> frozenset[str]:
        if self._db is None:
            low = text.lower()
            return frozenset(w for w in self.words if w in low)
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._db)
        found: set[str] = set()
        words = self.words

        def on_match(word_id: int, _start: int, _end: int, _flags: int, _ctx: object) -> None:
            found.add(words[word_id])

        self._db.scan(encoded(text), match_event_handler=on_match, scratch=scratch)
        return frozenset(found)


# The two characters str.lower() turns into ASCII letters, which the checks the gate replaces
# saw in the lower-cased text: the Kelvin sign (a k) and the dotted capital I (an i and a
# combining dot). The words take them where they have those letters, so the gate reads the
# text itself (lower-casing a long Chinese text cost more than the scan) and its answers
# stay a superset.
_LOWERS_TO = {ord("k"): b"(?:[kK]|\\xe2\\x84\\xaa)", ord("i"): b"(?:[iI]|\\xc4\\xb0)"}


def _expression(word: str) -> bytes:
    """``word`` as a Hyperscan expression (caseless in ASCII), with the characters that
    lower-case to its letters; other characters as their UTF-8 bytes."""
    return b"".join(_LOWERS_TO.get(c, b"\\x%02x" % c) for c in word.encode())
