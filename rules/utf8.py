"""The UTF-8 of a text, encoded once for the several Hyperscan passes that read it.

A unit's text is read as bytes by the keyword scan, the secret catalogue's trigger words and
the organisation's disclaimers: encoding a long Chinese text costs more than scanning it, so
the last few texts' bytes are kept (by identity: the same ``str`` object, as
:mod:`rules.textview` keeps its views).
"""

from __future__ import annotations

_CACHE_SIZE = 4
_cache: dict[int, tuple[str, bytes, bool]] = {}


def encoded_checked(text: str) -> tuple[bytes, bool]:
    """``text`` in UTF-8, and whether it is well-formed (False: it holds lone surrogates,
    written as their own bytes, ``surrogatepass``)."""
    hit = _cache.get(id(text))
    if hit is not None and hit[0] is text:
        return hit[1], hit[2]
    try:
        data, clean = text.encode("utf-8"), True
    except UnicodeEncodeError:
        data, clean = text.encode("utf-8", "surrogatepass"), False
    if len(_cache) >= _CACHE_SIZE:
        _cache.clear()
    _cache[id(text)] = (text, data, clean)
    return data, clean


def encoded(text: str) -> bytes:
    """``text`` in UTF-8 (lone surrogates as their own bytes: no text makes this raise)."""
    return encoded_checked(text)[0]
