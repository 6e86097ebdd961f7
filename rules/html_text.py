"""HTML to plain text with the standard library, for screening (not for display).

Script and style contents are dropped (they are not what the reader sees); block elements
become line breaks so that keyword proximity does not join words across blocks, and a table's
row is a line whose cells are set apart by tabs, as a spreadsheet's or a plain-text table's are:
column headers keep their values (an "Order ID" column), and a glossary's row its translation. A
blockquote's lines are quoted "> " as a plain-text reply quotes them: a quoted reply, or an advisory's
quoted example, reads the same whichever part it came in.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = {"script", "style", "head", "title", "noscript", "template"}
_BLOCK = {
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
    "section", "article", "blockquote", "pre", "hr", "dd", "dt",
}
_CELL = {"td", "th"}
_SPACES = re.compile(r"[^\S\t\n]+")
_CELL_BREAK = re.compile(r" ?\t[\t ]*")


# a blockquote's depth changes, marked in the text stream and made "> " prefixes when the lines are cut: quoted
# as a plain-text reply quotes, so a quoted reply or a quoted example reads the same in HTML as in plain text
_QUOTE_IN, _QUOTE_OUT = "\x00\x01", "\x00\x02"
_QUOTE_MARK = re.compile("\x00[\x01\x02]")


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag == "blockquote":
            self.parts.append("\n" + _QUOTE_IN + "\n")
        elif tag in _BLOCK:
            self.parts.append("\n")
        elif tag in _CELL:
            self.parts.append("\t")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(alt)
        elif tag == "input":  # a form field shows its value (a hidden one is read too: fail closed)
            value = dict(attrs).get("value")
            if value:
                self.parts.append(f" {value} ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "blockquote":
            self.parts.append("\n" + _QUOTE_OUT + "\n")
        elif tag in _BLOCK:
            self.parts.append("\n")
        elif tag in _CELL:
            self.parts.append("\t")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data.replace("\x00", " "))


def html_to_text(html: str) -> str:
    """Visible text of an HTML document; never raises."""
    parser = _Extractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed markup must not stop screening
        pass
    # (whitespace runs made one space; a row's cells one tab apart, none at its ends; a blockquote's lines "> ")
    out: list[str] = []
    depth = 0
    for raw in "".join(parser.parts).splitlines():
        line = _CELL_BREAK.sub("\t", _SPACES.sub(" ", _QUOTE_MARK.sub("", raw))).strip()
        if line:
            out.append("> " * depth + line)
        depth = max(0, depth + raw.count(_QUOTE_IN) - raw.count(_QUOTE_OUT))
    return "\n".join(out)
