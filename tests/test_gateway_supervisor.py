"""The supervisor started by ``mailwarden serve``: a worker that dies is replaced and mail keeps
flowing; signals reach every process; stopping stops them all. Real processes, real signals."""

from __future__ import annotations

import os
import signal
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


def test_a_killed_worker_is_restarted_and_mail_keeps_flowing(tmp_path: Path) -> None:
    sink = Sink().start()
    config = write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}",
                          next_hop=f"127.0.0.1:{sink.port}", smtp_port=free_port(), api_port=free_port(),
                          overrides={"smtp": {"workers": 2}})
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


def test_a_worker_that_keeps_dying_is_restarted_with_growing_delays(tmp_path: Path) -> None:
    """A crash loop must not spin a core: the restart delay doubles within the window."""
    from gateway.supervisor import Slot, Supervisor

    marks = tmp_path / "starts"
    marks.mkdir()

    def crash() -> None:
        (marks / str(time.monotonic_ns())).touch()
        raise SystemExit(3)

    def stop_later() -> None:
        time.sleep(2.2)
        os.kill(os.getppid(), signal.SIGTERM)
        time.sleep(60)

    pid = os.fork()
    if pid == 0:  # the supervisor under test runs in its own process, as in production
        try:
            Supervisor([Slot("crasher", crash), Slot("stopper", stop_later)], stop_timeout=5).run()
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    starts = sorted(int(p.name) for p in marks.iterdir())
    # 0 s, +0 (first exit restarts at once), then 1 s, 2 s ... : within 2.2 s only 3-4 starts.
    assert 3 <= len(starts) <= 4, starts
    gaps = [(b - a) / 1e9 for a, b in zip(starts, starts[1:], strict=False)]
    assert gaps[-1] >= 0.9, gaps
