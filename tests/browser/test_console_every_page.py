"""Issue 15: every console page and error page, in en-US and zh-CN, in a real Chromium against a
real gateway fed over SMTP (the console seed, tests/console_seed.py, plus what each page needs).

Each page passes axe-core (no serious or critical violation) and is screenshotted as
``tests/output/screenshots/<page>-<lang>.png``; in zh-CN the headings, buttons, labels and
table headings are Chinese with no English catalog string or stored code left raw (the
entry page marks the GBK message's findings). One Chromium for the module, one seed per
database; the walk runs on SQLite and PostgreSQL (the module's ``stack`` fixture does both), the
screenshots of the second run (PostgreSQL) overwrite the first's.

``test_every_page_route_is_walked_or_excluded`` lists the GET routes of admin_api/pages and
fails when one is neither walked (``PAGES``) nor excluded with a reason (``NOT_PAGES``): a page
added later without a screenshot is noticed."""

from __future__ import annotations

import importlib
import pkgutil
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest
import sqlalchemy as sa

import admin_api.pages
from admin_api import account_links, roles
from admin_api import tables as admin_t
from admin_api.passwords import set_password
from admin_api.users import add_user
from tests.browser.support import PASSWORD, PEOPLE, ConsoleStack, axe, screenshot, sign_in
from tests.console_seed import Console, seed
from tests.harness import send
from tests.test_console_zh import ID_NUMBER, PARTNER, english_left, gbk_message, raw_codes

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(900)]
HAN = re.compile(r"[\u4e00-\u9fff]")
BAD_RANGE = "after=2026-02-02&before=2026-01-01"       # the first day after the last


@dataclass(frozen=True)
class Page:
    """One walked page: its screenshot name, the route it renders, who opens it (a name of
    tests.browser.support.PEOPLE, or ``anon``), the path (``{key}`` filled from the seed) and
    the HTTP status it answers."""

    name: str
    route: str
    who: str
    path: str
    status: int = 200


PAGES: tuple[Page, ...] = (
    Page("signin", "/signin", "anon", "/signin?next=/queue"),
    Page("password", "/password", "anon", "/password?token={password_token}"),
    Page("password-link-invalid", "/password", "anon", "/password?token=mwl_no-such-link", 410),
    Page("sender", "/sender", "anon", "/sender?token={sender_token}"),
    Page("sender-link-invalid", "/sender", "anon", "/sender?token=no-such-token", 403),
    Page("queue", "/queue", "cfo", "/queue"),
    Page("queue-bad-dates", "/queue", "cfo", f"/queue?{BAD_RANGE}"),
    Page("entry", "/quarantine/{entry_id}", "cfo", "/quarantine/{entry_id}"),
    Page("error-403", "/users", "cfo", "/users", 403),
    Page("error-404", "/quarantine/{entry_id}", "cfo", "/quarantine/987654321", 404),
    Page("error-422", "/quarantine/{entry_id}", "cfo", "/quarantine/not-a-number", 422),
    Page("archive", "/archive", "grace", "/archive?q=%E5%90%88%E5%90%8C"),
    Page("archive-bad-date", "/archive", "grace", "/archive?q=x&after=2026-13-45", 422),
    Page("archive-export", "/archive/exports/{job_id}", "grace", "/archive/exports/{export_job}"),
    Page("archive-message", "/archive/{archive_id}", "audrey", "/archive/{archive_id}"),
    Page("dashboard", "/dashboard", "grace", "/dashboard"),
    Page("dashboard-bad-dates", "/dashboard", "grace", f"/dashboard?{BAD_RANGE}", 422),
    Page("dashboard-report", "/dashboard/report", "grace", "/dashboard/report"),
    Page("audit", "/audit", "root", "/audit"),
    Page("audit-bad-dates", "/audit", "root", f"/audit?{BAD_RANGE}", 422),
    Page("rules", "/rules", "root", "/rules"),
    Page("rules-backtest", "/rules/backtest/{job_id}", "root", "/rules/backtest/{backtest_job}"),
    Page("users", "/users", "root", "/users"),
    Page("account", "/account", "root", "/account"),
    Page("sessions", "/account/sessions", "root", "/account/sessions"),
)
# Pages reached by doing something first (walked in test_every_page_in_both_languages itself)
ACTED: dict[str, str] = {
    "signin-failed": "/signin", "signin-throttled": "/signin", "session-expired": "/signin",
    "signin-code": "/signin/code", "account-totp": "/account", "account-phone": "/account",
    "users-reset-link": "/users",
}
NOT_PAGES: dict[str, str] = {
    "/": "redirects to /queue (walked as queue)",
    "/lang/{language}": "sets the language cookie and redirects (used by the footer's switch)",
    "/audit.csv": "a CSV download, not a page",
    "/dashboard.csv": "a CSV download, not a page",
    "/archive/{archive_id}/raw": "the stored message as a download, not a page",
    "/archive/exports/{job_id}/download": "the export bundle as a download, not a page",
    "/docs": "the API's Swagger UI (vendored, English only); tests/browser/test_console_docs.py loads it",
    "/redoc": "the API's ReDoc (vendored, English only); tests/browser/test_console_docs.py loads it",
}


