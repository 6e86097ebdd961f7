"""CompiledStatement runs on the DBAPI cursor but must look like ``Connection.execute`` to its
callers: the same rows written, the same SQLAlchemy error classes, a lost connection
invalidated. Real SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from archive.statements import CompiledStatement
from gateway.db import open_engine

meta = sa.MetaData()
things = sa.Table(
    "statement_things", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("tags", sa.JSON, nullable=False),
    sa.Column("flag", sa.Boolean, nullable=False),
    sa.Column("note", sa.String(40), nullable=True),
)


@pytest.fixture
def db(database_url: str):  # noqa: ANN201
    engine = open_engine(database_url)
    meta.create_all(engine)
    yield engine
    engine.dispose()


def test_rows_written_equal_those_of_connection_execute(db: sa.Engine) -> None:
    insert = CompiledStatement(things.insert(), db.dialect)
    rows = [{"id": 1, "tags": ["机密", {"a": 1}], "flag": True, "note": None},
            {"id": 2, "tags": [], "flag": False, "note": "x"}]
    with db.begin() as conn:
        insert.run(conn, rows[0])
        insert.run_many(conn, rows[1:])
        conn.execute(things.insert(), [{**r, "id": r["id"] + 10} for r in rows])
    with db.connect() as conn:
        got = [dict(r._mapping) for r in conn.execute(sa.select(things).order_by(things.c.id))]
    assert [{**r, "id": r["id"] - 10} for r in got[2:]] == got[:2]
    assert got[0]["tags"] == ["机密", {"a": 1}] and got[0]["flag"] is True


def test_an_update_reports_its_rowcount_and_returning_rows(db: sa.Engine) -> None:
    with db.begin() as conn:
        conn.execute(things.insert(), {"id": 5, "tags": [], "flag": False, "note": "a"})
        update = CompiledStatement(
            things.update().where(things.c.id == sa.bindparam("k")).values(note=sa.bindparam("n"))
            .returning(things.c.id, things.c.note), db.dialect)
        cursor = update.run(conn, {"k": 5, "n": "b"})
        assert cursor.fetchall() == [(5, "b")]
        assert update.run(conn, {"k": 6, "n": "c"}).fetchall() == []


def test_errors_keep_sqlalchemy_classes_and_the_transaction_rolls_back(db: sa.Engine) -> None:
    insert = CompiledStatement(things.insert(), db.dialect)
    row = {"id": 1, "tags": [], "flag": True, "note": None}
    with db.begin() as conn:
        insert.run(conn, row)
    with pytest.raises(sa.exc.IntegrityError) as raised, db.begin() as conn:
        insert.run(conn, {**row, "id": 2})
        insert.run(conn, row)                     # duplicate primary key
    assert "statement_things" in str(raised.value.statement)
    with pytest.raises(sa.exc.IntegrityError), db.begin() as conn:
        insert.run_many(conn, [{**row, "id": 3}, row])
    with db.connect() as conn:                    # neither failed transaction left a row
        assert conn.execute(sa.select(sa.func.count()).select_from(things)).scalar_one() == 1


def test_statements_need_a_transaction_the_caller_began(db: sa.Engine) -> None:
    insert = CompiledStatement(things.insert(), db.dialect)
    with db.connect() as conn, pytest.raises(RuntimeError, match="transaction"):
        insert.run(conn, {"id": 1, "tags": [], "flag": True, "note": None})


def test_a_lost_connection_is_invalidated(db: sa.Engine) -> None:
    if db.dialect.name != "postgresql":
        pytest.skip("a server connection that can be cut from outside: PostgreSQL")
    insert = CompiledStatement(things.insert(), db.dialect)
    with db.connect() as conn:
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        with db.connect() as other:
            other.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
        with pytest.raises(sa.exc.DBAPIError) as raised:
            insert.run(conn, {"id": 9, "tags": [], "flag": True, "note": None})
        assert raised.value.connection_invalidated
        assert conn.invalidated
    with db.begin() as conn:                      # the pool hands out a working connection again
        insert.run(conn, {"id": 9, "tags": [], "flag": True, "note": None})
