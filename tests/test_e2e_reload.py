"""Rules reload on SIGHUP and through the API reaches every worker process; a bad file changes nothing."""

from __future__ import annotations

import signal
import smtplib
import time
from pathlib import Path

import httpx

from admin_api.users import add_user
from gateway.db import open_engine
from tests.harness import Sink, SubprocessGateway, free_port, simple_message, write_config

BLOCK_RULE = """
  - name: block-word-{word}
    description: added at run time
    priority: 1
    when: {{subject: {{terms: ["{word}"]}}}}
    action: reject
    message: "Subject word {word} is not allowed"
"""


def _codes(port: int, subject: str, tries: int = 8) -> set[int]:
    """Send over several connections so that every worker process answers at least once."""
    codes = set()
    for _ in range(tries):
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            client.ehlo("c.test")
            client.mail("alice@example.com")
            client.rcpt("bob@example.com")
            codes.add(client.data(simple_message(subject=subject))[0])
    return codes


def _wait_codes(port: int, subject: str, expected: set[int], timeout: float = 20) -> set[int]:
    deadline = time.monotonic() + timeout
    while True:
        codes = _codes(port, subject)
        if codes == expected or time.monotonic() > deadline:
            return codes
        time.sleep(0.3)


BROKEN_RULE = "\n  - name: broken\n    when: {regex: {pattern: '('}}\n    action: reject\n"


def block_word_by_sighup(gw: SubprocessGateway, rules: Path, original: str, word: str) -> None:
    """Add a rule refusing ``word`` in the subject, SIGHUP, and wait until no process accepts it."""
    rules.write_text(original.rstrip() + "\n" + BLOCK_RULE.format(word=word))
    gw.proc.send_signal(signal.SIGHUP)
    assert _wait_codes(gw.smtp_port, word, {550}) == {550}


def break_rules_by_sighup(gw: SubprocessGateway, rules: Path, original: str) -> None:
    """Save an invalid rules file and SIGHUP (every process refuses it and keeps its rules)."""
    rules.write_text(original + BROKEN_RULE)
    gw.proc.send_signal(signal.SIGHUP)
    time.sleep(1.0)


def test_sighup_and_api_reload_reach_all_workers(tmp_path: Path) -> None:
    sink = Sink().start()
    db = f"sqlite:///{tmp_path / 'gw.db'}"
    api_port = free_port()
    config = write_config(tmp_path / "gw", database_url=db, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=api_port, overrides={"smtp": {"workers": 2}})
    rules = config.parent / "rules.yaml"
    original = rules.read_text()
    gw = SubprocessGateway(config).start()
    try:
        assert _codes(gw.smtp_port, "zebra") == {250}
        block_word_by_sighup(gw, rules, original, "zebra")

        # A broken file is refused and the rules in force stay as they were.
        break_rules_by_sighup(gw, rules, original)
        assert _codes(gw.smtp_port, "zebra") == {550}
        assert gw.proc.poll() is None

        # The API reload does the same, for every worker.
        token = add_user(open_engine(db), "root", "admin")
        headers = {"Authorization": f"Bearer {token}"}
        bad = httpx.post(f"http://127.0.0.1:{api_port}/api/v1/rules/reload", headers=headers, timeout=30)
        assert bad.status_code == 422 and "rules.yaml" in bad.text
        rules.write_text(original.rstrip() + "\n" + BLOCK_RULE.format(word="yak"))
        ok = httpx.post(f"http://127.0.0.1:{api_port}/api/v1/rules/reload", headers=headers, timeout=30)
        assert ok.status_code == 200, ok.text
        assert _wait_codes(gw.smtp_port, "yak", {550}) == {550}
        # (the other worker reloads on the SIGHUP the API sends it, a moment later: eight connections
        # may all have reached the first one, so the old rule's end is waited for too)
        assert _wait_codes(gw.smtp_port, "zebra", {250}) == {250}
    finally:
        gw.terminate()
        sink.stop()
