"""Text of an RTF document, decoded as Word writes it.

RTF is 7-bit: Chinese text arrives as ``\\'b1\\'be`` byte pairs in the document's code page
(``\\ansicpg936``) or a font's (``\\fcharset134``), or as ``\\u26426?`` Unicode escapes each
followed by a fallback to skip. Read as plain text none of it is Chinese, so a marker in an
RTF attachment was never seen. This is a small tokenizer with an explicit group stack (no
recursion, whatever the nesting): it keeps the text and drops font tables, styles, pictures,
embedded object data, field instructions and every ``{\\*\\…}`` destination.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, replace

MAX_TEXT = 4 * 1024 * 1024

# \fcharset values (the Windows charset ids) -> code page
_CHARSET_CP = {0: 1252, 2: 1252, 77: 10000, 128: 932, 129: 949, 130: 1361, 134: 936, 136: 950, 161: 1253,
               162: 1254, 163: 1258, 177: 1255, 178: 1256, 186: 1257, 204: 1251, 222: 874, 238: 1250}
_CP_CODEC = {936: "gb18030", 950: "big5hkscs", 932: "cp932", 949: "cp949", 10000: "mac_roman"}
_SKIP = frozenset({
    "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "objdata", "fldinst", "themedata",
    "colorschememapping", "datastore", "latentstyles", "listtable", "listoverridetable", "rsidtbl",
    "generator", "xmlnstbl", "mmathPr", "filetbl", "revtbl", "userprops", "bkmkstart", "bkmkend",
    "datafield", "xe", "tc", "nonshppict", "shppict", "blipuid", "passwordhash", "protusertbl",
})
_BREAKS = {"par": "\n", "line": "\n", "sect": "\n", "page": "\n", "row": "\n", "cell": "\t", "tab": "\t",
           "emdash": "\u2014", "endash": "\u2013", "lquote": "\u2018", "rquote": "\u2019", "ldblquote": "\u201c",
           "rdblquote": "\u201d", "bullet": "\u2022", "emspace": "\u2003", "enspace": "\u2002"}
_TOKEN = re.compile(rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|[\r\n]+|[^\\{}\r\n]+",
                    re.S)


@dataclass(slots=True)
class _State:
    skip: bool = False
    uc: int = 1  # fallback characters after each \uN
    codec: str = "cp1252"
    in_fonttbl: bool = False


def _codec(codepage: int) -> str:
    name = _CP_CODEC.get(codepage, f"cp{codepage}")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "cp1252"


def is_rtf(data: bytes) -> bool:
    return data.lstrip()[:5] == b"{\\rtf"


def rtf_text(data: bytes) -> str:
    """The visible text of an RTF document; never raises."""
    out: list[str] = []
    pending = bytearray()  # \'xx bytes waiting to be decoded together (multi-byte pairs)
    state = _State()
    stack: list[_State] = []
    fonts: dict[int, str] = {}
    font_defining: int | None = None
    default_codec = "cp1252"
    skip_fallback = 0
    size = 0
    star = False  # the group began with \*: an ignorable destination

    def flush() -> None:
        if pending:
            out.append(bytes(pending).decode(state.codec, errors="replace"))
            pending.clear()

    pos, n = 0, len(data)
    while pos < n and size < MAX_TEXT:
        m = _TOKEN.match(data, pos)
        if m is None:  # a lone backslash at the end
            break
        pos = m.end()
        word, arg, hexbyte, symbol, brace = m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)
        if skip_fallback and (hexbyte or (m.group(0)[:1] not in (b"\\", b"{", b"}", b"\r", b"\n"))):
            if hexbyte:
                skip_fallback -= 1
                continue
            text = m.group(0)
            if len(text) <= skip_fallback:
                skip_fallback -= len(text)
                continue
            text, skip_fallback = text[skip_fallback:], 0
            m_text: bytes | None = text
        else:
            m_text = None
        if brace == b"{":
            flush()
            stack.append(state)
            state = replace(state)
            star = False
            skip_fallback = 0
            continue
        if brace == b"}":
            flush()
            if state.in_fonttbl and not (stack and stack[-1].in_fonttbl):
                font_defining = None
            state = stack.pop() if stack else state
            skip_fallback = 0
            star = False
            continue
        if hexbyte is not None:
            if not state.skip:
                pending.append(int(hexbyte, 16))
            continue
        if word is not None:
            w = word.decode("ascii")
            value = int(arg) if arg is not None else None
            if w == "u" and value is not None:
                flush()
                if not state.skip:
                    out.append(chr(value % 0x10000) if value % 0x10000 not in range(0xD800, 0xE000) else "\ufffd")
                    size += 1
                skip_fallback = state.uc
                continue
            flush()
            starred, star = star, False
            if w == "uc" and value is not None:
                state.uc = max(0, value)
            elif w == "ansicpg" and value is not None:
                default_codec = _codec(value)
                state.codec = default_codec
            elif w == "fonttbl":
                state.in_fonttbl = True
                state.skip = True
            elif state.in_fonttbl and w == "f" and value is not None:
                font_defining = value
            elif state.in_fonttbl and w == "fcharset" and value is not None and font_defining is not None:
                fonts[font_defining] = _codec(_CHARSET_CP.get(value, 1252)) if value != 0 else default_codec
            elif w == "cpg" and value is not None and state.in_fonttbl and font_defining is not None:
                fonts[font_defining] = _codec(value)
            elif w == "f" and value is not None:
                state.codec = fonts.get(value, default_codec)
            elif w in _SKIP or starred:
                state.skip = True
            elif w == "bin" and value:
                pos += value
            elif w in _BREAKS and not state.skip:
                out.append(_BREAKS[w])
            continue
        if symbol is not None:
            flush()
            if symbol == b"*":
                star = True
            elif not state.skip:
                if symbol in (b"\\", b"{", b"}"):
                    out.append(symbol.decode())
                elif symbol == b"~":
                    out.append("\u00a0")
                elif symbol in (b"\n", b"\r"):
                    out.append("\n")
                elif symbol == b"_":
                    out.append("-")
            continue
        raw = m_text if m_text is not None else m.group(0)
        if raw[:1] in (b"\r", b"\n"):
            continue  # line breaks in the source are not text
        if not state.skip:
            pending.extend(raw)
            size += len(raw)
    flush()
    return "".join(out)
