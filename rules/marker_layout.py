"""Where a confidentiality marker stands on the page (issue 19): a banner's line of its own or a
footer's piece, a label set as one (INTERNAL, [Internal], "Internal:"), quotation marks that quote
an example or a glossary's term, a row of a glossary. :mod:`rules.markers` grades a marker by
what this module says of its place and by what its sentence says.
"""

from __future__ import annotations

import re

FRAME = " \t\r*#=-_:：[]【】()（）<>《》★☆|/–—•·"  # what frames a banner line: rules, brackets, stars, dashes


_LABEL_NAME = re.compile(r"(?i)(?:(?:data|document|information|security|sensitivity)\s+)?"
                         r"(?:classification|sensitivity|label|level|marking|category)\s*[:：]\s*[\"“「]?\s*$|"
                         r"(?:文件)?(?:密级|保密级别|保密等级|安全级别)\s*[:：]\s*[\"“「]?\s*$")


# what sets a footer's pieces apart: wide gaps, or a dash or bar between spaces ("Example Logistics -
# Confidential - page 1")
_WIDE_GAP = re.compile(r"[ \t]{3,}|\t|[ \t]+[-–—|][ \t]+")


_PAGE_NUMBER = re.compile(r"(?i)\bpage\s+\d+(?:\s+of\s+\d+)?\b|\bp\.\s?\d+\b|第\s*\d+\s*页|(?<!\S)\d+\s*/\s*\d+(?!\S)")


_FURNITURE = re.compile(r"(?i)(?:&|\band)\s*(?:proprietary|privileged)\b|\bpage\s+\d+(?:\s+of\s+\d+)?\b|\bp\.\s?\d+\b|"
                        r"第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|(?<!\S)\d+\s*/\s*\d+(?!\S)")


# the words that open a quoted example ("subjects like "…"", "such as "…" or "…"", "titled "…""), not a label
# applied ("This document is "CONFIDENTIAL"", "marked "Confidential"", "treat it as "Strictly Confidential"")
_QUOTES_AN_EXAMPLE = re.compile(r"(?i)\b(?:like|such as|e\.g\.|including|or|and|titled|entitled|subjects?|"
                                r"subject lines?|saying|says|said|reads?|wrote|headed)\s*:?\s*$")


_MAX_QUOTED_LINES = 30  # quoted lines looked above for the intro of their list


_GLOSSED = re.compile(r"(?:->|→|=>|=)\s*$")  # a glossary's translation: "CONFIDENTIAL" -> "机密"


_QUOTE_CLOSED = re.compile(r"[^\"\n]{0,200}\"\s*(?:->|→|=>|=|:)\s*")


_LIST_OPENS = re.compile(r"(?:[:：]|\b(?:are|include|including|like|such as|e\.g\.))[ \t]*$")


# what may follow a quoted list item on its line: a comma, or its gloss ("INTERNAL USE ONLY"  - working files)
_ITEM_REST = re.compile(r"[ \t]*,?[ \t]*(?:[-–—:：=][ \t][^\n]{0,120})?[ \t\r]*")


