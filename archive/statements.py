"""Hot-path statements: compiled once, run on the connection's own DBAPI cursor.

Every accepted message runs about ten statements in the group-commit transaction. Through
``Connection.execute`` (or even ``exec_driver_sql``) SQLAlchemy's per-execution machinery —
cache key, execution context, result set-up, event dispatch — costs three to four times what
SQLite spends running the statement, and it all runs under the GIL that the event loop
needs. A :class:`CompiledStatement` keeps what SQLAlchemy contributes that matters (the SQL
it compiles for the dialect and its bind processors: JSON, booleans, PostgreSQL casts) and
sends it on the DBAPI cursor of the same connection, inside the caller's transaction.

Errors keep SQLAlchemy's types (``IntegrityError``, ``OperationalError``, ...), and a
connection the dialect recognises as dropped is invalidated, as ``Connection.execute``
would do, so callers and the pool cannot tell the difference. Results are DBAPI cursors:
``fetchone()``/``fetchall()`` give plain tuples, with no result processing (use these for
integers and strings, which need none). A statement with RETURNING must have its rows
fetched: on SQLite an unfinished statement makes the COMMIT fail. Statements run only in a
transaction the caller began (SQLAlchemy does not see them, so it would not begin one).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa


class CompiledStatement:
    """A statement compiled for one dialect; ``run`` executes it on a connection's cursor."""

    __slots__ = ("sql", "positional", "fixed", "steps", "names", "_dialect")

    def __init__(self, stmt: Any, dialect: sa.Dialect):
        compiled = stmt.compile(dialect=dialect)
        self._dialect = dialect
        self.sql: str = compiled.string
        self.positional: bool = compiled.positional
        binds = {name: bind for bind, name in compiled.bind_names.items()}
        names = list(compiled.positiontup) if compiled.positional else list(binds)
        self.fixed = {n: b.value for n, b in binds.items() if not b.required}     # literals (id = 1)
        self.steps = tuple((n, binds[n].type.dialect_impl(dialect).bind_processor(dialect)) for n in names)
        self.names = tuple(names)

    @classmethod
    def compose(cls, sql: str, parts: Iterable[CompiledStatement], plain: Iterable[str] = ()) -> CompiledStatement:
        """A statement of named-parameter (PostgreSQL) ``parts`` (their SQL is in ``sql``) and
        ``plain`` parameters passed as they are."""
        self = object.__new__(cls)
        self.sql, self.positional, self.fixed = sql, False, {}
        steps: dict[str, Any] = {}
        for part in parts:
            assert not part.positional
            self._dialect = part._dialect
            for name, proc in part.steps:
                assert steps.get(name, proc) is proc, f"parameter {name} differs between parts"
                steps[name] = proc
            self.fixed.update(part.fixed)
        steps.update((name, None) for name in plain)
        self.steps = tuple(steps.items())
        self.names = tuple(steps)
        return self

    def params(self, values: dict[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        if self.fixed:
            values = {**self.fixed, **values}
        out = [values[name] if proc is None else proc(values[name]) for name, proc in self.steps]
        return tuple(out) if self.positional else dict(zip(self.names, out, strict=True))

    def run(self, conn: sa.Connection, values: dict[str, Any] | None = None) -> Any:
        """Execute once in ``conn``'s transaction; the DBAPI cursor (rowcount, fetch*)."""
        return self._execute(conn, self.params(values or {}), many=False)

    def run_many(self, conn: sa.Connection, rows: list[dict[str, Any]]) -> Any:
        """Execute for each of ``rows`` (executemany; no RETURNING rows)."""
        return self._execute(conn, [self.params(r) for r in rows], many=True)

    def _execute(self, conn: sa.Connection, params: Any, *, many: bool) -> Any:
        cursor = self._cursor(conn)
        try:
            (cursor.executemany if many else cursor.execute)(self.sql, params)
        except self._dialect.loaded_dbapi.Error as exc:
            self._raise(conn, params, exc, many=many)
        return cursor

    @staticmethod
    def _cursor(conn: sa.Connection) -> Any:
        if not conn.in_transaction():
            raise RuntimeError("CompiledStatement runs inside a transaction the caller began")
        return conn.connection.dbapi_connection.cursor()   # type: ignore[union-attr]

    def _raise(self, conn: sa.Connection, params: Any, exc: Exception, *, many: bool) -> None:
        """Raise ``exc`` as ``Connection.execute`` would: wrapped in SQLAlchemy's matching
        error class, the connection invalidated when the dialect says it was lost."""
        dialect = self._dialect
        lost = dialect.is_disconnect(exc, conn.connection.dbapi_connection, None)
        wrapped = sa.exc.DBAPIError.instance(self.sql, params, exc, dialect.loaded_dbapi.Error,
                                             connection_invalidated=lost, dialect=dialect, ismulti=many)
        if lost:
            conn.invalidate(exc)
        raise wrapped from exc
