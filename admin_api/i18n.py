"""Languages of the console: Babel gettext catalogs (zh_CN, en), the person's choice, time zones.

The language is the account's setting, else the ``mw_lang`` cookie (the switch on pages
shown before sign-in), else the browser's ``Accept-Language``, else English. Times are shown
in the account's time zone (UTC until they choose one). Catalogs live in
``admin_api/locale/<lang>/LC_MESSAGES/messages.{po,mo}``; ``python -m admin_api.catalogs``
extracts, updates and compiles them.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale
from babel.dates import format_datetime
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("zh_CN", "en")          # catalog names
DEFAULT = "en"
LANG_COOKIE = "mw_lang"
HTML_LANG = {"zh_CN": "zh-CN", "en": "en"}


@functools.cache
def translations(language: str) -> Translations:
    return Translations.load(str(LOCALE_DIR), [language], domain="messages")


def normalise(value: str | None) -> str | None:
    """``zh-CN``, ``zh_cn``, ``zh-Hans``, ``zh`` -> ``zh_CN``; ``en-GB`` -> ``en``; else None."""
    if not value:
        return None
    tag = value.strip().replace("-", "_").lower()
    if tag.startswith("zh"):
        return "zh_CN"
    if tag == "en" or tag.startswith("en_"):
        return "en"
    return None


def from_accept_language(header: str | None) -> str | None:
    """The best of our languages in an ``Accept-Language`` header (q-values honoured)."""
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")[:30]):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        lang = normalise(tag)
        if lang and q > 0:
            choices.append((-q, index, lang))
    return min(choices)[2] if choices else None


def choose(setting: str | None, cookie: str | None, accept_language: str | None) -> str:
    return normalise(setting) or normalise(cookie) or from_accept_language(accept_language) or DEFAULT


def valid_time_zone(name: str) -> bool:
    if not name or len(name) > 64:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@functools.cache
def time_zones() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))


def format_time(ts: float | None, language: str, time_zone: str | None) -> str:
    """A timestamp in the person's language and zone, e.g. ``2026年12月3日 16:05:51 CST``."""
    if ts is None:
        return ""
    zone = ZoneInfo(time_zone) if time_zone and valid_time_zone(time_zone) else UTC
    moment = datetime.fromtimestamp(float(ts), tz=UTC)
    return format_datetime(moment, format="medium", tzinfo=zone, locale=Locale.parse(language)) + " " + (
        moment.astimezone(zone).tzname() or "")
