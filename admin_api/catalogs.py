"""The console's message catalogs: extract, update, compile, check (Babel).

    python -m admin_api.catalogs update   # new strings from admin_api/**.py and templates into both .po
    python -m admin_api.catalogs compile  # .po -> .mo (the .mo files are committed)
    python -m admin_api.catalogs check    # exit 1 when a string is untranslated or a .mo is stale

Whoever adds a string to a page adds its zh_CN translation to
``admin_api/locale/zh_CN/LC_MESSAGES/messages.po`` (English: msgstr = msgid) and compiles.
tests/test_console_i18n.py fails otherwise.

A counted string is a plural entry (``ngettext("%(num)d message", "%(num)d messages", n)``;
``msgid_plural`` in the .po): English has two forms, zh_CN one (``msgstr[0]``). Its id here is
the (singular, plural) pair.
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
MessageId = str | tuple[str, str]     # a plain string, or a plural's (singular, plural)


def extract() -> dict[MessageId, list[tuple[str, int]]]:
    """Every translatable string of the console with where it is used."""
    found: dict[MessageId, list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, options_map=OPTIONS, keywords=KEYWORDS
    ):
        key: MessageId = (str(message[0]), str(message[1])) if isinstance(message, tuple) else message
        if message:
            found.setdefault(key, []).append((filename, lineno))
    return found


def _key(msgid: object) -> MessageId:
    """A catalog's or a .mo file's id (plural ids come as lists or tuples) as extract() keys it."""
    return (str(msgid[0]), str(msgid[1])) if isinstance(msgid, (list, tuple)) else str(msgid)


def _forms(string: object) -> str | tuple[str, ...]:
    return tuple(str(x) for x in string) if isinstance(string, (list, tuple)) else str(string)


def _translated(string: object) -> bool:
    return bool(string) and all(string) if isinstance(string, (list, tuple)) else bool(string)


def _fresh(msgid: MessageId, previous: object, language: str, plurals: int) -> object:
    """What an entry's msgstr becomes on update: the old translation when it still fits the
    entry's kind (plain or plural), else empty; English is filled with the msgid itself."""
    if isinstance(msgid, tuple):
        old = list(previous) if isinstance(previous, (list, tuple)) else []
        if language == "en" and not _translated(old):
            return msgid
        return tuple((old + [""] * plurals)[:plurals])
    string = previous if isinstance(previous, str) else ""
    return string or (msgid if language == "en" else "")


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
        for msgid, locations in sorted(messages.items(), key=lambda item: _key(item[0])[0]):
            previous = old.get(msgid)
            string = _fresh(msgid, previous.string if previous is not None else "", language, new.num_plurals)
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
        known = {_key(m.id) for m in catalog if m.id}
        for msgid in sorted(messages - known, key=repr):
            out.append(f"{language}: not in the catalog: {msgid!r}")
        for m in catalog:
            if m.id and _key(m.id) in messages and not _translated(m.string):
                out.append(f"{language}: untranslated: {_key(m.id)!r}")
            if m.pluralizable and len(m.string) != catalog.num_plurals:
                out.append(f"{language}: {_key(m.id)!r} needs {catalog.num_plurals} plural form(s)")
        mo = po_path(language).with_suffix(".mo")
        if not mo.exists():
            out.append(f"{language}: {mo.name} missing (python -m admin_api.catalogs compile)")
            continue
        with mo.open("rb") as fh:
            compiled = {_key(m.id): _forms(m.string) for m in read_mo(fh) if m.id}
        if compiled != {_key(m.id): _forms(m.string) for m in catalog if m.id and _translated(m.string)}:
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
