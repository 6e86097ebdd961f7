"""Tags of one name in hostile HTML, found in one pass (issue 19: link and page checks).

A pattern such as ``<a\\s[^>]{0,500}?href…`` searched over a page restarts at every ``<a`` it
finds, also inside a tag it has already read: ``<a <a <a …`` with no ``>`` costs 500 steps per
``<a`` (15 MB of it took 70 s in the link check). A browser's tokeniser instead reads a tag to its
``>`` and looks for the next tag after it; :func:`tag_windows` walks the same way, so a caller
searches each tag's attributes within a bounded window and the whole walk is linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

TAG_READ = 500  # characters of a tag's attributes read (a real tag's attributes are short)


def tag_windows(text: str, opening: re.Pattern[str], read: int = TAG_READ) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each tag ``opening`` finds in ``text``: its attributes, from after the
    match to its ``>`` or ``read`` characters on. A tag no ``>`` closes within ``read`` runs to the
    next ``>`` there is, as in a browser; the next tag is looked for after the tag's end."""
    at = 0
    while (tag := opening.search(text, at)) is not None:
        gt = text.find(">", tag.end(), tag.end() + read)
        yield tag.end(), gt if gt >= 0 else tag.end() + read
        end = gt if gt >= 0 else text.find(">", tag.end())
        if end < 0:
            return
        at = end + 1
