"""HTML to plain text with the standard library, for screening (not for display).

Script and style contents are dropped (they are not what the reader sees); block elements
become line breaks so that keyword proximity does not join words across blocks, and a table's
row is a line whose cells are set apart by tabs, as a spreadsheet's or a plain-text table's are:
column headers keep their values (an "Order ID" column), and a glossary's row its translation. A
quoting blockquote's lines (a reply's cite, an advisory's bordered example) are quoted "> " as a plain-text
reply quotes them, one mark at any depth: a quoted reply reads the same whichever part it came in.
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


# a quoting blockquote's depth changes, marked in the text stream and made "> " prefixes when the lines are cut:
# quoted as a plain-text reply quotes, so a quoted reply or a quoted example reads the same in HTML as in plain text
_QUOTE_IN, _QUOTE_OUT = "\x00\x01", "\x00\x02"
_QUOTE_MARK = re.compile("\x00[\x01\x02]")


def _quotes(attrs: dict[str, str | None]) -> bool:
    """Whether a blockquote quotes another message, as mail clients mark one (Apple Mail's and Thunderbird's
    ``type="cite"``, Gmail's and Yahoo's ``class="gmail_quote"``, the reply's left border), rather than indents
    the writer's own text (Gmail's indent button, a pasted block: a review found a sender's own "confidential"
    read as quoted)."""
    kind = (attrs.get("type") or "").lower()
    cls = (attrs.get("class") or "").lower()
    style = (attrs.get("style") or "").lower().replace(" ", "")
    return kind == "cite" or "quote" in cls or ("border-left:" in style and "border-left:none" not in style)


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.quoting: list[bool] = []  # whether each open blockquote quotes (see _quotes)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag == "blockquote":
            quoting = _quotes(dict(attrs))
            self.quoting.append(quoting)
            self.parts.append("\n" + _QUOTE_IN + "\n" if quoting else "\n")
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
            quoting = self.quoting.pop() if self.quoting else False
            self.parts.append("\n" + _QUOTE_OUT + "\n" if quoting else "\n")
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
        if line:  # (one "> " for any depth: a thousand nested quotes must not make a line a thousand times longer)
            out.append("> " + line if depth else line)
        depth = max(0, depth + raw.count(_QUOTE_IN) - raw.count(_QUOTE_OUT))
    return "\n".join(out)
