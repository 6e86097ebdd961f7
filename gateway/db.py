"""Database engine and schema migrations shared by every command of the gateway.

SQLite is tuned for durability first: WAL with ``synchronous=FULL`` so a committed
transaction survives power loss, which is what lets the gateway answer ``250``.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def open_engine(url: str, *, pool_size: int = 10) -> sa.Engine:
    """An engine for ``url``; creates the SQLite file's folder, sets pragmas on each connection."""
    if url.startswith("sqlite"):
        db_path = sa.engine.make_url(url).database
        if db_path and db_path != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            # pysqlite's own transaction handling delays BEGIN; take control so that
            # "BEGIN IMMEDIATE" can be issued where a write lock is needed up front.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        engine._connection_cls = _SQLiteConnection  # type: ignore[attr-defined]

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(conn: sa.Connection) -> None:
            # An explicit transaction (engine.begin(), conn.begin()) means "I will write":
            # it takes the write lock up front. A deferred transaction that reads and then
            # writes fails at once with SQLITE_BUSY when another writer committed in between
            # (no busy wait applies to that upgrade); IMMEDIATE waits its turn instead.
            # Implicit transactions (a plain read on engine.connect()) stay deferred, so
            # readers never queue behind writers.
            implicit = conn.info.pop("autobegin", False)
            conn.exec_driver_sql("BEGIN" if implicit else "BEGIN IMMEDIATE")

        return engine
    return sa.create_engine(url, pool_size=pool_size, max_overflow=20, pool_pre_ping=True)


class _SQLiteConnection(sa.Connection):
    """Marks transactions SQLAlchemy starts on its own (autobegin) for the begin hook."""

    def _autobegin(self) -> None:
        in_begin = getattr(self, "_Connection__in_begin", False)
        if self._transaction is None and self._allow_autobegin and not in_begin:
            self.info["autobegin"] = True
        super()._autobegin()


def write_transaction(engine: sa.Engine):  # noqa: ANN201 - context manager
    """A transaction meant to write (on SQLite every transaction takes the write lock)."""
    return engine.begin()


def alembic_config(engine: sa.Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: sa.Engine) -> None:
    """Bring the schema to the newest revision; safe to run from several nodes at once."""
    cfg = alembic_config(engine)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(726173)"))
            try:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                conn.commit()
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(726173)"))
                conn.commit()
    else:
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
