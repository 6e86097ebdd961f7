"""Issue 15: every console page in zh-CN in a real Chromium against a real gateway fed over
SMTP (SQLite and PostgreSQL). Sign-in, queue, entry, the sender's tip, archive search, the
timeline, dashboard, audit log, rules, users, account and sessions each show Chinese headings,
buttons and table headings, no English catalog string and no stored code left raw; the
entry page marks the GBK message's findings. Screenshots of the queue and entry pages in
Chinese go to tests/output/screenshots/ (zh-queue-full.png, zh-entry-full.png, and the sender's page
on a phone, zh-sender-phone.png)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.support import PASSWORD, ConsoleStack, screenshot
from tests.harness import send
from tests.test_console_zh import ID_NUMBER, PARTNER, english_left, gbk_message, raw_codes

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(900)]
HAN = re.compile(r"[\u4e00-\u9fff]")


def sign_in_zh(page: Any, stack: ConsoleStack, name: str, path: str) -> None:
    page.goto(stack.url(path))
    assert HAN.search(page.locator("h1").inner_text())           # the sign-in page, in Chinese
    check_chinese(page, "sign-in")
    page.locator("#name").fill(name)
    page.locator("#password").fill(PASSWORD)
    page.locator("form[action='/signin'] button[type=submit]").click()
    page.wait_for_load_state()


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


def test_every_page_in_chinese(stack: ConsoleStack, new_page: Any) -> None:
    assert send(stack.gateway.smtp_port, "li.wei@example.com", [PARTNER], gbk_message()) == {}
    warned = "你好 弗兰克 " + stack.base_url[-5:]
    stack.send("frank@example.com", PARTNER, warned, "你好\r\n")
    [entry] = stack.held("合同草案 审阅")
    [tip] = stack.held(warned)
    svc = stack.gateway.services.quarantine

    cfo = new_page("zh-CN")
    sign_in_zh(cfo, stack, "cfo", "/queue")
    assert cfo.locator("h1").inner_text() == "审核队列"
    check_chinese(cfo, "queue")
    screenshot(cfo, "zh-queue-full")
    cfo.goto(stack.url(f"/quarantine/{entry['id']}"))
    check_chinese(cfo, "entry")
    reasons = cfo.locator(".evidence.reason")
    assert reasons.count() >= 2
    marks = set(cfo.locator(".evidence mark").all_inner_texts())
    assert {"機密", "**************002X"} <= marks, marks
    assert ID_NUMBER in cfo.locator(".mail-html mark").all_inner_texts()
    screenshot(cfo, "zh-entry-full")

    sender = new_page("zh-CN", phone=True)
    sender.goto(stack.url(f"/sender?token={svc.make_sender_token(tip['id'], tip['expires_at'])}"))
    assert sender.locator("h1").inner_text() == "您的邮件已被拦截"
    assert "目录未授权此发件人向外部发送邮件" in sender.locator("dl.facts").inner_text()
    check_chinese(sender, "sender")
    screenshot(sender, "zh-sender-phone")

    root = new_page("zh-CN")
    sign_in_zh(root, stack, "root", "/archive")
    for name, path in (("archive search", "/archive?q=%E5%90%88%E5%90%8C"),
                       ("timeline", f"/archive/{entry['archive_id']}"), ("dashboard", "/dashboard"),
                       ("audit log", "/audit"), ("rules", "/rules"), ("users", "/users"), ("account", "/account"),
                       ("sessions", "/account/sessions")):
        root.goto(stack.url(path))
        check_chinese(root, name)
        if name == "rules":
            assert "外发邮件中含有保密标记（中文或英文）" in root.locator("#rules-table").inner_text()
