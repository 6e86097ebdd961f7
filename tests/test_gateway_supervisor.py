"""The supervisor started by ``mailwarden serve``: a worker that dies is replaced and mail keeps
flowing; signals reach every process; stopping stops them all. Real processes, real signals."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.harness import Sink, SubprocessGateway, free_port, send, simple_message, write_config


def _wait(predicate, timeout: float = 30.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def _two_worker_config(tmp_path: Path) -> tuple[Sink, Path]:
    """A sink and a gateway.yaml with two worker processes (so: primary, worker, indexer)."""
    sink = Sink().start()
    return sink, write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}",
                              next_hop=f"127.0.0.1:{sink.port}", smtp_port=free_port(), api_port=free_port(),
                              overrides={"smtp": {"workers": 2}})


def test_a_killed_worker_is_restarted_and_mail_keeps_flowing(tmp_path: Path) -> None:
    sink, config = _two_worker_config(tmp_path)
    gw = SubprocessGateway(config).start()
    try:
        assert _wait(lambda: len(gw.children()) == 3)      # primary, one worker, the indexer
        before = gw.children()
        assert send(gw.smtp_port, "alice@example.com", ["bob@example.com"], simple_message(subject="one")) == {}
        for pid in before:   # each process in turn, the primary included
            os.kill(pid, signal.SIGKILL)
            assert _wait(lambda p=pid: p not in gw.children() and len(gw.children()) == 3), gw.children()
        assert set(gw.children()).isdisjoint(before)
        assert gw.proc.poll() is None
        log = gw.log_path.read_text()
        assert log.count("exited with signal SIGKILL") == 3, log[-3000:]
        # The replacements accept and deliver (the listening socket survived every restart).
        deadline = time.monotonic() + 30
        while True:
            try:
                refused = send(gw.smtp_port, "alice@example.com", ["carol@example.com"],
                               simple_message(subject="two"))
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert refused == {}
        sink.handler.wait_to("bob@example.com")
        sink.handler.wait_to("carol@example.com")

        # SIGTERM to the supervisor stops every process, and it exits cleanly.
        children = gw.children()
        gw.proc.send_signal(signal.SIGTERM)
        assert gw.proc.wait(60) == 0
        assert _wait(lambda: not any(Path(f"/proc/{pid}").exists() and
                                     "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
                                     for pid in children))
    finally:
        gw.kill()
        sink.stop()


def _supervise_in_child(slots, log_path: Path | None = None, **kwargs) -> int:  # noqa: ANN001
    """Run a Supervisor in its own process, as in production; its exit status: 0 after a
    requested stop, 1 when it gave up, 2 when run() raised."""
    from gateway.supervisor import Supervisor

    pid = os.fork()
    if pid == 0:
        code = 2
        try:
            if log_path is not None:
                handler = logging.FileHandler(log_path)
                logger = logging.getLogger("mailwarden.supervisor")
                logger.addHandler(handler)
                logger.setLevel(logging.INFO)
            code = 0 if Supervisor(slots, **kwargs).run() else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _stop_supervisor_after(seconds: float):  # noqa: ANN202
    def stopper() -> None:
        time.sleep(seconds)
        os.kill(os.getppid(), signal.SIGTERM)
        time.sleep(60)
    return stopper


def test_a_worker_that_keeps_dying_is_restarted_with_growing_delays(tmp_path: Path) -> None:
    """A crash loop must not spin a core: the delay doubles with each exit in the window."""
    from gateway.supervisor import Slot

    marks = tmp_path / "starts"
    marks.mkdir()

    def crash() -> None:
        (marks / str(time.monotonic_ns())).touch()
        time.sleep(0.05)
        raise SystemExit(3)

    log_path = tmp_path / "supervisor.log"
    code = _supervise_in_child([Slot("crasher", crash), Slot("stopper", _stop_supervisor_after(2.0))],
                               log_path, stop_timeout=5, restart_delay=0.1, quick_exit=0.01)
    assert code == 0
    delays = [float(d) for d in re.findall(r"crasher \(pid \d+\) exited with status 3; restarting in ([\d.]+) s",
                                           log_path.read_text())]
    assert delays[:5] == [0.0, 0.1, 0.2, 0.4, 0.8], delays
    # ... and they were kept: each start came no sooner than its delay after the last exit
    starts = sorted(int(p.name) for p in marks.iterdir())
    gaps = [(b - a) / 1e9 - 0.05 for a, b in zip(starts, starts[1:], strict=False)]
    assert len(starts) <= len(delays) + 1
    assert all(gap >= delay - 0.01 for gap, delay in zip(gaps, delays, strict=False)), (gaps, delays)


def test_a_process_that_cannot_start_stops_the_gateway(tmp_path: Path) -> None:
    """Dying right after every start (database gone, say) is not a crash to retry for ever:
    the supervisor stops the others and exits 1, so the port closes and the failure shows."""
    from gateway.supervisor import Slot

    survivor_stopped = tmp_path / "stopped"

    def cannot_start() -> None:
        raise SystemExit(1)

    def healthy() -> None:
        signal.signal(signal.SIGTERM, lambda *_: (survivor_stopped.touch(), os._exit(0)))
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
        time.sleep(60)

    started = time.monotonic()
    assert _supervise_in_child([Slot("broken", cannot_start), Slot("healthy", healthy)],
                               stop_timeout=5, restart_delay=0.05, max_quick_exits=4) == 1
    assert time.monotonic() - started < 20
    assert survivor_stopped.exists()


def test_a_reload_while_a_worker_starts_does_not_kill_it(tmp_path: Path) -> None:
    sink, config = _two_worker_config(tmp_path)
    gw = SubprocessGateway(config).start()
    try:
        assert _wait(lambda: len(gw.children()) == 3)
        for victim in gw.children()[:2]:
            os.kill(victim, signal.SIGKILL)
            assert _wait(lambda v=victim: v not in gw.children() and len(gw.children()) == 3, 30)
            for _ in range(3):   # reloads while the replacement is still starting
                gw.proc.send_signal(signal.SIGHUP)
                time.sleep(0.05)
        time.sleep(2)
        log = gw.log_path.read_text()
        assert "exited with signal SIGHUP" not in log, log[-3000:]
        assert log.count("exited with signal SIGKILL") == 2
        assert len(gw.children()) == 3 and gw.proc.poll() is None
        assert send(gw.smtp_port, "alice@example.com", ["bob@example.com"], simple_message()) == {}
    finally:
        gw.terminate()
        sink.stop()


def test_a_restarted_worker_runs_the_last_good_rules_when_the_file_is_broken(tmp_path: Path) -> None:
    """Rules reloaded, then the file broken (the reload refused): a worker that dies now must
    come back with the rules its siblings run, not fail to start on the broken file."""
    from tests.test_e2e_reload import _codes, block_word_by_sighup, break_rules_by_sighup

    sink, config = _two_worker_config(tmp_path)
    rules = config.parent / "rules.yaml"
    original = rules.read_text()
    gw = SubprocessGateway(config).start()
    try:
        block_word_by_sighup(gw, rules, original, "zebra")
        break_rules_by_sighup(gw, rules, original)
        for victim in gw.children()[:2]:   # the primary and the worker, one after the other
            os.kill(victim, signal.SIGKILL)
            assert _wait(lambda v=victim: v not in gw.children() and len(gw.children()) == 3, 30)
        assert _wait(lambda: _codes(gw.smtp_port, "zebra") == {550}, 30)
        log = gw.log_path.read_text()
        assert "exited with status" not in log and gw.proc.poll() is None, log[-3000:]
    finally:
        gw.terminate()
        sink.stop()


def test_serve_raises_the_open_files_limit_as_far_as_allowed() -> None:
    """500 sessions per process plus next-hop and database connections do not fit the usual
    soft limit of 1024 descriptors."""
    code = (
        "import resource\n"
        "from gateway.server import _raise_open_files_limit\n"
        "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))\n"
        "_raise_open_files_limit(4096)\n"
        "print(resource.getrlimit(resource.RLIMIT_NOFILE)[0], min(4096, hard))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent).stdout.split()
    assert out[0] == out[1]
