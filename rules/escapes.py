"""JSON ``\\uXXXX`` escapes read as the characters they stand for.

``json.dumps`` writes every non-ASCII character as an escape by default, so a .json file (or
a body pasted from one) holding 机密 carries ``\\u673a\\u5bc6``: pure ASCII that no keyword
matches, though any program or reader of the data sees 机密. The escapes are replaced in
place (the rest of the text stays as written); a UTF-16 surrogate pair becomes its one
character, a lone half stays as written. Cheap when there is nothing to do: a search for
one backslash.
"""

from __future__ import annotations

import re

_ESCAPES = re.compile(r"(?:\\u[0-9a-fA-F]{4})+")
_ONE = re.compile(r"\\u([0-9a-fA-F]{4})")


def _decode_run(match: re.Match[str]) -> str:
    units = [int(u, 16) for u in _ONE.findall(match.group())]
    out: list[str] = []
    i = 0
    while i < len(units):
        u = units[i]
        if 0xD800 <= u < 0xDC00 and i + 1 < len(units) and 0xDC00 <= units[i + 1] < 0xE000:
            out.append(chr(0x10000 + ((u - 0xD800) << 10) + (units[i + 1] - 0xDC00)))
            i += 2
            continue
        # a lone surrogate half, and control characters (NUL has no place in stored evidence),
        # stay as written
        out.append(f"\\u{u:04x}" if 0xD800 <= u < 0xE000 or (u < 0x20 and u not in (9, 10, 13)) or u == 0x7F
                   else chr(u))
        i += 1
    return "".join(out)


def unescape_json(text: str) -> str:
    """``text`` with its ``\\uXXXX`` escapes decoded (``text`` itself when it has none)."""
    if "\\" not in text or "\\u" not in text:  # one character is found at memory speed, two are not
        return text
    return _ESCAPES.sub(_decode_run, text)
