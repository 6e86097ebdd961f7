"""Decode bytes of unknown or mislabelled charset the way real mail needs.

Mail in the wild declares GB2312 and sends GBK, declares Big5 and sends HKSCS, declares
us-ascii and sends cp1252, or declares nothing. We map declared names to the superset codec
actually used by senders, and fall back through a fixed list when strict decoding fails.
Decoding never raises.
"""

from __future__ import annotations

import codecs
import functools
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
    # Windows and Java names for UTF-16 (Outlook labels "Unicode" text this way)
    "unicode": "utf-16",
    "csunicode": "utf-16",
    "ucs-2": "utf-16",
    "iso-10646-ucs-2": "utf-16",
    "unicodefffe": "utf-16-be",
    "x-mac-chinesesimp": "gb18030",
}
# codecs' own names for charsets mailers write whose superset senders actually use
_CODEC_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}
# Charsets written in 7-bit bytes: ASCII data labelled with one is NOT ASCII text (a UTF-7
# "+ZyxlhyA-" or an HZ "~{1>ND~}" reads as plain letters otherwise, and its words hide).
_SEVEN_BIT = frozenset({"utf-7", "hz", "iso2022_kr", "iso2022_jp", "iso2022_jp_1", "iso2022_jp_2",
                        "iso2022_jp_2004", "iso2022_jp_3", "iso2022_jp_ext"})
_HZ = re.compile(rb"~\{[\x21-\x7e]{2}")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

MULTIBYTE = ("utf-8", "gb18030", "big5hkscs")  # the candidates for undeclared 8-bit text
_WEAK = frozenset({"cp1252", "latin-1", "iso8859-1"})  # what mailers write by default, often wrongly
_ISO2022 = re.compile(rb"\x1b\$[@B]|\x1b\(J")
_ASCII_BYTES = bytes(range(128))
_DETECT_SAMPLE = 64 * 1024
_DETECT_MIN_HIGH = 32  # 8-bit bytes a text needs before a detector's guess beats cp1252


def normalize_charset(label: str | None) -> str | None:
    """Map a declared charset label to the codec we decode it with (None if unknown)."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = _SUPERSETS.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None  # rot13, base64, zlib, hex: Python codecs, not charsets any mailer reads
    return _CODEC_SUPERSETS.get(info.name, info.name)


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError, ValueError):
        return None


def _replaced(data: bytes, codec: str) -> tuple[str, int]:
    """``data`` decoded with each bad byte replaced where it stands, and how many were bad."""
    text = data.decode(codec, errors="replace")
    already = data.count(b"\xef\xbf\xbd") if codec == "utf-8" else 0  # U+FFFD sent as such
    return text, text.count("\ufffd") - already


def _high_bytes(data: bytes) -> int:
    return len(data.translate(None, _ASCII_BYTES))


def _detected(data: bytes) -> str | None:
    """charset-normalizer's best reading of ``data`` (judged on a sample), or None."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:_DETECT_SAMPLE]).best()
        if best is None or not best.encoding:
            return None
        return data.decode(best.encoding, errors="replace")
    except Exception:  # noqa: BLE001 - detection is a guess; a failure is no guess
        return None


