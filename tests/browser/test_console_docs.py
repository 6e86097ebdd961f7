"""``/docs`` and ``/redoc`` render in a real browser from the gateway alone: no request leaves
for a CDN (old main's /docs loaded Swagger UI from cdn.jsdelivr.net: blank without internet)."""

from __future__ import annotations

import pytest

from tests.browser.support import ConsoleStack, screenshot

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.mark.parametrize(("path", "title"), [("/docs", ".swagger-ui .info .title"), ("/redoc", "h1")])
def test_api_docs_load_only_local_assets(stack: ConsoleStack, new_page, path: str, title: str) -> None:  # noqa: ANN001
    page = new_page("en-US")
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(stack.base_url)
               else route.abort())    # as on a gateway without internet
    page.goto(stack.url(path))
    heading = page.locator(title).first
    heading.wait_for(timeout=90_000)   # a large schema on a busy machine
    assert "mailwarden admin API" in heading.inner_text()
    outside = [u for u in requested if not u.startswith((stack.base_url, "data:", "blob:"))]
    assert outside == []
    screenshot(page, f"api{path.replace('/', '-')}")
