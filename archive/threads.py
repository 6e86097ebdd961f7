"""Whether an inbound reply answers a message the archive holds (the thread is ours).

A reply names the messages it answers in ``In-Reply-To`` and ``References``. Those headers are
what made mail from outside count as solicited in the scam reading (``rules.scams``: mail that
is no reply is unsolicited, and only unsolicited mail is read for the boss's opener, the mule's
job, the stranger's befriending, the domain scare). A scam that writes a made-up ``References``
line wore that for free. The archive holds every message the gateway accepted, ours and theirs,
so a reply whose references name none of the messages our people sent answers no thread of ours: the
gateway reads it as unsolicited (so it does a reply header that names no Message-ID, and one whose lookup
fails). Where the archive is not asked (``mailwarden check``, a message that names no
reference) nothing changes.

Message-IDs are compared exactly as they were written, over an index of their first
:data:`PREFIX` characters (``archive_records.message_id`` is unbounded text; a B-tree entry is
not, and a hostile Message-ID of 100 KB must not stop its message from being archived).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlalchemy as sa

from archive import tables as t

PREFIX = 200           # characters of a Message-ID the index holds
MAX_REFERENCES = 20    # the newest references looked up (a thread's last messages are ours if any are)
_ID = re.compile(r"<[^<>\s\x00]{1,900}>")  # (no NUL: PostgreSQL refuses one in text, and the lookup would fail)


def indexed_prefix(column: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
    """The indexed expression, written with literal bounds (SQLite uses an expression index only
    for the same expression, and a bound parameter is not the same)."""
    return sa.func.substr(column, sa.literal_column("1"), sa.literal_column(str(PREFIX)))


def referenced_ids(in_reply_to: str, references: str) -> list[str]:
    """The Message-IDs a reply names, ``<…>`` as written: ``In-Reply-To`` first, then the newest
    ``References`` (at most :data:`MAX_REFERENCES` in all)."""
    ids = _ID.findall(in_reply_to or "") + _ID.findall(references or "")[::-1]
    return list(dict.fromkeys(ids))[:MAX_REFERENCES]


def thread_known(conn: sa.Connection, ids: Sequence[str]) -> bool:
    """Whether any of ``ids`` is the Message-ID of an archived message one of our people sent (outbound or
    internal): the thread is ours only where we took part in it. A message from outside that we never answered
    is no thread of ours, or a scammer could send one first and then "reply" to it (a review found it)."""
    if not ids:
        return False
    col = t.records.c.message_id
    # (the exact comparison in Python: beside it in SQL, SQLite's planner leaves the index and scans)
    wanted = set(ids)
    rows = conn.execute(sa.select(col, t.records.c.direction)
                        .where(indexed_prefix(col).in_([i[:PREFIX] for i in wanted])).limit(50))
    return any(mid in wanted and direction != "inbound" for mid, direction in rows)


def names_a_thread(in_reply_to: str, references: str) -> bool:
    """Whether a message says it is a reply at all (either header with anything in it)."""
    return bool((in_reply_to or "").strip() or (references or "").strip())
