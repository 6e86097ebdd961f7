"""Rendering console pages: Jinja2 templates with gettext (Babel catalogs), one environment per
language, autoescaped, and the page's security headers.

A template gets ``_``/``gettext``/``ngettext``, ``word``/``who``/``role_word``/``detail_label``
(stored codes in the reader's words, :mod:`admin_api.words`), ``lang`` (catalog name), ``html_lang``,
``principal`` (or None), ``csrf`` (the token every form carries in a hidden ``csrf`` field),
``path`` and the ``when`` filter (a timestamp in the person's language and time zone).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from admin_api import i18n, roles
from admin_api.words import action_word, actor, detail_label, role_word, translate

TEMPLATES = Path(__file__).parent / "templates"


@functools.cache
def environment(language: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(("html",), default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["addr"] = address_breaks
    return env


def address_breaks(address: object) -> Markup:
    """A mail address, escaped, that may wrap after its ``@`` and dots: a narrow column shows
    ``partner@`` / ``other.org`` rather than ``partner@othe`` / ``r.org``."""
    text = str(address or "")
    return Markup("<wbr>").join(escape(part) for part in re.split(r"(?<=[@.])", text))


def page_language(request: Request) -> tuple[str, str | None]:
    """(language, time zone) of this request: the account's settings, cookie, Accept-Language."""
    prefs = getattr(request.state, "prefs", None) or {}
    language = i18n.choose(prefs.get("language"), request.cookies.get(i18n.LANG_COOKIE),
                           request.headers.get("accept-language"))
    return language, prefs.get("time_zone")


def gettext_for(request: Request) -> Any:
    """The ``gettext`` of this request's language (for messages built in Python)."""
    return i18n.translations(page_language(request)[0]).gettext


def ngettext_for(request: Request) -> Any:
    """The ``ngettext`` of this request's language: ``ngettext(singular, plural, n) % {"num": n}``
    (English has two forms, zh_CN one)."""
    return i18n.translations(page_language(request)[0]).ngettext


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    language, zone = page_language(request)
    env = environment(language)
    gettext = i18n.translations(language).gettext
    session = getattr(request.state, "session", None)
    principal = getattr(request.state, "principal", None) if session is not None else None
    values: dict[str, Any] = {
        "lang": language,
        "html_lang": i18n.HTML_LANG[language],
        "principal": principal,
        # the header's links follow the roles table, the same one the pages' dependencies check
        "may": lambda action: principal is not None and roles.allowed(principal.role, action),
        "csrf": session.csrf if session is not None else getattr(request.state, "anon_csrf", ""),
        "path": request.url.path,
        "query": request.url.query,
        "when": lambda ts: i18n.format_time(ts, language, zone),
        "time_zone": zone or "UTC",
        "word": translate(gettext),          # stored codes in the reader's language
        "who": actor(gettext),               # an event's actor: a name, or "system", "sender:ADDR"
        "role_word": role_word(gettext),     # console roles
        "action_word": action_word(gettext),  # audit actions ("" for one it does not know)
        "detail_label": detail_label(gettext),
    }
    values.update(context or {})
    body = env.get_template(template).render(values)
    response = HTMLResponse(body, status_code=status_code, headers=headers)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = i18n.HTML_LANG[language]
    return response