def _common_hanzi() -> frozenset[str]:
    """The frequent characters: GB2312 level 1 (3,755 simplified) and Big5's frequent set
    (5,401 traditional). Text read in the right charset is made of them; the same bytes
    read in the wrong one land on rare characters and private-use code points."""
    chars: set[str] = set()
    for codec, leads, trails in (("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF)),
                                 ("big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)])):
        for lead in leads:
            for trail in trails:
                try:
                    chars.add(bytes((lead, trail)).decode(codec))
                except UnicodeDecodeError:
                    continue
    return frozenset(chars)


_COMMON_HANZI = _common_hanzi()
_SCORE_SAMPLE = 4096


_SPACED_HANZI = re.compile("[\u4e00-\u9fff] [\u4e00-\u9fff]")


def _implausible(text: str, bad: int) -> tuple[int, int]:
    """How much of ``text`` looks misdecoded, and how many CJK characters it has (judged on
    a sample). Counted against it: bad bytes, private-use code points, rare CJK characters,
    and CJK characters with spaces between them (an alphabetic language's words read as
    pairs of bytes; Chinese does not put spaces between characters)."""
    sample = text[:_SCORE_SAMPLE]
    score = bad + len(_SPACED_HANZI.findall(sample))
    cjk = 0
    for ch in sample:
        if ch >= "\u4e00":
            if ch <= "\u9fff":
                cjk += 1
                score += ch not in _COMMON_HANZI
            elif "\ue000" <= ch <= "\uf8ff":
                score += 1
    return score, cjk


def _best_multibyte(data: bytes, prefer: str | None) -> tuple[str, int, bool] | None:
    """The multi-byte reading of ``data`` that looks least misdecoded (``prefer``, the
    declared charset, first: it wins a tie): its text, its count of bad bytes, and whether it
    is plausible at all. Each candidate is tried even when an earlier one decodes cleanly:
    Big5 bytes are mostly valid GB18030 too, only as nonsense."""
    best: tuple[int, str, int, bool] | None = None
    candidates = MULTIBYTE if prefer is None else (prefer, *(c for c in MULTIBYTE if c != prefer))
    for codec in candidates:
        if codec.startswith(("utf-16", "utf-32", "utf-7")):
            continue
        text = _try(data, codec)
        bad = 0
        if text is None:
            text, bad = _replaced(data, codec)
        score, cjk = _implausible(text, bad)
        odd = score - bad  # rare, private-use and spaced characters: bad bytes are judged apart
        if best is None or score < best[0]:
            best = (score, text, bad, codec == "utf-8" or odd * 10 <= cjk + 10)
    return best[1:] if best is not None else None


# -- text under a label that does not fit it ---------------------------------------------------

# Shift_JIS: GBK's common lead and trail bytes (0xB0-0xDF) are its half-width katakana, so a
# GBK text reads as those and rare kanji. EUC-JP is left out: its kanji rows share GB2312's
# byte ranges, and a short kanji-only Japanese text would read as Chinese.
_JAPANESE = frozenset({"cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213"})
_WIDE = ("utf-16", "utf-32", "utf-7")
_KANA = re.compile("[\u3041-\u30ff]")   # hiragana and (full-width) katakana


@functools.lru_cache(maxsize=64)
def _single_byte(codec: str) -> bool:
    """Whether ``codec`` reads every byte as one character (koi8-r, windows-1251, iso-8859-x)."""
    try:
        return len(bytes(range(0x80, 0x100)).decode(codec, "replace")) == 128
    except (LookupError, ValueError):
        return False


def _alphabet_implausible(text: str) -> bool:
    """Whether an alphabetic (single-byte) reading looks like multi-byte text read a byte at a
    time: many of its 8-bit characters are no letters (koi8-r box drawing), or capitals follow
    small letters inside words (GBK's lead and trail bytes fall on both cases at random)."""
    letters = other = flips = 0
    prev_lower = False
    for ch in text[:_SCORE_SAMPLE]:
        if ch < "\x80":
            prev_lower = ch.islower()
            continue
        if ch.isalpha():
            letters += 1
            flips += prev_lower and ch.isupper()
            prev_lower = ch.islower()
        else:
            other += 1
            prev_lower = False
    high = letters + other
    return high > 0 and (other * 8 >= high or flips * 8 >= high)


def _declared_implausible(text: str, codec: str) -> bool:
    """Whether the declared charset's reading is nonsense for its script: an alphabet read
    from multi-byte text, or "Japanese" with next to no kana (every Japanese sentence has
    them; GBK read as Shift_JIS gives half-width katakana and rare kanji instead)."""
    if codec in _JAPANESE:
        sample = text[:_SCORE_SAMPLE]
        non_ascii = sum(ch >= "\x80" for ch in sample)
        return non_ascii > 0 and len(_KANA.findall(sample)) * 10 < non_ascii
    return _single_byte(codec) and _alphabet_implausible(text)


def _misread(data: bytes, text: str, codec: str, high: int) -> str | None:
    """The reading of ``data`` that fits where the declared ``codec`` gave ``text`` that is
    implausible for it (GBK or GB18030 labelled koi8-r or Shift_JIS, UTF-8 labelled
    windows-1251): UTF-8 read strictly, else the Chinese multi-byte reading made of common
    characters with at most a few stray bytes. None when the declaration stands."""
    if codec in MULTIBYTE or codec in _WEAK or codec.startswith(_WIDE) or codec in _SEVEN_BIT:
        return None
    if codec not in _JAPANESE and not _single_byte(codec):
        return None
    if not _declared_implausible(text, codec):
        return None
    utf8 = _try(data, "utf-8")
    if utf8 is not None:
        return utf8
    best: tuple[int, str] | None = None
    for candidate in ("gb18030", "big5hkscs"):
        read = _try(data, candidate)
        bad = 0
        if read is None:
            read, bad = _replaced(data, candidate)
            if bad > high // 20:
                continue
        score, cjk = _implausible(read, bad)
        # rare and private-use characters; spaces between characters are not held against
        # it here: the declared reading has already failed, and spaces are how item 3 hides
        odd = score - bad - len(_SPACED_HANZI.findall(read, 0, _SCORE_SAMPLE))
        if cjk >= 2 and odd * 10 <= cjk + 10 and odd * 4 <= cjk and (best is None or score < best[0]):
            best = (score, read)
    return best[1] if best is not None else None


_UTF16_SAMPLE = 2048


def _utf16_oddness(text: str, hangul: bool) -> int:
    """How many characters of a UTF-16 reading (judged on a sample) are not what text is
    made of: anything but ASCII text, Latin, Greek and Cyrillic letters, general punctuation,
    CJK punctuation, kana, common Chinese characters, full-width forms (and Hangul, when
    ``hangul``). Bytes read in the wrong order, or 8-bit text read as UTF-16, land on
    rare characters, symbols, combining marks and unassigned code points instead."""
    odd = 0
    for ch in text[:_UTF16_SAMPLE]:
        if ch < "\x7f":
            odd += ch < " " and ch not in "\t\n\r\f"
        elif "\u4e00" <= ch <= "\u9fff":
            odd += ch not in _COMMON_HANZI
        elif not ("\xa0" <= ch <= "\u052f" or "\u2010" <= ch <= "\u2044" or "\u3000" <= ch <= "\u30ff"
                  or "\uff01" <= ch <= "\uffef" or ch == "\u20ac" or hangul and "\uac00" <= ch <= "\ud7a3"):
            odd += 1
    return odd


def _utf16(data: bytes, declared: bool, hangul: bool = True) -> str | None:
    """``data`` as UTF-16 without a byte-order mark, in the byte order that reads as text.

    Declared UTF-16 (``utf-16``, ``unicode``, ``ucs-2``) may come in either order without a
    BOM: the better reading wins. Undeclared, or under an 8-bit label, the reading must be
    plainly text (at most one character in ten odd); None otherwise."""
    readings = []
    for codec in ("utf-16-le", "utf-16-be"):
        text = data.decode(codec, "replace")
        readings.append((_utf16_oddness(text, hangul), text))
    odd, text = min(readings, key=lambda r: r[0])
    if declared or odd * 10 <= min(len(text), _UTF16_SAMPLE):
        return text
    return None


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, bool]:
    """Decode ``data`` in its declared charset, or the best-fitting one; never raises.

    A declared charset is kept when the bytes fit it but for a few bad ones: those are
    replaced where they stand (U+FFFD), so one stray byte never turns a Chinese text into
    Latin-1 mojibake that no keyword matches. A charset that plainly does not fit (or none
    declared) gives way to the multi-byte one that fits best (UTF-8, GB18030, Big5-HKSCS,
    a few bad bytes tolerated, the one made of common characters preferred), else to
    charset-normalizer's detection, else to cp1252.
    Labels mailers write by default (us-ascii, iso-8859-1) are trusted only for text that
    looks Western: bytes that are mostly 8-bit are CJK text mislabelled.

    Returns ``(text, clean)``; ``clean`` is False only when nothing fitted and most of the
    bytes were read as Latin-1 for want of anything better.
    """
    if not data:
        return "", True
    codec = normalize_charset(declared)
    if codec == "utf-16" or (b"\x00" in data and not (codec or "").startswith(_WIDE)):
        # UTF-16 declared, or the NULs of UTF-16's ASCII (no 8-bit text has any): a byte-order
        # mark says the order, else the order that reads as text
        for bom, bom_codec in _BOMS:
            if data.startswith(bom):
                text = _try(data, bom_codec)
                break
        else:
            text = _utf16(data, declared=codec == "utf-16")
        if text is not None:
            return text, True
    if data.isascii():
        if codec in _SEVEN_BIT:
            text = _try(data, codec)
            if text is not None:
                return text, True
        if _ISO2022.search(data):
            text = _try(data, "iso2022_jp_ext")
            if text is not None:
                return text, True
        if _HZ.search(data):  # HZ-GB-2312 undeclared (or declared under a name we do not know)
            text = _try(data, "hz")
            if text is not None:
                return text, True
        if codec is None and declared and (b"\x1b$" in data or b"\x0e" in data):
            # ISO-2022-CN and kin: a 7-bit charset we have no codec for, its shifts in the text
            return data.decode("ascii"), False
        return data.decode("ascii"), True
    if codec is None or codec in _WEAK or codec == "utf-8":
        for bom, bom_codec in _BOMS:  # a byte-order mark says UTF-16/32 whatever the label
            if data.startswith(bom):
                text = _try(data, bom_codec)
                if text is not None:
                    return text, True
    high = _high_bytes(data)
    if codec and codec not in _WEAK:
        text = _try(data, codec)
        if text is None and not codec.startswith(_WIDE):
            text, bad = _replaced(data, codec)
            if bad > max(1, high // 10):  # more than a few bad bytes: the declaration falls
                text = None
        if text is not None:
            return _misread(data, text, codec, high) or text, True
    text = _try(data, "utf-8")
    if text is not None:
        return text, True
    if codec in _WEAK and high * 3 < len(data):  # Western text with a few accents, as declared
        return _try(data, "cp1252") or data.decode("latin-1"), True
    best = _best_multibyte(data, prefer=codec if codec not in _WEAK else None)
    if best is not None and best[2] and best[1] * 3 <= high:  # a multi-byte text with some stray bytes
        return best[0], True
    if len(data) % 2 == 0:  # UTF-16 of CJK text alone has no NULs: it must read as text
        # (Hangul not counted as text here: 8-bit Cyrillic read in pairs lands on it)
        text = _utf16(data, declared=False, hangul=False)
        if text is not None:
            return text, True
    detected = _detected(data) if high >= _DETECT_MIN_HIGH else None  # short texts fool detectors
    if detected is not None:
        return detected, True
    text = _try(data, "cp1252")
    if text is not None:
        return text, True
    return data.decode("latin-1"), high * 2 < len(data)


def decode_guess(data: bytes, declared: str | None = None) -> str:
    """:func:`decode_bytes` without the cleanliness flag."""
    return decode_bytes(data, declared)[0]
