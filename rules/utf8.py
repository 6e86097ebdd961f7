"""The UTF-8 of a text, encoded once for the several Hyperscan passes that read it, and the
characters at and between the byte offsets those passes report.

A unit's text is read as bytes by the keyword scan, the secret catalogue's trigger words and
the organisation's disclaimers: encoding a long Chinese text costs more than scanning it, so
the last few texts' bytes are kept (by identity: the same ``str`` object, as
:mod:`rules.textview` keeps its views).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from types import ModuleType

_CACHE_SIZE = 4
# A longer text is encoded each time it is asked for: the cache outlives the message, and a
# large attachment's text and bytes kept after it would be memory the budget does not count.
_CACHE_MAX_CHARS = 1 << 18
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
    if len(text) <= _CACHE_MAX_CHARS:
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        _cache[id(text)] = (text, data, clean)
    return data, clean


def encoded(text: str) -> bytes:
    """``text`` in UTF-8 (lone surrogates as their own bytes: no text makes this raise)."""
    return encoded_checked(text)[0]


def char_before(data: bytes, i: int) -> str:
    """The character that ends at byte ``i`` of UTF-8 ``data``."""
    j = i - 1
    while j > 0 and 0x80 <= data[j] < 0xC0:  # continuation bytes
        j -= 1
    return data[j:i].decode("utf-8")


def char_at(data: bytes, i: int) -> str:
    """The character that starts at byte ``i`` of UTF-8 ``data``."""
    lead = data[i]
    size = 1 if lead < 0x80 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
    return data[i:i + size].decode("utf-8")


def same_offset(offset: int) -> int:
    """The map of offsets in a text that is all ASCII (bytes are characters)."""
    return offset


def char_count(data: bytes, end: int) -> int:
    """How many characters of UTF-8 ``data`` start before byte ``end`` (its bytes that are
    no continuation byte)."""
    if end < _DECODE_BELOW:
        return len(data[:end].translate(None, _CONTINUATION))
    numpy = _numpy()
    return int(numpy.count_nonzero(numpy.frombuffer(data, numpy.int8, end) >= -64))


def char_offsets(data: bytes, length: int, offsets: list[int]) -> Callable[[int], int]:
    """Map byte offsets of UTF-8 ``data`` (``length`` characters) to character offsets.

    Offsets fall on character boundaries, so the characters between two consecutive offsets
    are the bytes between them that are no continuation byte: one pass over the text up to
    the last offset. A short stretch is decoded and its length taken; across a longer one
    numpy marks the bytes that start a character and counts them, about three times faster
    than decoding (which builds a string only to take its length) but with a cost per call
    that decoding a few hundred bytes does not reach.
    """
    if len(data) == length:  # all ASCII
        return lambda i: i
    ordered = sorted(set(offsets))
    index: dict[int, int] = {}
    chars = pos = base = top = 0
    starts = None  # whether each byte of data[base:top] starts a character (a numpy array)
    last = ordered[-1] if ordered else 0
    for off in ordered:
        if off - pos < _DECODE_BELOW:
            chars += len(data[pos:off].decode("utf-8"))
            pos = off
        while pos < off:
            if starts is None or pos >= top:  # the next piece of the text, up to the last offset
                numpy = _numpy()
                base, top = pos, min(last, pos + _COUNT_PIECE)
                # continuation bytes (0x80-0xBF) are -128 to -65 as signed bytes
                starts = numpy.frombuffer(data, numpy.int8, top - base, base) >= -64
            stop = min(off, top)
            chars += int(numpy.count_nonzero(starts[pos - base:stop - base]))
            pos = stop
        index[off] = chars
    return index.__getitem__


_CONTINUATION = bytes(range(0x80, 0xC0))
_DECODE_BELOW = 512  # bytes: a shorter stretch is decoded (less than numpy's calls cost)
_COUNT_PIECE = 1 << 20  # bytes marked at once: bounds the temporary array whatever the text's size
_numpy_module: ModuleType | None = None


def _numpy() -> ModuleType:
    """numpy, imported the first time a long stretch is counted: a process that never scans
    long text (an extraction worker, the console, the CLI) does without its 15 MB and its
    import time. It only counts bytes here, so its BLAS is kept from starting a thread."""
    global _numpy_module
    if _numpy_module is None:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        import numpy

        _numpy_module = numpy
    return _numpy_module
