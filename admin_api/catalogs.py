"""The console's message catalogs: extract, update, compile, check (Babel).

    python -m admin_api.catalogs update   # new strings from admin_api/**.py and templates into both .po
    python -m admin_api.catalogs compile  # .po -> .mo (the .mo files are committed)
    python -m admin_api.catalogs check    # exit 1 when a string is untranslated or a .mo is stale

Whoever adds a string to a page adds its zh_CN translation to
``admin_api/locale/zh_CN/LC_MESSAGES/messages.po`` (English: msgstr = msgid) and compiles.
tests/test_console_i18n.py fails otherwise.
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).parent
LOCALE = ROOT / "locale"
LANGUAGES = ("zh_CN", "en")
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true",
                                    "trim_blocks": "true", "lstrip_blocks": "true"}}
# Fixed header dates: helpers adding strings in parallel merge without conflicts in the header.
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}


def extract() -> dict[str, list[tuple[str, int]]]:
    """Every translatable string of the console with where it is used."""
    found: dict[str, list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, options_map=OPTIONS, keywords=KEYWORDS
    ):
        if isinstance(message, tuple):
            message = message[0]
        if message:
            found.setdefault(message, []).append((filename, lineno))
    return found


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "messages.po"


def load(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, domain="messages", project="mailwarden")
    with path.open("rb") as fh:
        return read_po(fh, locale=language)


def update() -> None:
    messages = extract()
    for language in LANGUAGES:
        old = load(language)
        new = Catalog(locale=language, domain="messages", project="mailwarden", version="1", charset="utf-8",
                      fuzzy=False, creation_date=FIXED_DATE, revision_date=FIXED_DATE,
                      last_translator="mailwarden", language_team="mailwarden")
        for msgid, locations in sorted(messages.items()):
            previous = old.get(msgid)
            string = previous.string if previous is not None else ""
            if language == "en" and not string:
                string = msgid
            new.add(msgid, string, locations=locations)
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        write_po(buf, new, width=100, omit_header=False, sort_output=True, no_location=True)
        path.write_bytes(buf.getvalue())


def compile_all() -> None:
    for language in LANGUAGES:
        catalog = load(language)
        with (po_path(language).with_suffix(".mo")).open("wb") as fh:
            write_mo(fh, catalog)


def problems() -> list[str]:
    """What is missing: untranslated or unknown strings, .mo files that differ from their .po."""
    messages = set(extract())
    out: list[str] = []
    for language in LANGUAGES:
        catalog = load(language)
        known = {m.id for m in catalog if m.id}
        for msgid in sorted(messages - known):
            out.append(f"{language}: not in the catalog: {msgid!r}")
        for m in catalog:
            if m.id and m.id in messages and not m.string:
                out.append(f"{language}: untranslated: {m.id!r}")
        mo = po_path(language).with_suffix(".mo")
        if not mo.exists():
            out.append(f"{language}: {mo.name} missing (python -m admin_api.catalogs compile)")
            continue
        with mo.open("rb") as fh:
            compiled = {m.id: m.string for m in read_mo(fh) if m.id}
        if compiled != {m.id: m.string for m in catalog if m.id and m.string}:
            out.append(f"{language}: {mo.name} is stale (python -m admin_api.catalogs compile)")
    return out


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        found = problems()
        for line in found:
            print(line, file=sys.stderr)
        return 1 if found else 0
    else:
        print("usage: python -m admin_api.catalogs update|compile|check", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
