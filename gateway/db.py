"""Database engine and schema migrations shared by every command of the gateway.

SQLite is tuned for durability first: WAL with ``synchronous=FULL`` so a committed
transaction survives power loss, which is what lets the gateway answer ``250``.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import stat
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
log = logging.getLogger("mailwarden.db")


def open_engine(url: str, *, pool_size: int = 10) -> sa.Engine:
    """An engine for ``url``; creates the SQLite file's folder, sets pragmas on each connection."""
    if url.startswith("sqlite"):
        db_path = sa.engine.make_url(url).database
        if db_path and db_path != ":memory:":
            parent = Path(db_path).parent
            if not parent.exists():
                private_dir(parent)
            private_file(Path(db_path))
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


def private_dir(path: Path) -> None:
    """Make (or keep) a directory of ours 0700: it holds the database, blobs, TLS keys. A
    shared directory (sticky bit: /tmp and the like) is never narrowed."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):
        if path.stat().st_mode & stat.S_ISVTX or path.resolve() == Path("/"):
            return
    _restrict(path, 0o700)


def private_file(path: Path) -> None:
    """The SQLite database (and its -wal/-shm, which SQLite creates with the database's mode)
    0600: it holds addresses, rules hit, the audit log. Created empty with that mode if new."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for suffix in ("", "-wal", "-shm"):
        _restrict(Path(f"{path}{suffix}"), 0o600)


def _restrict(path: Path, mode: int) -> None:
    """chmod a path we own to ``mode`` (someone else's — a root-made dir — is left alone)."""
    try:
        st = path.stat()
        if st.st_uid == os.geteuid() and (st.st_mode & 0o777) & ~mode:
            os.chmod(path, mode)
    except OSError:
        pass


class _SQLiteConnection(sa.Connection):
    """Marks transactions SQLAlchemy starts on its own (autobegin) for the begin hook."""

    def _autobegin(self) -> None:
        in_begin = getattr(self, "_Connection__in_begin", False)
        if self._transaction is None and self._allow_autobegin and not in_begin:
            self.info["autobegin"] = True
        super()._autobegin()


@contextlib.contextmanager
def write_transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A transaction meant to write (on SQLite every transaction takes the write lock).

    On a SQLite file the writers of every process queue on a :class:`WriterLock` first. SQLite
    itself makes a writer that finds the database locked poll with growing sleeps (1, 2, 5,
    10, 15 ms...), so two gateway processes committing in turn each kept waking up too late:
    the lock was free for most of the sleep while sessions waited for their ``250``. Waiting
    on a lock the kernel hands over the moment it is released keeps SQLite's lock a formality
    for these writers; SQLite's own locking still decides for everything else (a CLI, the
    API's writes), so correctness never depends on this lock."""
    lock = writer_lock(engine)
    if lock is None:
        with engine.begin() as conn:
            yield conn
        return
    with lock, engine.begin() as conn:
        yield conn


class WriterLock:
    """One writer at a time on a SQLite database, across threads and processes: a re-entrant
    thread lock, then an exclusive ``flock`` on a file beside the database. Each process opens
    its own descriptor (a descriptor inherited through fork would share the parent's lock).

    The file is opened read-only (enough for ``flock``) and made readable by all, so one first
    made by another user (a CLI run as root) does not lock the gateway out; where it cannot be
    opened at all, this process goes on with the thread lock alone and SQLite's locking."""

    def __init__(self, path: str):
        self.path = path
        self._reset()

    def _reset(self) -> None:
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None
        self._pid = 0
        self._unavailable = False

    def _after_fork(self) -> None:
        """In a forked child: drop the parent's descriptor and whatever state its threads had."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
        self._reset()

    def _descriptor(self) -> int | None:
        if (self._fd is None or self._pid != os.getpid()) and not self._unavailable:
            try:
                self._fd = os.open(self.path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
                self._pid = os.getpid()
            except OSError as exc:
                self._unavailable = True
                log.warning("cannot open %s (%s); writers fall back to SQLite's own locking", self.path, exc)
        return None if self._unavailable else self._fd

    def acquire(self, blocking: bool = True) -> bool:
        if not self._thread_lock.acquire(blocking):
            return False
        if self._depth == 0:
            fd = self._descriptor()
            if fd is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
                except BlockingIOError:
                    self._thread_lock.release()
                    return False
                except BaseException:
                    self._thread_lock.release()
                    raise
        self._depth += 1
        return True

    def release(self) -> None:
        try:
            self._depth -= 1
            if self._depth == 0 and self._fd is not None and not self._unavailable:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


_writer_locks: dict[str, WriterLock] = {}
_writer_locks_guard = threading.Lock()
_lock_of_engine: weakref.WeakKeyDictionary[sa.Engine, WriterLock | None] = weakref.WeakKeyDictionary()


def writer_lock(engine: sa.Engine) -> WriterLock | None:
    """The process's writer lock for ``engine``'s SQLite file (None: not a SQLite file).
    Looked up once per engine: every group commit asks, and resolving the path takes syscalls."""
    try:
        return _lock_of_engine[engine]
    except KeyError:
        pass
    lock = None
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:" and not database.startswith("file:"):
        path = os.path.realpath(database) + ".writer-lock"
        with _writer_locks_guard:
            lock = _writer_locks.get(path)
            if lock is None:
                lock = _writer_locks[path] = WriterLock(path)
    _lock_of_engine[engine] = lock
    return lock


def _after_fork_in_child() -> None:
    # Another thread of the parent may have held a lock at the fork: start clean.
    global _writer_locks_guard
    _writer_locks_guard = threading.Lock()
    for lock in _writer_locks.values():
        lock._after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)


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
