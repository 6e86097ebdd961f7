"""Backtest of a candidate rules file against the archive, fed over real SMTP (SQLite and
PostgreSQL): per rule exactly the messages whose outcome would change, the same from the CLI,
and the same as a background job whose progress and result are kept in the database."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from admin_api.jobs import STALE_AFTER, JobNotFound, JobStore
from admin_api.tables import jobs as jobs_table
from archive import tables as at
from gateway.backtest import backtest, candidate_policy, format_result
from tests.harness import REPO, gateway_with_sink, send, simple_message
from tests.test_cli import mailwarden

FALCON_RULE = """
  - name: falcon-hold
    description: Project Falcon stays in the house until announced
    priority: 400
    when: {subject: {terms: ["ProjectFalcon"]}}
    action: quarantine
    review: supervisor
"""

# Only the new rule: the confidential message the shipped rules held would now be delivered.
SMALL_RULES = "version: 1\nrules:" + FALCON_RULE


def _message(n: int, subject: str, body: str = "Status update.\r\n", to: str = "bob@example.com") -> bytes:
    raw = simple_message(subject=subject, body=body, to=to)
    return raw.replace(b"Message-ID: <", f"Message-ID: <bt{n}.".encode(), 1)


@pytest.fixture
def seeded(tmp_path: Path, database_url: str):  # noqa: ANN201
    """A gateway on the shipped rules that archived 20 messages: 3 with ProjectFalcon in the
    subject, one outbound confidential message (held), 16 ordinary. Yields (gateway, ids)."""
    with gateway_with_sink(tmp_path / "gw", database_url) as (gateway, sink):
        for n in range(20):
            if n in (3, 9, 15):
                raw, to = _message(n, f"ProjectFalcon weekly {n}"), "bob@example.com"
            elif n == 12:
                to = "partner@other.org"
                raw = _message(n, "Contract", "本文件绝密，严禁外传。\r\n", to=to)
            else:
                raw, to = _message(n, f"Lunch {n}"), "bob@example.com"
            send(gateway.smtp_port, "alice@example.com", [to], raw)
        engine = gateway.services.engine
        with engine.connect() as conn:
            rows = conn.execute(sa.select(at.records.c.id, at.records.c.message_id)
                                .where(at.records.c.event == "accepted")).all()
        ids = {int(mid.split(".", 1)[0].removeprefix("<bt")): rid for rid, mid in rows if mid.startswith("<bt")}
        assert len(ids) == 20
        yield gateway, ids


def _candidate(gateway, tmp_path: Path, text: str) -> Path:  # noqa: ANN001
    live = Path(gateway.services.settings.rules_path)
    path = live.parent / "candidate.yaml"     # beside the live file: its lists/ resolve the same
    path.write_text(text)
    return path


def test_backtest_lists_exactly_the_messages_a_new_rule_would_hold(seeded, tmp_path: Path) -> None:
    gateway, ids = seeded
    services = gateway.services
    shipped = (REPO / "configs" / "rules.yaml").read_text()
    path = _candidate(gateway, tmp_path, shipped.rstrip() + "\n" + FALCON_RULE)
    policy = candidate_policy(path, services.policy.current)
    seen: list[tuple[int, int | None]] = []
    result = backtest(services.engine, services.archive, policy, 1, rules_file=str(path),
                      progress=lambda done, total: seen.append((done, total)))
    falcon = sorted(ids[n] for n in (3, 9, 15))
    assert result["messages"] == 20 and result["totals"]["checked"] == 20
    assert result["totals"] == {"checked": 20, "unchanged": 17, "newly_held": 3, "newly_released": 0,
                                "newly_rejected": 0}
    assert result["rules"]["falcon-hold"]["newly_held"] == {"count": 3, "samples": falcon}
    assert result["rules"]["falcon-hold"]["hits"] == 3
    assert result["rules"]["outbound-confidential-marker"]["hits"] == 1        # held then, held now
    assert result["rules"]["outbound-confidential-marker"]["newly_held"]["count"] == 0
    assert seen[-1] == (20, 20)
    assert any(f"newly held 3 [{' '.join(map(str, falcon))}]" in line for line in format_result(result))


def test_backtest_names_what_a_dropped_rule_would_release_and_the_cli_prints_the_same(
        seeded, tmp_path: Path) -> None:
    gateway, ids = seeded
    services = gateway.services
    path = _candidate(gateway, tmp_path, SMALL_RULES)
    result = backtest(services.engine, services.archive, candidate_policy(path, services.policy.current), 1,
                      rules_file=str(path))
    assert result["rules"]["outbound-confidential-marker"]["newly_released"] == {"count": 1, "samples": [ids[12]]}
    assert result["rules"]["falcon-hold"]["newly_held"]["samples"] == sorted(ids[n] for n in (3, 9, 15))
    # the CLI opens the same database and keys beside the running gateway, as an operator would
    config = Path(services.settings.rules_path).parent / "gateway.yaml"
    out = mailwarden("rules", "backtest", str(path), "--days", "1", "--json", config=config)
    assert out.returncode == 0, out.stderr
    printed = json.loads(out.stdout)
    assert printed["rules"] == result["rules"] and printed["totals"] == result["totals"]
    text = mailwarden("rules", "backtest", str(path), "--days", "1", config=config)
    assert text.returncode == 0 and text.stdout.splitlines() == format_result(printed)
    assert f"newly released 1 [{ids[12]}]" in text.stdout
    assert f"newly held 3 [{' '.join(str(ids[n]) for n in (3, 9, 15))}]" in text.stdout


def test_backtest_cli_refuses_a_bad_rules_file_with_file_line(tmp_path: Path) -> None:
    from tests.harness import free_port, write_config

    config = write_config(tmp_path / "gw", database_url=f"sqlite:///{tmp_path / 'gw.db'}", next_hop="127.0.0.1:9",
                          smtp_port=free_port(), api_port=free_port())
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - name: x\n    when: {regex: {pattern: '(unclosed'}}\n    action: reject\n")
    out = mailwarden("rules", "backtest", str(bad), "--days", "3", config=config)
    assert out.returncode == 2
    assert f"{bad}:3" in out.stderr and "Traceback" not in out.stderr
    out = mailwarden("rules", "backtest", str(bad), "--days", "0", config=config)
    assert out.returncode == 2 and "--days" in out.stderr


def test_backtest_as_a_job_keeps_progress_and_result_in_the_database(seeded, tmp_path: Path) -> None:
    gateway, ids = seeded
    services = gateway.services
    path = _candidate(gateway, tmp_path, SMALL_RULES)
    policy = candidate_policy(path, services.policy.current)
    store = JobStore(services.engine)
    job_id = store.submit("backtest", "ada", {"days": 1},
                          lambda progress: backtest(services.engine, services.archive, policy, 1, progress=progress))
    row = store.wait(job_id, timeout=120)
    assert row["state"] == "done" and row["done"] == row["total"] == 20 and row["percent"] == 100
    assert row["result"]["rules"]["falcon-hold"]["newly_held"]["count"] == 3
    # another process (a page reload served by another worker) reads the same row
    assert JobStore(services.engine).get(job_id, owner="ada")["result"] == row["result"]
    with pytest.raises(JobNotFound):
        store.get(job_id, owner="someone-else")
    failing = store.submit("backtest", "ada", {}, lambda progress: backtest(services.engine, services.archive,
                                                                          policy, 0))
    failed = store.wait(failing, timeout=30)
    assert failed["state"] == "failed" and failed["error"] == "days must be more than 0"


def test_a_job_whose_process_died_is_reported_interrupted(engine: sa.Engine) -> None:
    from admin_api.tables import metadata

    metadata.create_all(engine)
    now = time.time()
    with engine.begin() as conn:
        job_id = conn.execute(sa.insert(jobs_table).values(
            kind="backtest", owner="ada", params={}, state="running", done=5, total=20, node="gone:1",
            created_at=now - 600, updated_at=now - STALE_AFTER - 1)).inserted_primary_key[0]
    store = JobStore(engine)
    assert store.get(job_id)["state"] == "interrupted"
    items, nxt = store.list(owner="ada")
    assert [i["id"] for i in items] == [job_id] and nxt is None
