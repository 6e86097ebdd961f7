"""HTML to plain text with the standard library, for screening (not for display).

Script and style contents are dropped (they are not what the reader sees); block elements
become line breaks so that keyword proximity does not join words across blocks, and a table's
row is a line whose cells are set apart by tabs, as a spreadsheet's or a plain-text table's are:
column headers keep their values (an "Order ID" column), and a glossary's row its translation.
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


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
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
        elif tag in _BLOCK:
            self.parts.append("\n")
        elif tag in _CELL:
            self.parts.append("\t")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible text of an HTML document; never raises."""
    parser = _Extractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed markup must not stop screening
        pass
    # (whitespace runs made one space; a row's cells one tab apart, none at its ends)
    lines = (_CELL_BREAK.sub("\t", _SPACES.sub(" ", line)).strip() for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)
