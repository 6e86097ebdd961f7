"""The console's sign-in in a real headless Chromium against a real gateway fed over SMTP
(SQLite and PostgreSQL): sign-in and out, wrong password, throttle, TOTP, CSRF, expiry,
languages, accessibility, notice links. Screenshots go to tests/output/screenshots/."""

from __future__ import annotations

import random
import re
import string
import time

import pyotp
import pytest
import sqlalchemy as sa

from admin_api import tables as at
from tests.browser.support import PASSWORD, ConsoleStack, axe, screenshot, sign_in, sign_out

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_sign_in_and_out(stack: ConsoleStack, new_page) -> None:  # noqa: ANN001
    page = new_page("en-US")
    page.goto(stack.url("/"))
    assert page.url == stack.url("/signin?next=/")
    assert page.locator("h1").inner_text() == "Sign in"
    axe(page)
    screenshot(page, f"signin-en-{stack.gateway.services.engine.dialect.name}")
    sign_in(page, stack, "cfo")
    assert page.url == stack.url("/queue")   # the start page is the review queue
    assert "Review queue" in page.locator("h1").inner_text()
    cookie = next(c for c in page.context.cookies() if c["name"] == "mw_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    axe(page)
    screenshot(page, "home-en")
    sign_out(page)
    assert page.url.startswith(stack.url("/signin"))
    page.goto(stack.url("/account"))
    assert page.url == stack.url("/signin?next=/account")


def test_wrong_password_and_throttle(stack: ConsoleStack, new_page) -> None:  # noqa: ANN001
    page = new_page("en-US")
    sign_in(page, stack, "heidi", "not the password at all")
    assert page.locator("[role=alert]").inner_text() == "The name or the password is not right."
    assert page.locator("#name").input_value() == "heidi"       # the name is kept
    axe(page)
    screenshot(page, "signin-wrong-password-en")
    for _ in range(4):
        sign_in(page, stack, "heidi", "still not the password")
    sign_in(page, stack, "heidi")    # the right password, but after five failures
    assert page.locator("h1").inner_text() == "Too many attempts"
    assert "Try again in" in page.locator("main p").inner_text()
    screenshot(page, "signin-throttled-en")
    with stack.engine.begin() as conn:   # the next test signs in as heidi again
        conn.execute(sa.delete(at.signin_failures))


def test_totp_enrolment_and_sign_in_with_a_code(stack: ConsoleStack, new_page) -> None:  # noqa: ANN001
    page = new_page("zh-CN")
    sign_in(page, stack, "grace", path="/account")
    assert page.url == stack.url("/account")
    axe(page)
    screenshot(page, "account-zh")
    page.locator("form[action='/account/totp/start'] button").click()
    secret = page.locator("#totp-secret").inner_text()
    totp = pyotp.TOTP(secret)
    page.locator("#enrol-code").fill(totp.now())
    page.locator("form[action='/account/totp/confirm'] button").click()
    assert page.locator("[role=status]").inner_text() == "第二重验证已开启：登录时需要输入验证码。"
    sign_out(page)

    time.sleep(max(0.0, 30 - time.time() % 30) + 0.2)   # a new step: the enrolment's code is spent
    sign_in(page, stack, "grace", path="/account")
    assert page.url.startswith(stack.url("/signin/code"))
    assert page.locator("h1").inner_text() == "第二重验证"
    axe(page)
    screenshot(page, "signin-code-zh")
    page.locator("#code").fill("000000" if totp.now() != "000000" else "111111")
    page.locator("form[action='/signin/code'] button").click()
    assert page.locator("[role=alert]").inner_text() == "验证码不正确。"
    page.locator("#code").fill(totp.now())
    page.locator("form[action='/signin/code'] button").click()
    assert page.url == stack.url("/account")
    with stack.engine.begin() as conn:   # grace signs in without a code elsewhere
        conn.execute(sa.update(at.console_accounts).values(totp_secret=None))


def test_a_forged_post_without_the_csrf_token_is_refused(stack: ConsoleStack, new_page) -> None:  # noqa: ANN001
    page = new_page("en-US")
    sign_in(page, stack, "root", path="/account")
    # the browser's own cookies, a form post that did not come from the page (no token)
    forged = page.context.request.post(stack.url("/account/preferences"),
                                       form={"language": "zh_CN", "time_zone": "Asia/Shanghai"},
                                       max_redirects=0)
    assert forged.status == 403 and "Not allowed" in forged.text()
    page.reload()
    assert page.locator("#language").input_value() == ""
    # the same with the page's token goes through
    page.locator("#language").select_option("zh_CN")
    page.locator("form[action='/account/preferences'] button").click()
    assert page.locator("h1").inner_text() == "我的账户"
    page.locator("#language").select_option("")
    page.locator("form[action='/account/preferences'] button").click()
    assert page.locator("h1").inner_text() == "Your account"


def test_an_expired_session_returns_to_sign_in_and_back(stack: ConsoleStack, new_page) -> None:  # noqa: ANN001
    page = new_page("en-US")
    sign_in(page, stack, "audrey", path="/account")
    assert page.url == stack.url("/account")
    idle = stack.gateway.services.settings.api.session_idle
    with stack.engine.begin() as conn:   # as if the person had left the page for longer than idle
        conn.execute(sa.update(at.sessions).values(last_seen_at=at.sessions.c.last_seen_at - idle - 1))
    page.reload()
    assert page.url == stack.url("/signin?next=/account&ended=1")
    page.locator("#name").fill("audrey")
    page.locator("#password").fill(PASSWORD)
    page.locator("form[action='/signin'] button").click()
    assert page.url == stack.url("/account")


def test_chinese_and_english_pages(stack: ConsoleStack, new_page) -> None:  # noqa: ANN001
    zh, en = new_page("zh-CN"), new_page("en-US")
    zh.goto(stack.url("/signin"))
    en.goto(stack.url("/signin"))
    assert zh.locator("html").get_attribute("lang") == "zh-CN"
    assert zh.locator("h1").inner_text() == "登录" and zh.locator("label[for=password]").inner_text() == "密码"
    assert en.locator("h1").inner_text() == "Sign in" and en.locator("label[for=password]").inner_text() == "Password"
    axe(zh)
    screenshot(zh, "signin-zh")
    # the switch in the footer
    en.locator("footer a[lang=zh-CN]").click()
    assert en.locator("h1").inner_text() == "登录"
    en.locator("footer a[lang=en]").click()
    assert en.locator("h1").inner_text() == "Sign in"
    phone = new_page("zh-CN", phone=True)
    phone.goto(stack.url("/signin"))
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390      # fits a phone: nothing scrolls sideways
    screenshot(phone, "signin-zh-phone")


def test_a_notice_link_leads_through_sign_in_to_the_entry(stack: ConsoleStack, new_page) -> None:  # noqa: ANN001
    subject = "Board pack " + "".join(random.choices(string.ascii_lowercase, k=10))  # no digits: not masked
    stack.send("alice@example.com", "partner@other.org", subject, "Strictly confidential\r\nnumbers\r\n")
    entry = stack.held(subject)[0]
    page = new_page("en-US")
    page.goto(stack.url(f"/quarantine/{entry['id']}"))     # the link in the notice
    assert page.url == stack.url(f"/signin?next=/quarantine/{entry['id']}")
    page.locator("#name").fill("cfo")
    page.locator("#password").fill(PASSWORD)
    page.locator("form[action='/signin'] button").click()
    assert page.url == stack.url(f"/quarantine/{entry['id']}")
    assert subject in page.locator("main").inner_text()
    # another department's supervisor: not found, as for an unknown id
    other = new_page("en-US")
    sign_in(other, stack, "cto", path=f"/quarantine/{entry['id']}")
    assert other.locator("h1").inner_text() == "Not found"
    assert re.search(r"/quarantine/\d+$", other.url)
