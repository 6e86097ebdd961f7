"""Held entries nobody can review: who is told, at hold time and after a directory change.

A review source that finds nobody is given to whoever stands in (:func:`quarantine.routing.stand_in`).
When nobody can stand in either (the department's review group and the default review group
are empty or not named), what is drawn from that source can never be approved and the entry
would only wait for its expiry, unseen. The people who can still act are then told at once,
not in a digest (nobody else will act on it): the console's compliance officers, who may
decide any entry as an override with a comment, and its administrators, who fix
directory.yaml. Who they are is the gateway's to say (``unroutable_contacts(conn)``,
:func:`gateway.quarantine_wiring.unroutable_contacts`); without it nobody is told and the
warning log (``quarantine.unroutable``) is all there is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

log = logging.getLogger("mailwarden.quarantine")

# contacts(conn) -> the addresses to tell (the enabled compliance officers and administrators)
Contacts = Callable[[sa.Connection], list[str]]


def empty_sources(routes: Mapping[str, Sequence[str]]) -> list[str]:
    """The sources of ``routes`` that name nobody."""
    return [source for source, people in routes.items() if not people]


def tell_unroutable(conn: sa.Connection, notices: Any, contacts: Contacts | None,
                    entries: Sequence[Mapping[str, Any]], sources: Sequence[str], *, subject: str | None = None,
                    people: Sequence[str] | None = None) -> list[str]:
    """Tell the contacts (or ``people``, when already looked up) that ``entries`` (one message's)
    have nobody for ``sources``; returns who was told. ``subject``: the message's, if known."""
    if people is None:
        people = contacts_of(conn, contacts)
    log.warning("held entry with nobody to review it", extra={
        "event": "quarantine.unroutable", "entries": [e["id"] for e in entries], "sources": list(sources),
        "told": list(people)})
    if people:
        notices.unroutable(conn, entries, people, list(sources), subject)
    return list(people)


def contacts_of(conn: sa.Connection, contacts: Contacts | None) -> list[str]:
    """The contacts' addresses, lower-cased, each once (none without ``contacts``)."""
    return list(dict.fromkeys(p.lower() for p in contacts(conn))) if contacts is not None else []