def page_routes() -> set[str]:
    """The GET routes of every router in admin_api/pages."""
    found = set()
    for info in pkgutil.iter_modules(admin_api.pages.__path__):
        module = importlib.import_module(f"admin_api.pages.{info.name}")
        router = getattr(module, "router", None)
        for route in getattr(router, "routes", ()):
            if "GET" in getattr(route, "methods", ()):
                found.add(route.path)
    return found


def test_every_page_route_is_walked_or_excluded() -> None:
    routes = page_routes()
    walked = {p.route for p in PAGES} | set(ACTED.values())
    assert routes - walked - set(NOT_PAGES) == set(), "GET pages neither walked nor excluded with a reason"
    assert (walked | set(NOT_PAGES)) - routes == set(), "walked or excluded routes that no longer exist"
    assert walked.isdisjoint(NOT_PAGES)


# --------------------------------------------------------------------------- the seed
@pytest.fixture(scope="module")
def seeded(stack: ConsoleStack) -> dict[str, Any]:
    """The console seed, a GBK message held for the CFO, a policy tip's link, a legal hold, an
    export and a backtest job, a password link; people for the second factor and expiry."""
    console = Console(stack.gateway, stack.sink, stack.base_url, stack.tokens)
    seed(console)
    assert send(stack.gateway.smtp_port, "li.wei@example.com", [PARTNER], gbk_message()) == {}
    warned = "你好 弗兰克 " + stack.base_url[-5:]
    stack.send("frank@example.com", PARTNER, warned, "你好\r\n")
    [entry] = stack.held("合同草案 审阅")
    [tip] = stack.held(warned)
    svc = stack.gateway.services.quarantine
    out: dict[str, Any] = {
        "entry_id": entry["id"], "archive_id": console.ids[6],   # 合同草案 6: outbound, delivered
        "sender_token": svc.make_sender_token(tip["id"], tip["expires_at"]),
    }
    with _api(stack, "grace") as client:
        answer = client.post("/api/v1/archive/holds/from-search", json={"q": "合同", "reason": "Litigation 2026-7"})
        assert answer.status_code == 201, answer.text
        answer = client.post("/api/v1/archive/exports", json={"q": "ProjectFalcon"})
        assert answer.status_code == 202, answer.text
        out["export_job"] = answer.json()["id"]
    rules = Path(stack.gateway.services.settings.rules_path).read_text(encoding="utf-8")
    with _api(stack, "root") as client:
        answer = client.post("/api/v1/rules/backtest", json={"rules": rules, "days": 1})
        assert answer.status_code == 202, answer.text
        out["backtest_job"] = answer.json()["id"]
    for name in ("tess-en", "tess-zh", "ivy-en", "ivy-zh"):     # second factor; expired session
        add_user(stack.engine, name, "auditor", [], None)
        set_password(stack.engine, name, PASSWORD)
    out["password_token"], _ = account_links.issue(stack.engine, "heidi", "reset", now=time.time(), lifetime=86400)
    for kind in ("export_job", "backtest_job"):      # the job pages show their finished state
        _wait_job(stack, kind, out[kind])
    return out


def _api(stack: ConsoleStack, who: str) -> httpx.Client:
    return httpx.Client(base_url=stack.base_url, timeout=60, headers={"Authorization": f"Bearer {stack.tokens[who]}"})


def _wait_job(stack: ConsoleStack, kind: str, job_id: int) -> None:
    who, path = ("grace", "archive/exports") if kind == "export_job" else ("root", "rules/backtest")
    deadline = time.monotonic() + 120
    with _api(stack, who) as client:
        while client.get(f"/api/v1/{path}/{job_id}").json()["state"] in ("queued", "running"):
            assert time.monotonic() < deadline, f"{kind} {job_id} did not finish"
            time.sleep(0.5)


# --------------------------------------------------------------------------- checks
def check_chinese(page: Any, name: str) -> None:
    """Headings, buttons and table headings in Chinese; nothing English or raw left."""
    assert page.locator("html").get_attribute("lang") == "zh-CN", name
    for selector in ("main h1", "main h2", "main button:visible", "main a.button:visible", "main thead th:visible",
                     "main label:visible"):
        for text in page.locator(selector).all_inner_texts():
            if text.strip():
                assert HAN.search(text), (name, selector, text)
    html = page.content()
    assert raw_codes(html) == set(), (name, raw_codes(html))
    assert english_left(html) == set(), (name, english_left(html))


# The header's links, in order, and the permission each needs (admin_api/roles.py)
NAV = (("/queue", "quarantine.list"), ("/archive", "archive.search"), ("/dashboard", "dashboard.read"),
       ("/audit", "audit.read"), ("/rules", "rules.read"), ("/users", "users.list"),
       ("/account/sessions", "me.read"), ("/account", "me.read"))


