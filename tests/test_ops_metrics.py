"""``/metrics`` is the whole node's: every process of ``mailwarden serve`` counts into it, and
the gauges an operator pages on are there. Real processes, real SMTP, real HTTP."""

from __future__ import annotations

import concurrent.futures
import os
import signal
import time
import urllib.request
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.harness import Sink, SubprocessGateway, free_port, send, simple_message, write_config


def scrape(port: int) -> dict[str, float]:
    """Every sample of /metrics as ``name{labels}`` -> value (labels sorted)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as response:
        text = response.read().decode()
    samples: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()) if k != "pid")
            key = f"{sample.name}{{{labels}}}"
            samples[key] = samples.get(key, 0.0) + sample.value
    return samples


def total(samples: dict[str, float], name: str) -> float:
    return sum(v for k, v in samples.items() if k.startswith(name + "{"))


def _wait(predicate, timeout: float = 30.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def test_forty_messages_through_two_workers_show_forty(tmp_path: Path) -> None:
    sink = Sink().start()
    config = write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}",
                          next_hop=f"127.0.0.1:{sink.port}", smtp_port=free_port(), api_port=free_port(),
                          overrides={"smtp": {"workers": 2}})
    gw = SubprocessGateway(config).start()
    try:
        def one(i: int) -> dict:
            return send(gw.smtp_port, "alice@example.com", ["bob@example.com"], simple_message(subject=f"m{i}"))

        with concurrent.futures.ThreadPoolExecutor(8) as pool:   # connections spread over both workers
            assert all(r == {} for r in pool.map(one, range(40)))
        sink.handler.wait_for(40)
        samples = scrape(gw.api_port)
        assert total(samples, "mailwarden_messages_accepted_total") == 40, samples
        assert _wait(lambda: total(scrape(gw.api_port), "mailwarden_recipients_delivered_total") == 40)

        # A worker killed and restarted: what it counted still counts (its files stay).
        workers = gw.children()
        os.kill(workers[1], signal.SIGKILL)
        assert _wait(lambda: len(gw.children()) == 3 and workers[1] not in gw.children())
        assert total(scrape(gw.api_port), "mailwarden_messages_accepted_total") == 40
    finally:
        gw.terminate()
        sink.stop()


def test_gauges_an_operator_pages_on(tmp_path: Path) -> None:
    sink = Sink().start()
    config = write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}",
                          next_hop=f"127.0.0.1:{sink.port}", smtp_port=free_port(), api_port=free_port())
    gw = SubprocessGateway(config).start()
    try:
        held = "From: alice@example.com\r\nTo: partner@other.org\r\nSubject: 合同\r\n\r\n本文件绝密，严禁外传。\r\n"
        assert send(gw.smtp_port, "alice@example.com", ["partner@other.org"], held.encode()) == {}
        sink.stop()     # the next hop is gone: the next message waits in the queue
        assert send(gw.smtp_port, "alice@example.com", ["bob@example.com"], simple_message()) == {}
        time.sleep(2.5)
        samples = scrape(gw.api_port)
        assert samples['mailwarden_rule_hits_total{action=quarantine,rule=outbound-confidential-marker}'] == 1
        assert samples["mailwarden_quarantine_held{}"] == 1
        assert samples["mailwarden_quarantine_oldest_held_age_seconds{}"] >= 2
        # nobody has an account yet: nobody can decide it
        assert samples["mailwarden_quarantine_held_without_reviewer{}"] == 1
        assert samples["mailwarden_queue_depth{}"] >= 1
        assert samples["mailwarden_queue_oldest_age_seconds{}"] >= 2
        assert samples["mailwarden_disk_free_bytes{store=data}"] > 0
        assert "mailwarden_index_pending{}" in samples and "mailwarden_index_lag_seconds{}" in samples
        assert samples["mailwarden_node_gauges_up{}"] == 1
    finally:
        gw.terminate()

