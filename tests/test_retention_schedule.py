"""``serve`` purges on a schedule: inside its window, once per interval, one node at a time.

Real services on SQLite and PostgreSQL; "two nodes" are two engines and two schedulers on one
database, as two gateway nodes would be.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from admin_api.tables import audit
from gateway.cli import main
from gateway.db import open_engine
from gateway.retention import PURGE_ACTION, ScheduledPurge, in_window, node_lock
from gateway.settings import load_settings, parse_window
from tests.harness import InProcessGateway, free_port, write_config
from tests.test_retention_guard import _remaining, _services, _stage

KEPT = ("held", "legal", "queued", "delivering", "young")
GONE = ("released", "delivered", "old_in", "old_out")


def test_windows() -> None:
    assert parse_window("02:00-05:00") == (120, 300)
    assert parse_window("22:30-04:00") == (1350, 240)
    assert parse_window("") is None
    for bad in ("2-5", "25:00-26:00", "05:00-05:00", "02:00-24:30"):
        with pytest.raises(ValueError):
            parse_window(bad)
    at = time.mktime((2026, 3, 2, 3, 0, 0, 0, 0, -1))            # 03:00 local
    assert in_window((120, 300), at) and not in_window((300, 360), at)
    assert in_window((1350, 240), at) and in_window(None, at)
    assert not in_window((1350, 240), at + 3 * 3600)


def test_bad_window_names_file_line_key(tmp_path: Path, capsys) -> None:
    cfg = tmp_path / "gateway.yaml"
    cfg.write_text("archive:\n  purge_interval: 1d\n  purge_window: 2am-5am\n")
    assert main(["archive", "purge", "--dry-run", "--config", str(cfg)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"mailwarden: {cfg}:3: archive.purge_window: not a time window"), err


def _scheduler(config: Path, node: str, clock) -> tuple[ScheduledPurge, sa.Engine, object]:  # noqa: ANN001
    settings = load_settings(config)
    services = _services(config)
    purge = ScheduledPurge(services.engine, services.archive, settings.archive.retention,
                           default_days=settings.archive.default_retention_days, interval=3600.0,
                           window=parse_window("00:00-24:00"), node=node, clock=clock)
    return purge, services.engine, services


def _runs(engine: sa.Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return [(r.actor, r.outcome) for r in conn.execute(
            sa.select(audit.c.actor, audit.c.outcome).where(audit.c.action == PURGE_ACTION).order_by(audit.c.id))]


@pytest.fixture
def gateway_config(tmp_path: Path, database_url: str) -> Path:
    return write_config(tmp_path / "gw", database_url=database_url, next_hop="127.0.0.1:9",
                        smtp_port=free_port(), api_port=free_port(),
                        overrides={"archive": {"default_retention_days": 30, "purge_interval": "1s",
                                               "purge_window": "",
                                               "retention": [{"direction": "inbound", "days": 10}]}})


def test_one_node_at_a_time_once_per_interval(gateway_config: Path, capsys) -> None:
    ids = _stage(gateway_config)
    _cli_hold(gateway_config, capsys)
    now = [time.time()]
    a, engine_a, services_a = _scheduler(gateway_config, "node-a", lambda: now[0])
    b, _engine_b, services_b = _scheduler(gateway_config, "node-b", lambda: now[0])
    try:
        with node_lock(engine_a) as got:          # node A is purging: B must not start
            assert got
            assert b.run_if_due() is None
        assert _runs(engine_a) == []
        report = a.run_if_due()
        assert report is not None and set(report.purged_ids) == {ids[k] for k in GONE}
        assert report.needed == 3 and report.held == 1
        assert b.run_if_due() is None             # ran 0 s ago on another node: not due
        now[0] += 3601
        hour = time.localtime(now[0]).tm_hour
        b.window = parse_window(f"{(hour + 1) % 24:02d}:00-{(hour + 2) % 24:02d}:00")
        assert b.run_if_due() is None             # due, but outside its window
        b.window = None
        assert b.run_if_due().purged == 0         # due again: B runs, nothing more to remove
        assert _runs(engine_a) == [("system:node-a", "ok"), ("system:node-b", "ok")]
    finally:
        services_a.close()
        services_b.close()
    remaining = _remaining(gateway_config)
    assert {ids[k] for k in KEPT} <= remaining and not {ids[k] for k in GONE} & remaining


def test_serve_purges_on_its_schedule(gateway_config: Path, capsys) -> None:
    """Failed on the old code: serve never purged (nothing ran it)."""
    ids = _stage(gateway_config)
    _cli_hold(gateway_config, capsys)
    gateway = InProcessGateway(gateway_config, with_api=False).start()
    try:
        deadline = time.monotonic() + 30
        engine = open_engine(load_settings(gateway_config).database_url)
        try:
            while not _runs(engine) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert _runs(engine)[:1] == [(f"system:{gateway.gateway.worker.node}", "ok")]
        finally:
            engine.dispose()
    finally:
        gateway.stop()
    remaining = _remaining(gateway_config)
    assert {ids[k] for k in KEPT} <= remaining and not {ids[k] for k in GONE} & remaining


def _cli_hold(config: Path, capsys) -> None:  # noqa: ANN001
    assert main(["archive", "hold", "add", "address", "lawyer@corp.example", "--reason", "case 7",
                 "--by", "counsel", "--config", str(config)]) == 0
    capsys.readouterr()


def test_cli_purge_waits_its_turn(gateway_config: Path, capsys) -> None:
    ids = _stage(gateway_config)
    engine = open_engine(load_settings(gateway_config).database_url)
    try:
        with node_lock(engine) as got:            # serve's scheduled purge is running
            assert got
            assert main(["archive", "purge", "--config", str(gateway_config)]) == 1
            assert "a purge is running" in capsys.readouterr().err
            assert main(["archive", "purge", "--dry-run", "--config", str(gateway_config)]) == 0
    finally:
        engine.dispose()
    assert ids["old_out"] in _remaining(gateway_config)
    assert main(["archive", "purge", "--config", str(gateway_config)]) == 0
    assert ids["old_out"] not in _remaining(gateway_config)