def in_prose_quotes(text: str, ls: int, start: int, end: int, le: int) -> bool:
    """Whether the marker stands in straight double quotes that quote an example (subjects like
    "CONFIDENTIAL - urgent payment", such quotes listed a line each under "subjects seen so far are:"),
    name a field or a glossary's term ("confidential": false, "CONFIDENTIAL" -> "机密"), not a label
    applied in quotes (marked "Confidential") nor a value's quotes (JSON's "note": "…机密…")."""
    if text.count('"', ls, start) % 2 == 0 or '"' not in text[end:le]:
        return False
    opening = text.rfind('"', ls, start)
    if _QUOTES_AN_EXAMPLE.search(text, ls, opening) is not None or _GLOSSED.search(text, ls, opening):
        return True
    closed = _QUOTE_CLOSED.match(text, end)
    if closed and closed.end() <= le and text[opening + 1:start].strip() == "" and \
            text[end:closed.end()].split('"', 1)[0].strip(" -:：") == "":
        return True  # the quoted word is a key or a term being translated, not a label set on anything
    closing = text.find('"', end, le)
    if text[ls:opening].strip() == "" and _ITEM_REST.fullmatch(text, closing + 1, le):
        # a line that is only a quotation (and its gloss), in a list an intro opens ("… so far are:",
        # or the list's first item after "e.g.")
        prev_end = ls - 1
        for _ in range(_MAX_QUOTED_LINES):  # (bounded: a hostile text of quoted lines is read once, not per line)
            if prev_end <= 0:
                break
            prev_start = text.rfind("\n", 0, prev_end) + 1
            prev = text[prev_start:prev_end].strip()
            if prev and not prev.startswith('"'):
                first = prev.find('"')
                return _LIST_OPENS.search(prev) is not None or \
                    (first > 0 and _QUOTES_AN_EXAMPLE.search(prev, 0, first) is not None)
            prev_end = prev_start - 1
    return False


