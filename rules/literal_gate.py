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

try:
    import hyperscan
except ImportError:  # pragma: no cover - depends on the platform's wheels
    hyperscan = None


class LiteralGate:
    """The ``words`` (ASCII, matched case-insensitively) present in a text."""

    def __init__(self, words: tuple[str, ...]) -> None:
        self.words = tuple(w.lower() for w in words)
        self._local = threading.local()  # a Hyperscan scratch is one thread's at a time
        self._db = None
        if hyperscan is not None:
            db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            db.compile(expressions=[b"".join(b"\\x%02x" % c for c in w.encode("ascii")) for w in self.words],
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

        # the lower-cased text: what the checks it replaces read (str.lower() folds more than
        # ASCII case: the Kelvin sign is a k), so the answers stay a superset of theirs
        self._db.scan(text.lower().encode("utf-8", "surrogatepass"), match_event_handler=on_match, scratch=scratch)
        return frozenset(found)
