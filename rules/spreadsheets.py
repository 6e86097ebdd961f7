"""Workbook text as a table: one line per row, cells separated by tabs, shared strings in place.

An .xlsx keeps its strings apart from its cells (``xl/sharedStrings.xml``; a cell holds the
index), so reading the two parts as text separately loses which value stands under which
column header. Column headers decide what a number is — a Luhn-valid value under "Order ID" /
"订单号" / "Serial" is not a card (:mod:`rules.context`) — so sheets are read as the table a
person sees: the header row first, each value in its column. Streamed with expat (no DTD,
no entities), the text capped like any document's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.parsers import expat

from rules.documents import MAX_TEXT_PER_FILE, DocumentText

MAX_SHARED = 1_000_000  # strings kept from sharedStrings.xml (a cap, like the text's)


class _Refused(Exception):
    pass


def _parser() -> expat.XMLParserType:
    def refuse(*_args: object) -> None:
        raise _Refused

    p = expat.ParserCreate()
    p.buffer_text = True
    p.ordered_attributes = True
    p.StartDoctypeDeclHandler = refuse
    p.EntityDeclHandler = refuse
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return p


def _feed(p: expat.XMLParserType, chunks: Iterable[bytes], stop: list[bool]) -> bool:
    """Parse ``chunks``; False when the XML is damaged or refused."""
    try:
        for chunk in chunks:
            p.Parse(chunk, False)
            if stop[0]:
                return True
        p.Parse(b"", True)
    except (expat.ExpatError, _Refused):
        return False
    return True


def shared_strings(chunks: Iterable[bytes]) -> tuple[list[str], bool]:
    """The workbook's shared strings in order (rich-text runs joined), and whether the part
    was read whole."""
    out: list[str] = []
    cur: list[str] = []
    depth = [0]
    stop = [False]
    p = _parser()

    def start(name: str, _attrs: list[str]) -> None:
        local = name.rpartition(":")[2]
        if local == "si":
            cur.clear()
        elif local == "t":
            depth[0] += 1

    def end(name: str) -> None:
        local = name.rpartition(":")[2]
        if local == "t":
            depth[0] -= 1
        elif local == "si":
            out.append("".join(cur))
            if len(out) >= MAX_SHARED:
                stop[0] = True

    def data(text: str) -> None:
        if depth[0]:
            cur.append(text)

    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, data
    ok = _feed(p, chunks, stop)
    return out, ok and not stop[0]


_HEADER_FOOTER = frozenset({"oddHeader", "evenHeader", "firstHeader", "oddFooter", "evenFooter", "firstFooter"})
# Excel's header and footer codes: a section (&L, &C, &R), a font ("&\"Arial,Bold\""), a size (&12), a
# field (&P page, &N pages, &D date, &T time, &F file, &A sheet, &Z path, &G picture), a colour (&KFF0000)
# and styles (&B, &I, &U, …)
_HF_CODE = re.compile(r'&"[^"]*"|&K(?:[0-9A-Fa-f]{6}|\d{2}[+-]\d{3})|&\d+|&[LCRPNDTFAZGBIUESXYK]|&&')


def header_footer_text(code: str) -> str:
    """A page header's or footer's printed words, its codes taken out ("&C&\"-,Bold\"Internal Use
    Only" is "Internal Use Only"); sections side by side are split by spaces."""
    return " ".join(_HF_CODE.sub(lambda m: "&" if m.group() == "&&" else "  ", code).split())


def sheet_text(chunks: Iterable[bytes], shared: list[str], used: set[int] | None = None) -> DocumentText:
    """One worksheet's rows as lines of tab-separated cells, shared strings substituted
    (their indices added to ``used``); its printed page header first and its footer last, each
    a line of its own ("Internal Use Only" at the top of every printed page is a banner)."""
    lines: list[str] = []
    headers: list[str] = []
    footers: list[str] = []
    hf: list[str] = []
    row: list[str] = []
    cell: list[str] = []
    state = {"type": "", "in": 0, "size": 0, "hf": 0}
    stop = [False]
    p = _parser()

    def start(name: str, attrs: list[str]) -> None:
        local = name.rpartition(":")[2]
        if local == "row":
            row.clear()
        elif local == "c":
            cell.clear()
            named = dict(zip(attrs[::2], attrs[1::2], strict=False))
            state["type"] = named.get("t", "")
        elif local in ("v", "t"):
            state["in"] += 1
        elif local in _HEADER_FOOTER:
            hf.clear()
            state["hf"] = 1

    def end(name: str) -> None:
        local = name.rpartition(":")[2]
        if local in ("v", "t"):
            state["in"] -= 1
        elif local in _HEADER_FOOTER:
            state["hf"] = 0
            words = header_footer_text("".join(hf))
            if words:
                (headers if "Header" in local else footers).append(words)
        elif local == "c":
            value = "".join(cell).strip()
            if state["type"] == "s" and value.isdigit():
                i = int(value)
                value = shared[i] if i < len(shared) else ""
                if used is not None:
                    used.add(i)
            row.append(value.replace("\t", " ").replace("\n", " "))
        elif local == "row":
            line = "\t".join(row).rstrip("\t")
            lines.append(line)
            state["size"] += len(line) + 1
            if state["size"] > MAX_TEXT_PER_FILE:
                stop[0] = True

    def data(text: str) -> None:
        if state["in"]:
            cell.append(text)
        elif state["hf"]:
            hf.append(text)

    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, data
    result = DocumentText()
    result.corrupt = not _feed(p, chunks, stop)
    result.truncated = stop[0]
    body = "\n".join(lines).strip("\n")
    result.text = "\n".join([*dict.fromkeys(headers), body, *dict.fromkeys(footers)]).strip("\n")[:MAX_TEXT_PER_FILE]
    return result