def line_bounds(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, len(text) if e < 0 else e


# a dash or bar after a marker: spaced ("Confidential - …"; a hyphen glued to it is a compound), or a
# long dash or bar glued to it too (机密——收购方案)
LABEL_DASH = re.compile(r"[ \t]*(?:——?|\||[·•])|[ \t]*(?:–|--?)[ \t]")


# words that qualify a label at the head of its line: "Company Confidential - Example Corp" in a
# page footer, "Private and Confidential", "Highly Confidential", a lawyer's "Privileged & Confidential -
# Attorney Work Product"
_QUALIFIERS = (r"(?:(?:company|corporate|group|business|commercial|strictly|highly|proprietary|"
               r"private|personal|internal|privileged)(?:\s*(?:and|&))?\s*)+")
_QUALIFIER = re.compile("(?i)" + _QUALIFIERS)


# a company's name (up to four capitalised words: Example Corp, Acme Logistics B.V.), then perhaps a qualifier
_COMPANY_THEN_QUALIFIER = re.compile(r"(?:[A-Z][\w&.,'-]*(?:\s+|$)){1,4}(?i:" + _QUALIFIERS + ")?")


def label_lead(text: str, line_start: int, start: int, end: int) -> str:
    """What stands on the marker's line before it; a qualifier of the label ("Company") not
    counted where the label ends its line or a dash or colon follows it ("Company Confidential -
    Example Corp"; in "Private and confidential counselling is available" it is a sentence)."""
    lead = text[line_start:start].strip(FRAME)
    # (a footer names the company before its label: "Example Corp Company Confidential - internal cost data")
    qualifier = _QUALIFIER.fullmatch(lead) or _COMPANY_THEN_QUALIFIER.fullmatch(lead)
    if not lead or not qualifier:
        return lead
    line_end = text.find("\n", end)
    rest = text[end:len(text) if line_end < 0 else line_end]
    labels = not rest.strip(FRAME + "\r") or LABEL_DASH.match(text, end) or rest.lstrip(" ")[:1] in (":", "：")
    return "" if labels else lead


def banner_place(text: str, start: int, end: int) -> str | None:
    """Where a banner stands: a short line that is mostly the marker, or a short line among
    the first or last two lines of the text that leads with the marker, shouts it (upper
    case) or brackets it (【机密】, [CONFIDENTIAL])."""
    ls, le = line_bounds(text, start)
    line = text[ls:le].strip()
    if len(line) > 100:  # a long line holds no banner (and is not split into words per marker)
        return None
    # a page's header or footer sets its pieces apart with wide gaps ("Example Corp Confidential
    # & Proprietary      Page 1 of 1"): the piece holding the marker is the line, less the
    # page's furniture (its number, "& Proprietary"), the label's own qualifier ("Strictly") and
    # the name it is given ("Sensitivity label:", 密级：)
    cs, ce = ls, le
    # (a table's cells are no footer: only a numbered page's line, or a label's named one: 密级：秘密    研发中心)
    if _PAGE_NUMBER.search(text, ls, le) or _LABEL_NAME.search(text, ls, start):
        for gap in _WIDE_GAP.finditer(text, ls, le):
            if gap.end() <= start:
                cs = gap.end()
            elif gap.start() >= end:
                ce = gap.start()
                break
    piece = text[cs:ce].strip()
    lead = _LABEL_NAME.sub(" ", _QUALIFIER.sub(" ", text[cs:start]))
    rest = _FURNITURE.sub(" ", lead + " " + text[end:ce]).strip(FRAME)
    words = [w for w in rest.split() if any(c.isalnum() for c in w)]  # a dash between is no word
    if len(piece) <= 40 and len(rest.strip()) <= 16 and len(words) <= 2:
        # (not one of labels shown after "字样如下：" or "labels such as:", nor one of a column of levels)
        if not _heads_a_section(text, ls) or _beside_another_level(text, ls, le):
            return None
        return "a line of its own"
    word = text[start:end]
    lead = label_lead(text, ls, start, end)
    # shouted (upper case) counts on a short line; inside a long sentence it is emphasis. A
    # line that starts with the marker only because a long line above was wrapped mid-sentence
    # does not lead with it.
    prev = text[max(0, ls - 200):max(0, ls - 1)].rsplit("\n", 1)[-1].rstrip()
    # (the sentence above runs on: a greeting is shorter; a label set off by a dash, a bar or a dot,
    # 商业秘密 · Example Corp · 未经许可不得外传, or ending its line is no sentence's middle)
    set_off = LABEL_DASH.match(text, end) is not None or not text[end:le].strip(FRAME)
    wrapped = len(prev) >= 20 and prev[-1:].isalnum() and not set_off
    # (a bracket counts where little stands before it on the line: "Re: 【机密】…", not "please put 【机密】 in …")
    prominent = (not lead and not wrapped) or (word.isupper() and word.isascii() and len(line) <= 60) or \
        text[start - 1:start] in ("[", "【", "(", "（", "<", "《", "★") and start > ls and \
        (len(text[ls:start - 1].strip()) <= 8 or text[ls:start - 1].rstrip().endswith((":", "：")))
    # (a label in brackets heading its line, a qualifier inside them: 【内部机密】)
    bracketed = _OPENS_BRACKET.fullmatch(text, ls, start) is not None and _CLOSES_BRACKET.match(text, end) is not None
    if not prominent and not bracketed:
        return None
    if text[start - 1:start] in ("[", "【") and _tags_a_list(text, ls, start, end):
        return None  # a changelog's "[Internal] upgraded …" items: the bracket tags each line, heads no document
    if text[:ls].strip().count("\n") < 1:
        return "first lines"
    if text[le:].strip().count("\n") < 1:
        return "last lines"
    if bracketed and _heads_a_section(text, ls):
        # a label in brackets heading its own line mid-mail: an excerpt pasted below a note ("【绝密】董事会会议纪要"),
        # an internal thread quoted on ("> [INTERNAL - NOT FOR CUSTOMER] Approved floor is …")
        return "a bracketed label heading its line"
    return None


def _heads_a_section(text: str, ls: int) -> bool:
    """Whether a label heading the line at ``ls`` heads what follows rather than stands in an example: the
    line above (blank lines passed over) introduces no examples ("with this subject:", "such as:", 字样如下：)."""
    prev_end = len(text[:ls].rstrip())
    above = text.rfind("\n", 0, prev_end) + 1
    return _INTRODUCES_EXAMPLES.search(text, above, ls) is None


def _beside_another_level(text: str, ls: int, le: int) -> bool:
    """Whether the line above or below (blank lines passed over) is a level's label too: a column of levels
    (【公开】, 【内部资料】, 【机密】) lists them; a document's banner stands alone."""
    prev_end = len(text[:ls].rstrip())
    above = text[text.rfind("\n", 0, prev_end) + 1:prev_end]
    rest = text[le:].lstrip()
    below = rest[:rest.find("\n")] if "\n" in rest else rest
    return any(_LEVEL_LINE.fullmatch(line.strip()) for line in (above, below) if line.strip())


def _tags_a_list(text: str, ls: int, start: int, end: int) -> bool:
    """Whether the bracket around the marker at ``[start, end)`` tags the items of a list: the same bracket
    heads two adjacent lines (a changelog's "[Internal] upgraded …" items; a banner at a page's head and
    foot, or a page header repeated on each page, heads lines far apart)."""
    close = _CLOSES_BRACKET.match(text, end)
    opened = max(text.rfind("[", ls, start), text.rfind("【", ls, start))
    if opened < 0:
        return False
    tag = text[opened:close.end() if close else end]
    heads = [m.start() for m in re.finditer(r"(?m)^[ \t>]*" + re.escape(tag), text)]
    # (only heads on adjacent lines tag a list: a page header repeated on three pages marks each page)
    return any(text.count("\n", a, b) <= 1 for a, b in zip(heads, heads[1:], strict=False))


# what may stand before a marker that heads its line in brackets: a quote's marks, the bracket, a qualifier
# inside it (【内部机密】); and after it, the bracket closing within a few words ([INTERNAL - NOT FOR CUSTOMER])
_OPENS_BRACKET = re.compile(r"[ \t>]*[\[【][ \t]*(?:[^\]】\n\s]{1,6}[ \t]?)?")
_CLOSES_BRACKET = re.compile(r"[^\]】\n]{0,30}[\]】]")
# a line that is a level's label and little else: 【公开】, [INTERNAL], 内部资料 (a column of levels)
_LEVEL_LINE = re.compile(r"(?i)[\[【(（]?\s*(?:公开|内部|内部资料|机密|秘密|绝密|受控文件|受控|商业秘密|"
                         r"public|internal|confidential|restricted|secret|strictly confidential|internal use only)"
                         r"\s*[\]】)）]?")
# a line that introduces examples or quotations of labels: what follows it shows them, applies none
_INTRODUCES_EXAMPLES = re.compile(
    r"(?i)(?:\b(?:subject(?: line)?s?|titled|entitled|headed|such as|like|e\.g\.|examples?|for instance|labels?|"
    r"markings?|tags?|stamps?|reads?|says?)\b[^\n]{0,60}|(?:标题|主题|例如|比如|示例|样式|标签|字样|标注|印章))"
    r"[:：][ \t]*\r?\n")


# what follows SECRET set as a level: the line's end, or a dash, bar or colon and words
_SECRET_LEVEL_AFTER = re.compile(r"[ \t]*(?:$|\n|[\]】)|/]|[-–—:：][ \t]*[^\s:]+[ \t]+\S)")


_BETWEEN_BARS = re.compile(r"[ \t]\|[ \t]*$")


_BARS_AFTER = re.compile(r"[ \t]*\|[ \t]")


def set_as_label(text: str, start: int, end: int) -> bool:
    """Whether the bare level word at ``[start, end)`` is set as a label: shouted (INTERNAL, as in a
    subject tag or a file name's INTERNAL_margin_review), bracketed ([Internal], 【内部】, "(Internal)"
    leading its line), or leading its line or subject with a colon (Internal: …, 内部：…)."""
    word = text[start:end]
    if word.casefold() == "secret":
        # SECRET as a level, not a name (SECRET GARDEN) or a key's label ("Secret: sk_test_…")
        bracketed = start > 0 and text[start - 1] in "[【<《(（" and text[end:end + 1] in "]】>》)）"
        return bracketed or (word.isupper() and _SECRET_LEVEL_AFTER.match(text, end) is not None)
    if word.isascii() and word.isupper():
        return True
    ls = text.rfind("\n", 0, start) + 1
    if start > 0 and text[start - 1] in "[【<《" and text[end:end + 1] in "]】>》":
        return True
    le = text.find("\n", end)
    if _BETWEEN_BARS.search(text, ls, start) and _BARS_AFTER.match(text, end) and \
            _PAGE_NUMBER.search(text, ls, le if le >= 0 else len(text)):
        return True  # a page footer's piece ("Example Ltd | Internal | p. 3")
    lead = text[ls:start].strip()
    # (a round bracket only leading its line: "Cargo holds (internal):" is a qualifier)
    if lead in ("(", "（") and text[end:end + 1] in ")）":
        return True
    return not lead and text[end:end + 1] in (":", "：")


# one cell of a glossary's row that is a level itself (机密, "Top Secret", "Internal use only")
# (in either script: the grader reads the text as written, 機密 and 極機密 as they stand)
_LEVEL_CELL = re.compile(r"(?i)(?:(?:strictly|highly|top|company|commercial|business)\s+)?(?:confidential|secret|"
                         r"internal(?:\s+use)?(?:\s+only)?|restricted|trade\s+secrets?|proprietary|sensitive|public)|"
                         r"(?:商[业業]|核心|公司|[极極]|高度)?(?:[机機]密|[绝絕]密|秘密|[内內]部[资資]料|[内內]部|保密|公[开開])"
                         r"(?:[资資]料|文件|[信資]息|事[项項])?")
# what sets a glossary's cells apart: a tab, two spaces, a full-width space, a table's bar
_CELL_GAP = re.compile(r"[ \t\u3000]{2,}|[\t\u3000]|[ \t]*\|[ \t]*")
_GLOSSARY_REACH = 40  # rows looked at above and below (a hostile text of rows is read that far, not to its end)


def _cells(line: str) -> list[str]:
    return [cell for cell in _CELL_GAP.split(line.strip()) if cell.strip(" -:")]


_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def _translates(cells: list[str]) -> bool:
    """Whether a row's first two cells are a term and its translation: one Chinese, the other not
    (a glossary's 容积率    plot ratio; a form's 项目名称    苏州中心 is a field and its value)."""
    a, b = cells[0], cells[1]
    return (_CJK.search(a) is not None) != (_CJK.search(b) is not None) and \
        _LATIN.search(b if _CJK.search(a) else a) is not None


def in_term_table(text: str, start: int) -> bool:
    """Whether the marker at ``start`` is a term in a glossary, as a translator is sent one: its row
    pairs a level with its translation (机密    Confidential, | Confidential | 机密 | note |) and, in
    the same block, at least two rows translate ordinary terms (容积率    plot ratio) or two more pair
    levels (a table of the levels themselves). A table's row that names the label (密级    机密)
    pairs no two levels, and a banner over a form (机密  CONFIDENTIAL over 项目名称  苏州中心) has no
    translations around it."""
    ls, le = line_bounds(text, start)
    if le - ls > 200:
        return False  # a long line is no glossary's row (and is not split per marker)
    row = _cells(text[ls:le])
    if len(row) < 2 or not all(_LEVEL_CELL.fullmatch(cell) for cell in row[:2]) or \
            any(_LEVEL_CELL.search(cell) for cell in row[2:]):
        return False
    plain = levels = 0
    for step in (-1, 1):
        s, e = ls, le
        for _ in range(_GLOSSARY_REACH):
            if step < 0:
                if s == 0:
                    break
                e = s - 1
                s = text.rfind("\n", 0, e) + 1
            else:
                if e >= len(text):
                    break
                s = e + 1
                e = text.find("\n", s)
                e = len(text) if e < 0 else e
            line = text[s:e]
            if not line.strip() or e - s > 200:
                break
            cells = _cells(line)
            if len(cells) >= 2 and _translates(cells) and not any(_LEVEL_CELL.search(cell) for cell in cells):
                plain += 1
            elif len(cells) >= 2 and all(_LEVEL_CELL.fullmatch(cell) for cell in cells[:2]):
                levels += 1  # (another level with its translation: a table of the levels themselves)
            if plain >= 2 or levels >= 2:
                return True
    return False
