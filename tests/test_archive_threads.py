"""archive.threads on real databases (SQLite and PostgreSQL): a reply's references are looked up among
the archived Message-IDs, exactly, over the index the ``thread_index`` migration adds to a database
made before it; a hostile 100 KB Message-ID is archived and found like any other."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from archive.mime import meta_from_raw
from archive.threads import MAX_REFERENCES, PREFIX, referenced_ids, thread_known
from gateway.db import migrate, open_engine
from tests.test_archive_support import build, make_archive

INDEX = "ix_archive_records_message_id"


def _has_index(engine: sa.Engine) -> bool:
    query = ("SELECT name FROM sqlite_master WHERE type = 'index' AND name = :n" if engine.dialect.name == "sqlite"
             else "SELECT indexname FROM pg_indexes WHERE indexname = :n AND schemaname = current_schema()")
    with engine.connect() as conn:
        return conn.execute(sa.text(query), {"n": INDEX}).first() is not None


def test_the_migration_adds_the_index_to_an_older_database(database_url: str) -> None:
    engine = open_engine(database_url)
    try:
        migrate(engine)
        with engine.begin() as conn:  # the schema as it was before
            conn.execute(sa.text(f"DROP INDEX {INDEX}"))
            conn.execute(sa.text("UPDATE alembic_version SET version_num = 'routed_under'"))
        assert not _has_index(engine)
        migrate(engine)
        assert _has_index(engine)
        migrate(engine)  # idempotent
        assert _has_index(engine)
    finally:
        engine.dispose()


def test_archived_message_ids_are_found_exactly(engine: sa.Engine, tmp_path: Path) -> None:
    archive = make_archive(engine, tmp_path)
    long_id = "<" + "x" * 100_000 + "@hostile.example>"   # past any B-tree entry's size
    for msgid in ("<q1@example.com>", long_id, "<" + "y" * PREFIX + "-a@example.com>"):
        raw = build("Quote", "Please find our quote.", msgid=msgid)
        with engine.begin() as conn:
            archive.store(conn, raw, meta_from_raw(raw))
    with engine.connect() as conn:
        assert thread_known(conn, ["<q1@example.com>"])
        assert thread_known(conn, ["<nobody@else.example>", long_id])
        assert not thread_known(conn, ["<Q1@example.com>"])         # as written: ids are case-sensitive
        assert not thread_known(conn, ["<" + "y" * PREFIX + "-b@example.com>"])   # same prefix, another id
        assert not thread_known(conn, [])


def test_references_are_read_newest_first_and_bounded() -> None:
    refs = " ".join(f"<r{i}@example.com>" for i in range(40))
    ids = referenced_ids("<irt@example.com>", refs)
    assert ids[:3] == ["<irt@example.com>", "<r39@example.com>", "<r38@example.com>"]
    assert len(ids) == MAX_REFERENCES
    assert referenced_ids("", "no ids here") == []


@given(st.text(max_size=300), st.text(max_size=300))
def test_reading_references_never_fails(in_reply_to: str, references: str) -> None:
    ids = referenced_ids(in_reply_to, references)
    assert len(ids) <= MAX_REFERENCES
    assert all(i.startswith("<") and i.endswith(">") for i in ids)


@pytest.mark.parametrize("header", ["<a@b> <c@d>", "<a@b>\r\n <c@d>", "<a@b>,<c@d>"])
def test_folded_and_comma_separated_references_are_read(header: str) -> None:
    assert referenced_ids("", header) == ["<c@d>", "<a@b>"]


def test_an_id_with_a_nul_is_not_looked_up() -> None:
    # PostgreSQL refuses a NUL in text: looked up, the id made the query fail (review 19); it is no Message-ID
    assert referenced_ids("<a\x00b@evil.example>", "") == []


def test_only_a_message_one_of_our_people_sent_makes_a_thread(engine: sa.Engine, tmp_path: Path) -> None:
    archive = make_archive(engine, tmp_path)
    for msgid, direction in (("<theirs@outside.example>", "inbound"), ("<ours@example.com>", "outbound")):
        raw = build("Quote", "Please find our quote.", msgid=msgid)
        meta = meta_from_raw(raw)
        meta.direction = direction
        with engine.begin() as conn:
            archive.store(conn, raw, meta)
    with engine.connect() as conn:
        assert not thread_known(conn, ["<theirs@outside.example>"])
        assert thread_known(conn, ["<theirs@outside.example>", "<ours@example.com>"])
