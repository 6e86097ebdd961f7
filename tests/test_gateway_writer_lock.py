"""SQLite writers of every gateway process queue on one lock beside the database file
(gateway.db.write_transaction), instead of polling SQLite's lock with growing sleeps. Real
processes (fork, as the gateway's workers are started) and a real SQLite file."""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
import time
from pathlib import Path

import sqlalchemy as sa

from gateway.db import open_engine, write_transaction, writer_lock


def _engine(tmp_path: Path) -> sa.Engine:
    engine = open_engine(f"sqlite:///{tmp_path / 'gw.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS log (who TEXT, at REAL)")
    return engine


def _hold_then_log(path: str, who: str, hold: float, started, release) -> None:  # noqa: ANN001
    engine = open_engine(f"sqlite:///{path}")
    with write_transaction(engine) as conn:
        started.set()
        release.wait(10)
        time.sleep(hold)
        conn.exec_driver_sql("INSERT INTO log VALUES (?, ?)", (who, time.time()))
    engine.dispose()


def test_a_writer_in_another_process_waits_for_the_lock(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    ctx = mp.get_context("fork")
    started, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_then_log, args=(str(tmp_path / "gw.db"), "holder", 0.3, started, release))
    holder.start()
    assert started.wait(10)
    lock = writer_lock(engine)
    assert lock is not None and not lock.acquire(blocking=False)   # held by the other process
    release.set()
    with write_transaction(engine) as conn:                        # waits for it, then writes after it
        conn.exec_driver_sql("INSERT INTO log VALUES (?, ?)", ("waiter", time.time()))
    holder.join(10)
    assert holder.exitcode == 0
    with engine.connect() as conn:
        order = [r[0] for r in conn.exec_driver_sql("SELECT who FROM log ORDER BY at")]
    assert order == ["holder", "waiter"]


def _try_lock_in_child(path: str, out) -> None:  # noqa: ANN001
    engine = open_engine(f"sqlite:///{path}")
    out.put(writer_lock(engine).acquire(blocking=False))


def test_a_forked_child_does_not_share_its_parents_lock(tmp_path: Path) -> None:
    """A descriptor inherited through fork shares the parent's flock: the child must open its own."""
    engine = _engine(tmp_path)
    lock = writer_lock(engine)
    assert lock is not None
    out = mp.get_context("fork").SimpleQueue()
    with write_transaction(engine):          # held by this process, descriptor already open
        child = mp.get_context("fork").Process(target=_try_lock_in_child, args=(str(tmp_path / "gw.db"), out))
        child.start()
        child.join(10)
        assert out.get() is False
    child = mp.get_context("fork").Process(target=_try_lock_in_child, args=(str(tmp_path / "gw.db"), out))
    child.start()
    child.join(10)
    assert out.get() is True                  # free once the parent let go


def test_threads_take_turns_and_one_thread_may_nest(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    lock = writer_lock(engine)
    assert lock is not None
    inside: list[int] = []
    overlap: list[bool] = []

    def write(n: int) -> None:
        for _ in range(20):
            with write_transaction(engine) as conn:
                inside.append(n)
                overlap.append(len(inside) > 1)
                conn.exec_driver_sql("INSERT INTO log VALUES (?, ?)", (str(n), time.time()))
                inside.remove(n)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(overlap) == 80 and not any(overlap)
    with lock:                                # re-entrant within a thread
        assert lock.acquire(blocking=False)
        lock.release()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM log").scalar_one() == 80
    assert os.path.exists(str(tmp_path / "gw.db") + ".writer-lock")


def test_postgresql_and_memory_databases_have_no_lock(tmp_path: Path) -> None:
    assert writer_lock(sa.create_engine("sqlite://")) is None
    assert writer_lock(sa.create_engine("postgresql+psycopg://u@127.0.0.1/test")) is None


def _write_as_nobody(path: str, out) -> None:  # noqa: ANN001
    import pwd

    os.setgid(pwd.getpwnam("nobody").pw_gid)
    os.setuid(pwd.getpwnam("nobody").pw_uid)
    try:
        engine = open_engine(f"sqlite:///{path}")
        with write_transaction(engine) as conn:
            conn.exec_driver_sql("INSERT INTO log VALUES (?, ?)", ("nobody", time.time()))
        out.put("written")
    except Exception as exc:  # noqa: BLE001 - reported to the test
        out.put(f"{type(exc).__name__}: {exc}")


def test_a_lock_file_another_user_made_does_not_stop_the_gateway_writing(tmp_path: Path) -> None:
    """A CLI run as root may make the lock file first: the gateway's user must still write,
    through the lock when it can read the file, through SQLite's locking alone when not."""
    if os.geteuid() != 0:
        import pytest

        pytest.skip("needs root to act as two users")
    import shutil
    import tempfile

    shared = Path(tempfile.mkdtemp(prefix="mw-lock-"))      # pytest's own folders are root's alone
    try:
        _as_two_users(shared)
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def _as_two_users(tmp_path: Path) -> None:
    _engine(tmp_path).dispose()
    tmp_path.chmod(0o777)
    for name in ("gw.db", "gw.db-wal", "gw.db-shm"):
        if (tmp_path / name).exists():
            (tmp_path / name).chmod(0o666)
    lock_file = tmp_path / "gw.db.writer-lock"
    out = mp.get_context("fork").SimpleQueue()
    for mode in (0o644, 0o600):            # as this version makes it; as a stricter umask might
        lock_file.unlink(missing_ok=True)
        lock_file.touch(mode=mode)
        lock_file.chmod(mode)
        child = mp.get_context("fork").Process(target=_write_as_nobody, args=(str(tmp_path / "gw.db"), out))
        child.start()
        child.join(30)
        assert out.get() == "written"