def check_nav(page: Any, name: str, role: str | None) -> None:
    """A signed-in page's header links to every page the role may open, and to no other: from
    any page one reaches the others (old main's queue, entry, account and error pages had no
    links, and no page linked back to the queue); at most one of them is the current page."""
    links = page.locator("header.top nav a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    expected = [href for href, action in NAV if role and roles.allowed(role, action)]
    assert links == expected, (name, links)
    assert page.locator("header.top nav a[aria-current=page]").count() <= 1, name


def shoot(page: Any, name: str, lang: str, role: str | None = None) -> None:
    """The checks every page gets: its language, the header's links, axe-core, a screenshot."""
    check_nav(page, name, role)
    if lang == "zh":
        check_chinese(page, name)
    else:
        assert page.locator("html").get_attribute("lang") == "en", name
    assert page.locator("h1").count() == 1, name
    if page.viewport_size["width"] > 600:     # the footer lines up with the page's heading
        h1, foot = page.evaluate("() => ['main h1', 'footer.foot nav'].map("
                                 "s => document.querySelector(s).getBoundingClientRect().left)")
        assert abs(h1 - foot) < 1, (name, h1, foot)
    axe(page)
    screenshot(page, f"{name}-{lang}")


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_every_page_in_both_languages(stack: ConsoleStack, seeded: dict[str, Any], new_page: Callable[..., Any],
                                      locale: str) -> None:
    lang = locale[:2]
    pages: dict[str, Any] = {}
    for spec in PAGES:
        if spec.who not in pages:
            pages[spec.who] = new_page(locale)
            if spec.who != "anon":
                sign_in(pages[spec.who], stack, spec.who)
        page = pages[spec.who]
        answer = page.goto(stack.url(spec.path.format(**seeded)))
        assert answer is not None and answer.status == spec.status, (spec.name, answer and answer.status)
        shoot(page, spec.name, lang, PEOPLE[spec.who][0] if spec.who in PEOPLE else None)
        if spec.name == "entry" and lang == "zh":
            marks = set(page.locator(".evidence mark").all_inner_texts())
            assert {"機密", "**************0048"} <= marks, marks
            assert ID_NUMBER in page.locator(".mail-html mark").all_inner_texts()
        if spec.name.endswith(("bad-date", "bad-dates")):
            assert "2026-" in page.locator("[role=alert]").first.inner_text(), spec.name

    root = pages["root"]            # a reset link mailed: the users page says so
    root.goto(stack.url("/users"))
    row = root.locator("tr[data-user='cto']")
    row.locator("summary").click()
    row.locator("form[action$='/reset-link'] button").click()
    root.wait_for_load_state()
    assert "cto@example.com" in root.locator("[role=status]").inner_text()
    shoot(root, "users-reset-link", lang, "admin")

    phone = new_page(locale, phone=True)     # an admin's eight header links wrap on a phone
    sign_in(phone, stack, "root", path="/account")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    shoot(phone, "account-phone", lang, "admin")

    tess = new_page(locale)         # enrolling a second factor, then the code asked at sign-in
    sign_in(tess, stack, f"tess-{lang}", path="/account")
    tess.locator("form[action='/account/totp/start'] button").click()
    tess.wait_for_load_state()
    secret = tess.locator("#totp-secret").inner_text()
    shoot(tess, "account-totp", lang, "auditor")
    tess.locator("#enrol-code").fill(pyotp.TOTP(secret).now())
    tess.locator("form[action='/account/totp/confirm'] button").click()
    tess.wait_for_load_state()
    fresh = new_page(locale)
    sign_in(fresh, stack, f"tess-{lang}", path="/account")
    assert fresh.url.startswith(stack.url("/signin/code"))
    shoot(fresh, "signin-code", lang)

    ivy = new_page(locale)          # an expired session: back to sign-in
    sign_in(ivy, stack, f"ivy-{lang}", path="/account")
    idle = stack.gateway.services.settings.api.session_idle
    with stack.engine.begin() as conn:
        uid = conn.execute(sa.select(admin_t.users.c.id).where(admin_t.users.c.name == f"ivy-{lang}")).scalar_one()
        s = admin_t.sessions
        conn.execute(sa.update(s).where(s.c.user_id == uid).values(last_seen_at=s.c.last_seen_at - idle - 1))
    ivy.reload()
    assert ivy.url == stack.url("/signin?next=/account&ended=1")
    assert ivy.locator("[role=status]").count() == 1        # said why (old main: the bare sign-in page)
    shoot(ivy, "session-expired", lang)

    anon = pages["anon"]            # the sign-in failure, then the throttle
    sign_in(anon, stack, "heidi", "not the password at all")
    assert anon.locator("[role=alert]").count() == 1
    shoot(anon, "signin-failed", lang)
    try:
        for _ in range(5):
            sign_in(anon, stack, "heidi", "still not the password")
        assert anon.locator("#password").count() == 0, "not throttled"     # the message, not the form
        if lang == "en":
            assert anon.locator("h1").inner_text() == "Too many attempts"
        shoot(anon, "signin-throttled", lang)
    finally:
        with stack.engine.begin() as conn:
            conn.execute(sa.delete(admin_t.signin_failures))
