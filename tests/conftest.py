"""Shared fixtures: real databases (SQLite and PostgreSQL), temporary data directories.

PostgreSQL tests run against the server at ``MAILWARDEN_TEST_PG`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``) in a fresh schema per test. They are
skipped only when that server is unreachable *and* ``MAILWARDEN_REQUIRE_POSTGRES`` is unset;
CI sets it, so a missing PostgreSQL fails CI instead of silently skipping.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

PG_URL = os.environ.get("MAILWARDEN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("MAILWARDEN_REQUIRE_POSTGRES", "") not in ("", "0")

_pg_state: dict[str, object] = {}


def _postgres_reachable() -> str | None:
    """Return None when PostgreSQL answers, else the reason it does not (cached per run)."""
    if "reason" not in _pg_state:
        try:
            eng = sa.create_engine(PG_URL)
            with eng.connect() as conn:
                conn.execute(sa.text("select 1"))
            eng.dispose()
            _pg_state["reason"] = None
        except Exception as exc:  # noqa: BLE001 - any failure means unreachable
            _pg_state["reason"] = f"PostgreSQL at {PG_URL} unreachable: {exc}"
    return _pg_state["reason"]  # type: ignore[return-value]


def pg_schema_url() -> Iterator[str]:
    """Create a private schema, yield a URL whose search_path points at it, drop it after."""
    reason = _postgres_reachable()
    if reason:
        if REQUIRE_PG:
            pytest.fail(reason + " (MAILWARDEN_REQUIRE_POSTGRES is set)")
        pytest.skip(reason)
    schema = "t_" + secrets.token_hex(6)
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: runs the test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'mailwarden.db'}"
    else:
        yield from pg_schema_url()


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    """A SQLAlchemy engine on the fresh database (SQLite in WAL mode with foreign keys)."""
    eng = sa.create_engine(database_url)
    if eng.dialect.name == "sqlite":

        @sa.event.listens_for(eng, "connect")
        def _pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=10000")
            cur.close()

    yield eng
    eng.dispose()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def free_port():  # noqa: ANN201
    """A function returning a currently free TCP port on 127.0.0.1."""
    from tests.ports import free_port as pick

    return pick


@pytest.fixture
def gw_engine(database_url: str) -> Iterator[sa.Engine]:
    """The gateway's own engine (open_engine: WAL, busy timeout) on a migrated fresh database."""
    from gateway.db import migrate, open_engine

    engine = open_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()

