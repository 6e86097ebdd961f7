"""Decode bytes of unknown or mislabelled charset the way real mail needs.

Mail in the wild declares GB2312 and sends GBK, declares Big5 and sends HKSCS, declares
us-ascii and sends cp1252, or declares nothing. We map declared names to the superset codec
actually used by senders, and fall back through a fixed list when strict decoding fails.
Decoding never raises.
"""

from __future__ import annotations

import codecs
import re

# declared label (lowercased) -> codec that is a superset of what senders actually use
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "x-euc-cn": "gb18030",
    "gb_2312-80": "gb18030",
    "chinese": "gb18030",
    "csgb2312": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "cn-big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "unicode-1-1-utf-7": "utf-7",
    "utf8": "utf-8",
}

UNDECLARED_CHAIN = ("utf-8", "gb18030", "big5hkscs", "cp1252", "latin-1")
_ISO2022 = re.compile(rb"\x1b\$[@B]|\x1b\(J")


def normalize_charset(label: str | None) -> str | None:
    """Map a declared charset label to the codec we decode it with (None if unknown)."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError, ValueError):
        return None


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, bool]:
    """Decode ``data`` using the declared charset with real-world fallbacks.

    Returns ``(text, clean)``; ``clean`` is False when nothing decoded strictly and we had
    to substitute replacement characters.
    """
    if not data:
        return "", True
    codec = normalize_charset(declared)
    if codec == "cp1252" and not data.isascii():
        # "us-ascii"/"iso-8859-1" are what many mailers write by default; UTF-8 bytes that
        # decode strictly are far more likely UTF-8 than cp1252 mojibake
        text = _try(data, "utf-8")
        if text is not None:
            return text, True
    if codec:
        text = _try(data, codec)
        if text is not None:
            return text, True
    if data.isascii():
        if _ISO2022.search(data):
            text = _try(data, "iso2022_jp_ext")
            if text is not None:
                return text, True
        return data.decode("ascii"), True
    for fallback in UNDECLARED_CHAIN:
        if fallback == codec:
            continue
        text = _try(data, fallback)
        if text is not None:
            return text, True
    return data.decode(codec or "utf-8", errors="replace"), False  # pragma: no cover


def decode_guess(data: bytes, declared: str | None = None) -> str:
    """:func:`decode_bytes` without the cleanliness flag."""
    return decode_bytes(data, declared)[0]
