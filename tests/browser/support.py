"""Helpers for browser tests (no tests here): a real gateway for the console, Chromium driven
by Playwright, screenshots and axe-core.

The browser is Debian's ``/usr/bin/chromium`` (Playwright's own download is never used).
Browser tests skip when it is missing, unless ``MAILWARDEN_REQUIRE_BROWSER=1`` (CI) makes
its absence a failure.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from admin_api.passwords import set_password
from admin_api.users import add_user
from tests.conftest import pg_schema_url
from tests.harness import InProcessGateway, Sink, free_port, send, simple_message, write_config

CHROMIUM = Path(os.environ.get("MAILWARDEN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
REQUIRED = os.environ.get("MAILWARDEN_REQUIRE_BROWSER") == "1"
HERE = Path(__file__).resolve().parent
AXE = HERE / "vendor" / "axe-core-4.14.1" / "axe.min.js"
SCREENSHOTS = HERE.parent / "output" / "screenshots"
PASSWORD = "browser test password"

# Who signs in, as in configs/directory.yaml: (role, departments, address)
PEOPLE: dict[str, tuple[str, tuple[str, ...], str]] = {
    "cfo": ("supervisor", ("finance",), "cfo@example.com"),
    "cto": ("supervisor", ("engineering",), "cto@example.com"),
    "grace": ("compliance", (), "grace@example.com"),
    "heidi": ("compliance", (), "heidi@example.com"),
    "root": ("admin", (), "it-admin@example.com"),
    "audrey": ("auditor", (), "audrey@example.com"),
}


def browser_or_skip() -> None:
    """Skip (or, with MAILWARDEN_REQUIRE_BROWSER=1, fail) when Chromium or Playwright is missing."""
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} not installed (apt-get install chromium fonts-noto-cjk)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "playwright is not installed (pip install -e '.[test]')"
    if problem:
        if REQUIRED:
            pytest.fail(f"MAILWARDEN_REQUIRE_BROWSER=1 but {problem}")
        pytest.skip(problem)


@dataclass
class ConsoleStack:
    """A real gateway (SMTP in, API + console, delivery into a real SMTP sink) with people
    who have console passwords (``PASSWORD``) and API tokens."""

    gateway: InProcessGateway
    sink: Sink
    base_url: str
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def engine(self) -> sa.Engine:
        return self.gateway.services.engine

    def send(self, sender: str, to: str, subject: str, body: str) -> None:
        message = simple_message(subject=subject, body=body, sender=sender, to=to)
        assert send(self.gateway.smtp_port, sender, [to], message) == {}

    def held(self, subject: str, timeout: float = 20) -> list[dict[str, Any]]:
        """The held entries of the message with this subject (subjects are unique per test)."""
        svc = self.gateway.services.quarantine
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            page = svc.search(status="held", limit=500)
            found = [e for e in page.items if _subject(self, e) == subject]
            if found:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no held entry for {subject!r}")

    def url(self, path: str) -> str:
        return self.base_url + path


def _subject(stack: ConsoleStack, entry: dict[str, Any]) -> str | None:
    from admin_api.render import subject_of

    try:
        return subject_of(stack.gateway.services.archive.open(entry["archive_id"]))
    except Exception:  # noqa: BLE001
        return None


def console_stack(kind: str, tmp: Path, *, overrides: dict[str, Any] | None = None,
                  more_rules: str = "") -> Iterator[ConsoleStack]:
    """Start the stack on ``kind`` ("sqlite" or "postgres"); stop it when the generator closes.
    ``overrides`` go into gateway.yaml (e.g. an engine), ``more_rules`` after the shipped rules."""
    urls = pg_schema_url() if kind == "postgres" else iter([f"sqlite:///{tmp / 'mw.db'}"])
    url = next(urls)
    sink = Sink().start()
    config = write_config(tmp / "gw", database_url=url, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=free_port(), overrides=overrides)
    if more_rules:
        rules = config.parent / "rules.yaml"
        rules.write_text(rules.read_text(encoding="utf-8").rstrip() + "\n" + more_rules, encoding="utf-8")
    gateway = InProcessGateway(config, with_api=True).start()
    try:
        stack = ConsoleStack(gateway, sink, f"http://127.0.0.1:{gateway.api_port}")
        for name, (role, departments, address) in PEOPLE.items():
            stack.tokens[name] = add_user(stack.engine, name, role, list(departments), address)
            set_password(stack.engine, name, PASSWORD)
        yield stack
    finally:
        gateway.stop()
        sink.stop()
        for _ in urls:   # drops the PostgreSQL schema
            pass


# --------------------------------------------------------------------------- page helpers
def sign_in(page: Any, stack: ConsoleStack, name: str, password: str = PASSWORD, path: str = "/") -> None:
    """Open ``path`` (which leads to the sign-in page) and sign in through the form."""
    page.goto(stack.url(path))
    page.locator("#name").fill(name)
    page.locator("#password").fill(password)
    page.locator("form[action='/signin'] button[type=submit]").click()
    page.wait_for_load_state()


def sign_out(page: Any) -> None:
    page.locator("form[action='/signout'] button").click()
    page.wait_for_load_state()


def screenshot(page: Any, name: str) -> Path:
    """A full-page PNG under tests/output/screenshots/ (gitignored) for reviewers to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^A-Za-z0-9_.-]+", "-", name) + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path


def axe(page: Any, *, context: str = "document") -> list[dict[str, Any]]:
    """Run axe-core on the page; fail on serious or critical violations, return all of them.

    Injected through the DevTools protocol (``page.evaluate``), which the page's CSP does not
    govern: the console's strict policy stays on while axe runs."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;window.axe = axe;")
    result = page.evaluate(f"async () => await axe.run({context}, {{resultTypes: ['violations']}})")
    violations = result["violations"]
    bad = [v for v in violations if v.get("impact") in ("serious", "critical")]
    assert not bad, "axe-core: " + json.dumps(
        [{"id": v["id"], "impact": v["impact"], "help": v["help"],
          "nodes": [n["target"] for n in v["nodes"]][:5]} for v in bad], ensure_ascii=False, indent=1)
    return violations


class CspWatch:
    """Collects Content-Security-Policy violations a page reports on the console."""

    def __init__(self, page: Any) -> None:
        self.violations: list[str] = []
        page.on("console", self._on_console)

    def _on_console(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.violations.append(message.text)
