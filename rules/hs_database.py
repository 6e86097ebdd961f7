"""How keyword terms become Hyperscan databases (:mod:`rules.matchers` scans with them): the
literals (a phrase's cut at its rarest word), the class of characters the raw scan must mark,
compiling, and a yes/no scan."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rules import cjk_gaps
from rules.folding import FoldTable
from rules.hs_class import hs_class

try:
    import hyperscan
except ImportError:  # pragma: no cover - depends on the platform's wheels
    hyperscan = None


def word_counts(terms: Iterable[str]) -> Counter[str]:
    """How many terms each space-separated word occurs in."""
    return Counter(w for term in terms for w in set(term.split(" ")))


def term_pattern(term: str, shared: Counter[str]) -> bytes:
    """``term`` as a Hyperscan pattern whose literal part ends on its rarest word.

    Hyperscan's literal matcher keys on a literal's last bytes; a phrase that ends in a
    common word ("... report") would make it check every "report" of the text against
    each such phrase. So the pattern is a literal up to the end of the word the fewest
    terms share (the longest among those), and each byte after it a class ``[b\\xff]``:
    0xFF never occurs in UTF-8, so the pattern matches exactly the literal's strings,
    but Hyperscan now confirms the tail only after the rare part matched.
    """
    encoded = term.encode("utf-8")
    words = term.split(" ")
    if len(words) < 2:
        return escape(encoded)
    rare = min((i for i, w in enumerate(words) if w), key=lambda i: (shared[words[i]], -len(words[i])))
    cut = len(" ".join(words[:rare + 1]).encode("utf-8"))
    return escape(encoded[:cut]) + b"".join(b"[\\x%02x\\xff]" % c for c in encoded[cut:])


def matches_anywhere(db: object, data: bytes) -> bool:
    """Whether a database of SINGLEMATCH patterns matches anywhere in ``data``."""
    found = [False]

    def on_match(_id: int, _start: int, _end: int, _flags: int, _ctx: object) -> bool:
        found[0] = True
        return True  # one is enough: stop

    try:
        db.scan(data, match_event_handler=on_match)  # type: ignore[attr-defined]
    except hyperscan.ScanTerminated:
        pass
    return found[0]


def escape(literal: bytes) -> bytes:
    return b"".join(b"\\x%02x" % c for c in literal)


def compile_db(expressions: list[bytes], flags: list[int], ids: list[int] | None = None) -> object:
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=expressions, ids=ids if ids is not None else list(range(len(expressions))),
               elements=len(expressions), flags=flags)
    return db


def marker_class(table: FoldTable, term_chars: set[str]) -> bytes:
    """A UTF-8 class of every character that raw scanning cannot take at face value.

    Those are the unsafe characters, the non-ASCII other spellings of any term character
    (ASCII case is left to HS_FLAG_CASELESS), the whitespace that normalises to a space
    whether or not a term holds one (the CJK-gap gate reads none of it:
    :data:`rules.cjk_gaps.SPACES_MARKED`) and, defensively, any term character that is not
    its own normal form (normalised terms never hold one).
    """
    spellings = {c for t in term_chars for c in table.spellings.get(t, ()) if not c.isascii()}
    spellings |= set(cjk_gaps.SPACES_MARKED)
    spellings |= {t for t in term_chars if t in table.fold}
    return hs_class([*table.unsafe, *((ord(c), ord(c)) for c in spellings)]).encode()
