"""Document properties: the title, subject, keywords and custom fields a document carries.

A classification is often set there and nowhere else (Word's Keywords, a custom
``Classification`` property that labelling tools write, a PDF's Subject). Their text is put
before the document's own, one property to a line, so a marker in it reads as the banner it
is (:mod:`rules.markers`: first lines weigh more than running text).
"""

from __future__ import annotations

from xml.parsers import expat

MAX_PROPERTIES = 16 * 1024  # bytes of a properties part read; they are a few hundred


class _Refused(Exception):
    pass


def xml_properties(xml: bytes) -> str:
    """Every property of an OOXML ``docProps/core.xml``/``custom.xml`` or an ODF
    ``meta.xml``: ``name: value`` lines (custom properties by their ``name`` attribute,
    the others by their element name). Damaged or oversized parts give what was read."""
    lines: list[str] = []
    stack: list[str] = []
    names: list[str] = []
    buf: list[str] = []

    def start(name: str, attrs: list[str]) -> None:
        local = name.rpartition(":")[2]
        stack.append(local)
        if local == "property" or local == "user-defined":
            named = dict(zip(attrs[::2], attrs[1::2], strict=False))
            names.append(next((v for k, v in named.items() if k.rpartition(":")[2] == "name"), ""))
        buf.clear()

    def end(name: str) -> None:
        local = stack.pop() if stack else ""
        text = "".join(buf).strip()
        buf.clear()
        if local in ("property",) and names:
            names.pop()
            return
        if text:
            label = names[-1] if names else local
            if local == "user-defined" and names:
                names.pop()
            lines.append(f"{label}: {text}")

    def data(text: str) -> None:
        buf.append(text)

    def refuse(*_args: object) -> None:
        raise _Refused

    parser = expat.ParserCreate()
    parser.ordered_attributes = True
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(xml[:MAX_PROPERTIES], True)
    except (expat.ExpatError, _Refused):
        pass
    return "\n".join(lines)


PDF_FIELDS = ("/Title", "/Subject", "/Keywords")


def pdf_properties(info: object) -> str:
    """A PDF's Title, Subject and Keywords (its document information dictionary)."""
    lines = []
    for field in PDF_FIELDS:
        try:
            value = info.get(field) if info is not None else None  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - a damaged dictionary has no properties
            value = None
        if value:
            lines.append(f"{field[1:].lower()}: {str(value)[:500]}")
    return "\n".join(lines)
