"""Fixtures of the browser tests: one real gateway per database per module, one Chromium per
module, a fresh browser context (cookies, language) per page. See support.py for helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, ConsoleStack, CspWatch, browser_or_skip, console_stack


# Per module, not per session: a live sync Playwright is a running event loop in the main
# thread, and every later test that calls asyncio.run() failed ("cannot be called from a running
# event loop") -- 58 tests of the full suite, none when run alone.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, browser: Any
          ) -> Iterator[ConsoleStack]:
    """The real gateway with its people (tests.browser.support.PEOPLE); SQLite, then PostgreSQL."""
    yield from console_stack(request.param, tmp_path_factory.mktemp(f"console-{request.param}"))


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """``new_page(locale="zh-CN")``: a page in a fresh context (its own cookies; the browser's
    Accept-Language from ``locale``), phone-sized with ``phone=True``. Each page fails its test
    if it reports a CSP violation."""
    contexts: list[Any] = []
    watches: list[CspWatch] = []

    def make(locale: str = "en-US", *, phone: bool = False, **options: Any) -> Any:
        if phone:
            options.setdefault("viewport", {"width": 390, "height": 844})
            options.setdefault("is_mobile", True)
            options.setdefault("has_touch", True)
        context = browser.new_context(locale=locale, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        watches.append(CspWatch(page))
        return page

    yield make
    for context in contexts:
        context.close()
    violations = [v for w in watches for v in w.violations]
    assert not violations, violations
