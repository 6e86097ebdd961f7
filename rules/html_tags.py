"""Tags of one name in hostile HTML, found in one pass (issue 19: link and page checks).

A pattern such as ``<a\\s[^>]{0,500}?href…`` searched over a page restarts at every ``<a`` it
finds, also inside a tag it has already read: ``<a <a <a …`` with no ``>`` costs 500 steps per
``<a`` (15 MB of it took 70 s in the link check). A browser's tokeniser instead reads a tag to its
``>`` (one inside a quoted value does not end it) and looks for the next tag after it;
:func:`tag_windows` walks the same way, so a caller searches each tag's attributes in its own window
and the whole walk is linear: every tag is read once, and the next is looked for past its end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

TAG_READ = 10_000  # characters of a tag read for its end (a browser reads on; a real tag is far shorter)
# a tag's attributes to its closing '>': quoted values whole (a '>' in them ends nothing), possessive (linear)
_TAG_BODY = re.compile(r"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+>""")


def tag_windows(text: str, opening: re.Pattern[str], read: int = TAG_READ) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each tag ``opening`` finds in ``text``: its attributes, from after the
    match to its closing ``>`` (quoted values read whole), or ``read`` characters on. A tag whose quotes
    do not close runs to the next ``>`` there is; the next tag is looked for after the tag's end."""
    at = 0
    while (tag := opening.search(text, at)) is not None:
        body = _TAG_BODY.match(text, tag.end(), tag.end() + max(read, 0))
        end = body.end() - 1 if body is not None else text.find(">", tag.end())
        yield tag.end(), min(end if end >= 0 else len(text), tag.end() + max(read, 0))
        if end < 0:
            return
        at = end + 1
